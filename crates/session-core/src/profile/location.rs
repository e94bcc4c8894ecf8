//! Where the config and credentials files are, and reading them.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::env::Env;
use crate::error::{Error, Kind};
use crate::fs::Fs;

/// Which of the two shared files a text is: their section syntax differs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    /// The shared config file (`~/.aws/config`): `[profile NAME]` sections.
    Config,
    /// The shared credentials file (`~/.aws/credentials`): bare `[NAME]` sections.
    Credentials,
}

impl FileKind {
    fn env_var(self) -> &'static str {
        match self {
            FileKind::Config => "AWS_CONFIG_FILE",
            FileKind::Credentials => "AWS_SHARED_CREDENTIALS_FILE",
        }
    }

    fn default_name(self) -> &'static str {
        match self {
            FileKind::Config => "config",
            FileKind::Credentials => "credentials",
        }
    }

    fn builder_method(self) -> &'static str {
        match self {
            FileKind::Config => "SessionBuilder::config_file",
            FileKind::Credentials => "SessionBuilder::credentials_file",
        }
    }
}

/// How a session finds one of the shared files.
#[derive(Clone, Default)]
#[non_exhaustive]
pub enum FileSpec {
    /// The environment variable (`AWS_CONFIG_FILE` / `AWS_SHARED_CREDENTIALS_FILE`) if set,
    /// else `~/.aws/config` / `~/.aws/credentials`. A missing file is empty, as in the AWS
    /// SDKs; when the variable named it, a warning says so (a typo in the variable would
    /// otherwise lose the whole file without a trace).
    #[default]
    Default,
    /// This path; it must exist. A leading `~` is expanded from `HOME`.
    Path(PathBuf),
    /// These contents; no file is read.
    Contents(String),
}

impl std::fmt::Debug for FileSpec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FileSpec::Default => f.write_str("Default"),
            FileSpec::Path(p) => f.debug_tuple("Path").field(p).finish(),
            FileSpec::Contents(_) => f.write_str("Contents(..)"),
        }
    }
}

/// The text of one file, with the label that errors and origins use for it.
pub(crate) struct LoadedFile {
    pub(crate) kind: FileKind,
    pub(crate) label: Arc<str>,
    pub(crate) text: String,
    /// Set when a file named by an environment variable was missing and read as empty.
    pub(crate) warning: Option<String>,
}

impl LoadedFile {
    pub(crate) fn new(kind: FileKind, label: &str, text: &str) -> Self {
        Self {
            kind,
            label: label.into(),
            text: text.to_owned(),
            warning: None,
        }
    }
}

/// Who named a file, which decides what a missing file means.
enum NamedBy {
    /// The default location under `HOME`: missing means empty.
    Default,
    /// An environment variable: missing means empty, with a warning (the SDKs' rule).
    Env(&'static str),
    /// A path given in code: it must exist.
    Builder(&'static str),
}

/// Expands a leading `~` (alone or followed by `/`) from `HOME`; `~` anywhere else, or
/// `~user`, is left as it is.
pub(crate) fn expand_home(path: &str, env: &Env) -> PathBuf {
    let rest = if path == "~" {
        Some("")
    } else {
        path.strip_prefix("~/")
    };
    match (rest, env.get_non_empty("HOME")) {
        (Some(rest), Some(home)) => Path::new(&home).join(rest),
        _ => PathBuf::from(path),
    }
}

/// The path a [`FileSpec::Default`] resolves to, and what named it.
fn default_location(kind: FileKind, env: &Env) -> Option<(PathBuf, NamedBy)> {
    if let Some(path) = env.get_non_empty(kind.env_var()) {
        return Some((expand_home(&path, env), NamedBy::Env(kind.env_var())));
    }
    let home = env.get_non_empty("HOME")?;
    Some((
        Path::new(&home).join(".aws").join(kind.default_name()),
        NamedBy::Default,
    ))
}

fn load_one(kind: FileKind, spec: &FileSpec, env: &Env, fs: &Fs) -> Result<LoadedFile, Error> {
    let (path, named_by) = match spec {
        FileSpec::Contents(text) => {
            let label = format!("<{} file contents>", kind.default_name());
            return Ok(LoadedFile::new(kind, &label, text));
        }
        FileSpec::Path(p) => (
            expand_home(&p.to_string_lossy(), env),
            NamedBy::Builder(kind.builder_method()),
        ),
        FileSpec::Default => match default_location(kind, env) {
            Some(found) => found,
            // No HOME and no variable: there is no default file to read.
            None => return Ok(LoadedFile::new(kind, kind.default_name(), "")),
        },
    };
    let label = path.to_string_lossy().into_owned();
    let mut warning = None;
    let bytes = match fs.read(&path) {
        Ok(Some(bytes)) => bytes,
        Ok(None) => match named_by {
            NamedBy::Builder(method) => {
                return Err(Error::new(Kind::FileMissing {
                    path: label,
                    named_by: method.to_owned(),
                }))
            }
            NamedBy::Env(var) => {
                warning = Some(format!(
                    "{label}: file not found (named by env var {var}); read as an empty file"
                ));
                Vec::new()
            }
            NamedBy::Default => Vec::new(),
        },
        Err(e) => return Err(Error::new(Kind::Io { path: label }).with_source(e)),
    };
    let text = String::from_utf8(bytes).map_err(|e| {
        let valid = &e.as_bytes()[..e.utf8_error().valid_up_to()];
        let line = valid.iter().filter(|b| **b == b'\n').count() + 1;
        Error::parse(&label, line, "file is not valid UTF-8")
    })?;
    Ok(LoadedFile {
        kind,
        label: label.into(),
        text,
        warning,
    })
}

/// Reads both files (config first, then credentials).
pub(crate) fn load_files(
    config: &FileSpec,
    credentials: &FileSpec,
    env: &Env,
    fs: &Fs,
) -> Result<[LoadedFile; 2], Error> {
    Ok([
        load_one(FileKind::Config, config, env, fs)?,
        load_one(FileKind::Credentials, credentials, env, fs)?,
    ])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tilde_is_expanded_only_at_the_start() {
        let env = Env::from_vars([("HOME", "/home/u")]);
        assert_eq!(
            expand_home("~/x/config", &env),
            Path::new("/home/u/x/config")
        );
        assert_eq!(expand_home("~", &env), Path::new("/home/u"));
        assert_eq!(expand_home("/a/~/b", &env), Path::new("/a/~/b"));
        assert_eq!(expand_home("~other/c", &env), Path::new("~other/c"));
    }

    #[test]
    fn missing_files_are_empty_unless_named_in_code() {
        let fs = Fs::from_files(Vec::<(PathBuf, Vec<u8>)>::new());
        let env = Env::from_vars([("HOME", "/home/u")]);
        let [c, k] = load_files(&FileSpec::Default, &FileSpec::Default, &env, &fs).unwrap();
        assert!(c.text.is_empty() && k.text.is_empty());
        assert_eq!(&*c.label, "/home/u/.aws/config");
        assert!(c.warning.is_none() && k.warning.is_none());

        // Named by the variable: empty, as in the SDKs, but with a warning naming it.
        let env = Env::from_vars([("HOME", "/home/u"), ("AWS_CONFIG_FILE", "~/cfg")]);
        let [c, k] = load_files(&FileSpec::Default, &FileSpec::Default, &env, &fs).unwrap();
        assert!(c.text.is_empty());
        assert_eq!(&*c.label, "/home/u/cfg");
        let warning = c.warning.unwrap();
        assert!(
            warning.contains("/home/u/cfg") && warning.contains("AWS_CONFIG_FILE"),
            "{warning}"
        );
        assert!(k.warning.is_none());

        // Named in code: it must exist.
        let Err(e) = load_files(
            &FileSpec::Path("~/cfg".into()),
            &FileSpec::Default,
            &env,
            &fs,
        ) else {
            panic!("a missing file named in code must be an error");
        };
        assert!(e.is_file_missing());
        assert_eq!(e.file(), Some("/home/u/cfg"));
        assert!(e.to_string().contains("SessionBuilder::config_file"));
    }

    #[test]
    fn invalid_utf8_is_a_parse_error_with_line() {
        let fs = Fs::from_files([("/c", b"[default]\nregion = \xff\n".to_vec())]);
        let Err(e) = load_files(
            &FileSpec::Path("/c".into()),
            &FileSpec::Contents(String::new()),
            &Env::from_vars([("X", "y")]),
            &fs,
        ) else {
            panic!("invalid UTF-8 must be an error");
        };
        assert!(e.is_parse());
        assert_eq!(e.line(), Some(2));
    }
}
