//! Damaged packs: a clear error naming what is wrong, never a panic, and the undamaged
//! members of a pack stay readable.

mod support;

use session_models::{FileKind, Pack};
use support::{pack_bytes, spec_services};

fn open_err(bytes: Vec<u8>) -> String {
    let err = Pack::from_vec(bytes).expect_err("a damaged pack does not open");
    assert!(err.is_corrupt(), "{err:?}");
    err.to_string()
}

#[test]
fn header_damage() {
    let good = pack_bytes();

    let mut bytes = good.clone();
    bytes[0] = b'P';
    assert!(open_err(bytes).contains("wrong magic bytes"));

    let mut bytes = good.clone();
    bytes[8] = 2;
    let message = open_err(bytes);
    assert!(
        message.contains("format version 2, this reader knows version 1"),
        "{message}"
    );

    assert!(open_err(good[..10].to_vec()).contains("10 bytes, shorter than the 24-byte header"));
    assert!(open_err(Vec::new()).contains("0 bytes"));

    let mut bytes = good.clone();
    bytes[12..16].copy_from_slice(&u32::MAX.to_le_bytes());
    assert!(open_err(bytes).contains("the index runs past the end"));
}

#[test]
fn index_damage() {
    let good = pack_bytes();
    let mut bytes = good.clone();
    bytes[40] ^= 0x55;
    assert!(open_err(bytes).contains("the index does not match its checksum"));

    // A cut-off file: the last members lie past its end.
    let message = open_err(good[..good.len() - 1000].to_vec());
    assert!(message.contains("lies outside the data"), "{message}");
}

#[test]
fn member_damage_names_the_member() {
    let mut bytes = pack_bytes();
    let services = spec_services(&bytes);
    let s3 = services.iter().find(|s| s.name == "s3").expect("s3");
    let model = s3.files.iter().find(|f| f.kind == 1).expect("service-2");
    let middle = (model.offset + u64::from(model.stored) / 2) as usize;
    bytes[middle] ^= 0xff;

    let pack = Pack::from_vec(bytes).expect("the index is intact, so the pack opens");
    let err = pack
        .service("s3")
        .expect("s3")
        .service_json()
        .expect_err("the member is damaged");
    assert!(err.is_corrupt(), "{err:?}");
    let message = err.to_string();
    assert!(
        message.starts_with("corrupt member `s3/2006-03-01/service-2` (blob "),
        "{message}"
    );
    assert!(message.contains("in the pack in memory"), "{message}");
    assert!(
        std::error::Error::source(&err).is_some(),
        "the gzip error is the source"
    );

    // Everything else still reads.
    let s3 = pack.service("s3").expect("s3");
    assert!(s3
        .file(FileKind::EndpointRuleSet)
        .expect("intact")
        .is_some());
    assert!(pack.service("sqs").expect("sqs").service_json().is_ok());
}

#[test]
fn damaged_file_on_disk_names_the_path() {
    let mut bytes = pack_bytes();
    let services = spec_services(&bytes);
    let sqs = services.iter().find(|s| s.name == "sqs").expect("sqs");
    let rules = sqs.files.iter().find(|f| f.kind == 4).expect("rule set");
    // The gzip trailer (CRC-32 and length): the data inflates, the check fails.
    let trailer = (rules.offset + u64::from(rules.stored) - 6) as usize;
    bytes[trailer] ^= 0x01;
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("damaged.pack");
    std::fs::write(&path, &bytes).expect("written");

    let pack = Pack::open(&path).expect("opens");
    let err = pack
        .service("sqs")
        .expect("sqs")
        .endpoint_rule_set()
        .expect_err("damaged");
    assert!(err.is_corrupt());
    let message = err.to_string();
    assert!(
        message.contains("`sqs/2012-11-05/endpoint-rule-set-1`"),
        "{message}"
    );
    assert!(message.contains(&path.display().to_string()), "{message}");
}

#[test]
fn missing_file_is_an_io_error() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("none.pack");
    let err = Pack::open(&path).expect_err("no such file");
    assert!(err.is_io() && !err.is_corrupt());
    assert_eq!(err.path(), Some(path.as_path()));
    assert!(err.to_string().contains("none.pack"), "{err}");

    std::fs::write(&path, b"short").expect("written");
    let err = Pack::open(&path).expect_err("not a pack");
    assert!(err.is_corrupt(), "{err:?}");
    assert!(err.to_string().contains("5 bytes"), "{err}");
}
