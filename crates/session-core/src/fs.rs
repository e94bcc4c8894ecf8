//! The file system a session reads, injectable so tests never touch the real `~/.aws`.

use std::collections::HashMap;
use std::fmt;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};

/// Where files come from: the real file system, or an in-memory map given by the caller.
///
/// Cloning is cheap (an `Arc` inside); clones share the map, so a file one clone writes
/// (the SSO token cache after a refresh) is what the others read.
#[derive(Clone)]
pub struct Fs {
    inner: Arc<Inner>,
}

enum Inner {
    Real,
    Map(Mutex<HashMap<PathBuf, Vec<u8>>>),
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
            inner: Arc::new(Inner::Map(Mutex::new(map))),
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
            Inner::Map(map) => Ok(lock(map).get(path).cloned()),
        }
    }

    /// Replaces a whole file (creating its directory if needed), readable by its owner only:
    /// what a provider writes back to a cache it read (the SSO token cache after a refresh).
    ///
    /// On the real file system the contents go to a temporary file in the same directory
    /// that is then renamed over `path`, so a reader never sees half a file.
    ///
    /// # Errors
    /// The directory cannot be created or the file cannot be written or renamed.
    pub fn write(&self, path: &Path, contents: &[u8]) -> io::Result<()> {
        match &*self.inner {
            Inner::Real => write_replacing(path, contents),
            Inner::Map(map) => {
                lock(map).insert(path.to_owned(), contents.to_vec());
                Ok(())
            }
        }
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

fn write_replacing(path: &Path, contents: &[u8]) -> io::Result<()> {
    use std::io::Write as _;
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    let name = path.file_name().map_or_else(
        || std::ffi::OsString::from("file"),
        std::ffi::OsStr::to_os_string,
    );
    let mut tmp_name = std::ffi::OsString::from(".");
    tmp_name.push(&name);
    // Unique per process and write: two writers never share a temporary file.
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    tmp_name.push(format!(".tmp-{}-{n}", std::process::id()));
    let tmp = dir.join(tmp_name);
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        options.mode(0o600);
    }
    let written = options.open(&tmp).and_then(|mut f| {
        f.write_all(contents)?;
        f.sync_all()
    });
    let renamed = written.and_then(|()| std::fs::rename(&tmp, path));
    if renamed.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    renamed
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
                let map = lock(map);
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
    fn writes_replace_files_and_clones_see_them() {
        let fs = Fs::from_files([("/h/a", "old")]);
        let clone = fs.clone();
        fs.write(Path::new("/h/a"), b"new").unwrap();
        fs.write(Path::new("/h/b"), b"b").unwrap();
        assert_eq!(
            clone.read(Path::new("/h/a")).unwrap().as_deref(),
            Some(&b"new"[..])
        );
        assert_eq!(
            clone.read(Path::new("/h/b")).unwrap().as_deref(),
            Some(&b"b"[..])
        );

        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sso").join("cache").join("x.json");
        Fs::real().write(&path, b"{}").unwrap();
        Fs::real().write(&path, b"{\"a\":1}").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"{\"a\":1}");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        // No temporary file is left behind.
        let names: Vec<_> = std::fs::read_dir(path.parent().unwrap()).unwrap().collect();
        assert_eq!(names.len(), 1);
    }

    #[test]
    fn real_fs_missing_file_is_none() {
        let dir = tempfile::tempdir().unwrap();
        assert!(Fs::real().read(&dir.path().join("nope")).unwrap().is_none());
    }
}
