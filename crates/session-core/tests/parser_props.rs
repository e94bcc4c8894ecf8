//! Property tests: the parser and the whole session build never panic on any input, and
//! well-formed profiles survive a render → parse round trip.

#![allow(clippy::unwrap_used)]

use std::collections::BTreeMap;

use proptest::prelude::*;
use session_core::profile::ProfileSet;
use session_core::{Env, Session};

/// Text made mostly of the characters that matter to the format, so that random input hits
/// headers, comments, continuations and sub-properties often.
fn ini_like() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("[".to_owned()),
        Just("]".to_owned()),
        Just("=".to_owned()),
        Just("\n".to_owned()),
        Just("\r\n".to_owned()),
        Just(" ".to_owned()),
        Just("\t".to_owned()),
        Just("#".to_owned()),
        Just(";".to_owned()),
        Just("profile ".to_owned()),
        Just("default".to_owned()),
        Just("sso-session ".to_owned()),
        Just("services ".to_owned()),
        Just("region".to_owned()),
        Just("s3".to_owned()),
        Just("max_attempts".to_owned()),
        Just("endpoint_url".to_owned()),
        "[a-z0-9_.-]{1,6}",
        any::<char>().prop_map(String::from),
    ];
    proptest::collection::vec(piece, 0..80).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn parser_never_panics(config in ini_like(), credentials in ini_like()) {
        if let Err(e) = ProfileSet::parse("c", &config, "k", &credentials) {
            // Every error names a file and a line inside the input.
            let text = if e.file() == Some("c") { &config } else { &credentials };
            let line = e.line().expect("parse errors carry a line");
            prop_assert!(line >= 1 && line <= text.split('\n').count());
        }
    }

    #[test]
    fn session_build_never_panics(config in ini_like(), credentials in ini_like(), profile in "[a-z]{0,3}") {
        let mut env = vec![("AWS_MAX_ATTEMPTS".to_owned(), "x".to_owned())];
        if !profile.is_empty() {
            env.push(("AWS_PROFILE".to_owned(), profile));
        }
        let _ = Session::builder()
            .env(Env::from_vars(env))
            .config_file_contents(config)
            .credentials_file_contents(credentials)
            .build();
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        let text = String::from_utf8_lossy(&bytes);
        let _ = ProfileSet::parse("c", &text, "k", &text);
    }

    #[test]
    fn well_formed_profiles_round_trip(
        profiles in proptest::collection::btree_map(
            "[A-Za-z0-9_-]{1,8}",
            proptest::collection::btree_map("[a-z0-9_]{1,8}", "[!-~&&[^#;]]([ -~&&[^#;]]{0,10}[!-~&&[^#;]])?", 0..5),
            0..5,
        )
    ) {
        let mut text = String::new();
        for (name, props) in &profiles {
            text.push_str(&format!("[profile {name}]  # trailing comment\n"));
            for (k, v) in props {
                text.push_str(&format!("{k} =  {v}  ; comment\n"));
            }
            text.push('\n');
        }
        let set = ProfileSet::parse("c", &text, "k", "").unwrap();
        let parsed: BTreeMap<String, BTreeMap<String, String>> = set
            .profiles()
            .map(|p| (p.name().to_owned(), p.properties().map(|x| (x.name().to_owned(), x.value().to_owned())).collect()))
            .collect();
        prop_assert_eq!(parsed, profiles);
    }
}
