//! S3 resources (first slice) against moto with signature checking on.

#![allow(clippy::unwrap_used)]

use std::collections::HashSet;

use services_s3::S3Client;

#[test]
fn buckets_and_objects_as_resources() {
    let moto = session_testkit::Moto::shared_with_auth();
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let s3 = S3Client::new(&moto.session(None)).unwrap().resource();
        let bucket = s3.bucket("resource-bucket");
        assert_eq!(bucket.name(), "resource-bucket");
        // Same type and identifiers: equal, and one entry in a set.
        let again = s3.bucket("resource-bucket");
        assert_eq!(bucket, again);
        assert_eq!(HashSet::from([bucket.clone(), again]).len(), 1);
        assert_ne!(bucket, s3.bucket("other"));

        bucket.create().send().await.unwrap();

        // The Buckets collection: resources with their data from the listing.
        use futures_util::TryStreamExt as _;
        let all: Vec<_> = s3.buckets().items().try_collect().await.unwrap();
        let listed = all.iter().find(|b| **b == bucket).unwrap();
        assert!(listed.data().unwrap().creation_date.is_some());
        assert!(bucket.data().is_none());
        let object = bucket.object("docs/readme.txt");
        assert_eq!(object.bucket_name(), "resource-bucket");
        assert_eq!(object.key(), "docs/readme.txt");
        assert!(object.data().is_none(), "nothing is loaded until asked");
        object.put().body("resource body").send().await.unwrap();

        let loaded = object.load().await.unwrap();
        assert_eq!(loaded.data().unwrap().content_length, Some(13));
        assert!(object.data().is_none(), "the original handle is unchanged");
        assert_eq!(loaded, object, "equality is identifiers, not data");

        let got = object.get().send().await.unwrap();
        assert_eq!(got.body.unwrap().collect().await.unwrap(), "resource body");
        assert_eq!(object.bucket(), bucket);

        // The Objects collection over ListObjects, three per page, filtered by prefix and
        // bounded; listed objects carry their summary data.
        for i in 0..7 {
            bucket
                .put_object()
                .key(format!("logs/{i}.txt"))
                .body("x")
                .send()
                .await
                .unwrap();
        }
        let logs: Vec<_> = bucket
            .objects()
            .filter(|c| c.prefix("logs/"))
            .page_size(3)
            .items()
            .try_collect()
            .await
            .unwrap();
        let keys: Vec<&str> = logs.iter().map(|o| o.key()).collect();
        assert_eq!(keys.len(), 7, "{keys:?}");
        assert_eq!(logs[0].data().unwrap().size, Some(1));
        let pages: Vec<_> = bucket
            .objects()
            .filter(|c| c.prefix("logs/"))
            .page_size(3)
            .pages()
            .try_collect()
            .await
            .unwrap();
        assert_eq!(pages.iter().map(Vec::len).collect::<Vec<_>>(), [3, 3, 1]);
        let first_two: Vec<_> = bucket
            .objects()
            .limit(2)
            .items()
            .try_collect()
            .await
            .unwrap();
        assert_eq!(first_two.len(), 2);

        object.delete().send().await.unwrap();
        let e = object.load().await.unwrap_err();
        assert_eq!(e.service_error().unwrap().status(), 404);
    });
}
