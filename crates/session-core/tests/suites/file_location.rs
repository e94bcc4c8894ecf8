//! The cross-SDK file location suite (`data/file-location/`), through `Session` with an
//! injected environment and file system.

use session_core::{Env, Fs, Session};

use crate::support::{load, vars};

/// Cases for Windows hosts: `USERPROFILE` / `HOMEDRIVE`+`HOMEPATH` and `\` paths. Listed in
/// docs/configuration.md.
const WINDOWS_CASES: usize = 5;
const LINUX_CASES: usize = 4;

#[test]
fn file_location_suite() {
    let suite = load("file-location/file-location-tests.json");
    let (mut ran, mut windows) = (0, 0);
    for t in suite["tests"].as_array().unwrap() {
        let case = t["name"].as_str().unwrap();
        if t["platform"] == "windows" {
            windows += 1;
            continue;
        }
        assert_eq!(t["platform"], "linux", "{case}");
        let profile = t["profile"].as_str().unwrap_or("default");
        let fs = Fs::from_files([
            (
                t["configLocation"].as_str().unwrap().to_owned(),
                format!("[profile {profile}]\n[profile in_config]\n"),
            ),
            (
                t["credentialsLocation"].as_str().unwrap().to_owned(),
                "[in_credentials]\n".to_owned(),
            ),
        ]);
        let session = Session::builder()
            .env(Env::from_vars(vars(&t["environment"])))
            .fs(fs)
            .build()
            .unwrap_or_else(|e| panic!("{case}: {e}"));
        let names = session.available_profiles();
        assert!(
            names.contains(&"in_config"),
            "{case}: config file not read from its location"
        );
        assert!(
            names.contains(&"in_credentials"),
            "{case}: credentials file not read"
        );
        assert_eq!(session.profile_name(), profile, "{case}");
        assert!(
            session.warnings().is_empty(),
            "{case}: {:?}",
            session.warnings()
        );
        ran += 1;
    }
    assert_eq!((ran, windows), (LINUX_CASES, WINDOWS_CASES));
}
