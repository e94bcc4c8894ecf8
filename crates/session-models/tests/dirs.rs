//! Model folders in botocore's layout, and folders in front of the pack (`Loader`), on
//! temporary folders made by each test.

mod support;

use std::fs;
use std::io::Write;
use std::path::Path;

use flate2::{write::GzEncoder, Compression};
use session_models::{FileKind, Loader, ModelDirs, Origin, Pack};

fn write(root: &Path, rel: &str, text: &str) {
    let path = root.join(rel);
    fs::create_dir_all(path.parent().expect("has a parent")).expect("folders made");
    fs::write(path, text).expect("written");
}

fn write_gz(root: &Path, rel: &str, text: &str) {
    let mut gz = GzEncoder::new(Vec::new(), Compression::default());
    gz.write_all(text.as_bytes()).expect("compressed");
    let path = root.join(rel);
    fs::create_dir_all(path.parent().expect("has a parent")).expect("folders made");
    fs::write(path, gz.finish().expect("compressed")).expect("written");
}

#[test]
fn latest_version_over_all_folders_and_first_folder_per_file() {
    let first = tempfile::tempdir().expect("temp dir");
    let second = tempfile::tempdir().expect("temp dir");
    write(first.path(), "svc/2020-01-01/service-2.json", "first 2020");
    write(
        second.path(),
        "svc/2021-06-30/service-2.json",
        "second 2021",
    );
    write(
        second.path(),
        "svc/2021-06-30/paginators-1.json",
        "second pag",
    );
    write(
        first.path(),
        "svc/2021-06-30/paginators-1.json",
        "first pag",
    );
    // A version folder without a service model does not count.
    write(first.path(), "svc/2099-01-01/waiters-2.json", "orphan");
    write(first.path(), "other/2019-01-01/service-2.json.gz", "unused");

    let missing = first.path().join("does-not-exist");
    let dirs = ModelDirs::new([missing.as_path(), first.path(), second.path()]);
    assert_eq!(dirs.services().expect("lists"), ["other", "svc"]);
    assert_eq!(
        dirs.api_versions("svc").expect("lists"),
        ["2020-01-01", "2021-06-30"]
    );
    let svc = dirs.service("svc").expect("found");
    assert_eq!(svc.api_version(), "2021-06-30");
    assert_eq!(
        svc.file(FileKind::Service).expect("reads").as_deref(),
        Some("second 2021")
    );
    assert_eq!(
        svc.file(FileKind::Paginators).expect("reads").as_deref(),
        Some("first pag")
    );
    assert_eq!(svc.file(FileKind::Waiters).expect("reads"), None);
    assert_eq!(
        svc.path(FileKind::Paginators),
        Some(first.path().join("svc/2021-06-30/paginators-1.json"))
    );
}

#[test]
fn json_before_json_gz_and_gz_is_decompressed() {
    let root = tempfile::tempdir().expect("temp dir");
    write_gz(
        root.path(),
        "svc/2020-01-01/service-2.json.gz",
        "{\"from\": \"gz\"}",
    );
    write_gz(
        root.path(),
        "svc/2020-01-01/waiters-2.json.gz",
        "waiters gz",
    );
    write(
        root.path(),
        "svc/2020-01-01/waiters-2.json",
        "waiters plain",
    );
    let dirs = ModelDirs::new([root.path()]);
    let svc = dirs.service("svc").expect("found");
    assert_eq!(
        svc.file(FileKind::Service).expect("reads").as_deref(),
        Some("{\"from\": \"gz\"}")
    );
    assert_eq!(
        svc.file(FileKind::Waiters).expect("reads").as_deref(),
        Some("waiters plain")
    );
}

#[test]
fn bad_files_and_unknown_services() {
    let root = tempfile::tempdir().expect("temp dir");
    write(
        root.path(),
        "dynamodb/2012-08-10/service-2.json.gz",
        "not gzip",
    );
    fs::write(
        root.path().join("dynamodb/2012-08-10/waiters-2.json"),
        [0xff, 0xfe],
    )
    .expect("written");
    let dirs = ModelDirs::new([root.path()]);
    let svc = dirs.service("dynamodb").expect("found");
    let err = svc.file(FileKind::Service).expect_err("bad gzip");
    assert!(err.is_corrupt(), "{err:?}");
    assert!(
        err.to_string().contains("service-2.json.gz: bad gzip data"),
        "{err}"
    );
    let err = svc.file(FileKind::Waiters).expect_err("not UTF-8");
    assert!(
        err.is_corrupt() && err.to_string().contains("is not UTF-8"),
        "{err}"
    );

    let err = dirs.service("dynamo").expect_err("unknown");
    assert!(err.is_unknown_service());
    assert_eq!(err.close_names(), ["dynamodb"]);
    assert!(
        err.to_string()
            .contains("(1 services in the model folders "),
        "{err}"
    );
    // Names are folder names, not paths.
    assert!(dirs
        .service("../dynamodb")
        .expect_err("not a name")
        .is_unknown_service());
}

#[test]
fn data_path_like_botocore() {
    let home = Path::new("/home/me");
    let env = |name: &str| (name == "MODELS").then(|| "/srv/models".to_owned());
    let value = std::env::join_paths(["~/a", "$MODELS/b", "${UNSET}/c"]).expect("joins");
    let dirs = ModelDirs::like_botocore(value.to_str(), Some(home), env);
    let want: Vec<&Path> = vec![
        Path::new("/home/me/a"),
        Path::new("/srv/models/b"),
        Path::new("${UNSET}/c"),
        Path::new("/home/me/.aws/models"),
    ];
    assert_eq!(dirs.paths(), want.as_slice());
    assert_eq!(
        ModelDirs::like_botocore(None, None, |_| None).paths(),
        [] as [&Path; 0]
    );
}

#[test]
fn folders_in_front_of_the_pack() {
    let pack = Pack::open(support::pack_path()).expect("opens");
    let root = tempfile::tempdir().expect("temp dir");
    // A newer sqs than the pack's: it replaces the pack's entirely.
    write(root.path(), "sqs/2030-01-01/service-2.json", "new sqs");
    // s3 at the pack's version, with only service-2: the other files come from the pack.
    write(root.path(), "s3/2006-03-01/service-2.json", "my s3");
    // An older sts: the pack's is newer and wins.
    write(root.path(), "sts/2000-01-01/service-2.json", "old sts");
    // A service the pack does not have.
    write(root.path(), "mine/2024-01-01/service-2.json", "mine");

    let loader = Loader::new(ModelDirs::new([root.path()]), Some(&pack));
    let sqs = loader.service("sqs").expect("found");
    assert_eq!(sqs.api_version(), "2030-01-01");
    assert_eq!(
        sqs.file(FileKind::Service).expect("reads").as_deref(),
        Some("new sqs")
    );
    assert_eq!(sqs.file(FileKind::EndpointRuleSet).expect("reads"), None);
    assert_eq!(sqs.origin(FileKind::EndpointRuleSet), None);

    let s3 = loader.service("s3").expect("found");
    assert_eq!(
        s3.file(FileKind::Service).expect("reads").as_deref(),
        Some("my s3")
    );
    assert!(matches!(s3.origin(FileKind::Service), Some(Origin::Dir(_))));
    assert_eq!(s3.origin(FileKind::Paginators), Some(Origin::Pack));
    let pack_paginators = pack.service("s3").expect("s3").paginators().expect("reads");
    assert_eq!(
        s3.file(FileKind::Paginators).expect("reads"),
        pack_paginators
    );

    let sts = loader.service("sts").expect("found");
    assert_eq!(sts.api_version(), "2011-06-15");
    assert!(sts
        .file(FileKind::Service)
        .expect("reads")
        .expect("present")
        .starts_with('{'));

    assert_eq!(
        loader.service("mine").expect("found").api_version(),
        "2024-01-01"
    );
    let services = loader.services().expect("lists");
    assert_eq!(services.len(), 430);
    let err = loader.service("mien").expect_err("unknown");
    assert!(err.is_unknown_service());
    assert_eq!(err.close_names()[0], "mine");
    assert!(err.to_string().contains("and botocore 1.43.67"), "{err}");
}
