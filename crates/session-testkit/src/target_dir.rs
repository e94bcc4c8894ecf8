//! Where installed peers live: `<target>/peers/`.

use std::env;
use std::path::{Path, PathBuf};

/// Overrides the directory peers are installed into (for example a CI cache directory).
pub const PEERS_DIR_ENV: &str = "SESSION_TESTKIT_PEERS_DIR";

/// The directory that holds installed peers: `$SESSION_TESTKIT_PEERS_DIR` if set, else
/// `<target>/peers` (see [`target_dir`]).
pub fn peers_dir() -> PathBuf {
    match env::var_os(PEERS_DIR_ENV) {
        Some(dir) if !dir.is_empty() => absolute(PathBuf::from(dir)),
        _ => target_dir().join("peers"),
    }
}

/// The cargo target directory of the running build.
///
/// In order: `$CARGO_TARGET_DIR` if set; else the ancestor of the running executable that
/// holds cargo's `CACHEDIR.TAG` (a test executable lives in `<target>/debug/deps/`); else
/// `<workspace>/target`.
pub fn target_dir() -> PathBuf {
    if let Some(dir) = env::var_os("CARGO_TARGET_DIR").filter(|d| !d.is_empty()) {
        return absolute(PathBuf::from(dir));
    }
    if let Some(dir) = env::current_exe().ok().and_then(|exe| from_exe(&exe)) {
        return dir;
    }
    workspace_dir().join("target")
}

/// Finds the target directory from an executable's path inside it.
fn from_exe(exe: &Path) -> Option<PathBuf> {
    let mut ancestors = exe.ancestors().skip(1);
    if let Some(dir) = ancestors.clone().find(|d| d.join("CACHEDIR.TAG").is_file()) {
        return Some(dir.to_path_buf());
    }
    // No tag (an unusual layout): `<target>/<profile>/deps/<exe>`.
    let deps = ancestors.next()?;
    if deps.file_name()? != "deps" {
        return None;
    }
    Some(deps.parent()?.parent()?.to_path_buf())
}

/// The workspace root, from this crate's manifest directory (`<ws>/crates/session-testkit`).
fn workspace_dir() -> PathBuf {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest
        .parent()
        .and_then(Path::parent)
        .unwrap_or(manifest)
        .to_path_buf()
}

/// A relative path is taken relative to the workspace root (where `cargo` is normally run).
fn absolute(path: PathBuf) -> PathBuf {
    if path.is_absolute() {
        path
    } else {
        workspace_dir().join(path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exe_in_deps_without_tag() {
        let dir = tempfile::tempdir().expect("tempdir");
        let exe = dir.path().join("t/debug/deps/foo-123");
        assert_eq!(from_exe(&exe), Some(dir.path().join("t")));
    }

    #[test]
    fn exe_under_tagged_dir() {
        let dir = tempfile::tempdir().expect("tempdir");
        let target = dir.path().join("tgt");
        std::fs::create_dir_all(target.join("x86_64-unknown-linux-gnu/debug/deps")).expect("mkdir");
        std::fs::write(target.join("CACHEDIR.TAG"), "").expect("tag");
        let exe = target.join("x86_64-unknown-linux-gnu/debug/deps/foo-123");
        assert_eq!(from_exe(&exe), Some(target));
    }

    #[test]
    fn exe_elsewhere() {
        assert_eq!(from_exe(Path::new("/usr/bin/foo")), None);
    }

    #[test]
    fn this_test_finds_a_target_dir() {
        assert!(target_dir().is_absolute());
    }
}
