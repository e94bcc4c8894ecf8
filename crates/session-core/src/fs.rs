//! The file system a session reads, injectable so tests never touch the real `~/.aws`.

use std::collections::HashMap;
use std::fmt;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Where files come from: the real file system, or an in-memory map given by the caller.
///
/// Cloning is cheap (an `Arc` inside).
#[derive(Clone)]
pub struct Fs {
    inner: Arc<Inner>,
}

enum Inner {
    Real,
    Map(HashMap<PathBuf, Vec<u8>>),
}

impl Fs {
    /// The real file system.
    pub fn real() -> Self {
        Self {
            inner: Arc::new(Inner::Real),
        }
    }

    /// A file system that holds exactly these files; every other path does not exist.
    pub fn from_files<I, P, C>(files: I) -> Self
    where
        I: IntoIterator<Item = (P, C)>,
        P: Into<PathBuf>,
        C: Into<Vec<u8>>,
    {
        let map = files
            .into_iter()
            .map(|(p, c)| (p.into(), c.into()))
            .collect();
        Self {
            inner: Arc::new(Inner::Map(map)),
        }
    }

    /// Reads a whole file. `Ok(None)` means the file does not exist.
    pub fn read(&self, path: &Path) -> io::Result<Option<Vec<u8>>> {
        match &*self.inner {
            Inner::Real => match std::fs::read(path) {
                Ok(bytes) => Ok(Some(bytes)),
                Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
                Err(e) => Err(e),
            },
            Inner::Map(map) => Ok(map.get(path).cloned()),
        }
    }
}

impl Default for Fs {
    fn default() -> Self {
        Self::real()
    }
}

impl fmt::Debug for Fs {
    // File contents are never printed: credentials files hold secrets.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &*self.inner {
            Inner::Real => f.write_str("Fs::Real"),
            Inner::Map(map) => {
                let mut paths: Vec<&PathBuf> = map.keys().collect();
                paths.sort();
                f.debug_struct("Fs::Map").field("paths", &paths).finish()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn map_fs_reads_given_files_only() {
        let fs = Fs::from_files([("/h/.aws/config", "[default]\n")]);
        assert_eq!(
            fs.read(Path::new("/h/.aws/config")).unwrap().as_deref(),
            Some(&b"[default]\n"[..])
        );
        assert!(fs.read(Path::new("/h/.aws/credentials")).unwrap().is_none());
    }

    #[test]
    fn real_fs_missing_file_is_none() {
        let dir = tempfile::tempdir().unwrap();
        assert!(Fs::real().read(&dir.path().join("nope")).unwrap().is_none());
    }
}
