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
    /// else `~/.aws/config` / `~/.aws/credentials`. A missing default file is empty; a
    /// missing file named by the variable is an error.
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
}

impl LoadedFile {
    pub(crate) fn new(kind: FileKind, label: &str, text: &str) -> Self {
        Self {
            kind,
            label: label.into(),
            text: text.to_owned(),
        }
    }
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

/// The path a [`FileSpec::Default`] resolves to, and whether it was named explicitly.
pub(crate) fn default_location(kind: FileKind, env: &Env) -> Option<(PathBuf, Option<String>)> {
    if let Some(path) = env.get_non_empty(kind.env_var()) {
        return Some((
            expand_home(&path, env),
            Some(format!("env var {}", kind.env_var())),
        ));
    }
    let home = env.get_non_empty("HOME")?;
    Some((
        Path::new(&home).join(".aws").join(kind.default_name()),
        None,
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
            Some(kind.builder_method().to_owned()),
        ),
        FileSpec::Default => match default_location(kind, env) {
            Some(found) => found,
            // No HOME and no variable: there is no default file to read.
            None => return Ok(LoadedFile::new(kind, kind.default_name(), "")),
        },
    };
    let label = path.to_string_lossy().into_owned();
    let bytes = match fs.read(&path) {
        Ok(Some(bytes)) => bytes,
        Ok(None) => match named_by {
            Some(named_by) => {
                return Err(Error::new(Kind::FileMissing {
                    path: label,
                    named_by,
                }))
            }
            None => Vec::new(),
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
    fn missing_default_files_are_empty_but_named_ones_are_errors() {
        let fs = Fs::from_files(Vec::<(PathBuf, Vec<u8>)>::new());
        let env = Env::from_vars([("HOME", "/home/u")]);
        let [c, k] = load_files(&FileSpec::Default, &FileSpec::Default, &env, &fs).unwrap();
        assert!(c.text.is_empty() && k.text.is_empty());
        assert_eq!(&*c.label, "/home/u/.aws/config");

        let env = Env::from_vars([("HOME", "/home/u"), ("AWS_CONFIG_FILE", "~/cfg")]);
        let Err(e) = load_files(&FileSpec::Default, &FileSpec::Default, &env, &fs) else {
            panic!("a named missing file must be an error");
        };
        assert!(e.is_file_missing());
        assert_eq!(e.file(), Some("/home/u/cfg"));
        assert!(e.to_string().contains("AWS_CONFIG_FILE"));
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
