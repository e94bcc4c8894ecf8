//! One-time installation of peers under the peers directory, safe when several test
//! processes start at once.
//!
//! Each peer `NAME` gets `<peers>/NAME/` (its install), `<peers>/NAME.lock` (an advisory
//! `flock`, released by the kernel even if the holder dies), `<peers>/NAME.install.log` and,
//! inside the install, a marker file holding the pinned spec. Readers take the fast path
//! when the marker matches; otherwise they take the lock, re-check, and the one that still
//! finds no marker wipes any partial install and installs again.

use std::ffi::OsString;
use std::fs::{self, File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

use fs2::FileExt;

use crate::error::{Error, Kind};

const MARKER: &str = ".session-testkit-installed";

/// Installs into `<peers>/<name>` with `install(dir, log)` unless a previous install of the
/// same `spec` is complete. Returns the install directory.
pub(crate) fn install_once(
    peers: &Path,
    name: &str,
    spec: &str,
    install: impl FnOnce(&Path, &Path) -> Result<(), Error>,
) -> Result<PathBuf, Error> {
    let dir = peers.join(name);
    if is_installed(&dir, spec) {
        return Ok(dir);
    }
    let fail = |what: &str, e| Error::io(Kind::Install, format!("{what} for {name}"), e);
    fs::create_dir_all(peers)
        .map_err(|e| fail(&format!("cannot create {}", peers.display()), e))?;
    let lock_path = peers.join(format!("{name}.lock"));
    let lock = OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&lock_path)
        .map_err(|e| fail(&format!("cannot open {}", lock_path.display()), e))?;
    lock.lock_exclusive()
        .map_err(|e| fail(&format!("cannot lock {}", lock_path.display()), e))?;
    // Another process may have finished while this one waited.
    if is_installed(&dir, spec) {
        return Ok(dir);
    }
    if dir.exists() {
        fs::remove_dir_all(&dir)
            .map_err(|e| fail(&format!("cannot remove partial {}", dir.display()), e))?;
    }
    let log = peers.join(format!("{name}.install.log"));
    // A fresh log per attempt; an error shows its tail.
    File::create(&log).map_err(|e| fail(&format!("cannot create {}", log.display()), e))?;
    eprintln!(
        "session-testkit: installing {spec} into {} (one time; log: {})",
        dir.display(),
        log.display()
    );
    let started = Instant::now();
    install(&dir, &log)?;
    let marker_tmp = dir.join(format!("{MARKER}.tmp"));
    fs::write(&marker_tmp, spec)
        .and_then(|()| fs::rename(&marker_tmp, dir.join(MARKER)))
        .map_err(|e| fail("cannot write the install marker", e))?;
    eprintln!(
        "session-testkit: installed {spec} in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    drop(lock);
    Ok(dir)
}

fn is_installed(dir: &Path, spec: &str) -> bool {
    fs::read_to_string(dir.join(MARKER)).is_ok_and(|s| s == spec)
}

/// The environment for installer commands: the test process's, minus `AWS_*` and the
/// variables cargo sets for the running test (they describe this crate, not the install).
pub(crate) fn installer_env() -> Vec<(OsString, OsString)> {
    std::env::vars_os()
        .filter(|(key, _)| {
            let key = key.to_string_lossy();
            !(key.starts_with("AWS_")
                || key.starts_with("CARGO_PKG_")
                || key.starts_with("CARGO_BIN_")
                || matches!(
                    key.as_ref(),
                    "CARGO_TARGET_DIR"
                        | "CARGO_BUILD_TARGET_DIR"
                        | "CARGO_MANIFEST_DIR"
                        | "CARGO_MANIFEST_PATH"
                        | "CARGO_CRATE_NAME"
                        | "CARGO_PRIMARY_PACKAGE"
                        | "CARGO_TARGET_TMPDIR"
                        | "CARGO_RUSTC_CURRENT_DIR"
                        | "CARGO_MAKEFLAGS"
                        | "MAKEFLAGS"
                        | "MFLAGS"
                        | "OUT_DIR"
                        | "VIRTUAL_ENV"
                        | "PYTHONHOME"
                        | "PYTHONPATH"
                ))
        })
        .collect()
}

/// Overrides the Python used to create the venvs (default `python3` from `PATH`).
pub const PYTHON_ENV: &str = "SESSION_TESTKIT_PYTHON";

/// Creates a venv at `venv` and pip-installs `spec` into it, logging to `log`.
pub(crate) fn pip_install_venv(venv: &Path, spec: &str, log: &Path) -> Result<(), Error> {
    let python = std::env::var_os(PYTHON_ENV)
        .filter(|p| !p.is_empty())
        .unwrap_or_else(|| "python3".into());
    let env = installer_env();
    run_logged(
        "creating a Python venv",
        Command::new(&python).arg("-m").arg("venv").arg(venv),
        &env,
        log,
    )?;
    run_logged(
        &format!("pip install {spec}"),
        Command::new(venv.join("bin/python"))
            .args([
                "-m",
                "pip",
                "install",
                "--no-input",
                "--disable-pip-version-check",
            ])
            .arg(spec),
        &env,
        log,
    )
}

/// `cargo install SPEC --locked EXTRA --root ROOT` with its own target directory
/// `build_dir` (so it never waits for the workspace's build lock), removed afterwards.
/// Uses the `cargo` in `$CARGO` (set by `cargo test`), else `cargo` from `PATH`.
pub(crate) fn cargo_install(
    spec: &str,
    extra: &[&str],
    root: &Path,
    build_dir: &Path,
    log: &Path,
) -> Result<(), Error> {
    let cargo = std::env::var_os("CARGO")
        .filter(|c| !c.is_empty())
        .unwrap_or_else(|| "cargo".into());
    let mut env = installer_env();
    env.push(("CARGO_TARGET_DIR".into(), build_dir.into()));
    let result = run_logged(
        &format!("cargo install {spec}"),
        Command::new(cargo)
            .args(["install", spec, "--locked"])
            .args(extra)
            .arg("--root")
            .arg(root),
        &env,
        log,
    );
    // The build directory is only needed during the install (hundreds of MB).
    let _ = fs::remove_dir_all(build_dir);
    result
}

/// Runs `command` with `env`, appending its command line and output to `log`.
///
/// # Errors
///
/// An install error carrying the log's tail if it cannot run or exits unsuccessfully.
pub(crate) fn run_logged(
    what: &str,
    command: &mut Command,
    env: &[(OsString, OsString)],
    log: &Path,
) -> Result<(), Error> {
    let fail = |e| {
        Error::io(
            Kind::Install,
            format!("{what}: cannot write {}", log.display()),
            e,
        )
    };
    let mut out = OpenOptions::new()
        .create(true)
        .append(true)
        .open(log)
        .map_err(fail)?;
    writeln!(out, "$ {command:?}").map_err(fail)?;
    let err = out.try_clone().map_err(fail)?;
    let status = command
        .env_clear()
        .envs(env.iter().map(|(k, v)| (k, v)))
        .stdin(Stdio::null())
        .stdout(out)
        .stderr(err)
        .status()
        .map_err(|e| {
            Error::io(Kind::Install, format!("{what}: cannot run {command:?}"), e).with_log(log)
        })?;
    if status.success() {
        Ok(())
    } else {
        Err(Error::new(Kind::Install, format!("{what} failed ({status})")).with_log(log))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;

    #[test]
    fn installs_once_under_concurrency() {
        let peers = tempfile::tempdir().expect("tempdir");
        let runs = Arc::new(AtomicUsize::new(0));
        let threads: Vec<_> = (0..4)
            .map(|_| {
                let peers = peers.path().to_path_buf();
                let runs = Arc::clone(&runs);
                std::thread::spawn(move || {
                    install_once(&peers, "thing", "thing==1", |dir, _log| {
                        runs.fetch_add(1, Ordering::SeqCst);
                        std::thread::sleep(std::time::Duration::from_millis(100));
                        fs::create_dir_all(dir.join("bin"))
                            .map_err(|e| Error::io(Kind::Install, "mkdir", e))
                    })
                })
            })
            .collect();
        for t in threads {
            let dir = t.join().expect("join").expect("install");
            assert!(dir.join("bin").is_dir());
        }
        assert_eq!(runs.load(Ordering::SeqCst), 1);
        // A new pin reinstalls, wiping the old install.
        install_once(peers.path(), "thing", "thing==2", |dir, _| {
            assert!(!dir.exists());
            fs::create_dir_all(dir).map_err(|e| Error::io(Kind::Install, "mkdir", e))
        })
        .expect("reinstall");
        assert!(!peers.path().join("thing/bin").exists());
    }

    #[test]
    fn failed_install_reports_log_and_is_retried() {
        let peers = tempfile::tempdir().expect("tempdir");
        let err = install_once(peers.path(), "bad", "bad==1", |dir, log| {
            fs::create_dir_all(dir).map_err(|e| Error::io(Kind::Install, "mkdir", e))?;
            run_logged(
                "the bad installer",
                Command::new("/bin/sh").args(["-c", "echo no such package >&2; exit 1"]),
                &installer_env(),
                log,
            )
        })
        .expect_err("must fail");
        assert!(err.is_install());
        let text = err.to_string();
        assert!(text.contains("the bad installer failed"), "{text}");
        assert!(text.contains("no such package"), "{text}");
        let again = install_once(peers.path(), "bad", "bad==1", |dir, _| {
            fs::create_dir_all(dir).map_err(|e| Error::io(Kind::Install, "mkdir", e))
        });
        assert!(again.is_ok());
    }

    #[test]
    fn installer_env_drops_aws_and_crate_variables() {
        let env = installer_env();
        assert!(env.iter().all(|(k, _)| {
            let k = k.to_string_lossy();
            !k.starts_with("AWS_") && k != "CARGO_MANIFEST_DIR"
        }));
    }
}
