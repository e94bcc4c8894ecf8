//! `session cp` and `session sync` against SeaweedFS (`weed mini`), the binary run with a
//! cleared environment pointed at it.

#![allow(clippy::unwrap_used)]

use std::path::Path;
use std::process::{Command, Output};

use session_testkit::Seaweed;

struct Cli<'a> {
    weed: &'a Seaweed,
    home: tempfile::TempDir,
}

impl Cli<'_> {
    fn run(&self, args: &[&str]) -> Output {
        let c = self.weed.credentials();
        Command::new(env!("CARGO_BIN_EXE_session"))
            .args(args)
            .env_clear()
            .env("HOME", self.home.path())
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .env("AWS_ACCESS_KEY_ID", c.access_key_id())
            .env("AWS_SECRET_ACCESS_KEY", c.secret_access_key())
            .env("AWS_REGION", "us-east-1")
            .env("AWS_ENDPOINT_URL", self.weed.endpoint())
            .output()
            .unwrap()
    }

    fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args);
        let err = String::from_utf8_lossy(&out.stderr).into_owned();
        assert!(out.status.success(), "session {args:?}: {err}");
        String::from_utf8_lossy(&out.stdout).into_owned() + &err
    }
}

fn bucket(weed: &Seaweed, name: &str) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let s3 = services_s3::S3Client::new(&weed.session(None)).unwrap();
    rt.block_on(s3.create_bucket().bucket(name).send()).unwrap();
}

fn data(len: usize, seed: u8) -> Vec<u8> {
    (0..len)
        .map(|i| (i as u8).wrapping_mul(31) ^ seed)
        .collect()
}

fn write(p: &Path, d: &[u8]) {
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, d).unwrap();
}

#[test]
fn cp_both_ways_recursive_and_s3_to_s3() {
    let weed = Seaweed::shared();
    let cli = Cli {
        weed,
        home: tempfile::tempdir().unwrap(),
    };
    let b = format!("cli-cp-{}", std::process::id());
    bucket(weed, &b);
    let dir = tempfile::tempdir().unwrap();
    let big = dir.path().join("big file.bin");
    write(&big, &data(13 << 20, 1));
    // Not a terminal here: plain progress lines, then the summary.
    let out = cli.ok(&[
        "cp",
        big.to_str().unwrap(),
        &format!("s3://{b}/up/"),
        "--part-size",
        "5MiB",
        "--concurrency",
        "3",
    ]);
    assert!(out.contains("done, 13631488 bytes"), "{out}");
    let back = dir.path().join("back.bin");
    cli.ok(&[
        "cp",
        &format!("s3://{b}/up/big file.bin"),
        back.to_str().unwrap(),
        "--checksum",
        "crc32c",
    ]);
    assert_eq!(std::fs::read(&back).unwrap(), std::fs::read(&big).unwrap());
    cli.ok(&[
        "cp",
        &format!("s3://{b}/up/big file.bin"),
        &format!("s3://{b}/copied/x.bin"),
    ]);
    let tree = dir.path().join("tree");
    for i in 0..12 {
        write(
            &tree.join(format!("d{}/f{i}.txt", i % 3)),
            &data(100 + i, i as u8),
        );
    }
    let out = cli.ok(&[
        "cp",
        "-r",
        tree.to_str().unwrap(),
        &format!("s3://{b}/tree"),
        "--exclude",
        "d2/*",
    ]);
    assert!(out.contains("8 files"), "{out}");
    let down = dir.path().join("down");
    let out = cli.ok(&[
        "cp",
        "--recursive",
        &format!("s3://{b}/tree/"),
        down.to_str().unwrap(),
    ]);
    assert!(out.contains("8 files") && out.contains("0 failed"), "{out}");
    assert_eq!(std::fs::read(down.join("d1/f4.txt")).unwrap(), data(104, 4));
    assert!(!down.join("d2").exists());
    // Bad input: a clear error and exit code 2.
    let bad = cli.run(&["cp", "only-one"]);
    assert_eq!(bad.status.code(), Some(2));
    let missing = cli.run(&[
        "cp",
        &format!("s3://{b}/no-such-key"),
        dir.path().join("n").to_str().unwrap(),
    ]);
    assert_eq!(missing.status.code(), Some(1));
    assert!(!dir.path().join("n").exists());
}

#[test]
fn cp_resume_file_and_sync() {
    let weed = Seaweed::shared();
    let cli = Cli {
        weed,
        home: tempfile::tempdir().unwrap(),
    };
    let b = format!("cli-sync-{}", std::process::id());
    bucket(weed, &b);
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("a.bin");
    write(&src, &data(11 << 20, 2));
    let cp = dir.path().join("a.checkpoint");
    cli.ok(&[
        "cp",
        src.to_str().unwrap(),
        &format!("s3://{b}/a.bin"),
        "--resume",
        cp.to_str().unwrap(),
        "--part-size",
        "5MiB",
    ]);
    assert!(!cp.exists(), "the checkpoint goes once the upload is done");

    let tree = dir.path().join("tree");
    for i in 0..6 {
        write(&tree.join(format!("s/f{i}.txt")), &data(50 + i, i as u8));
    }
    let dest = format!("s3://{b}/synced");
    let plan = cli.ok(&["sync", tree.to_str().unwrap(), &dest, "--dry-run"]);
    assert_eq!(plan.matches("(dry run) upload").count(), 6, "{plan}");
    cli.ok(&["sync", tree.to_str().unwrap(), &dest]);
    let again = cli.ok(&["sync", tree.to_str().unwrap(), &dest, "--dry-run"]);
    assert!(again.contains("0 to upload"), "{again}");
    // One file changes size: only it is copied; with --compare checksum, a same-size
    // change is found as well.
    write(&tree.join("s/f1.txt"), &data(999, 9));
    let plan = cli.ok(&["sync", tree.to_str().unwrap(), &dest, "--dry-run"]);
    assert_eq!(plan.matches("(dry run) upload").count(), 1, "{plan}");
    cli.ok(&["sync", tree.to_str().unwrap(), &dest]);
    // Same size, and the old mtime put back: only the checksum tells.
    let f2 = tree.join("s/f2.txt");
    let old = std::fs::metadata(&f2).unwrap().modified().unwrap();
    write(&f2, &data(52, 77));
    std::fs::File::options()
        .write(true)
        .open(&f2)
        .unwrap()
        .set_modified(old)
        .unwrap();
    let by_time = cli.ok(&["sync", tree.to_str().unwrap(), &dest, "--dry-run"]);
    assert!(by_time.contains("0 to upload"), "{by_time}");
    let plan = cli.ok(&[
        "sync",
        tree.to_str().unwrap(),
        &dest,
        "--dry-run",
        "--compare",
        "checksum",
    ]);
    assert!(
        plan.contains("s/f2.txt") && plan.matches("(dry run) upload").count() == 1,
        "{plan}"
    );
    // And back down into an empty directory.
    let down = dir.path().join("down");
    cli.ok(&["sync", &dest, down.to_str().unwrap()]);
    assert_eq!(std::fs::read(down.join("s/f1.txt")).unwrap(), data(999, 9));
    let again = cli.ok(&["sync", &dest, down.to_str().unwrap(), "--dry-run"]);
    assert!(again.contains("0 to download"), "{again}");
}
