//! S3 resources against moto with signature checking on: actions that return resources,
//! batch actions (with a forced per-item failure), waiters, versions, multipart uploads and
//! the description the CLI prints.

#![allow(clippy::unwrap_used)]

use futures_util::{StreamExt as _, TryStreamExt as _};
use services_s3::resources::{ObjectSummaryBatchActions as _, ObjectVersionBatchActions as _};
use services_s3::types::{
    ChecksumAlgorithm, CompletedMultipartUpload, CompletedPart, ObjectLockLegalHoldStatus,
};
use services_s3::S3;
use session_tower::SessionClientExt as _;

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Runtime::new().unwrap()
}

#[test]
fn actions_return_the_resources_the_model_names() {
    let moto = session_testkit::Moto::shared_with_auth();
    runtime().block_on(async {
        let s3 = moto.session(None).resource::<S3>().unwrap();
        // service.CreateBucket → Bucket, its name from the request.
        let bucket = s3
            .create_bucket()
            .bucket("returning-bucket")
            .send()
            .await
            .unwrap();
        assert_eq!(bucket, s3.bucket("returning-bucket"));
        bucket.wait_until_exists().wait().await.unwrap();
        // Bucket.PutObject → Object, its key from the request.
        let object = bucket
            .put_object()
            .key("made/by-put.txt")
            .body("hello")
            .send()
            .await
            .unwrap();
        assert_eq!(object.bucket_name(), "returning-bucket");
        assert_eq!(object.key(), "made/by-put.txt");
        object.wait_until_exists().wait().await.unwrap();
        let body = object.get().send().await.unwrap().body.unwrap();
        assert_eq!(body.collect().await.unwrap(), "hello");
        object.delete().send().await.unwrap();
        object.wait_until_not_exists().wait().await.unwrap();
        // A required member left unset fails before anything is sent, as for the client.
        let e = bucket.put_object().body("no key").send().await.unwrap_err();
        assert!(e.to_string().contains("Key"), "{e}");
    });
}

#[test]
fn multipart_uploads_parts_and_completion() {
    let moto = session_testkit::Moto::shared_with_auth();
    runtime().block_on(async {
        let s3 = moto.session(None).resource::<S3>().unwrap();
        let bucket = s3
            .create_bucket()
            .bucket("mpu-bucket")
            .send()
            .await
            .unwrap();
        let object = bucket.object("big.bin");
        // Object.InitiateMultipartUpload → MultipartUpload, its id from the response.
        let upload = object.initiate_multipart_upload().send().await.unwrap();
        assert_eq!(upload.object_key(), "big.bin");
        assert!(!upload.id().is_empty());
        let listed: Vec<_> = bucket
            .multipart_uploads()
            .items()
            .try_collect()
            .await
            .unwrap();
        assert_eq!(listed, vec![upload.clone()]);
        // A part is identified by an integer.
        let part_size = 5 * 1024 * 1024;
        let mut parts = Vec::new();
        for n in 1..=2 {
            let part = upload.part(n);
            assert_eq!(part.part_number(), n);
            let out = part
                .upload()
                .body(vec![b'a' + n as u8; part_size])
                .send()
                .await
                .unwrap();
            parts.push(CompletedPart {
                e_tag: out.e_tag,
                part_number: Some(n),
                ..Default::default()
            });
        }
        let listed: Vec<_> = upload
            .parts()
            .page_size(1)
            .items()
            .try_collect()
            .await
            .unwrap();
        assert_eq!(
            listed.iter().map(|p| p.part_number()).collect::<Vec<_>>(),
            [1, 2]
        );
        assert_eq!(listed[0].multipart_upload_id(), upload.id());
        assert_eq!(listed[0].data().unwrap().size, Some(part_size as i64));
        // MultipartUpload.Complete → Object.
        let done = upload
            .complete()
            .multipart_upload(CompletedMultipartUpload { parts: Some(parts) })
            .send()
            .await
            .unwrap();
        assert_eq!(done, object);
        let loaded = done.load().await.unwrap();
        assert_eq!(
            loaded.data().unwrap().content_length,
            Some(2 * part_size as i64)
        );
    });
}

#[test]
fn batch_delete_over_a_collection_in_chunks_of_a_thousand() {
    let moto = session_testkit::Moto::shared_with_auth();
    runtime().block_on(async {
        let s3 = moto.session(None).resource::<S3>().unwrap();
        let bucket = s3
            .create_bucket()
            .bucket("batch-bucket")
            .send()
            .await
            .unwrap();
        // 1,003 objects under one prefix, 2 under another that must survive.
        let keys: Vec<String> = (0..1003)
            .map(|i| format!("tmp/{i:04}"))
            .chain(["keep/a".into(), "keep/b".into()])
            .collect();
        futures_util::stream::iter(keys.iter().map(|k| {
            let bucket = bucket.clone();
            async move {
                bucket
                    .put_object()
                    .key(k)
                    .body("x")
                    .send()
                    .await
                    .map(|_| ())
            }
        }))
        .buffer_unordered(16)
        .try_collect::<Vec<()>>()
        .await
        .unwrap();

        let outcome = bucket
            .objects()
            .filter(|c| c.prefix("tmp/"))
            .delete()
            .await
            .unwrap();
        assert_eq!(outcome.sent(), 1003);
        assert_eq!(outcome.responses().len(), 2, "1,000 keys, then 3");
        assert!(outcome.is_complete());
        let deleted: usize = outcome
            .responses()
            .iter()
            .map(|r| r.deleted.as_ref().map_or(0, Vec::len))
            .sum();
        assert_eq!(deleted, 1003);
        let left: Vec<_> = bucket.objects().items().try_collect().await.unwrap();
        let left: Vec<&str> = left.iter().map(|o| o.key()).collect();
        assert_eq!(left, ["keep/a", "keep/b"]);

        // The same batch action on a plain slice of handles.
        let handles: Vec<_> = bucket.objects().items().try_collect().await.unwrap();
        let outcome = handles.delete().await.unwrap();
        assert_eq!((outcome.sent(), outcome.failed()), (2, 0));
        assert_eq!(bucket.objects().items().count().await, 0);
    });
}

#[test]
fn versions_and_a_per_item_failure_under_a_legal_hold() {
    let moto = session_testkit::Moto::shared_with_auth();
    runtime().block_on(async {
        let s3 = moto.session(None).resource::<S3>().unwrap();
        // Object lock (which turns versioning on) lets one version refuse deletion.
        let bucket = s3
            .create_bucket()
            .bucket("versions-bucket")
            .object_lock_enabled_for_bucket(true)
            .send()
            .await
            .unwrap();
        let versioning = bucket.versioning().load().await.unwrap();
        assert_eq!(
            versioning
                .data()
                .unwrap()
                .status
                .as_ref()
                .map(|s| s.as_str()),
            Some("Enabled")
        );
        let object = bucket.object("doc.txt");
        // Object lock wants a checksum on every upload.
        object
            .put()
            .body("v1")
            .checksum_algorithm(ChecksumAlgorithm::Crc32)
            .send()
            .await
            .unwrap();
        object
            .put()
            .body("v2")
            .checksum_algorithm(ChecksumAlgorithm::Crc32)
            .object_lock_legal_hold_status(ObjectLockLegalHoldStatus::On)
            .send()
            .await
            .unwrap();
        object.delete().send().await.unwrap(); // a delete marker
        let versions: Vec<_> = bucket
            .object_versions()
            .items()
            .try_collect()
            .await
            .unwrap();
        assert_eq!(versions.len(), 3, "{versions:?}");
        // Two versions carry their listing data; the delete marker is listed without.
        assert_eq!(versions.iter().filter(|v| v.data().is_some()).count(), 2);
        assert!(versions.iter().all(|v| v.object_key() == "doc.txt"));

        let outcome = versions.delete().await.unwrap();
        assert_eq!(outcome.sent(), 3);
        assert_eq!(outcome.failed(), 1, "{:?}", outcome.responses());
        assert!(!outcome.is_complete());
        let errors = outcome.responses()[0].errors.clone().unwrap();
        assert_eq!(errors[0].key.as_deref(), Some("doc.txt"));
        let left: Vec<_> = bucket
            .object_versions()
            .items()
            .try_collect()
            .await
            .unwrap();
        assert_eq!(left.len(), 1, "only the held version is left: {left:?}");
    });
}

#[test]
fn the_generated_description_has_every_element_of_the_model() {
    let json = services_s3::resources::MODEL.to_json();
    let resources = json["resources"].as_object().unwrap();
    assert_eq!(resources.len(), 18);
    let total = |kind: &str| -> usize {
        resources
            .values()
            .map(|r| r[kind].as_array().map_or(0, Vec::len))
            .sum()
    };
    assert_eq!(total("actions"), 43);
    assert_eq!(total("batch_actions"), 3);
    assert_eq!(total("waiters"), 6);
    assert_eq!(total("has"), 37);
    assert_eq!(total("collections"), 4);
    let loads = resources.values().filter(|r| !r["load"].is_null()).count();
    assert_eq!(loads, 13);
    assert_eq!(json["resources"]["Object"]["load"], "HeadObject");
    assert_eq!(json["service"]["actions"][0], "CreateBucket");
}

#[test]
fn every_bucket_and_object_sub_resource_loads_and_acts() {
    use services_s3::types::{
        BucketLifecycleConfiguration, CorsConfiguration, CorsRule, ExpirationStatus, IndexDocument,
        LifecycleExpiration, LifecycleRule, LifecycleRuleFilter, Tag, Tagging,
        WebsiteConfiguration,
    };
    let moto = session_testkit::Moto::shared_with_auth();
    runtime().block_on(async {
        let s3 = moto.session(None).resource::<S3>().unwrap();
        let bucket = s3.create_bucket().bucket("sub-resources").send().await.unwrap();

        // Tagging: put, load, delete.
        let tagging = bucket.tagging();
        tagging
            .put()
            .tagging(Tagging {
                tag_set: Some(vec![Tag {
                    key: Some("team".into()),
                    value: Some("storage".into()),
                }]),
            })
            .send()
            .await
            .unwrap();
        let tags = tagging.load().await.unwrap().data().unwrap().tag_set.clone();
        assert_eq!(tags.unwrap()[0].value.as_deref(), Some("storage"));
        tagging.delete().send().await.unwrap();

        // CORS: put, load, delete.
        let cors = bucket.cors();
        cors.put()
            .cors_configuration(CorsConfiguration {
                cors_rules: Some(vec![CorsRule {
                    allowed_methods: Some(vec!["GET".into()]),
                    allowed_origins: Some(vec!["*".into()]),
                    ..Default::default()
                }]),
            })
            .send()
            .await
            .unwrap();
        let rules = cors.load().await.unwrap().data().unwrap().cors_rules.clone();
        assert_eq!(rules.unwrap()[0].allowed_methods.as_deref(), Some(&["GET".to_owned()][..]));
        cors.delete().send().await.unwrap();

        // Policy: put, load, delete.
        let policy_text = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::sub-resources/*"}]}"#;
        let policy = bucket.policy();
        policy.put().policy(policy_text).send().await.unwrap();
        let loaded = policy.load().await.unwrap();
        assert!(loaded.data().unwrap().policy.as_deref().unwrap().contains("s3:GetObject"));
        policy.delete().send().await.unwrap();

        // Website: put, load, delete.
        let website = bucket.website();
        website
            .put()
            .website_configuration(WebsiteConfiguration {
                index_document: Some(IndexDocument {
                    suffix: Some("index.html".into()),
                }),
                ..Default::default()
            })
            .send()
            .await
            .unwrap();
        let loaded = website.load().await.unwrap();
        let index = loaded.data().unwrap().index_document.clone().unwrap();
        assert_eq!(index.suffix.as_deref(), Some("index.html"));
        website.delete().send().await.unwrap();

        // Lifecycle configuration: put, load, delete.
        let lifecycle = bucket.lifecycle_configuration();
        lifecycle
            .put()
            .lifecycle_configuration(BucketLifecycleConfiguration {
                rules: Some(vec![LifecycleRule {
                    id: Some("expire-tmp".into()),
                    status: Some(ExpirationStatus::Enabled),
                    filter: Some(LifecycleRuleFilter {
                        prefix: Some("tmp/".into()),
                        ..Default::default()
                    }),
                    expiration: Some(LifecycleExpiration {
                        days: Some(1),
                        ..Default::default()
                    }),
                    ..Default::default()
                }]),
            })
            .send()
            .await
            .unwrap();
        let loaded = lifecycle.load().await.unwrap();
        assert_eq!(
            loaded.data().unwrap().rules.as_ref().unwrap()[0].id.as_deref(),
            Some("expire-tmp")
        );
        // The older lifecycle API reads the same rules.
        let old = bucket.lifecycle().load().await.unwrap();
        assert!(old.data().unwrap().rules.is_some());
        lifecycle.delete().send().await.unwrap();

        // Versioning: enable and suspend set the nested status.
        let versioning = bucket.versioning();
        versioning.enable().send().await.unwrap();
        let status = versioning.load().await.unwrap().data().unwrap().status.clone();
        assert_eq!(status.as_ref().map(|s| s.as_str()), Some("Enabled"));
        versioning.suspend().send().await.unwrap();
        let status = versioning.load().await.unwrap().data().unwrap().status.clone();
        assert_eq!(status.as_ref().map(|s| s.as_str()), Some("Suspended"));

        // Loads of the rest.
        let acl = bucket.acl().load().await.unwrap();
        assert!(acl.data().unwrap().owner.is_some());
        // BucketRequestPayment is left out: moto does not implement `?requestPayment` (it
        // answers with a bucket listing), so there is nothing real to load.
        bucket.logging().load().await.unwrap();
        bucket.notification().load().await.unwrap();

        // Object-level: ObjectAcl, ObjectSummary (from a listing), ObjectVersion.
        // (Versioning back on, so the object has a real version id: moto refuses
        // `versionId=null`.)
        versioning.enable().send().await.unwrap();
        let object = bucket.put_object().key("o.txt").body("o").send().await.unwrap();
        let object_acl = object.acl().load().await.unwrap();
        assert!(object_acl.data().unwrap().grants.is_some());
        let summary = bucket.objects().items().try_next().await.unwrap().unwrap();
        assert_eq!(summary.key(), "o.txt");
        assert_eq!(summary.data().unwrap().size, Some(1));
        let body = summary.get().send().await.unwrap().body.unwrap();
        assert_eq!(body.collect().await.unwrap(), "o");
        let version = bucket.object_versions().items().try_next().await.unwrap().unwrap();
        let head = version.head().send().await.unwrap();
        assert_eq!(head.content_length, Some(1));
        assert_eq!(version.object(), object);
    });
}
