//! rest-json and ec2 beside AWS JSON 1.0 for the same shapes. Lambda's and EC2's models are
//! each built twice from the vendored model: as they are, and with the metadata saying JSON
//! 1.0, so the same interpreter runs the same shapes and only the protocol differs.
//!
//! - Lambda CreateFunction (rest-json): a whole request (a URI, a JSON body of 12 members
//!   with environment variables, tags, layers and a VPC config), and its answer (a
//!   `FunctionConfiguration`) read into a `Value`.
//! - EC2 DescribeInstances (ec2): a request with three filters, and an answer of 50
//!   instances (10 reservations of 5; 21 members each, among them a placement, a state
//!   and 3 tags) read into a `Value`.
//!
//! `cargo bench -p session-runtime --bench protocols`

#![allow(
    missing_docs,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::print_stdout
)]

use std::fmt::Write as _;
use std::hint::black_box;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use serde_json::json;
use session_runtime::shapes::{Protocol, Service};
use session_runtime::value::Value;
use session_runtime::wire::{request, response};

const RESERVATIONS: usize = 10;
const PER_RESERVATION: usize = 5;

/// The service as modeled, and the same shapes spoken in JSON 1.0.
fn services(name: &str, expect: Protocol) -> (&'static Service, &'static Service) {
    let path = format!(
        "{}/../../models/{name}/service-2.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(path).unwrap();
    let native = session_runtime::model::build(name, &text, &Default::default()).unwrap();
    let mut model: serde_json::Value = serde_json::from_str(&text).unwrap();
    let meta = &mut model["metadata"];
    meta["protocol"] = "json".into();
    meta["protocols"] = json!(["json"]);
    meta["jsonVersion"] = "1.0".into();
    meta["targetPrefix"] = "Bench".into();
    let json =
        session_runtime::model::build(name, &model.to_string(), &Default::default()).unwrap();
    assert_eq!(native.protocol, expect);
    assert_eq!(json.protocol, Protocol::Json10);
    (native, json)
}

fn create_function() -> Value {
    let vars: serde_json::Map<String, serde_json::Value> = (0..8)
        .map(|i| {
            (
                format!("SETTING_{i}"),
                json!(format!("value-{i}-{}", i * 37)),
            )
        })
        .collect();
    Value::from_json(&json!({
        "FunctionName": "checkout-handler",
        "Runtime": "python3.12",
        "Role": "arn:aws:iam::123456789012:role/checkout-lambda",
        "Handler": "app.handler",
        "Code": {"S3Bucket": "deploy-artifacts", "S3Key": "checkout/build-4711.zip"},
        "Description": "Handles checkout events from the cart service",
        "Timeout": 30,
        "MemorySize": 1024,
        "Publish": true,
        "VpcConfig": {
            "SubnetIds": ["subnet-0a1b2c3d", "subnet-1a2b3c4d", "subnet-2a3b4c5d"],
            "SecurityGroupIds": ["sg-0123456789abcdef0"]
        },
        "Environment": {"Variables": vars},
        "Tags": {"team": "payments", "env": "prod", "cost-center": "4711"},
        "Layers": [
            "arn:aws:lambda:eu-west-1:123456789012:layer:shared-libs:12",
            "arn:aws:lambda:eu-west-1:123456789012:layer:telemetry:3"
        ],
        "Architectures": ["arm64"],
        "TracingConfig": {"Mode": "Active"}
    }))
}

fn function_configuration() -> Vec<u8> {
    let vars: serde_json::Map<String, serde_json::Value> = (0..8)
        .map(|i| {
            (
                format!("SETTING_{i}"),
                json!(format!("value-{i}-{}", i * 37)),
            )
        })
        .collect();
    serde_json::to_vec(&json!({
        "FunctionName": "checkout-handler",
        "FunctionArn": "arn:aws:lambda:eu-west-1:123456789012:function:checkout-handler",
        "Runtime": "python3.12",
        "Role": "arn:aws:iam::123456789012:role/checkout-lambda",
        "Handler": "app.handler",
        "CodeSize": 5_242_880,
        "Description": "Handles checkout events from the cart service",
        "Timeout": 30,
        "MemorySize": 1024,
        "LastModified": "2026-12-02T10:15:30.000+0000",
        "CodeSha256": "qLq5y4mS0T2d4o3wQ5YQJg1qj2i9bQ0G9pWcB1Vv0hE=",
        "Version": "1",
        "VpcConfig": {
            "SubnetIds": ["subnet-0a1b2c3d", "subnet-1a2b3c4d", "subnet-2a3b4c5d"],
            "SecurityGroupIds": ["sg-0123456789abcdef0"],
            "VpcId": "vpc-0a1b2c3d4e5f"
        },
        "Environment": {"Variables": vars},
        "TracingConfig": {"Mode": "Active"},
        "RevisionId": "4b0e1f3c-7a44-4f1e-9d0e-2b1f3c4d5e6f",
        "Layers": [
            {"Arn": "arn:aws:lambda:eu-west-1:123456789012:layer:shared-libs:12", "CodeSize": 1_048_576},
            {"Arn": "arn:aws:lambda:eu-west-1:123456789012:layer:telemetry:3", "CodeSize": 65_536}
        ],
        "State": "Pending",
        "StateReason": "The function is being created.",
        "StateReasonCode": "Creating",
        "PackageType": "Zip",
        "Architectures": ["arm64"],
        "EphemeralStorage": {"Size": 512},
        "SnapStart": {"ApplyOn": "None", "OptimizationStatus": "Off"},
        "LoggingConfig": {"LogFormat": "Text", "LogGroup": "/aws/lambda/checkout-handler"}
    }))
    .unwrap()
}

fn describe_instances() -> Value {
    Value::from_json(&json!({
        "Filters": [
            {"Name": "instance-state-name", "Values": ["running", "pending"]},
            {"Name": "tag:team", "Values": ["payments"]},
            {"Name": "vpc-id", "Values": ["vpc-0a1b2c3d4e5f"]}
        ],
        "MaxResults": 50
    }))
}

/// One instance's facts, shared by the XML and JSON answers.
struct Instance {
    id: String,
    ip: String,
    az: &'static str,
}

fn instance(r: usize, i: usize) -> Instance {
    let n = r * PER_RESERVATION + i;
    Instance {
        id: format!("i-0{n:016x}"),
        ip: format!("10.0.{r}.{}", 10 + i),
        az: ["eu-west-1a", "eu-west-1b", "eu-west-1c"][n % 3],
    }
}

fn answer_ec2() -> Vec<u8> {
    let mut x = String::from(
        "<DescribeInstancesResponse xmlns=\"http://ec2.amazonaws.com/doc/2016-11-15/\">\
         <requestId>8f7724cf-496f-496e-8fe3-example</requestId><reservationSet>",
    );
    for r in 0..RESERVATIONS {
        write!(
            x,
            "<item><reservationId>r-0{r:016x}</reservationId><ownerId>123456789012</ownerId>\
             <groupSet/><instancesSet>"
        )
        .unwrap();
        for i in 0..PER_RESERVATION {
            let it = instance(r, i);
            write!(
                x,
                "<item><instanceId>{id}</instanceId><imageId>ami-0abcdef1234567890</imageId>\
                 <instanceState><code>16</code><name>running</name></instanceState>\
                 <privateDnsName>ip-{dash}.eu-west-1.compute.internal</privateDnsName>\
                 <dnsName/><keyName>deploy</keyName><amiLaunchIndex>{i}</amiLaunchIndex>\
                 <instanceType>m7g.large</instanceType>\
                 <launchTime>2026-12-01T08:30:00.000Z</launchTime>\
                 <placement><availabilityZone>{az}</availabilityZone><groupName/>\
                 <tenancy>default</tenancy></placement>\
                 <monitoring><state>disabled</state></monitoring>\
                 <subnetId>subnet-0a1b2c3d</subnetId><vpcId>vpc-0a1b2c3d4e5f</vpcId>\
                 <privateIpAddress>{ip}</privateIpAddress><sourceDestCheck>true</sourceDestCheck>\
                 <architecture>arm64</architecture><rootDeviceType>ebs</rootDeviceType>\
                 <rootDeviceName>/dev/xvda</rootDeviceName>\
                 <tagSet><item><key>Name</key><value>checkout-{id}</value></item>\
                 <item><key>team</key><value>payments</value></item>\
                 <item><key>env</key><value>prod</value></item></tagSet>\
                 <ebsOptimized>true</ebsOptimized><enaSupport>true</enaSupport></item>",
                id = it.id,
                dash = it.ip.replace('.', "-"),
                az = it.az,
                ip = it.ip,
            )
            .unwrap();
        }
        x.push_str("</instancesSet></item>");
    }
    x.push_str("</reservationSet></DescribeInstancesResponse>");
    x.into_bytes()
}

/// The same answer in JSON. The keys are EC2's wire names (`locationName`), which a JSON
/// protocol reads as it does rest-json's `jsonName`.
fn answer_json() -> Vec<u8> {
    let reservations: Vec<serde_json::Value> = (0..RESERVATIONS)
        .map(|r| {
            let instances: Vec<serde_json::Value> = (0..PER_RESERVATION)
                .map(|i| {
                    let it = instance(r, i);
                    let dns = format!("ip-{}.eu-west-1.compute.internal", it.ip.replace('.', "-"));
                    json!({
                        "instanceId": it.id,
                        "imageId": "ami-0abcdef1234567890",
                        "instanceState": {"code": 16, "name": "running"},
                        "privateDnsName": dns,
                        "dnsName": "",
                        "keyName": "deploy",
                        "amiLaunchIndex": i,
                        "instanceType": "m7g.large",
                        "launchTime": 1_764_577_800,
                        "placement": {"availabilityZone": it.az, "groupName": "", "tenancy": "default"},
                        "monitoring": {"state": "disabled"},
                        "subnetId": "subnet-0a1b2c3d",
                        "vpcId": "vpc-0a1b2c3d4e5f",
                        "privateIpAddress": it.ip,
                        "sourceDestCheck": true,
                        "architecture": "arm64",
                        "rootDeviceType": "ebs",
                        "rootDeviceName": "/dev/xvda",
                        "tagSet": [
                            {"key": "Name", "value": format!("checkout-{}", it.id)},
                            {"key": "team", "value": "payments"},
                            {"key": "env", "value": "prod"}
                        ],
                        "ebsOptimized": true,
                        "enaSupport": true
                    })
                })
                .collect();
            json!({
                "reservationId": format!("r-0{r:016x}"),
                "ownerId": "123456789012",
                "groupSet": [],
                "instancesSet": instances
            })
        })
        .collect();
    serde_json::to_vec(&json!({"reservationSet": reservations})).unwrap()
}

fn build(
    service: &'static Service,
    op: &str,
    input: &Value,
) -> http::Request<session_tower::SdkBody> {
    let op = service.operation(op).unwrap();
    let settings = session_core::settings::Settings::default();
    let token = String::new;
    let (req, _) = request::build(
        service,
        op,
        input,
        request::Context {
            token: &token,
            settings: &settings,
            stream: None,
        },
    )
    .unwrap();
    req
}

fn serialize(c: &mut Criterion, op: &str, pair: [(&str, &'static Service); 2], input: &Value) {
    let mut g = c.benchmark_group(format!("serialize {op}"));
    for (name, service) in pair {
        let req = build(service, op, input);
        let len = req.body().bytes().map_or(0, <[u8]>::len);
        println!(
            "{op} request, {name}: {} {} ({len} body bytes)",
            req.method(),
            req.uri()
        );
        g.throughput(Throughput::Elements(1));
        g.bench_with_input(BenchmarkId::from_parameter(name), &service, |b, s| {
            b.iter(|| black_box(build(s, op, black_box(input))));
        });
    }
    g.finish();
}

fn parse(
    c: &mut Criterion,
    op: &str,
    cases: [(&str, &'static Service, Vec<u8>); 2],
    check: impl Fn(&Value) -> bool,
) {
    let mut g = c.benchmark_group(format!("parse {op}"));
    let parts = http::Response::new(()).into_parts().0;
    for (name, service, body) in cases {
        println!("{op} answer, {name}: {} bytes", body.len());
        let op = service.operation(op).unwrap();
        let v: Value = response::parse(service, op, &parts, &body).unwrap();
        assert!(check(&v), "{name}: the answer was not read whole");
        g.throughput(Throughput::Bytes(body.len() as u64));
        g.bench_function(BenchmarkId::from_parameter(name), |b| {
            b.iter(|| {
                let v: Value = response::parse(service, op, &parts, black_box(&body)).unwrap();
                black_box(v)
            });
        });
    }
    g.finish();
}

fn bench(c: &mut Criterion) {
    let (lambda, lambda_json) = services("lambda", Protocol::RestJson);
    let (ec2, ec2_json) = services("ec2", Protocol::Ec2);

    serialize(
        c,
        "CreateFunction",
        [("rest-json", lambda), ("json 1.0", lambda_json)],
        &create_function(),
    );
    parse(
        c,
        "CreateFunction",
        [
            ("rest-json", lambda, function_configuration()),
            ("json 1.0", lambda_json, function_configuration()),
        ],
        |v| v.get("LoggingConfig").is_some() && v.get("Layers").and_then(|l| l.at(1)).is_some(),
    );
    serialize(
        c,
        "DescribeInstances",
        [("ec2", ec2), ("json 1.0", ec2_json)],
        &describe_instances(),
    );
    parse(
        c,
        "DescribeInstances",
        [
            ("ec2", ec2, answer_ec2()),
            ("json 1.0", ec2_json, answer_json()),
        ],
        |v| {
            let last = v
                .get("Reservations")
                .and_then(|r| r.at(RESERVATIONS - 1))
                .and_then(|r| r.get("Instances"))
                .and_then(|i| i.at(PER_RESERVATION - 1));
            last.and_then(|i| i.get("Tags"))
                .and_then(|t| t.at(2))
                .is_some()
        },
    );
}

criterion_group!(benches, bench);
criterion_main!(benches);
