//! Round trips through the dynamic client against moto (a real implementation of the
//! services, signature checking on), one service per protocol: IAM (query, global
//! endpoint), Secrets Manager (JSON 1.1), Lambda (rest-json), EC2 (ec2), SQS and DynamoDB
//! (JSON 1.0), Route 53 (rest-xml, global); with modeled errors, a paginator over several
//! pages and waiters. Lambda and Route 53 run on a moto without signature checking (see
//! the Lambda test).

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::time::Duration;

use futures_util::TryStreamExt as _;
use serde_json::json;
use session_dynamic::Value;
use session_testkit::Moto;
use support::{client, rt};

#[test]
fn secrets_manager_json_round_trip_and_modeled_error() {
    let moto = Moto::shared_with_auth();
    rt().block_on(async {
        let sm = client(&moto.session(None), "secretsmanager");
        let created = sm
            .call(
                "CreateSecret",
                json!({"Name": "dyn-db-password", "SecretString": "hunter2",
                       "Tags": [{"Key": "team", "Value": "core"}]}),
            )
            .await
            .unwrap();
        let arn = created
            .get("ARN")
            .and_then(Value::as_str)
            .unwrap()
            .to_owned();
        assert!(arn.contains("dyn-db-password"), "{arn}");
        let got = sm
            .call(
                "GetSecretValue",
                Value::map().with("SecretId", arn.as_str()),
            )
            .await
            .unwrap();
        assert_eq!(
            got.get("SecretString").and_then(Value::as_str),
            Some("hunter2")
        );
        assert_eq!(
            got.get("Name").and_then(Value::as_str),
            Some("dyn-db-password")
        );
        // CreatedDate is a timestamp in the model: it comes back as one.
        assert!(
            got.get("CreatedDate")
                .and_then(Value::as_timestamp)
                .is_some(),
            "{got:?}"
        );

        let err = sm
            .call(
                "GetSecretValue",
                Value::map().with("SecretId", "dyn-missing"),
            )
            .await
            .unwrap_err();
        assert!(
            err.is_service() && err.is_error("ResourceNotFoundException"),
            "{err}"
        );
        let message = err.message().unwrap();
        assert!(
            message.contains("can't find the specified secret"),
            "{message}"
        );
        assert!(err.members().is_some(), "modeled members: {err:?}");
        let shown = err.to_string();
        // moto answers 404 where AWS answers 400; the code is what matters.
        assert!(
            shown.starts_with("GetSecretValue: ResourceNotFoundException ("),
            "{shown}"
        );
    });
}

#[test]
fn secrets_manager_paginates_over_several_pages() {
    let moto = Moto::shared_with_auth();
    rt().block_on(async {
        let sm = client(&moto.session(None), "secretsmanager");
        for i in 0..5 {
            sm.call(
                "CreateSecret",
                json!({"Name": format!("dyn-page-{i}"), "SecretString": "x"}),
            )
            .await
            .unwrap();
        }
        let filter = json!({"Filters": [{"Key": "name", "Values": ["dyn-page-"]}]});
        let pages: Vec<Value> = sm
            .paginate_sized("ListSecrets", filter.clone(), Some(2))
            .try_collect()
            .await
            .unwrap();
        assert_eq!(pages.len(), 3, "{pages:?}");
        let names: Vec<String> = sm
            .paginate_sized("ListSecrets", filter, Some(2))
            .items("SecretList")
            .map_ok(|s| {
                s.get("Name")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_owned()
            })
            .try_collect()
            .await
            .unwrap();
        let mut sorted = names.clone();
        sorted.sort();
        assert_eq!(
            sorted,
            (0..5).map(|i| format!("dyn-page-{i}")).collect::<Vec<_>>()
        );
    });
}

#[test]
fn iam_query_protocol_on_the_global_endpoint() {
    let moto = Moto::shared_with_auth();
    rt().block_on(async {
        let iam = client(&moto.session(None), "iam");
        let user = iam
            .call(
                "CreateUser",
                json!({"UserName": "dyn-alice", "Tags": [{"Key": "k", "Value": "v"}]}),
            )
            .await
            .unwrap();
        let user = user.get("User").unwrap();
        assert_eq!(
            user.get("UserName").and_then(Value::as_str),
            Some("dyn-alice")
        );
        assert!(user
            .get("CreateDate")
            .and_then(Value::as_timestamp)
            .is_some());
        let err = iam
            .call("GetUser", json!({"UserName": "dyn-nobody"}))
            .await
            .unwrap_err();
        assert!(err.is_error("NoSuchEntity"), "{err}");
        assert!(err.request_id().is_some(), "{err:?}");
    });
}

/// On a moto without signature checking: moto checks a GET's signature against a body it
/// makes from the query parameters (or, with none, from the headers), which no client
/// signs, so no GET of a REST service passes its check. The POSTs of the other tests
/// are checked.
#[test]
fn lambda_rest_json_with_a_waiter() {
    let moto = Moto::shared();
    rt().block_on(async {
        let session = moto.session(None);
        let iam = client(&session, "iam");
        let role = iam
            .call(
                "CreateRole",
                json!({"RoleName": "dyn-lambda-role",
                       "AssumeRolePolicyDocument": "{\"Version\":\"2012-10-17\",\"Statement\":[]}"}),
            )
            .await
            .unwrap();
        let role_arn = role["Role"]["Arn"].clone();
        let lambda = client(&session, "lambda");
        // An empty zip file (the end-of-central-directory record alone).
        let zip = Value::Blob(bytes::Bytes::from_static(&[
            0x50, 0x4b, 0x05, 0x06, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        ]));
        let input = Value::map()
            .with("FunctionName", "dyn-fn")
            .with("Runtime", "python3.12")
            .with("Role", role_arn)
            .with("Handler", "index.handler")
            .with("Code", Value::map().with("ZipFile", zip))
            .with("Timeout", 10);
        let created = lambda.call("CreateFunction", input).await.unwrap();
        assert_eq!(created.get("FunctionName").and_then(Value::as_str), Some("dyn-fn"));
        let done = lambda
            .wait("FunctionActive", Value::map().with("FunctionName", "dyn-fn"))
            .max_wait(Duration::from_secs(30))
            .await
            .unwrap();
        assert_eq!(done.get("State").and_then(Value::as_str), Some("Active"));
        let listed: Vec<Value> = lambda
            .paginate_sized("ListFunctions", Value::map(), Some(50))
            .all_items()
            .try_collect()
            .await
            .unwrap();
        assert!(listed
            .iter()
            .any(|f| f.get("FunctionName").and_then(Value::as_str) == Some("dyn-fn")));
        let err = lambda
            .call("GetFunction", Value::map().with("FunctionName", "dyn-none"))
            .await
            .unwrap_err();
        assert!(err.is_error("ResourceNotFoundException"), "{err}");
    });
}

#[test]
fn ec2_run_describe_terminate() {
    let moto = Moto::shared_with_auth();
    rt().block_on(async {
        let ec2 = client(&moto.session(None), "ec2");
        let images = ec2.call("DescribeImages", Value::map()).await.unwrap();
        let image = images["Images"]
            .at(0)
            .and_then(|i| i.get("ImageId"))
            .cloned()
            .unwrap();
        let run = ec2
            .call(
                "RunInstances",
                Value::map()
                    .with("ImageId", image)
                    .with("InstanceType", "t3.micro")
                    .with("MinCount", 2)
                    .with("MaxCount", 2),
            )
            .await
            .unwrap();
        let ids: Vec<Value> = run["Instances"]
            .as_list()
            .unwrap()
            .iter()
            .map(|i| i["InstanceId"].clone())
            .collect();
        assert_eq!(ids.len(), 2);
        let by_id = Value::map().with("InstanceIds", Value::List(ids.clone()));
        ec2.wait("InstanceRunning", by_id.clone())
            .max_wait(Duration::from_secs(30))
            .await
            .unwrap();
        let described = ec2.call("DescribeInstances", by_id.clone()).await.unwrap();
        let found: Vec<Value> = described["Reservations"]
            .as_list()
            .unwrap()
            .iter()
            .flat_map(|r| r["Instances"].as_list().unwrap().to_vec())
            .collect();
        assert_eq!(found.len(), 2);
        assert_eq!(found[0]["State"]["Name"].as_str(), Some("running"));
        let gone = ec2.call("TerminateInstances", by_id.clone()).await.unwrap();
        assert_eq!(gone["TerminatingInstances"].as_list().unwrap().len(), 2);
        ec2.wait("InstanceTerminated", by_id)
            .max_wait(Duration::from_secs(30))
            .await
            .unwrap();
        let err = ec2
            .call(
                "DescribeInstances",
                json!({"InstanceIds": ["i-0123456789abcdef0"]}),
            )
            .await
            .unwrap_err();
        assert!(err.is_error("InvalidInstanceID.NotFound"), "{err}");
    });
}

#[test]
fn sqs_json_1_0_through_the_dynamic_path() {
    let moto = Moto::shared_with_auth();
    rt().block_on(async {
        let sqs = client(&moto.session(None), "sqs");
        let q = sqs
            .call("CreateQueue", json!({"QueueName": "dyn-queue"}))
            .await
            .unwrap();
        let url = q["QueueUrl"].clone();
        sqs.call(
            "SendMessage",
            Value::map()
                .with("QueueUrl", url.clone())
                .with("MessageBody", "hello"),
        )
        .await
        .unwrap();
        let got = sqs
            .call("ReceiveMessage", Value::map().with("QueueUrl", url))
            .await
            .unwrap();
        assert_eq!(
            got["Messages"].at(0).unwrap()["Body"].as_str(),
            Some("hello")
        );
        let err = sqs
            .call("GetQueueUrl", json!({"QueueName": "dyn-nope"}))
            .await
            .unwrap_err();
        assert!(
            err.is_error("AWS.SimpleQueueService.NonExistentQueue")
                || err.is_error("QueueDoesNotExist"),
            "{err}"
        );
    });
}

#[test]
fn wrong_secret_is_a_service_error_not_a_panic() {
    let moto = Moto::shared_with_auth();
    rt().block_on(async {
        let sm = client(&moto.session(Some("not-the-secret")), "secretsmanager");
        let err = sm.call("ListSecrets", Value::map()).await.unwrap_err();
        assert!(err.is_service(), "{err}");
        assert!(!err.is_config());
    });
}

#[test]
fn dynamodb_json_1_0_with_the_table_exists_waiter() {
    let moto = Moto::shared_with_auth();
    rt().block_on(async {
        let ddb = client(&moto.session(None), "dynamodb");
        ddb.call(
            "CreateTable",
            json!({"TableName": "dyn-table", "BillingMode": "PAY_PER_REQUEST",
                   "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
                   "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}]}),
        )
        .await
        .unwrap();
        ddb.wait("TableExists", json!({"TableName": "dyn-table"}))
            .max_wait(Duration::from_secs(30))
            .await
            .unwrap();
        // A binary attribute goes as a blob (base64 on the wire) and comes back as one.
        let item = Value::map().with("pk", Value::map().with("S", "k1")).with(
            "data",
            Value::map().with("B", Value::Blob(bytes::Bytes::from_static(b"\x00\xffraw"))),
        );
        ddb.call(
            "PutItem",
            Value::map()
                .with("TableName", "dyn-table")
                .with("Item", item),
        )
        .await
        .unwrap();
        let got = ddb
            .call(
                "GetItem",
                json!({"TableName": "dyn-table", "Key": {"pk": {"S": "k1"}}}),
            )
            .await
            .unwrap();
        assert_eq!(
            got["Item"]["data"]["B"].as_bytes(),
            Some(&b"\x00\xffraw"[..])
        );
        let err = ddb
            .call("DescribeTable", json!({"TableName": "dyn-none"}))
            .await
            .unwrap_err();
        assert!(err.is_error("ResourceNotFoundException"), "{err}");
    });
}

/// Route 53 (rest-xml, a global endpoint) on a moto without signature checking: its
/// listing is a GET (see the Lambda test for why moto cannot check those).
#[test]
fn route53_rest_xml_on_the_global_endpoint() {
    let moto = Moto::shared();
    rt().block_on(async {
        let r53 = client(&moto.session(None), "route53");
        let zone = r53
            .call(
                "CreateHostedZone",
                json!({"Name": "dyn.example.com", "CallerReference": "dyn-ref-1"}),
            )
            .await
            .unwrap();
        let id = zone["HostedZone"]["Id"].as_str().unwrap().to_owned();
        assert!(zone["HostedZone"]["Name"]
            .as_str()
            .unwrap()
            .starts_with("dyn.example.com"));
        let zones = r53.call("ListHostedZones", Value::map()).await.unwrap();
        assert!(zones["HostedZones"]
            .as_list()
            .unwrap()
            .iter()
            .any(|z| z["Id"].as_str() == Some(id.as_str())));
        let err = r53
            .call("GetHostedZone", json!({"Id": "ZNOTTHERE"}))
            .await
            .unwrap_err();
        assert!(err.is_error("NoSuchHostedZone"), "{err}");
    });
}
