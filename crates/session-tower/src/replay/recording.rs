//! The recording itself: exchanges as plain data, and their JSON file format.

use std::path::Path;

use base64::Engine as _;
use bytes::Bytes;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::error::ReplayError;

/// The version written to (and the only one read from) a recording file; a later format
/// bumps it so that an old reader says so instead of misreading it.
const FORMAT_VERSION: u32 = 1;

/// A list of HTTP exchanges, in the order they happened: what a [`Recorder`](super::Recorder)
/// keeps and a [`Replayer`](super::Replayer) answers from.
///
/// The file format is JSON: `{"version": 1, "exchanges": [...]}`, each exchange
/// `{"request": {"method", "uri", "headers", "body"}, "response": {"status", "headers",
/// "body"}}`, headers as `"name: value"` strings in order, a body as a string when it is
/// UTF-8 and as `{"base64": "..."}` otherwise. Meant to be read and edited by people.
/// (Not `Serialize` itself: the file's version travels with it through
/// [`to_json`](Self::to_json) and [`from_json`](Self::from_json) only.)
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Recording {
    /// The exchanges, first to last.
    pub exchanges: Vec<Exchange>,
}

/// One request and the response it got, secrets already redacted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Exchange {
    /// What was sent.
    pub request: RecordedRequest,
    /// What came back.
    pub response: RecordedResponse,
}

/// A request as it was sent (after signing), secrets redacted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordedRequest {
    /// The method, such as `POST`.
    pub method: String,
    /// The full URI, such as `https://sqs.us-east-1.amazonaws.com/`.
    pub uri: String,
    /// The headers in the order they were sent, names in lower case; a value that is not
    /// UTF-8 is kept lossily (AWS headers are ASCII).
    #[serde(default, with = "headers_format")]
    pub headers: Vec<(String, String)>,
    /// The body (empty for none).
    #[serde(default, with = "body_format")]
    pub body: Bytes,
}

/// A response as it was received, secrets redacted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordedResponse {
    /// The status code, such as `200`.
    pub status: u16,
    /// The headers in the order they came, names in lower case.
    #[serde(default, with = "headers_format")]
    pub headers: Vec<(String, String)>,
    /// The whole body (empty for none).
    #[serde(default, with = "body_format")]
    pub body: Bytes,
}

/// The file's top level, with the version beside the exchanges.
#[derive(Serialize)]
struct FileOut<'a> {
    version: u32,
    exchanges: &'a [Exchange],
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileIn {
    version: u32,
    #[serde(default)]
    exchanges: Vec<Exchange>,
}

impl Recording {
    /// An empty recording.
    pub fn new() -> Self {
        Self::default()
    }

    /// The number of exchanges.
    pub fn len(&self) -> usize {
        self.exchanges.len()
    }

    /// Whether there is no exchange.
    pub fn is_empty(&self) -> bool {
        self.exchanges.is_empty()
    }

    /// The recording as the file's JSON text, indented.
    pub fn to_json(&self) -> String {
        let file = FileOut {
            version: FORMAT_VERSION,
            exchanges: &self.exchanges,
        };
        // Strings, numbers, arrays and maps with string keys only: this cannot fail.
        serde_json::to_string_pretty(&file).unwrap_or_default()
    }

    /// A recording from the file's JSON text.
    ///
    /// # Errors
    /// Text that is not a recording ([`ReplayError::is_malformed`]): invalid JSON, a
    /// missing or unknown member, another format version, invalid base64, or an exchange
    /// that cannot be replayed (an invalid method, status code, header name or value).
    /// The message has serde_json's line and column where it has them.
    pub fn from_json(text: &str) -> Result<Self, ReplayError> {
        Self::parse(text, None)
    }

    /// Reads a recording file.
    ///
    /// # Errors
    /// The file cannot be read ([`ReplayError::is_io`]) or is not a recording
    /// ([`ReplayError::is_malformed`]); both name the path.
    pub fn load(path: impl AsRef<Path>) -> Result<Self, ReplayError> {
        let path = path.as_ref();
        let text =
            std::fs::read_to_string(path).map_err(|e| ReplayError::io("reading", path, e))?;
        Self::parse(&text, Some(path))
    }

    /// Writes the recording to a file (replacing it), as [`to_json`](Self::to_json) gives.
    ///
    /// # Errors
    /// The file cannot be written ([`ReplayError::is_io`], naming the path).
    pub fn save(&self, path: impl AsRef<Path>) -> Result<(), ReplayError> {
        let path = path.as_ref();
        let mut text = self.to_json();
        text.push('\n');
        std::fs::write(path, text).map_err(|e| ReplayError::io("writing", path, e))
    }

    fn parse(text: &str, path: Option<&Path>) -> Result<Self, ReplayError> {
        let file: FileIn =
            serde_json::from_str(text).map_err(|e| ReplayError::malformed(path, e.to_string()))?;
        if file.version != FORMAT_VERSION {
            return Err(ReplayError::malformed(
                path,
                format!(
                    "format version {} (this reader knows version {FORMAT_VERSION})",
                    file.version
                ),
            ));
        }
        let recording = Recording {
            exchanges: file.exchanges,
        };
        for (i, exchange) in recording.exchanges.iter().enumerate() {
            exchange
                .check()
                .map_err(|what| ReplayError::malformed(path, format!("exchange {i}: {what}")))?;
        }
        Ok(recording)
    }
}

impl Exchange {
    /// Whether the replayer can turn this exchange back into HTTP: checked on load, so that a
    /// hand-edited file fails there rather than in the middle of a test.
    pub(super) fn check(&self) -> Result<(), String> {
        http::Method::from_bytes(self.request.method.as_bytes())
            .map_err(|_| format!("invalid request method {:?}", self.request.method))?;
        self.request
            .uri
            .parse::<http::Uri>()
            .map_err(|e| format!("invalid request uri {:?}: {e}", self.request.uri))?;
        http::StatusCode::from_u16(self.response.status)
            .map_err(|_| format!("invalid response status {}", self.response.status))?;
        for (side, headers) in [
            ("request", &self.request.headers),
            ("response", &self.response.headers),
        ] {
            for (name, value) in headers {
                http::HeaderName::from_bytes(name.as_bytes())
                    .map_err(|_| format!("invalid {side} header name {name:?}"))?;
                http::HeaderValue::from_str(value)
                    .map_err(|_| format!("invalid value of {side} header {name:?}"))?;
            }
        }
        Ok(())
    }
}

/// Headers as the file holds them: one `"name: value"` string each, a line apiece when
/// the file is indented (pairs would take four).
mod headers_format {
    use super::*;

    pub(super) fn serialize<S: Serializer>(
        headers: &[(String, String)],
        s: S,
    ) -> Result<S::Ok, S::Error> {
        s.collect_seq(headers.iter().map(|(k, v)| format!("{k}: {v}")))
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<Vec<(String, String)>, D::Error> {
        Vec::<String>::deserialize(d)?
            .into_iter()
            .map(|line| match line.split_once(':') {
                // A name cannot hold a colon, so the first one ends it.
                Some((k, v)) => Ok((k.trim().to_owned(), v.trim_start().to_owned())),
                None => Err(serde::de::Error::custom(format!(
                    "header {line:?} is not \"name: value\""
                ))),
            })
            .collect()
    }
}

/// A body as the file holds it: text when it is UTF-8 (readable, diffable), else base64.
mod body_format {
    use super::*;

    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Stored {
        Text(String),
        Binary { base64: String },
    }

    #[derive(Serialize)]
    struct Binary {
        base64: String,
    }

    pub(super) fn serialize<S: Serializer>(body: &Bytes, s: S) -> Result<S::Ok, S::Error> {
        match std::str::from_utf8(body) {
            Ok(text) => s.serialize_str(text),
            Err(_) => Binary {
                base64: base64::engine::general_purpose::STANDARD.encode(body),
            }
            .serialize(s),
        }
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Bytes, D::Error> {
        match Stored::deserialize(d)? {
            Stored::Text(text) => Ok(Bytes::from(text)),
            Stored::Binary { base64 } => base64::engine::general_purpose::STANDARD
                .decode(base64.as_bytes())
                .map(Bytes::from)
                .map_err(|e| serde::de::Error::custom(format!("invalid base64 body: {e}"))),
        }
    }
}

#[cfg(test)]
mod tests {
    // In-process: no server, only the file format.
    use super::*;

    fn exchange(body: &'static [u8]) -> Exchange {
        Exchange {
            request: RecordedRequest {
                method: "POST".into(),
                uri: "http://localhost/".into(),
                headers: vec![("content-type".into(), "text/plain".into())],
                body: Bytes::from_static(body),
            },
            response: RecordedResponse {
                status: 200,
                headers: vec![],
                body: Bytes::from_static(b"ok"),
            },
        }
    }

    #[test]
    fn text_and_binary_bodies_round_trip() {
        let recording = Recording {
            exchanges: vec![exchange(b"hello"), exchange(&[0xff, 0x00, 0x80])],
        };
        let text = recording.to_json();
        assert!(text.contains("\"hello\""), "{text}");
        assert!(text.contains("\"base64\": \"/wCA\""), "{text}");
        assert_eq!(Recording::from_json(&text).unwrap(), recording);
    }

    #[test]
    fn files_round_trip_and_errors_name_the_path() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("rec.json");
        let recording = Recording {
            exchanges: vec![exchange(b"x")],
        };
        recording.save(&path).unwrap();
        assert_eq!(Recording::load(&path).unwrap(), recording);

        let missing = Recording::load(dir.path().join("none.json")).unwrap_err();
        assert!(missing.is_io(), "{missing}");
        assert!(missing.to_string().contains("none.json"), "{missing}");

        std::fs::write(
            &path,
            "{\"version\": 1,\n \"exchanges\": [ {\"request\": 3} ]}",
        )
        .unwrap();
        let bad = Recording::load(&path).unwrap_err();
        assert!(bad.is_malformed(), "{bad}");
        let text = bad.to_string();
        assert!(text.contains("rec.json"), "{text}");
        assert!(text.contains("line 2"), "{text}");
        assert_eq!(bad.path(), Some(path.as_path()));
    }

    #[test]
    fn malformed_text_is_an_error_not_a_panic() {
        for text in [
            "",
            "not json",
            "{\"version\": 2, \"exchanges\": []}",
            "{\"exchanges\": []}",
            "{\"version\": 1, \"extra\": true}",
            "{\"version\": 1, \"exchanges\": [{\"request\": {\"method\": \"GET\", \"uri\": \"/\", \
             \"body\": {\"base64\": \"!!\"}}, \"response\": {\"status\": 200}}]}",
            "{\"version\": 1, \"exchanges\": [{\"request\": {\"method\": \"G T\", \"uri\": \"/\"}, \
             \"response\": {\"status\": 200}}]}",
            "{\"version\": 1, \"exchanges\": [{\"request\": {\"method\": \"GET\", \"uri\": \"/\"}, \
             \"response\": {\"status\": 2000}}]}",
            "{\"version\": 1, \"exchanges\": [{\"request\": {\"method\": \"GET\", \"uri\": \"/\", \
             \"headers\": [\"bad name: v\"]}, \"response\": {\"status\": 200}}]}",
        ] {
            let e = Recording::from_json(text).unwrap_err();
            assert!(!e.to_string().is_empty());
            assert!(e.is_malformed(), "{text}: {e}");
        }
        let e = Recording::from_json("{\"version\": 2, \"exchanges\": []}").unwrap_err();
        assert!(e.to_string().contains("version 2"), "{e}");
    }

    #[test]
    fn the_minimal_form_has_defaults() {
        let r = Recording::from_json(
            r#"{"version": 1, "exchanges": [{"request": {"method": "GET", "uri": "/",
                "headers": ["x-a:1", "x-b:  two: 2"]}, "response": {"status": 204}}]}"#,
        )
        .unwrap();
        assert_eq!(r.len(), 1);
        assert_eq!(
            r.exchanges[0].request.headers,
            [("x-a".into(), "1".into()), ("x-b".into(), "two: 2".into())]
        );
        let e = Recording::from_json(
            r#"{"version": 1, "exchanges": [{"request": {"method": "GET", "uri": "/",
                "headers": ["no colon"]}, "response": {"status": 204}}]}"#,
        )
        .unwrap_err();
        assert!(e.to_string().contains("\"no colon\" is not"), "{e}");
        assert!(r.exchanges[0].request.body.is_empty());
    }
}
