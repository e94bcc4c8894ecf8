//! Model folders in botocore's layout: `<dir>/<service>/<api-version>/service-2.json` (or
//! `.json.gz`), as in `botocore/data/`, `~/.aws/models` and the folders of `AWS_DATA_PATH`.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use crate::error::Error;
use crate::gzip;
use crate::kind::FileKind;
use crate::suggest::close_names;

/// A search path of model folders, read the way botocore's loader reads its data path.
///
/// - A service is any `<dir>/<service>/` with some `<api-version>/service-2.json` (or
///   `service-2.json.gz`) in any folder of the path.
/// - Its API version is the latest (greatest) such version over all the folders.
/// - Each file of that version comes from the first folder that has it; in one folder
///   `<name>.json` wins over `<name>.json.gz`.
///
/// Folders that do not exist are skipped, as botocore skips them.
///
/// ```
/// use session_models::{FileKind, ModelDirs};
///
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// # let tmp = tempfile::tempdir()?;
/// # let home = tmp.path();
/// # std::fs::create_dir_all(home.join(".aws/models/myservice/2024-01-01"))?;
/// # std::fs::write(home.join(".aws/models/myservice/2024-01-01/service-2.json"), "{}")?;
/// // What botocore searches with AWS_DATA_PATH=/opt/models and this home folder.
/// let dirs = ModelDirs::like_botocore(Some("/opt/models"), Some(home), |_| None);
/// let service = dirs.service("myservice")?;
/// assert_eq!(service.api_version(), "2024-01-01");
/// assert_eq!(service.file(FileKind::Service)?.as_deref(), Some("{}"));
/// assert_eq!(service.file(FileKind::Waiters)?, None);
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, Default)]
pub struct ModelDirs {
    paths: Vec<PathBuf>,
}

impl ModelDirs {
    /// These folders, searched in this order.
    pub fn new<P: Into<PathBuf>>(paths: impl IntoIterator<Item = P>) -> ModelDirs {
        ModelDirs {
            paths: paths.into_iter().map(Into::into).collect(),
        }
    }

    /// The folders of a data path value (`AWS_DATA_PATH`, or a profile's `data_path`): a
    /// list separated by the platform's separator (`:`, `;` on Windows), each entry with
    /// `$NAME` / `${NAME}` replaced by `env(NAME)` (left as is when unset) and then a
    /// leading `~` by `home`, as botocore does.
    pub fn from_data_path(
        value: &str,
        home: Option<&Path>,
        env: impl Fn(&str) -> Option<String>,
    ) -> ModelDirs {
        let paths = std::env::split_paths(value)
            .map(|p| expand_home(&expand_vars(&p.to_string_lossy(), &env), home))
            .collect();
        ModelDirs { paths }
    }

    /// botocore's search path less its built-in data: the data path's folders (if
    /// given), then `<home>/.aws/models` (if `home` is given). Put a [`Pack`](crate::Pack)
    /// behind it with [`Loader`](crate::Loader) for botocore's built-in models.
    pub fn like_botocore(
        data_path: Option<&str>,
        home: Option<&Path>,
        env: impl Fn(&str) -> Option<String>,
    ) -> ModelDirs {
        let mut dirs = data_path
            .map(|value| ModelDirs::from_data_path(value, home, env))
            .unwrap_or_default();
        if let Some(home) = home {
            dirs.paths.push(home.join(".aws").join("models"));
        }
        dirs
    }

    /// The folders, in search order.
    pub fn paths(&self) -> &[PathBuf] {
        &self.paths
    }

    /// Every service found, sorted.
    ///
    /// # Errors
    ///
    /// When an existing folder cannot be listed.
    pub fn services(&self) -> Result<Vec<String>, Error> {
        let mut names = Vec::new();
        for root in self.existing() {
            for service in subdirs(root)? {
                if !names.contains(&service) && !self.versions_in(root, &service)?.is_empty() {
                    names.push(service);
                }
            }
        }
        names.sort();
        Ok(names)
    }

    /// The API versions of `service` that have a service model, over all folders, sorted
    /// (empty when there are none).
    ///
    /// # Errors
    ///
    /// When an existing folder cannot be listed.
    pub fn api_versions(&self, service: &str) -> Result<Vec<String>, Error> {
        let mut versions = Vec::new();
        for root in self.existing() {
            for version in self.versions_in(root, service)? {
                if !versions.contains(&version) {
                    versions.push(version);
                }
            }
        }
        versions.sort();
        Ok(versions)
    }

    /// `service` at its latest API version.
    ///
    /// # Errors
    ///
    /// [`Error::is_unknown_service`] (with close names) when no folder has it; I/O errors
    /// listing the folders.
    pub fn service(&self, service: &str) -> Result<DirService<'_>, Error> {
        match self.api_versions(service)?.pop() {
            Some(api_version) => Ok(DirService {
                dirs: self,
                name: service.to_owned(),
                api_version,
            }),
            None => {
                let known = self.services()?;
                Err(Error::unknown_service(
                    service,
                    close_names(service, known.iter().map(String::as_str)),
                    known.len(),
                    &self.describe(),
                ))
            }
        }
    }

    /// `service` at `api_version`, whether or not the folders have it (its files are then
    /// all `None`).
    pub fn service_version(&self, service: &str, api_version: &str) -> DirService<'_> {
        DirService {
            dirs: self,
            name: service.to_owned(),
            api_version: api_version.to_owned(),
        }
    }

    pub(crate) fn describe(&self) -> String {
        let paths: Vec<_> = self.paths.iter().map(|p| p.display().to_string()).collect();
        format!("the model folders {}", paths.join(", "))
    }

    fn existing(&self) -> impl Iterator<Item = &PathBuf> {
        self.paths.iter().filter(|p| p.is_dir())
    }

    /// The versions of `<root>/<service>/` that hold a service model.
    fn versions_in(&self, root: &Path, service: &str) -> Result<Vec<String>, Error> {
        let dir = root.join(service);
        if service.is_empty() || service.contains(['/', '\\']) || !dir.is_dir() {
            return Ok(Vec::new());
        }
        Ok(subdirs(&dir)?
            .into_iter()
            .filter(|v| find(&dir.join(v), FileKind::Service).is_some())
            .collect())
    }
}

/// One service of a [`ModelDirs`] at one API version.
#[derive(Debug, Clone)]
pub struct DirService<'a> {
    dirs: &'a ModelDirs,
    name: String,
    api_version: String,
}

impl DirService<'_> {
    /// The service's name, as asked for.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The API version its files are read at.
    pub fn api_version(&self) -> &str {
        &self.api_version
    }

    /// Where the file of that kind is: the first folder that has it (`.json` before
    /// `.json.gz`).
    pub fn path(&self, kind: FileKind) -> Option<PathBuf> {
        self.dirs
            .existing()
            .find_map(|root| find(&root.join(&self.name).join(&self.api_version), kind))
    }

    /// The file of that kind as text (decompressed if it is `.json.gz`); `None` when no
    /// folder has it.
    ///
    /// # Errors
    ///
    /// [`Error::is_io`] when it cannot be read, [`Error::is_corrupt`] when it is not valid
    /// gzip or not UTF-8.
    pub fn file(&self, kind: FileKind) -> Result<Option<String>, Error> {
        let Some(path) = self.path(kind) else {
            return Ok(None);
        };
        let data =
            fs::read(&path).map_err(|e| Error::io(&path, "cannot read the model file", e))?;
        let gzipped = path.extension().is_some_and(|e| e == "gz");
        let data = if gzipped {
            gzip::file(&data).map_err(|e| {
                Error::corrupt(
                    format!("corrupt model file {}: bad gzip data", path.display()),
                    Some(e),
                )
            })?
        } else {
            data
        };
        String::from_utf8(data).map(Some).map_err(|_| {
            Error::corrupt(format!("model file {} is not UTF-8", path.display()), None)
        })
    }
}

/// `<dir>/<type name>.json`, else `.json.gz`, if it is a file.
fn find(dir: &Path, kind: FileKind) -> Option<PathBuf> {
    [".json", ".json.gz"]
        .into_iter()
        .map(|ext| dir.join(format!("{}{ext}", kind.type_name())))
        .find(|p| p.is_file())
}

/// The names of the folders in `dir` (names that are not UTF-8 are skipped: no service or
/// version has one).
fn subdirs(dir: &Path) -> Result<Vec<String>, Error> {
    let io = |e: io::Error| Error::io(dir, "cannot list the model folder", e);
    let mut names = Vec::new();
    for entry in fs::read_dir(dir).map_err(io)? {
        let entry = entry.map_err(io)?;
        if entry.path().is_dir() {
            if let Ok(name) = entry.file_name().into_string() {
                names.push(name);
            }
        }
    }
    names.sort();
    Ok(names)
}

/// `$NAME` and `${NAME}` replaced by `env(NAME)`; unset names and a lone `$` stay.
fn expand_vars(text: &str, env: &impl Fn(&str) -> Option<String>) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('$') {
        out.push_str(&rest[..at]);
        let after = &rest[at + 1..];
        let (name, len) = if let Some(braced) = after.strip_prefix('{') {
            match braced.find('}') {
                Some(end) => (&braced[..end], end + 2),
                None => ("", 0),
            }
        } else {
            let end = after
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(after.len());
            (&after[..end], end)
        };
        match env(name).filter(|_| !name.is_empty()) {
            Some(value) => out.push_str(&value),
            None => out.push_str(&rest[at..at + 1 + len]),
        }
        rest = &after[len..];
    }
    out.push_str(rest);
    out
}

/// A leading `~` (alone or before a separator) replaced by `home`, when given.
fn expand_home(path: &str, home: Option<&Path>) -> PathBuf {
    match (path.strip_prefix('~'), home) {
        (Some(rest), Some(home)) if rest.is_empty() || rest.starts_with(['/', '\\']) => {
            home.join(rest.trim_start_matches(['/', '\\']))
        }
        _ => PathBuf::from(path),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(name: &str) -> Option<String> {
        (name == "ROOT").then(|| "/srv".to_owned())
    }

    #[test]
    fn variables() {
        assert_eq!(expand_vars("$ROOT/models", &env), "/srv/models");
        assert_eq!(expand_vars("${ROOT}x", &env), "/srvx");
        assert_eq!(expand_vars("$NOPE/a$", &env), "$NOPE/a$");
        assert_eq!(expand_vars("${ROOT", &env), "${ROOT");
        assert_eq!(expand_vars("a$$ROOT", &env), "a$/srv");
    }

    #[test]
    fn home() {
        let home = Path::new("/home/me");
        assert_eq!(expand_home("~/m", Some(home)), Path::new("/home/me/m"));
        assert_eq!(expand_home("~", Some(home)), Path::new("/home/me"));
        assert_eq!(expand_home("~other/m", Some(home)), Path::new("~other/m"));
        assert_eq!(expand_home("~/m", None), Path::new("~/m"));
    }
}
