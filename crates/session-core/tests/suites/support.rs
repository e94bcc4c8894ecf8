//! What every suite runner shares: loading the vendored data, injected environments, the
//! list of cases a runner does not follow (which must match the docs), and the table that
//! maps a suite's error wording to ours.

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use serde_json::Value;
use session_core::{Env, Fs};

pub(crate) fn data_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data")
}

pub(crate) fn load(rel: &str) -> Value {
    let path = data_dir().join(rel);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// A JSON value as the text a config file or variable would hold.
pub(crate) fn text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// A JSON object of variables as pairs.
pub(crate) fn vars(v: &Value) -> Vec<(String, String)> {
    v.as_object()
        .map(|o| o.iter().map(|(k, v)| (k.clone(), text(v))).collect())
        .unwrap_or_default()
}

pub(crate) fn env_of(v: &Value) -> Env {
    Env::from_vars(vars(v))
}

/// Every file under `root`, keyed by its path with `root` as `/`.
pub(crate) fn fs_tree(root: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    fn walk(dir: &Path, root: &Path, out: &mut BTreeMap<PathBuf, Vec<u8>>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for entry in entries {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, root, out);
            } else {
                let rel = path.strip_prefix(root).unwrap();
                out.insert(Path::new("/").join(rel), std::fs::read(&path).unwrap());
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(root, root, &mut out);
    out
}

pub(crate) fn fs_of(files: &BTreeMap<PathBuf, Vec<u8>>) -> Fs {
    Fs::from_files(files.iter().map(|(p, c)| (p.clone(), c.clone())))
}

/// Cases a runner runs only in part or not at all, with the reason. Every name must be a
/// case of the suite and must appear in the docs, which list them for users.
pub(crate) struct NotFollowed {
    pub(crate) suite: &'static str,
    pub(crate) cases: &'static [(&'static str, &'static str)],
}

impl NotFollowed {
    pub(crate) fn reason(&self, case: &str) -> Option<&'static str> {
        self.cases.iter().find(|(n, _)| *n == case).map(|(_, r)| *r)
    }

    /// Checks the list against the suite's case names and the docs.
    pub(crate) fn check(&self, all_cases: &BTreeSet<String>, doc: &str) {
        let docs = std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("../../docs")
                .join(doc),
        )
        .unwrap();
        for (name, _) in self.cases {
            assert!(
                all_cases.contains(*name),
                "{}: {name:?} is listed as not followed but is no case of the suite",
                self.suite
            );
            assert!(
                docs.contains(&format!("`{name}`")),
                "{}: docs/{doc} must list the case `{name}` that is not followed",
                self.suite
            );
        }
    }
}

/// What an error of ours must be, for a suite error message we word differently.
#[derive(Clone, Copy)]
pub(crate) enum Ours {
    /// Our message contains this.
    Text(&'static str),
    /// A not-configured error: the chain moves on ("the provider was not enabled").
    NotConfigured,
    /// A parse error that names the file and line.
    Parse,
}

/// An error as the runner sees it.
pub(crate) struct Failure {
    pub(crate) text: String,
    pub(crate) not_configured: bool,
    pub(crate) parse_line: Option<usize>,
}

impl From<&session_core::credentials::CredentialsError> for Failure {
    fn from(e: &session_core::credentials::CredentialsError) -> Self {
        Self {
            text: e.to_string(),
            not_configured: e.is_not_configured(),
            parse_line: None,
        }
    }
}

impl From<&session_core::Error> for Failure {
    fn from(e: &session_core::Error) -> Self {
        Self {
            text: e.to_string(),
            not_configured: false,
            parse_line: e.line().filter(|_| e.is_parse() && e.file().is_some()),
        }
    }
}

/// The suite's error fragments that we word differently, and what ours say instead. A
/// fragment not in the table must appear in our message as it is.
pub(crate) struct Wording {
    entries: &'static [(&'static str, Ours)],
    used: RefCell<BTreeSet<usize>>,
}

impl Wording {
    pub(crate) fn new(entries: &'static [(&'static str, Ours)]) -> Self {
        Self {
            entries,
            used: RefCell::default(),
        }
    }

    pub(crate) fn check(&self, case: &str, expected: &str, got: &Failure) {
        let found = self.entries.iter().position(|(e, _)| *e == expected);
        let Some(idx) = found else {
            assert!(
                got.text.contains(expected),
                "{case}: error {:?} lacks the suite's {expected:?}",
                got.text
            );
            return;
        };
        self.used.borrow_mut().insert(idx);
        match self.entries[idx].1 {
            Ours::Text(ours) => assert!(
                got.text.contains(ours),
                "{case}: error {:?} lacks {ours:?} (our wording of {expected:?})",
                got.text
            ),
            Ours::NotConfigured => assert!(
                got.not_configured,
                "{case}: expected a not-configured error, got {:?}",
                got.text
            ),
            Ours::Parse => assert!(
                got.parse_line.is_some(),
                "{case}: expected a parse error with file and line, got {:?}",
                got.text
            ),
        }
    }

    /// Every entry of the table was needed by some case.
    pub(crate) fn all_used(&self, suite: &str) {
        let used = self.used.borrow();
        for (idx, (expected, _)) in self.entries.iter().enumerate() {
            assert!(
                used.contains(&idx),
                "{suite}: wording entry {expected:?} is used by no case"
            );
        }
    }
}

/// Decodes `%XX` and `+` of a form or query value.
pub(crate) fn form_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap();
                out.push(u8::from_str_radix(hex, 16).unwrap());
                i += 2;
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8(out).unwrap()
}

/// The value of `key` in a `a=1&b=2` string.
pub(crate) fn form_value(form: &str, key: &str) -> Option<String> {
    form.split('&')
        .filter_map(|pair| pair.split_once('='))
        .find(|(k, _)| *k == key)
        .map(|(_, v)| form_decode(v))
}
