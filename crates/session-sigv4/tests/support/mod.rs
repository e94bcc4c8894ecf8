//! Shared by the SigV4 and SigV4a conformance tests: the suite's request parser, signing
//! context, case directories and comparison tally.

#![allow(dead_code)] // each test file uses some of these

use std::fs;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use http::request::Parts;
use http::{HeaderName, HeaderValue, Method, Uri};
use serde_json::Value;
use session_sigv4::{Identity, PayloadHash, SessionTokenMode, SigningParams, SigningSettings};

/// Cases whose request path contains a raw space: `get-space-unnormalized` literally, and
/// `get-space-normalized` in the SigV4a suite, and in the SigV4 suite before smithy-rs rewrote
/// its request line to `%20` (keeping the outputs). The expected canonical URI `/example%20space/` is the raw path encoded once. An
/// `http::Uri` cannot hold a raw space, so the harness signs the wire form `/example%20space/`;
/// encoding that once more (the default double encoding, which `double-url-encode` requires for
/// `%3A`) would give `%2520`, so these two cases run with `PercentEncodingMode::Single`, which
/// keeps the wire form's escapes: the same canonical URI the suite computed from the raw path.
/// The default-mode result is pinned by `space_in_path_double_encodes_the_wire_form`
/// (tests/conformance.rs).
pub(crate) const RAW_SPACE_CASES: &[&str] = &["get-space-normalized", "get-space-unnormalized"];

// ---------------------------------------------------------------------------------------------
// A small HTTP/1.1 request parser: request line, headers (duplicates and obs-fold continuation
// lines kept as they are), body.

pub(crate) struct RawRequest {
    pub(crate) method: String,
    pub(crate) target: String,
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) body: Vec<u8>,
}

pub(crate) fn parse_request(text: &[u8]) -> RawRequest {
    let (head, body) = match find(text, b"\n\n") {
        Some(i) => (&text[..i], text[i + 2..].to_vec()),
        None => (text, Vec::new()),
    };
    let head = std::str::from_utf8(head).unwrap().replace('\r', "");
    let mut lines = head.split('\n');
    let request_line = lines.next().unwrap();
    let (method, rest) = request_line.split_once(' ').unwrap();
    // `double-url-encode`'s signed request line has no HTTP version.
    let target = match rest.rsplit_once(' ') {
        Some((target, version)) if version.starts_with("HTTP/") => target,
        _ => rest,
    };
    let mut headers: Vec<(String, String)> = Vec::new();
    for line in lines {
        if line.is_empty() {
            continue;
        }
        if line.starts_with(' ') || line.starts_with('\t') {
            // obs-fold: the continuation (with its leading whitespace) extends the last value.
            headers.last_mut().unwrap().1.push_str(line);
            continue;
        }
        let (name, value) = line.split_once(':').unwrap();
        headers.push((name.to_owned(), value.to_owned()));
    }
    RawRequest {
        method: method.to_owned(),
        target: target.to_owned(),
        headers,
        body,
    }
}

pub(crate) fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

impl RawRequest {
    pub(crate) fn to_parts(&self) -> Parts {
        // A raw space is not valid in a URI: send its wire form (see RAW_SPACE_CASES).
        let target = self.target.replace(' ', "%20");
        let mut builder = http::Request::builder()
            .method(Method::from_bytes(self.method.as_bytes()).unwrap())
            .uri(Uri::try_from(target.as_str()).unwrap_or_else(|e| {
                panic!("request target {:?} is not an http::Uri: {e}", self.target)
            }));
        for (name, value) in &self.headers {
            builder = builder.header(
                HeaderName::from_bytes(name.as_bytes()).unwrap(),
                HeaderValue::from_str(value).unwrap(),
            );
        }
        builder.body(()).unwrap().into_parts().0
    }

    /// Headers as sorted `(lower-case name, trimmed value)` pairs.
    pub(crate) fn normalized_headers(&self) -> Vec<(String, String)> {
        let mut h: Vec<_> = self
            .headers
            .iter()
            .map(|(n, v)| (n.to_ascii_lowercase(), v.trim().to_owned()))
            .collect();
        h.sort();
        h
    }
}

pub(crate) fn normalized_parts_headers(parts: &Parts) -> Vec<(String, String)> {
    let mut h: Vec<_> = parts
        .headers
        .iter()
        .map(|(n, v)| (n.as_str().to_owned(), v.to_str().unwrap().trim().to_owned()))
        .collect();
    h.sort();
    h
}

// ---------------------------------------------------------------------------------------------
// Case context.

pub(crate) struct Context {
    pub(crate) access_key_id: String,
    pub(crate) secret_access_key: String,
    pub(crate) token: Option<String>,
    pub(crate) region: String,
    pub(crate) service: String,
    pub(crate) time: SystemTime,
    pub(crate) expires_in: Duration,
    pub(crate) settings: SigningSettings,
}

impl Context {
    pub(crate) fn from_json(v: &Value) -> Self {
        let creds = &v["credentials"];
        let mut settings = SigningSettings::default();
        settings.uri_path_normalization = v["normalize"].as_bool().unwrap();
        settings.content_sha256_header = v["sign_body"].as_bool().unwrap_or(false);
        if v["omit_session_token"].as_bool().unwrap_or(false) {
            settings.session_token_mode = SessionTokenMode::ExcludeFromSignature;
        }
        Self {
            access_key_id: creds["access_key_id"].as_str().unwrap().to_owned(),
            secret_access_key: creds["secret_access_key"].as_str().unwrap().to_owned(),
            token: creds["token"].as_str().map(str::to_owned),
            region: v["region"].as_str().unwrap().to_owned(),
            service: v["service"].as_str().unwrap().to_owned(),
            time: parse_timestamp(v["timestamp"].as_str().unwrap()),
            expires_in: Duration::from_secs(v["expiration_in_seconds"].as_u64().unwrap()),
            settings,
        }
    }

    /// The context smithy-rs uses for the two cases it added without a `context.json`.
    pub(crate) fn smithy_rs_default(
        region: &str,
        service: &str,
        access_key_id: &str,
        secret: &str,
        time: &str,
    ) -> Self {
        Self {
            access_key_id: access_key_id.to_owned(),
            secret_access_key: secret.to_owned(),
            token: None,
            region: region.to_owned(),
            service: service.to_owned(),
            time: parse_timestamp(time),
            expires_in: Duration::from_secs(3600),
            settings: SigningSettings::default(),
        }
    }

    pub(crate) fn params<'a>(&'a self, payload: &'a str) -> SigningParams<'a> {
        let mut identity = Identity::new(&self.access_key_id, &self.secret_access_key);
        if let Some(token) = &self.token {
            identity = identity.with_session_token(token);
        }
        SigningParams {
            identity,
            region: &self.region,
            service: &self.service,
            time: self.time,
            payload: PayloadHash::Precomputed(payload),
            settings: &self.settings,
        }
    }
}

/// `YYYY-MM-DDTHH:MM:SSZ` to a `SystemTime`.
pub(crate) fn parse_timestamp(s: &str) -> SystemTime {
    let n = |r: std::ops::Range<usize>| s[r].parse::<i64>().unwrap();
    let (y, m, d) = (n(0..4), n(5..7), n(8..10));
    let secs = n(11..13) * 3600 + n(14..16) * 60 + n(17..19);
    // days_from_civil (Howard Hinnant).
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    UNIX_EPOCH + Duration::from_secs(u64::try_from(days * 86_400 + secs).unwrap())
}

// ---------------------------------------------------------------------------------------------
// Cases and comparisons.

pub(crate) struct Case {
    pub(crate) name: String,
    pub(crate) dir: PathBuf,
}

impl Case {
    pub(crate) fn read(&self, file: &str) -> Option<String> {
        fs::read_to_string(self.dir.join(file)).ok()
    }

    pub(crate) fn expect(&self, file: &str) -> Option<String> {
        // Some files end with a newline, some do not; the value never does.
        self.read(file).map(|s| s.trim_end_matches('\n').to_owned())
    }
}

pub(crate) fn cases(suite: &str) -> Vec<Case> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(suite);
    let mut cases: Vec<Case> = fs::read_dir(&root)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .map(|dir| Case {
            name: dir.file_name().unwrap().to_string_lossy().into_owned(),
            dir,
        })
        .collect();
    cases.sort_by(|a, b| a.name.cmp(&b.name));
    cases
}

#[derive(Default)]
pub(crate) struct Tally {
    pub(crate) header_cases: usize,
    pub(crate) query_cases: usize,
    pub(crate) comparisons: usize,
}

/// Records one comparison, and a failure when `expected` and `actual` differ.
pub(crate) fn check(
    tally: &mut Tally,
    failures: &mut Vec<String>,
    case: &str,
    what: &str,
    expected: &str,
    actual: &str,
) {
    tally.comparisons += 1;
    if expected != actual {
        failures.push(format!(
            "{case}: {what} differs\n--- expected\n{expected}\n--- actual\n{actual}\n"
        ));
    }
}

/// The expected request target as it goes on the wire (see `RAW_SPACE_CASES`).
pub(crate) fn wire_target(case: &str, target: &str) -> String {
    if RAW_SPACE_CASES.contains(&case) {
        target.replace(' ', "%20")
    } else {
        target.to_owned()
    }
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
