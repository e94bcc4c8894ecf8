//! The vendored pack through the public API: what it lists, that every member reads back
//! as the JSON the index describes, and that it agrees with the typed models in models/.

mod support;

use std::collections::BTreeSet;

use serde_json::Value as Json;
use session_models::{FileKind, Pack};
use support::{pack_bytes, pack_path, repo, spec_services};

fn pack() -> Pack {
    Pack::open(pack_path()).expect("the vendored pack opens")
}

#[test]
fn lists_every_botocore_service() {
    let pack = pack();
    assert_eq!(pack.source(), "botocore 1.43.67");
    assert_eq!(pack.services().len(), 429);
    let names: Vec<&str> = pack.services().map(|s| s.name()).collect();
    assert!(names.windows(2).all(|w| w[0] < w[1]), "sorted and unique");
    for service in pack.services() {
        assert!(service.has(FileKind::Service), "{}", service.name());
        assert!(service.has(FileKind::EndpointRuleSet), "{}", service.name());
    }

    let s3 = pack.service("s3").expect("s3 is there");
    assert_eq!(s3.api_version(), "2006-03-01");
    assert_eq!(s3.service_id(), "S3");
    assert_eq!(s3.protocol(), "rest-xml");
    assert_eq!(s3.protocols().collect::<Vec<_>>(), ["rest-xml"]);
    let kinds: Vec<FileKind> = s3.kinds().collect();
    assert_eq!(
        kinds,
        [
            FileKind::Service,
            FileKind::Paginators,
            FileKind::Waiters,
            FileKind::EndpointRuleSet,
            FileKind::ServiceExtras,
            FileKind::PaginatorsExtras
        ]
    );
    // The latest of botocore's API versions: ec2 ships eight.
    assert_eq!(
        pack.service("ec2").expect("ec2").api_version(),
        "2016-11-15"
    );
    assert_eq!(
        pack.service("sso-oidc").expect("sso-oidc").service_id(),
        "SSO OIDC"
    );
    let sqs = pack.service("sqs").expect("sqs");
    assert_eq!(sqs.protocols().collect::<Vec<_>>(), ["json"]);
    // botocore picks the first protocol it supports; CloudWatch now lists three.
    let cloudwatch = pack.service("cloudwatch").expect("cloudwatch");
    assert_eq!(cloudwatch.protocol(), "smithy-rpc-v2-cbor");
    assert_eq!(
        cloudwatch.protocols().collect::<Vec<_>>(),
        ["smithy-rpc-v2-cbor", "json", "query"]
    );
    assert!(!sqs.has(FileKind::Waiters));
    assert_eq!(sqs.waiters().expect("no error"), None);
}

/// Every member decompresses to JSON whose metadata is what the index says.
#[test]
fn every_member_reads_back_as_the_index_describes() {
    let pack = pack();
    let mut files = 0;
    for service in pack.services() {
        let model: Json = serde_json::from_str(&service.service_json().expect("reads"))
            .unwrap_or_else(|e| panic!("{}: {e}", service.name()));
        let metadata = &model["metadata"];
        assert_eq!(
            metadata["apiVersion"],
            service.api_version(),
            "{}",
            service.name()
        );
        assert_eq!(
            metadata["protocol"],
            service.protocol(),
            "{}",
            service.name()
        );
        let operations = model["operations"].as_object().map_or(0, |o| o.len());
        assert_eq!(operations, service.operation_count(), "{}", service.name());
        for kind in service.kinds() {
            let text = service
                .file(kind)
                .expect("reads")
                .expect("listed, so present");
            let json: Json = serde_json::from_str(&text)
                .unwrap_or_else(|e| panic!("{} {kind}: {e}", service.name()));
            assert!(json.is_object(), "{} {kind}", service.name());
            assert!(
                !text.contains("\"documentation\":\""),
                "{} {kind}",
                service.name()
            );
            files += 1;
        }
    }
    assert!(files > 1_300, "{files} files");
    let names: Vec<&str> = pack.data_names().collect();
    assert_eq!(
        names,
        [
            "_retry",
            "endpoints",
            "partitions",
            "sdk-default-configuration"
        ]
    );
    let partitions: Json =
        serde_json::from_str(&pack.data("partitions").expect("reads").expect("present"))
            .expect("JSON");
    assert_eq!(partitions["partitions"][0]["id"], "aws");
    assert_eq!(pack.data("nope").expect("no error"), None);
}

/// models/<service>/ (written by the same `just models` run) holds the same JSON as the pack.
#[test]
fn agrees_with_the_typed_models_folder() {
    let pack = pack();
    let mut checked = 0;
    for entry in std::fs::read_dir(repo().join("models")).expect("models/ lists") {
        let dir = entry.expect("entry").path();
        let name = dir
            .file_name()
            .and_then(|n| n.to_str())
            .expect("UTF-8")
            .to_owned();
        if !dir.is_dir() || name == "pack" {
            continue;
        }
        let service = pack.service(&name).expect("a typed service is in the pack");
        let mut on_disk = BTreeSet::new();
        for kind in FileKind::ALL {
            let path = dir.join(format!("{}.json", kind.type_name()));
            let Ok(text) = std::fs::read_to_string(&path) else {
                continue;
            };
            on_disk.insert(kind);
            let want: Json = serde_json::from_str(&text).expect("JSON");
            let got: Json =
                serde_json::from_str(&service.file(kind).expect("reads").expect("in the pack too"))
                    .expect("JSON");
            assert!(got == want, "{name} {kind} differs from {}", path.display());
            checked += 1;
        }
        assert_eq!(on_disk, service.kinds().collect(), "{name}: the same files");
    }
    assert!(checked >= 19 * 3, "{checked} files compared");
}

/// Most rule sets are stored once, as a template the endpoint prefix fills.
#[test]
fn rule_sets_are_shared_templates() {
    let bytes = pack_bytes();
    let services = spec_services(&bytes);
    assert_eq!(services.len(), 429);
    let rule_sets: Vec<_> = services
        .iter()
        .flat_map(|s| s.files.iter().filter(|f| f.kind == 4))
        .collect();
    let distinct: BTreeSet<u32> = rule_sets.iter().map(|f| f.blob).collect();
    assert_eq!(rule_sets.len(), 429);
    assert_eq!(distinct.len(), 90);
    let filled = rule_sets.iter().filter(|f| !f.fill.is_empty()).count();
    assert!(filled > 300, "{filled} rule sets from templates");

    // Two services of one template resolve to their own host names.
    let pack = pack();
    let sqs = pack
        .service("sqs")
        .expect("sqs")
        .endpoint_rule_set()
        .expect("reads");
    let sqs = sqs.expect("present");
    assert!(sqs.contains("https://sqs.{Region}.{PartitionResult#dnsSuffix}"));
    assert!(!sqs.contains('\0'));
}

#[test]
fn the_three_ways_to_open_give_the_same_files() {
    let bytes = pack_bytes();
    let from_file = pack();
    let from_vec = Pack::from_vec(bytes.clone()).expect("opens");
    let from_static = Pack::from_bytes(Vec::leak(bytes)).expect("opens");
    for name in ["s3", "dynamodb", "sso-oidc"] {
        let want = from_file
            .service(name)
            .expect("there")
            .service_json()
            .expect("reads");
        for pack in [&from_vec, &from_static] {
            let got = pack
                .service(name)
                .expect("there")
                .service_json()
                .expect("reads");
            assert!(got == want, "{name}");
        }
    }
    let debug = format!("{from_file:?}");
    assert!(
        debug.contains("botocore 1.43.67") && debug.contains("429"),
        "{debug}"
    );
}

#[test]
fn unknown_service_names_the_close_ones() {
    let pack = pack();
    let err = pack.service("dynamo").expect_err("no such service");
    assert!(err.is_unknown_service());
    assert_eq!(err.service(), Some("dynamo"));
    assert_eq!(err.close_names()[..2], ["dynamodb", "dynamodbstreams"]);
    let message = err.to_string();
    assert!(
        message.starts_with(
            "unknown service `dynamo` (429 services in botocore 1.43.67); close names: dynamodb, "
        ),
        "{message}"
    );
    assert!(!pack.contains("dynamo"));
    let err = pack.service("sts2").expect_err("no such service");
    assert_eq!(err.close_names()[0], "sts");
    let err = pack.service("").expect_err("no such service");
    assert!(err.close_names().is_empty(), "{err}");
}
