//! More round trips through the dynamic client against moto, one test per service, for
//! services `moto.rs` does not cover: KMS, SSM, CloudWatch Logs, EventBridge and Kinesis
//! (JSON 1.1), API Gateway (rest-json), SNS (query) and S3 (rest-xml, path-style on
//! moto's IP endpoint). Each test checks the values the service gives back, one modeled
//! error by its code, a paginator over several pages where the model has one and moto
//! pages it, and the model's waiters where it has them (SSM `CommandExecuted`, Kinesis
//! `StreamExists`/`StreamNotExists`, S3 `BucketExists`/`ObjectExists`/`ObjectNotExists`).
//! All run with signature checking on except API Gateway (see its test). Names are
//! unique per test: the tests share the process's moto.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use futures_util::TryStreamExt as _;
use serde_json::json;
use session_dynamic::{DynClient, Error, Value};
use session_testkit::Moto;
use support::{client, rt};

/// The output of `op`; a failed call panics with its error.
async fn ok(c: &DynClient, op: &str, input: impl Into<Value>) -> Value {
    c.call(op, input)
        .await
        .unwrap_or_else(|e| panic!("{op}: {e}"))
}

/// The error of `op`, which must be the service's answer with the code `code`.
async fn fails(c: &DynClient, op: &str, input: impl Into<Value>, code: &str) -> Error {
    let err = c.call(op, input).await.expect_err(op);
    assert!(
        err.is_service() && err.is_error(code),
        "{op}: expected {code}, got {err}"
    );
    err
}

/// Waits with the model's waiter `name`, at most a minute.
async fn waited(c: &DynClient, name: &str, input: impl Into<Value>) -> Value {
    c.wait(name, input)
        .max_wait(Duration::from_secs(60))
        .await
        .unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// Every page of `op` from `input`, at most `size` items a page (the model's limit key).
async fn pages(c: &DynClient, op: &str, input: impl Into<Value>, size: i64) -> Vec<Value> {
    c.paginate_sized(op, input, Some(size))
        .try_collect()
        .await
        .unwrap_or_else(|e| panic!("{op} pages: {e}"))
}

/// The items at `key` of every page, in order.
fn items(pages: &[Value], key: &str) -> Vec<Value> {
    pages
        .iter()
        .flat_map(|p| p[key].as_list().unwrap_or_default().to_vec())
        .collect()
}

/// The string at `member` of each of `items`, sorted.
fn sorted(items: &[Value], member: &str) -> Vec<String> {
    let mut out: Vec<String> = items.iter().map(|i| text(&i[member]).to_owned()).collect();
    out.sort();
    out
}

/// `{prefix}{i}` for `i` in `0..n`, sorted as strings.
fn names(prefix: &str, n: usize) -> Vec<String> {
    let mut out: Vec<String> = (0..n).map(|i| format!("{prefix}{i}")).collect();
    out.sort();
    out
}

/// A string the answer must have.
fn text(v: &Value) -> &str {
    v.as_str()
        .unwrap_or_else(|| panic!("expected a string, got {v:?}"))
}

/// Every byte value, for blobs that must come back unchanged.
fn all_bytes() -> Bytes {
    (0..=255u8).collect::<Vec<u8>>().into()
}

/// A new SQS queue: its URL and ARN.
async fn queue(sqs: &DynClient, name: &str) -> (String, String) {
    let created = ok(sqs, "CreateQueue", json!({"QueueName": name})).await;
    let url = text(&created["QueueUrl"]).to_owned();
    let input = json!({"QueueUrl": url, "AttributeNames": ["QueueArn"]});
    let attrs = ok(sqs, "GetQueueAttributes", input).await;
    (url, text(&attrs["Attributes"]["QueueArn"]).to_owned())
}

#[test]
fn kms_encrypt_decrypt_alias_and_key_rotations_over_pages() {
    let moto = Moto::shared_with_auth();
    rt().block_on(async {
        let kms = client(&moto.session(None), "kms");
        let input = json!({"Description": "dyn-kms-key", "KeyUsage": "ENCRYPT_DECRYPT",
                           "Tags": [{"TagKey": "team", "TagValue": "core"}]});
        let key = ok(&kms, "CreateKey", input).await;
        let meta = &key["KeyMetadata"];
        let key_id = text(&meta["KeyId"]).to_owned();
        assert_eq!(meta["Description"].as_str(), Some("dyn-kms-key"));
        assert_eq!(meta["KeyState"].as_str(), Some("Enabled"));
        assert!(meta["CreationDate"].as_timestamp().is_some(), "{meta:?}");
        let alias = json!({"AliasName": "alias/dyn-kms", "TargetKeyId": key_id});
        ok(&kms, "CreateAlias", alias).await;
        let aliases = ok(&kms, "ListAliases", json!({"KeyId": key_id})).await;
        let listed = aliases["Aliases"].as_list().unwrap();
        assert_eq!(sorted(listed, "AliasName"), ["alias/dyn-kms"]);
        assert_eq!(listed[0]["TargetKeyId"].as_str(), Some(key_id.as_str()));

        // A blob of every byte value, by alias, out and back (base64 both ways).
        let input = Value::map()
            .with("KeyId", "alias/dyn-kms")
            .with("Plaintext", all_bytes());
        let enc = ok(&kms, "Encrypt", input).await;
        let cipher = enc["CiphertextBlob"].as_bytes().unwrap();
        assert!(!cipher.is_empty() && cipher != &all_bytes()[..]);
        assert!(text(&enc["KeyId"]).contains(&key_id), "{enc:?}");
        let input = Value::map().with("CiphertextBlob", enc["CiphertextBlob"].clone());
        let dec = ok(&kms, "Decrypt", input).await;
        assert_eq!(dec["Plaintext"].as_bytes(), Some(&all_bytes()[..]));

        // moto pages neither ListKeys nor ListAliases (everything, `Truncated: false`);
        // it does page ListKeyRotations, so: five rotations, two a page.
        for _ in 0..5 {
            let r = ok(&kms, "RotateKeyOnDemand", json!({"KeyId": key_id})).await;
            assert_eq!(r["KeyId"].as_str(), Some(key_id.as_str()));
        }
        let got = pages(&kms, "ListKeyRotations", json!({"KeyId": key_id}), 2).await;
        assert_eq!(got.len(), 3, "{got:?}");
        let rotations = items(&got, "Rotations");
        assert_eq!(rotations.len(), 5, "{rotations:?}");
        assert!(rotations.iter().all(|r| {
            r["RotationType"].as_str() == Some("ON_DEMAND")
                && r["RotationDate"].as_timestamp().is_some()
        }));

        let missing = json!({"KeyId": "00000000-0000-4000-8000-000000000000"});
        fails(&kms, "DescribeKey", missing, "NotFoundException").await;
    });
}

#[test]
fn ssm_parameters_by_path_over_pages_and_the_command_executed_waiter() {
    let moto = Moto::shared_with_auth();
    rt().block_on(async {
        let ssm = client(&moto.session(None), "ssm");
        for i in 0..4 {
            let input = json!({"Name": format!("/dyn/ssm/p{i}"), "Value": format!("v{i}"),
                               "Type": "String"});
            let put = ok(&ssm, "PutParameter", input).await;
            assert_eq!(put["Version"].as_i64(), Some(1));
        }
        let input = json!({"Name": "/dyn/ssm/secret", "Value": "s3cret", "Type": "SecureString"});
        ok(&ssm, "PutParameter", input).await;
        let input = json!({"Name": "/dyn/ssm/p0", "Value": "v0-new", "Type": "String",
                           "Overwrite": true});
        let again = ok(&ssm, "PutParameter", input).await;
        assert_eq!(again["Version"].as_i64(), Some(2));
        let input = json!({"Name": "/dyn/ssm/secret", "WithDecryption": true});
        let secret = ok(&ssm, "GetParameter", input).await;
        assert_eq!(secret["Parameter"]["Value"].as_str(), Some("s3cret"));
        assert_eq!(secret["Parameter"]["Type"].as_str(), Some("SecureString"));

        // Five parameters, two a page. (moto answers a full last page with a NextToken,
        // then an empty page, as AWS may: an odd count keeps the number of pages fixed.)
        let input = json!({"Path": "/dyn/ssm", "WithDecryption": true});
        let got = pages(&ssm, "GetParametersByPath", input, 2).await;
        assert_eq!(got.len(), 3, "{got:?}");
        let params = items(&got, "Parameters");
        let mut expected = names("/dyn/ssm/p", 4);
        expected.push("/dyn/ssm/secret".into());
        assert_eq!(sorted(&params, "Name"), expected);
        let p0 = params
            .iter()
            .find(|p| p["Name"].as_str() == Some("/dyn/ssm/p0"));
        assert_eq!(p0.unwrap()["Value"].as_str(), Some("v0-new"));

        let missing = json!({"Name": "/dyn/ssm/none"});
        fails(&ssm, "GetParameter", missing, "ParameterNotFound").await;

        // moto records a command as run at once, on any instance id it is given.
        let instance = "i-0d1e2a3d4b5e6e7f8";
        let input = json!({"DocumentName": "AWS-RunShellScript", "InstanceIds": [instance],
                           "Parameters": {"commands": ["echo dyn"]}, "Comment": "dyn-cmd"});
        let sent = ok(&ssm, "SendCommand", input).await;
        let command = &sent["Command"];
        assert_eq!(command["Comment"].as_str(), Some("dyn-cmd"));
        assert_eq!(
            command["Parameters"]["commands"][0].as_str(),
            Some("echo dyn")
        );
        let command_id = text(&command["CommandId"]);
        let input = json!({"CommandId": command_id, "InstanceId": instance});
        let done = waited(&ssm, "CommandExecuted", input).await;
        assert_eq!(done["Status"].as_str(), Some("Success"), "{done:?}");
        assert_eq!(done["CommandId"].as_str(), Some(command_id));
        assert_eq!(done["InstanceId"].as_str(), Some(instance));
    });
}

/// Milliseconds since the epoch (log events must be recent).
fn now_ms() -> i64 {
    let since = SystemTime::now().duration_since(UNIX_EPOCH).unwrap();
    i64::try_from(since.as_millis()).unwrap()
}

#[test]
fn logs_groups_and_events_over_pages() {
    let moto = Moto::shared_with_auth();
    rt().block_on(async {
        let logs = client(&moto.session(None), "logs");
        for i in 0..5 {
            let input = json!({"logGroupName": format!("dyn-logs-page-{i}"),
                               "tags": {"n": i.to_string()}});
            ok(&logs, "CreateLogGroup", input).await;
        }
        let input = json!({"logGroupNamePrefix": "dyn-logs-page-"});
        let got = pages(&logs, "DescribeLogGroups", input, 2).await;
        assert_eq!(got.len(), 3, "{got:?}");
        let groups = items(&got, "logGroups");
        assert_eq!(sorted(&groups, "logGroupName"), names("dyn-logs-page-", 5));
        assert!(groups
            .iter()
            .all(|g| text(&g["arn"]).starts_with("arn:aws:logs:us-east-1:")));

        let group = "dyn-logs-events";
        ok(&logs, "CreateLogGroup", json!({"logGroupName": group})).await;
        let stream = json!({"logGroupName": group, "logStreamName": "s1"});
        ok(&logs, "CreateLogStream", stream).await;
        let start = now_ms();
        let events: Vec<serde_json::Value> = (0..5)
            .map(|i| json!({"timestamp": start + i, "message": format!("line {i}")}))
            .collect();
        let input = json!({"logGroupName": group, "logStreamName": "s1", "logEvents": events});
        ok(&logs, "PutLogEvents", input).await;
        let input = json!({"logGroupName": group, "logStreamName": "s1", "startFromHead": true});
        let read = ok(&logs, "GetLogEvents", input).await;
        let read = read["events"].as_list().unwrap();
        let messages: Vec<&str> = read.iter().map(|e| text(&e["message"])).collect();
        assert_eq!(messages, ["line 0", "line 1", "line 2", "line 3", "line 4"]);
        assert_eq!(read[4]["timestamp"].as_i64(), Some(start + 4));

        // FilterLogEvents has two result keys (`events`, `searchedLogStreams`).
        let filtered = pages(&logs, "FilterLogEvents", json!({"logGroupName": group}), 2).await;
        assert_eq!(filtered.len(), 3, "{filtered:?}");
        let events = items(&filtered, "events");
        assert_eq!(sorted(&events, "message"), names("line ", 5));

        let missing = json!({"logGroupName": "dyn-logs-none"});
        fails(
            &logs,
            "DescribeLogStreams",
            missing,
            "ResourceNotFoundException",
        )
        .await;
    });
}

#[test]
fn eventbridge_rules_over_pages_and_delivery_to_sqs_targets() {
    let moto = Moto::shared_with_auth();
    rt().block_on(async {
        let events = client(&moto.session(None), "events");
        let pattern = r#"{"source":["dyn.test"]}"#;
        for i in 0..5 {
            let input = json!({"Name": format!("dyn-events-page-{i}"), "EventPattern": pattern,
                               "State": "ENABLED", "Description": format!("rule {i}")});
            let rule = ok(&events, "PutRule", input).await;
            let arn = text(&rule["RuleArn"]);
            assert!(arn.ends_with(&format!("rule/dyn-events-page-{i}")), "{arn}");
        }
        let input = json!({"NamePrefix": "dyn-events-page-"});
        let got = pages(&events, "ListRules", input, 2).await;
        assert_eq!(got.len(), 3, "{got:?}");
        let rules = items(&got, "Rules");
        assert_eq!(sorted(&rules, "Name"), names("dyn-events-page-", 5));
        assert!(rules.iter().all(|r| r["State"].as_str() == Some("ENABLED")));

        // Real queues: moto delivers to the targets on PutEvents (and answers
        // `QueueDoesNotExist` for a queue it does not have).
        let sqs = client(&moto.session(None), "sqs");
        let mut queues = Vec::new();
        for i in 0..3 {
            queues.push(queue(&sqs, &format!("dyn-events-q{i}")).await);
        }
        let rule = "dyn-events-page-0";
        let targets: Vec<Value> = queues
            .iter()
            .enumerate()
            .map(|(i, (_, arn))| {
                Value::map()
                    .with("Id", format!("t{i}"))
                    .with("Arn", arn.as_str())
            })
            .collect();
        let input = Value::map().with("Rule", rule).with("Targets", targets);
        let put = ok(&events, "PutTargets", input).await;
        assert_eq!(put["FailedEntryCount"].as_i64(), Some(0), "{put:?}");
        let got = pages(&events, "ListTargetsByRule", json!({"Rule": rule}), 2).await;
        assert_eq!(got.len(), 2, "{got:?}");
        assert_eq!(sorted(&items(&got, "Targets"), "Id"), ["t0", "t1", "t2"]);
        let described = ok(&events, "DescribeRule", json!({"Name": rule})).await;
        assert_eq!(described["EventPattern"].as_str(), Some(pattern));
        assert_eq!(described["Description"].as_str(), Some("rule 0"));

        // Two events, one matching the rules' pattern: only it reaches the queues.
        let input = json!({"Entries": [
            {"Source": "dyn.test", "DetailType": "t", "Detail": "{\"n\":1}"},
            {"Source": "dyn.other", "DetailType": "t", "Detail": "{\"n\":2}"}]});
        let sent = ok(&events, "PutEvents", input).await;
        assert_eq!(sent["FailedEntryCount"].as_i64(), Some(0));
        let entries = sent["Entries"].as_list().unwrap();
        assert_eq!(entries.len(), 2);
        assert!(entries.iter().all(|e| e["EventId"].as_str().is_some()));
        let input = json!({"QueueUrl": queues[0].0, "MaxNumberOfMessages": 10,
                           "WaitTimeSeconds": 1});
        let received = ok(&sqs, "ReceiveMessage", input).await;
        let bodies = received["Messages"].as_list().unwrap_or_default();
        assert_eq!(bodies.len(), 1, "{received:?}");
        let event: serde_json::Value = serde_json::from_str(text(&bodies[0]["Body"])).unwrap();
        assert_eq!(event["source"], "dyn.test");
        assert_eq!(event["detail"]["n"], 1);

        let missing = json!({"Name": "dyn-events-none"});
        fails(
            &events,
            "DescribeRule",
            missing,
            "ResourceNotFoundException",
        )
        .await;
    });
}

#[test]
fn kinesis_stream_waiters_shards_over_pages_and_binary_records() {
    let moto = Moto::shared_with_auth();
    rt().block_on(async {
        let kinesis = client(&moto.session(None), "kinesis");
        let stream = "dyn-stream";
        let input = json!({"StreamName": stream, "ShardCount": 3});
        ok(&kinesis, "CreateStream", input).await;
        let ready = waited(&kinesis, "StreamExists", json!({"StreamName": stream})).await;
        let description = &ready["StreamDescription"];
        assert_eq!(description["StreamStatus"].as_str(), Some("ACTIVE"));
        assert_eq!(description["StreamName"].as_str(), Some(stream));

        // ListShards, one a page. (moto pages ListStreams by `ExclusiveStartStreamName`,
        // not the model's `NextToken`, so that paginator would see one page.)
        let got = pages(&kinesis, "ListShards", json!({"StreamName": stream}), 1).await;
        assert_eq!(got.len(), 3, "{got:?}");
        let mut ids = sorted(&items(&got, "Shards"), "ShardId");
        ids.dedup();
        assert_eq!(ids.len(), 3, "{ids:?}");

        let input = Value::map()
            .with("StreamName", stream)
            .with("Data", all_bytes())
            .with("PartitionKey", "pk-1");
        let put = ok(&kinesis, "PutRecord", input).await;
        let shard = text(&put["ShardId"]);
        assert!(ids.iter().any(|i| i == shard), "{shard} not in {ids:?}");
        let input = json!({"StreamName": stream, "ShardId": shard,
                           "ShardIteratorType": "TRIM_HORIZON"});
        let iterator = ok(&kinesis, "GetShardIterator", input).await;
        let input = json!({"ShardIterator": text(&iterator["ShardIterator"])});
        let records = ok(&kinesis, "GetRecords", input).await;
        let record = &records["Records"][0];
        assert_eq!(record["Data"].as_bytes(), Some(&all_bytes()[..]));
        assert_eq!(record["PartitionKey"].as_str(), Some("pk-1"));
        assert_eq!(record["SequenceNumber"], put["SequenceNumber"]);

        let missing = json!({"StreamName": "dyn-stream-none"});
        fails(
            &kinesis,
            "DescribeStream",
            missing,
            "ResourceNotFoundException",
        )
        .await;

        // moto deletes at once: the first poll of `StreamNotExists` meets the error that
        // is its success, and the wait resolves to null.
        ok(&kinesis, "DeleteStream", json!({"StreamName": stream})).await;
        let gone = waited(&kinesis, "StreamNotExists", json!({"StreamName": stream})).await;
        assert!(gone.is_null(), "{gone:?}");
    });
}

/// On a moto without signature checking: most of API Gateway's reads are GETs, and moto
/// checks a GET's signature against a body it makes from the query parameters (or the
/// headers), which no client signs (see `moto.rs`, Lambda).
#[test]
fn apigateway_rest_json_api_resources_methods_and_a_stage() {
    let moto = Moto::shared();
    rt().block_on(async {
        let apigw = client(&moto.session(None), "apigateway");
        let mut ids = Vec::new();
        for i in 0..3 {
            let input = json!({"name": format!("dyn-api-{i}"), "description": format!("api {i}"),
                               "tags": {"n": i.to_string()}});
            let api = ok(&apigw, "CreateRestApi", input).await;
            assert_eq!(text(&api["name"]), format!("dyn-api-{i}"));
            assert!(api["createdDate"].as_timestamp().is_some(), "{api:?}");
            ids.push(text(&api["id"]).to_owned());
        }
        // moto 5.2.5 pages nothing in API Gateway: it ignores `limit` and sends no
        // `position`, so the paginator stops after one page with every API in it.
        let got = pages(&apigw, "GetRestApis", Value::map(), 2).await;
        assert_eq!(got.len(), 1, "{got:?}");
        let apis: Vec<Value> = items(&got, "items")
            .into_iter()
            .filter(|a| text(&a["name"]).starts_with("dyn-api-"))
            .collect();
        assert_eq!(sorted(&apis, "name"), names("dyn-api-", 3));

        let api = ids[0].as_str();
        let fetched = ok(&apigw, "GetRestApi", json!({"restApiId": api})).await;
        assert_eq!(fetched["description"].as_str(), Some("api 0"));
        assert_eq!(fetched["tags"]["n"].as_str(), Some("0"));
        let resources = ok(&apigw, "GetResources", json!({"restApiId": api})).await;
        let root = &resources["items"][0];
        assert_eq!(root["path"].as_str(), Some("/"));
        let input = json!({"restApiId": api, "parentId": text(&root["id"]), "pathPart": "items"});
        let child = ok(&apigw, "CreateResource", input).await;
        assert_eq!(child["path"].as_str(), Some("/items"));
        let on = json!({"restApiId": api, "resourceId": text(&child["id"]), "httpMethod": "GET"});
        let with = |extra: serde_json::Value| {
            let mut input = on.clone();
            input
                .as_object_mut()
                .unwrap()
                .extend(extra.as_object().unwrap().clone());
            input
        };
        let input = with(json!({"authorizationType": "NONE", "apiKeyRequired": true}));
        let method = ok(&apigw, "PutMethod", input).await;
        assert_eq!(method["httpMethod"].as_str(), Some("GET"));
        ok(&apigw, "PutIntegration", with(json!({"type": "MOCK"}))).await;
        let read = ok(&apigw, "GetMethod", on.clone()).await;
        assert_eq!(read["authorizationType"].as_str(), Some("NONE"));
        assert_eq!(read["apiKeyRequired"].as_bool(), Some(true));
        assert_eq!(read["methodIntegration"]["type"].as_str(), Some("MOCK"));

        let input = json!({"restApiId": api, "stageName": "dev", "description": "first"});
        let deployment = ok(&apigw, "CreateDeployment", input).await;
        let input = json!({"restApiId": api, "stageName": "dev"});
        let stage = ok(&apigw, "GetStage", input).await;
        assert_eq!(stage["stageName"].as_str(), Some("dev"));
        assert_eq!(stage["deploymentId"], deployment["id"]);

        let missing = json!({"restApiId": "dynnone"});
        fails(&apigw, "GetRestApi", missing, "NotFoundException").await;
    });
}

#[test]
fn sns_topics_over_pages_attributes_and_delivery_to_sqs() {
    let moto = Moto::shared_with_auth();
    rt().block_on(async {
        let session = moto.session(None);
        let sns = client(&session, "sns");
        // SNS's paginators have no limit key; moto pages ListTopics a hundred at a time.
        let count = 101;
        for i in 0..count {
            let input = json!({"Name": format!("dyn-sns-page-{i}")});
            ok(&sns, "CreateTopic", input).await;
        }
        let got: Vec<Value> = sns
            .paginate("ListTopics", Value::map())
            .try_collect()
            .await
            .unwrap();
        assert!(got.len() >= 2, "{} pages", got.len());
        let arns = sorted(&items(&got, "Topics"), "TopicArn");
        let ours = arns.iter().filter(|a| a.contains(":dyn-sns-page-")).count();
        assert_eq!(ours, count, "{arns:?}");

        let input = json!({"Name": "dyn-sns-topic", "Attributes": {"DisplayName": "Dyn"},
                           "Tags": [{"Key": "team", "Value": "core"}]});
        let topic = ok(&sns, "CreateTopic", input).await;
        let topic_arn = text(&topic["TopicArn"]).to_owned();
        assert!(topic_arn.ends_with(":dyn-sns-topic"), "{topic_arn}");
        let by_arn = json!({"TopicArn": topic_arn});
        let attrs = ok(&sns, "GetTopicAttributes", by_arn.clone()).await;
        assert_eq!(attrs["Attributes"]["DisplayName"].as_str(), Some("Dyn"));
        assert_eq!(text(&attrs["Attributes"]["TopicArn"]), topic_arn);
        let input = json!({"ResourceArn": topic_arn});
        let tags = ok(&sns, "ListTagsForResource", input).await;
        assert_eq!(tags["Tags"][0]["Value"].as_str(), Some("core"));

        let sqs = client(&session, "sqs");
        let (url, queue_arn) = queue(&sqs, "dyn-sns-target").await;
        let input = json!({"TopicArn": topic_arn, "Protocol": "sqs", "Endpoint": queue_arn,
                           "Attributes": {"RawMessageDelivery": "true"},
                           "ReturnSubscriptionArn": true});
        let sub = ok(&sns, "Subscribe", input).await;
        let sub_arn = text(&sub["SubscriptionArn"]);
        assert!(sub_arn.starts_with(&topic_arn), "{sub_arn}");
        let subs = ok(&sns, "ListSubscriptionsByTopic", by_arn).await;
        assert_eq!(text(&subs["Subscriptions"][0]["Endpoint"]), queue_arn);
        let input = json!({"TopicArn": topic_arn, "Message": "hello from dyn", "Subject": "s"});
        let published = ok(&sns, "Publish", input).await;
        assert!(!text(&published["MessageId"]).is_empty());
        let input = json!({"QueueUrl": url, "WaitTimeSeconds": 2});
        let received = ok(&sqs, "ReceiveMessage", input).await;
        let body = received["Messages"][0]["Body"].as_str();
        assert_eq!(body, Some("hello from dyn"), "{received:?}");

        // The model's NotFoundException has the wire code `NotFound`.
        let missing = json!({"TopicArn": topic_arn.replace("dyn-sns-topic", "dyn-sns-none")});
        let err = fails(&sns, "GetTopicAttributes", missing, "NotFound").await;
        assert!(err.members().is_some(), "modeled members: {err:?}");
    });
}

#[test]
fn s3_rest_xml_objects_over_pages_and_waiters() {
    let moto = Moto::shared_with_auth();
    rt().block_on(async {
        let s3 = client(&moto.session(None), "s3");
        let bucket = "dyn-s3-bucket";
        ok(&s3, "CreateBucket", json!({"Bucket": bucket})).await;
        waited(&s3, "BucketExists", json!({"Bucket": bucket})).await;
        // Object i holds `object i ` i + 1 times: 9 (i + 1) bytes.
        for i in 0..5 {
            let input = Value::map()
                .with("Bucket", bucket)
                .with("Key", format!("dir/k{i}"))
                .with("Body", Bytes::from(format!("object {i} ").repeat(i + 1)))
                .with("ContentType", "text/plain")
                .with("Metadata", Value::map().with("n", i.to_string()));
            let put = ok(&s3, "PutObject", input).await;
            assert!(text(&put["ETag"]).starts_with('"'), "{put:?}");
        }
        waited(
            &s3,
            "ObjectExists",
            json!({"Bucket": bucket, "Key": "dir/k4"}),
        )
        .await;
        let head = ok(
            &s3,
            "HeadObject",
            json!({"Bucket": bucket, "Key": "dir/k2"}),
        )
        .await;
        assert_eq!(head["ContentLength"].as_i64(), Some(27));
        assert_eq!(head["ContentType"].as_str(), Some("text/plain"));
        assert_eq!(head["Metadata"]["n"].as_str(), Some("2"));
        assert!(head["LastModified"].as_timestamp().is_some(), "{head:?}");

        // Two keys a page, by continuation token (v2) and by marker (v1, whose next token
        // is the JMESPath `NextMarker || Contents[-1].Key`).
        for op in ["ListObjectsV2", "ListObjects"] {
            let input = json!({"Bucket": bucket, "Prefix": "dir/"});
            let got = pages(&s3, op, input, 2).await;
            assert_eq!(got.len(), 3, "{op}: {got:?}");
            let objects = items(&got, "Contents");
            assert_eq!(sorted(&objects, "Key"), names("dir/k", 5), "{op}");
            let sizes: i64 = objects.iter().filter_map(|o| o["Size"].as_i64()).sum();
            assert_eq!(sizes, 9 * (1 + 2 + 3 + 4 + 5), "{op}");
        }

        // The object's body streams, which `call` does not expose yet: its headers only.
        let got = ok(&s3, "GetObject", json!({"Bucket": bucket, "Key": "dir/k0"})).await;
        assert_eq!(got["ContentLength"].as_i64(), Some(9));
        assert_eq!(got["Metadata"]["n"].as_str(), Some("0"));
        // `call` reads the streamed body whole into `Body`.
        assert_eq!(got["Body"].as_bytes(), Some(&b"object 0 "[..]));
        let missing = json!({"Bucket": bucket, "Key": "dir/none"});
        fails(&s3, "GetObject", missing, "NoSuchKey").await;
        let missing = json!({"Bucket": "dyn-s3-none"});
        fails(&s3, "ListObjectsV2", missing, "NoSuchBucket").await;

        let input = json!({"Bucket": bucket, "Delete": {"Objects": [
            {"Key": "dir/k0"}, {"Key": "dir/k1"}]}});
        let deleted = ok(&s3, "DeleteObjects", input).await;
        let deleted = deleted["Deleted"].as_list().unwrap();
        assert_eq!(sorted(deleted, "Key"), ["dir/k0", "dir/k1"]);
        let gone = json!({"Bucket": bucket, "Key": "dir/k0"});
        waited(&s3, "ObjectNotExists", gone).await;
        let left = ok(&s3, "ListObjectsV2", json!({"Bucket": bucket})).await;
        assert_eq!(left["KeyCount"].as_i64(), Some(3));
    });
}
