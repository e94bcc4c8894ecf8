//! The shared config and credentials file parser (`ProfileSet::parse`), then a session
//! built from the same two files with an injected environment and file system, and every
//! typed setting read: bad text must give an error or a warning, never a panic.
//!
//! Input: the config file, a NUL byte, the credentials file (lossy UTF-8, as a file read
//! from disk would be rejected earlier for bad UTF-8; the parser sees text).
#![no_main]

use libfuzzer_sys::fuzz_target;
use session_core::profile::ProfileSet;
use session_core::{Env, Fs, Session};

fuzz_target!(|data: &[u8]| {
    let (config, credentials) = match data.iter().position(|&b| b == 0) {
        Some(i) => (&data[..i], &data[i + 1..]),
        None => (data, &[][..]),
    };
    let config = String::from_utf8_lossy(config);
    let credentials = String::from_utf8_lossy(credentials);
    if let Ok(set) = ProfileSet::parse("config", &config, "credentials", &credentials) {
        for section in set
            .profiles()
            .chain(set.sso_sessions())
            .chain(set.all_services())
        {
            for p in section.properties() {
                let _ = (p.name(), p.value(), p.location().to_string());
                for s in p.sub_properties() {
                    let _ = (s.name(), s.value());
                }
            }
        }
    }
    // The first profile name in the text, if any, selected the way AWS_PROFILE would.
    let profile = config
        .lines()
        .find_map(|l| {
            l.trim()
                .strip_prefix("[profile ")
                .and_then(|r| r.strip_suffix(']'))
        })
        .unwrap_or("default")
        .trim()
        .to_owned();
    let env = Env::from_vars([("HOME", "/nonexistent"), ("AWS_PROFILE", profile.as_str())]);
    let fs = Fs::from_files(Vec::<(&str, &[u8])>::new());
    let built = Session::builder()
        .env(env)
        .fs(fs)
        .config_file_contents(config.into_owned())
        .credentials_file_contents(credentials.into_owned());
    if let Ok(session) = built.build() {
        let s = session.settings();
        let _ = (
            s.region(),
            s.retry_mode(),
            s.max_attempts(),
            s.defaults_mode(),
        );
        let _ = (
            s.use_fips_endpoint(),
            s.use_dualstack_endpoint(),
            s.ca_bundle(),
        );
        let _ = (
            s.connect_timeout(),
            s.read_timeout(),
            s.sigv4a_signing_region_set(),
        );
        let _ = (s.s3_addressing_style(), s.request_checksum_calculation());
        let _ = (s.response_checksum_validation(), s.endpoint_url("S3"));
        let _ = session.explain().to_string();
    }
});
