//! A server child process: cleared environment, output to a log file, killed on drop, and
//! killed by a watchdog if the test process dies without dropping it.

use std::ffi::OsString;
use std::fs::File;
use std::io;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use crate::error::{Error, Kind};

/// Watches its stdin (a pipe only the test process holds); at EOF, which comes when the test
/// process drops the server or dies in any way, it SIGKILLs the server's process group and
/// removes the server's files (`$2…`): a static instance is never dropped, so its temporary
/// directory would otherwise stay behind.
const WATCHDOG_SCRIPT: &str = r#"while read -r line; do :; done
kill -KILL -- "-$1" 2>/dev/null || kill -KILL "$1" 2>/dev/null
shift
if [ "$#" -gt 0 ]; then
  rm -rf -- "$@" 2>/dev/null || { sleep 0.2; rm -rf -- "$@" 2>/dev/null; }
fi
exit 0"#;

/// A running server.
pub(crate) struct ServerProcess {
    name: &'static str,
    child: Child,
    watchdog: Option<Child>,
    log: PathBuf,
}

/// The environment every server gets: nothing from the test process except `PATH`, plus a
/// private `HOME` and `TMPDIR` (so no `AWS_*` variable or `~/.aws` file leaks in).
pub(crate) fn base_env(home: &Path) -> Vec<(OsString, OsString)> {
    let path = std::env::var_os("PATH").unwrap_or_else(|| "/usr/local/bin:/usr/bin:/bin".into());
    vec![
        ("PATH".into(), path),
        ("HOME".into(), home.into()),
        ("TMPDIR".into(), home.into()),
    ]
}

impl ServerProcess {
    /// Spawns `program args` in `dir` with exactly `env`, stdout and stderr to `log`, in a
    /// process group of its own. When it is killed, `dir` and `litter` are removed.
    pub(crate) fn spawn(
        name: &'static str,
        program: &Path,
        args: &[OsString],
        env: &[(OsString, OsString)],
        dir: &Path,
        log: PathBuf,
        litter: &[PathBuf],
    ) -> Result<Self, Error> {
        let what = || format!("cannot start {name} ({})", program.display());
        let out = File::create(&log).map_err(|e| Error::io(Kind::Start, what(), e))?;
        let err = out
            .try_clone()
            .map_err(|e| Error::io(Kind::Start, what(), e))?;
        let child = Command::new(program)
            .args(args)
            .env_clear()
            .envs(env.iter().map(|(k, v)| (k, v)))
            .current_dir(dir)
            .stdin(Stdio::null())
            .stdout(out)
            .stderr(err)
            .process_group(0)
            .spawn()
            .map_err(|e| Error::io(Kind::Start, what(), e))?;
        // Without a watchdog the server still dies on drop; only a crash of the test process
        // could then leave it behind.
        let mut remove = vec![dir.to_path_buf()];
        remove.extend_from_slice(litter);
        let watchdog = spawn_watchdog(child.id(), &remove).ok();
        Ok(Self {
            name,
            child,
            watchdog,
            log,
        })
    }

    /// The server's exit status if it has exited.
    pub(crate) fn exited(&mut self) -> Option<ExitStatus> {
        self.child.try_wait().ok().flatten()
    }

    /// The log file (stdout and stderr).
    pub(crate) fn log(&self) -> &Path {
        &self.log
    }

    /// Polls `ready` every 50 ms until it returns true.
    ///
    /// # Errors
    ///
    /// A start error if the process exits first, a timeout error after `timeout`; both
    /// carry the tail of the server's log.
    pub(crate) fn wait_ready(
        &mut self,
        timeout: Duration,
        mut ready: impl FnMut() -> bool,
    ) -> Result<(), Error> {
        let start = Instant::now();
        loop {
            if let Some(status) = self.exited() {
                return Err(Error::new(
                    Kind::Start,
                    format!("{} exited ({status}) before it was ready", self.name),
                )
                .with_log(&self.log));
            }
            if ready() {
                return Ok(());
            }
            if start.elapsed() >= timeout {
                return Err(Error::new(
                    Kind::Timeout,
                    format!("{} was not ready after {timeout:?}", self.name),
                )
                .with_log(&self.log));
            }
            thread::sleep(Duration::from_millis(50));
        }
    }
}

/// Runs `start` up to three times while it fails with a start error: a port found free can
/// be taken by another process before the server binds it, and the server then exits early.
pub(crate) fn retry_start<T>(mut start: impl FnMut() -> Result<T, Error>) -> Result<T, Error> {
    let mut attempt = 1;
    loop {
        match start() {
            Err(e) if e.is_start() && attempt < 3 => attempt += 1,
            other => return other,
        }
    }
}

fn spawn_watchdog(pid: u32, remove: &[PathBuf]) -> io::Result<Child> {
    Command::new("/bin/sh")
        .arg("-c")
        .arg(WATCHDOG_SCRIPT)
        .arg("session-testkit-watchdog")
        .arg(pid.to_string())
        .args(remove)
        .env_clear()
        .env("PATH", "/usr/bin:/bin")
        .current_dir("/")
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        // Its own group: a Ctrl-C to the test's group must not kill it before it acts.
        .process_group(0)
        .spawn()
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        if let Some(mut watchdog) = self.watchdog.take() {
            // Closing the pipe makes the watchdog kill the server's whole group.
            drop(watchdog.stdin.take());
            let deadline = Instant::now() + Duration::from_secs(2);
            while matches!(watchdog.try_wait(), Ok(None)) && Instant::now() < deadline {
                thread::sleep(Duration::from_millis(5));
            }
            let _ = watchdog.kill();
            let _ = watchdog.wait();
        }
        // The server is not reaped yet, so its pid cannot have been reused.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl std::fmt::Debug for ServerProcess {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ServerProcess")
            .field("name", &self.name)
            .field("pid", &self.child.id())
            .field("log", &self.log)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn alive(pid: u32) -> bool {
        // `kill -0` fails for a pid that does not exist; a zombie counts as dead here.
        let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
        !stat.is_empty() && !stat.contains(") Z ")
    }

    #[test]
    fn env_is_cleared_and_drop_kills() {
        let dir = tempfile::tempdir().expect("tempdir");
        let log = dir.path().join("sleep.log");
        let mut env = base_env(dir.path());
        env.push(("MARKER".into(), "1".into()));
        let script: Vec<OsString> = vec!["-c".into(), "env | sort; exec sleep 30".into()];
        let mut p = ServerProcess::spawn(
            "sh",
            Path::new("/bin/sh"),
            &script,
            &env,
            dir.path(),
            log,
            &[],
        )
        .expect("spawn");
        let pid = p.child.id();
        let watchdog_pid = p.watchdog.as_ref().map(Child::id).expect("watchdog");
        p.wait_ready(Duration::from_secs(5), || {
            std::fs::read_to_string(dir.path().join("sleep.log"))
                .is_ok_and(|s| s.contains("MARKER=1"))
        })
        .expect("ready");
        let printed = std::fs::read_to_string(p.log()).expect("log");
        assert!(!printed.contains("AWS_"), "{printed}");
        assert!(
            printed.contains(&format!("HOME={}", dir.path().display())),
            "{printed}"
        );
        assert!(alive(pid));
        drop(p);
        assert!(!alive(pid));
        assert!(!alive(watchdog_pid));
    }

    #[test]
    fn early_exit_is_a_start_error_with_log() {
        let dir = tempfile::tempdir().expect("tempdir");
        let log = dir.path().join("false.log");
        let args: Vec<OsString> = vec!["-c".into(), "echo boom >&2; exit 3".into()];
        let mut p =
            ServerProcess::spawn("sh", Path::new("/bin/sh"), &args, &[], dir.path(), log, &[])
                .expect("spawn");
        let err = p
            .wait_ready(Duration::from_secs(5), || false)
            .expect_err("must fail");
        assert!(err.is_start());
        assert!(err.to_string().contains("boom"), "{err}");
    }

    #[test]
    fn watchdog_kills_server_when_its_pipe_closes() {
        let dir = tempfile::tempdir().expect("tempdir");
        let server_dir = dir.path().join("server");
        std::fs::create_dir(&server_dir).expect("mkdir");
        let litter = dir.path().join("litter.sock");
        std::fs::write(&litter, "").expect("litter");
        let args: Vec<OsString> = vec!["30".into()];
        let mut p = ServerProcess::spawn(
            "sleep",
            Path::new("/bin/sleep"),
            &args,
            &base_env(&server_dir),
            &server_dir,
            server_dir.join("sleep.log"),
            std::slice::from_ref(&litter),
        )
        .expect("spawn");
        let pid = p.child.id();
        // What happens when the test process dies: the pipe's write end closes.
        let mut watchdog = p.watchdog.take().expect("watchdog");
        drop(watchdog.stdin.take());
        let status = watchdog.wait().expect("watchdog exits");
        assert!(status.success());
        let status = p.child.wait().expect("server reaped");
        assert!(!status.success(), "killed by the watchdog: {status}");
        assert!(!alive(pid));
        assert!(!server_dir.exists(), "the server's directory is removed");
        assert!(!litter.exists(), "the litter is removed");
    }
}
