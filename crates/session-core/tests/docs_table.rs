//! `docs/configuration.md` carries the settings table; this test keeps it equal to the
//! table the code uses. To regenerate it after changing the registry:
//! `UPDATE_DOCS=1 cargo test -p session-core --test docs_table`.

#![allow(clippy::unwrap_used)]

use session_core::known_settings;

const START: &str = "<!-- settings-table:start -->\n";
const END: &str = "<!-- settings-table:end -->";

fn code(items: &[String]) -> String {
    if items.is_empty() {
        "—".to_owned()
    } else {
        items
            .iter()
            .map(|i| format!("`{i}`"))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

fn table(credentials: bool) -> String {
    let mut out = String::from(
        "| setting | environment variable | profile key | default | values |\n|---|---|---|---|---|\n",
    );
    for s in known_settings().filter(|s| s.is_credential_setting() == credentials) {
        let env: Vec<String> = s.env_vars().iter().map(|v| (*v).to_owned()).collect();
        out.push_str(&format!(
            "| `{}` | {} | {} | {} | {} |\n",
            s.name(),
            code(&env),
            code(&s.profile_keys()),
            s.default_value()
                .map_or("—".to_owned(), |d| format!("`{d}`")),
            s.value_type().replace('|', "\\|"),
        ));
    }
    out
}

fn expected() -> String {
    format!(
        "{}\nUsed by the credential providers (profile only):\n\n{}",
        table(false),
        table(true)
    )
}

#[test]
fn docs_settings_table_matches_the_registry() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/configuration.md");
    let doc = std::fs::read_to_string(path).unwrap();
    let start = doc.find(START).expect("start marker") + START.len();
    let end = doc.find(END).expect("end marker");
    let want = expected();
    if std::env::var_os("UPDATE_DOCS").is_some() {
        let updated = format!("{}{want}{}", &doc[..start], &doc[end..]);
        std::fs::write(path, updated).unwrap();
        return;
    }
    assert_eq!(
        &doc[start..end],
        want,
        "run UPDATE_DOCS=1 cargo test -p session-core --test docs_table"
    );
}
