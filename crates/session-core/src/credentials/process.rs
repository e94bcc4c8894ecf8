//! `credential_process`: credentials printed by an external command.
//!
//! The command line is split like a shell would split it (spaces separate words, `'…'` and
//! `"…"` quote, `\` escapes) but no shell runs it: there is no variable expansion, globbing or
//! command substitution to be surprised by. The command must print the JSON document of the
//! SDKs' `credential_process` contract (`Version: 1`, `AccessKeyId`, `SecretAccessKey`,
//! optional `SessionToken` and RFC 3339 `Expiration`) on standard output. A non-zero exit, a
//! malformed document or a command that does not finish in time is an error that shows the
//! command's standard error, never its standard output (which holds secrets).

use std::fmt;
use std::future::Future;
use std::io::Read;
use std::pin::Pin;
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll, Waker};
use std::time::{Duration, Instant, SystemTime};

use super::{Credentials, CredentialsError, ProvideCredentials, ProvideCredentialsFuture};

/// How long a command may take by default.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);

/// Runs a `credential_process` command.
#[derive(Clone)]
pub struct CredentialProcessProvider {
    argv: Arc<[String]>,
    origin: Arc<str>,
    timeout: Duration,
}

impl CredentialProcessProvider {
    /// A provider for `command`; `origin` says where it was configured (for messages and
    /// [`Credentials::source`]).
    ///
    /// # Errors
    /// An empty command or an unterminated quote.
    pub fn new(command: &str, origin: impl Into<String>) -> Result<Self, CredentialsError> {
        let origin: String = origin.into();
        let argv = split_command(command).map_err(|why| {
            CredentialsError::provider_failed(format!("credential_process ({origin}): {why}"), why)
        })?;
        if argv.is_empty() {
            return Err(CredentialsError::provider_failed(
                format!("credential_process ({origin}) is empty"),
                "empty command",
            ));
        }
        Ok(Self {
            argv: argv.into(),
            origin: origin.into(),
            timeout: DEFAULT_TIMEOUT,
        })
    }

    /// Fails a command that runs longer than this. Default: [`DEFAULT_TIMEOUT`] (60 s).
    #[must_use]
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    fn run(&self) -> Result<Credentials, CredentialsError> {
        let program = &self.argv[0];
        let fail = |what: String| {
            CredentialsError::provider_failed(
                format!("credential_process {program:?} ({}): {what}", self.origin),
                what,
            )
        };
        let mut child = Command::new(program)
            .args(&self.argv[1..])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| fail(format!("could not start: {e}")))?;
        // Both pipes are drained on their own threads so a chatty command cannot block on a
        // full pipe while we wait for it.
        let stdout = drain(child.stdout.take());
        let stderr = drain(child.stderr.take());
        let deadline = Instant::now() + self.timeout;
        let status = loop {
            match child.try_wait() {
                Ok(Some(status)) => break status,
                Ok(None) if Instant::now() >= deadline => {
                    let _ = child.kill();
                    let _ = child.wait();
                    return Err(fail(format!("did not finish within {:?}", self.timeout)));
                }
                Ok(None) => std::thread::sleep(Duration::from_millis(5)),
                Err(e) => return Err(fail(format!("could not wait for it: {e}"))),
            }
        };
        let stderr = stderr.join().unwrap_or_default();
        let stderr_tail = tail(&stderr);
        if !status.success() {
            return Err(fail(format!("exited with {status}; stderr: {stderr_tail}")));
        }
        let stdout = stdout.join().unwrap_or_default();
        parse_output(&stdout, &self.origin)
            .map_err(|why| fail(format!("{why}; stderr: {stderr_tail}")))
    }
}

fn drain(pipe: Option<impl Read + Send + 'static>) -> std::thread::JoinHandle<Vec<u8>> {
    std::thread::spawn(move || {
        let mut buf = Vec::new();
        if let Some(mut p) = pipe {
            let _ = p.read_to_end(&mut buf);
        }
        buf
    })
}

/// The last few hundred characters of a command's standard error, on one line.
fn tail(stderr: &[u8]) -> String {
    let text = String::from_utf8_lossy(stderr);
    let text = text.trim();
    if text.is_empty() {
        return "(empty)".into();
    }
    let chars: Vec<char> = text.chars().collect();
    let start = chars.len().saturating_sub(300);
    chars[start..]
        .iter()
        .map(|c| if c.is_control() { ' ' } else { *c })
        .collect()
}

fn parse_output(stdout: &[u8], origin: &str) -> Result<Credentials, String> {
    let doc: serde_json::Value =
        serde_json::from_slice(stdout).map_err(|e| format!("output is not JSON ({e})"))?;
    let field = |name: &str| doc.get(name).and_then(serde_json::Value::as_str);
    match doc.get("Version").and_then(serde_json::Value::as_u64) {
        Some(1) => {}
        Some(v) => return Err(format!("unsupported Version {v} (expected 1)")),
        None => return Err("output has no Version".into()),
    }
    let key = field("AccessKeyId")
        .filter(|s| !s.is_empty())
        .ok_or("output has no AccessKeyId")?;
    let secret = field("SecretAccessKey")
        .filter(|s| !s.is_empty())
        .ok_or("output has no SecretAccessKey")?;
    let expiry = match field("Expiration") {
        Some(s) => Some(
            parse_rfc3339(s).ok_or_else(|| format!("Expiration {s:?} is not an RFC 3339 time"))?,
        ),
        None => None,
    };
    Ok(Credentials::new(
        key,
        secret,
        field("SessionToken")
            .filter(|s| !s.is_empty())
            .map(str::to_owned),
        expiry,
        format!("credential_process ({origin})"),
    ))
}

/// Formats `time` as RFC 3339 in UTC with whole seconds (`2026-11-25T10:00:00Z`), the form
/// credential providers use. Times before 1970 print as the epoch.
pub fn format_rfc3339(time: SystemTime) -> String {
    let secs = time
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let (days, rem) = (secs / 86_400, secs % 86_400);
    // Days to a proleptic Gregorian date, by 400-year eras (Hinnant's civil-from-days).
    let z = days + 719_468;
    let era = z / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + u64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

/// Parses an RFC 3339 timestamp as credential providers return them:
/// `2026-11-25T10:00:00Z`, with optional fractional seconds and a `±hh:mm` offset.
/// `None` for anything else.
pub fn parse_rfc3339(s: &str) -> Option<SystemTime> {
    let b = s.as_bytes();
    if b.len() < 20
        || b[4] != b'-'
        || b[7] != b'-'
        || !matches!(b[10], b'T' | b't' | b' ')
        || b[13] != b':'
        || b[16] != b':'
    {
        return None;
    }
    // Digits only (`str::parse` would take a sign), read without its general machinery:
    // listings parse a time per object.
    let num = |r: std::ops::Range<usize>| {
        b.get(r)?.iter().try_fold(0i64, |n, &d| {
            d.is_ascii_digit().then(|| n * 10 + i64::from(d - b'0'))
        })
    };
    let (year, month, day) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (hour, minute, second) = (num(11..13)?, num(14..16)?, num(17..19)?);
    if !(1..=12).contains(&month)
        || !(1..=31).contains(&day)
        || hour > 23
        || minute > 59
        || second > 60
    {
        return None;
    }
    let mut rest = &s[19..];
    let mut nanos: u32 = 0;
    if let Some(frac) = rest.strip_prefix('.') {
        let digits = frac.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            return None;
        }
        // Nanosecond precision; further digits are dropped.
        for (i, b) in frac
            .bytes()
            .take(9)
            .take_while(u8::is_ascii_digit)
            .enumerate()
        {
            nanos += u32::from(b - b'0') * 10u32.pow(8 - u32::try_from(i).ok()?);
        }
        rest = &frac[digits..];
    }
    let offset = match rest {
        "Z" | "z" => 0,
        _ => {
            let sign = match rest.as_bytes().first()? {
                b'+' => 1,
                b'-' => -1,
                _ => return None,
            };
            let (h, m) = rest[1..].split_once(':')?;
            if h.len() != 2 || m.len() != 2 {
                return None;
            }
            sign * (h.parse::<i64>().ok()? * 3600 + m.parse::<i64>().ok()? * 60)
        }
    };
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * (if month > 2 { month - 3 } else { month + 9 }) + 2) / 5 + day - 1;
    let days = era * 146_097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719_468;
    let secs = days * 86_400 + hour * 3600 + minute * 60 + second - offset;
    Some(
        SystemTime::UNIX_EPOCH
            + Duration::from_secs(u64::try_from(secs).ok()?)
            + Duration::from_nanos(u64::from(nanos)),
    )
}

/// Splits a command line into words: whitespace separates, `'…'` quotes literally, `"…"`
/// quotes with `\"` and `\\` escapes, `\` outside quotes escapes the next character.
pub(crate) fn split_command(line: &str) -> Result<Vec<String>, String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut in_word = false;
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            c if c.is_whitespace() => {
                if in_word {
                    words.push(std::mem::take(&mut word));
                    in_word = false;
                }
            }
            '\'' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('\'') => break,
                        Some(c) => word.push(c),
                        None => return Err("unterminated ' quote".into()),
                    }
                }
            }
            '"' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('"') => break,
                        Some('\\') => match chars.next() {
                            Some(c @ ('"' | '\\')) => word.push(c),
                            Some(c) => {
                                word.push('\\');
                                word.push(c);
                            }
                            None => return Err("unterminated \" quote".into()),
                        },
                        Some(c) => word.push(c),
                        None => return Err("unterminated \" quote".into()),
                    }
                }
            }
            '\\' => {
                in_word = true;
                if let Some(c) = chars.next() {
                    word.push(c);
                }
            }
            c => {
                in_word = true;
                word.push(c);
            }
        }
    }
    if in_word {
        words.push(word);
    }
    Ok(words)
}

impl ProvideCredentials for CredentialProcessProvider {
    fn provide_credentials(&self) -> ProvideCredentialsFuture<'_> {
        let this = self.clone();
        ProvideCredentialsFuture::new(on_thread(move || this.run()))
    }
}

impl fmt::Debug for CredentialProcessProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CredentialProcessProvider")
            .field("program", &self.argv[0])
            .field("origin", &self.origin)
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

struct Slot<T> {
    value: Option<T>,
    waker: Option<Waker>,
}

/// Runs `f` on its own thread and completes when it returns; needs no async runtime.
fn on_thread<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, CredentialsError> + Send + 'static,
) -> impl Future<Output = Result<T, CredentialsError>> + Send {
    let slot = Arc::new(Mutex::new(Slot {
        value: None,
        waker: None,
    }));
    let writer = slot.clone();
    let spawned = std::thread::Builder::new()
        .name("credential_process".into())
        .spawn(move || {
            let out = f();
            let mut s = writer.lock().unwrap_or_else(PoisonError::into_inner);
            s.value = Some(out);
            if let Some(w) = s.waker.take() {
                w.wake();
            }
        });
    ThreadFuture {
        slot,
        spawn_error: spawned.err().map(|e| e.to_string()),
    }
}

struct ThreadFuture<T> {
    slot: Arc<Mutex<Slot<Result<T, CredentialsError>>>>,
    spawn_error: Option<String>,
}

impl<T> Future for ThreadFuture<T> {
    type Output = Result<T, CredentialsError>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        if let Some(e) = self.spawn_error.take() {
            return Poll::Ready(Err(CredentialsError::provider_failed(
                format!("could not start a thread for credential_process: {e}"),
                e,
            )));
        }
        let mut s = self.slot.lock().unwrap_or_else(PoisonError::into_inner);
        match s.value.take() {
            Some(v) => Poll::Ready(v),
            None => {
                s.waker = Some(cx.waker().clone());
                Poll::Pending
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_like_a_shell_without_one() {
        assert_eq!(split_command("a b  c").unwrap(), ["a", "b", "c"]);
        assert_eq!(
            split_command(r#"/opt/my tool/x "arg one" 'two $HOME' th\ ree "q\"x""#).unwrap(),
            [
                "/opt/my",
                "tool/x",
                "arg one",
                "two $HOME",
                "th ree",
                "q\"x"
            ]
        );
        assert_eq!(split_command("").unwrap(), Vec::<String>::new());
        assert!(split_command("a 'b").is_err());
        assert!(split_command("a \"b").is_err());
        assert_eq!(split_command("''").unwrap(), [""]);
    }

    #[test]
    fn rfc3339() {
        let t = parse_rfc3339("2026-11-25T00:00:00Z").unwrap();
        assert_eq!(
            t.duration_since(SystemTime::UNIX_EPOCH).unwrap().as_secs(),
            1_795_564_800
        );
        let t2 = parse_rfc3339("2026-11-25T02:00:00.123+02:00").unwrap();
        assert_eq!(t2.duration_since(t).unwrap(), Duration::from_millis(123));
        for bad in [
            "2026-11-25",
            "2026-13-01T00:00:00Z",
            "2026-11-25T00:00:00",
            "2026-11-25T00:00:00+0200",
            "garbage-garbage-garbage",
            "+026-11-25T00:00:00Z",
            "2026-11-25T0-:00:00Z",
        ] {
            assert!(parse_rfc3339(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn output_contract() {
        let ok = br#"{"Version":1,"AccessKeyId":"AK","SecretAccessKey":"SK","SessionToken":"T","Expiration":"2030-01-01T00:00:00Z"}"#;
        let c = parse_output(ok, "test").unwrap();
        assert_eq!((c.access_key_id(), c.session_token()), ("AK", Some("T")));
        assert!(c.expiry().is_some());
        assert!(parse_output(
            br#"{"Version":2,"AccessKeyId":"AK","SecretAccessKey":"SK"}"#,
            "t"
        )
        .unwrap_err()
        .contains("Version 2"));
        assert!(
            parse_output(br#"{"Version":1,"SecretAccessKey":"SK"}"#, "t")
                .unwrap_err()
                .contains("AccessKeyId")
        );
        assert!(parse_output(b"not json", "t")
            .unwrap_err()
            .contains("not JSON"));
    }

    #[test]
    fn rfc3339_round_trips() {
        for text in [
            "1970-01-01T00:00:00Z",
            "2000-02-29T23:59:59Z",
            "2026-11-25T10:00:00Z",
            "2100-03-01T12:30:05Z",
        ] {
            let t = parse_rfc3339(text).unwrap();
            assert_eq!(format_rfc3339(t), text);
        }
    }
}
