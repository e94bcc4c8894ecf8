//! Turns parsed sections of both files into one [`ProfileSet`], applying the rules that
//! depend on which file a section came from.

use std::collections::BTreeMap;
use std::sync::Arc;

use super::location::{FileKind, LoadedFile};
use super::parse::{self, RawProperty, RawSection};
use super::{ProfileSet, Property, Section, SubProperty};
use crate::origin::FileLocation;
use crate::Error;

enum Target {
    Profile(String),
    SsoSession(String),
    Services(String),
}

/// Profile, section and property names may use these characters and no others.
fn is_valid_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-/.%@_:+".contains(c))
}

/// `prefix` followed by at least one space or tab, then the (trimmed) rest.
fn strip_keyword<'a>(header: &'a str, keyword: &str) -> Option<&'a str> {
    let rest = header.strip_prefix(keyword)?;
    rest.starts_with([' ', '\t'])
        .then(|| rest.trim_matches([' ', '\t']))
}

fn classify(
    header: &str,
    kind: FileKind,
    config_has_profile_default: bool,
) -> Result<Target, String> {
    let target = match kind {
        FileKind::Config => {
            if header == "default" {
                if config_has_profile_default {
                    return Err(
                        "[default] is ignored because [profile default] is also defined".into(),
                    );
                }
                Target::Profile(header.to_owned())
            } else if let Some(name) = strip_keyword(header, "profile") {
                Target::Profile(name.to_owned())
            } else if let Some(name) = strip_keyword(header, "sso-session") {
                Target::SsoSession(name.to_owned())
            } else if let Some(name) = strip_keyword(header, "services") {
                Target::Services(name.to_owned())
            } else {
                return Err(format!(
                    "section [{header}] is ignored: profiles in the config file need a 'profile ' prefix"
                ));
            }
        }
        FileKind::Credentials => {
            if strip_keyword(header, "profile").is_some() {
                return Err(format!(
                    "section [{header}] is ignored: the credentials file does not use the 'profile ' prefix"
                ));
            }
            Target::Profile(header.to_owned())
        }
    };
    let name = match &target {
        Target::Profile(n) | Target::SsoSession(n) | Target::Services(n) => n,
    };
    if !is_valid_name(name) {
        return Err(format!(
            "section [{header}] is ignored: {name:?} is not a valid name"
        ));
    }
    Ok(target)
}

/// Merges the files in order (config first, then credentials): duplicate sections merge and
/// the last definition of a property wins, so the credentials file wins over the config file.
pub(crate) fn merge(files: &[LoadedFile]) -> Result<ProfileSet, Error> {
    let mut set = ProfileSet::default();
    for file in files {
        if let Some(warning) = &file.warning {
            tracing::warn!(target: "session_core::profile", "{warning}");
            set.warnings.push(warning.clone());
        }
        let sections =
            parse::parse(&file.text).map_err(|e| Error::parse(&file.label, e.line, e.message))?;
        let has_profile_default = file.kind == FileKind::Config
            && sections
                .iter()
                .any(|s| strip_keyword(&s.header, "profile") == Some("default"));
        for section in sections {
            match classify(&section.header, file.kind, has_profile_default) {
                Ok(target) => {
                    let (map, name) = match target {
                        Target::Profile(n) => (&mut set.profiles, n),
                        Target::SsoSession(n) => (&mut set.sso_sessions, n),
                        Target::Services(n) => (&mut set.services, n),
                    };
                    let merged = map.entry(name.clone()).or_insert_with(|| Section {
                        name,
                        properties: BTreeMap::new(),
                    });
                    merge_section(merged, section, &file.label, &mut set.warnings);
                }
                Err(why) => warn(&mut set.warnings, &file.label, section.line, &why),
            }
        }
    }
    Ok(set)
}

fn merge_section(
    into: &mut Section,
    section: RawSection,
    file: &Arc<str>,
    warnings: &mut Vec<String>,
) {
    let header: Arc<str> = section.header.into();
    let location = |line| FileLocation {
        file: file.clone(),
        line,
        section: header.clone(),
    };
    for RawProperty {
        name,
        value,
        line,
        sub_properties,
    } in section.properties
    {
        if !is_valid_name(&name) {
            warn(
                warnings,
                file,
                line,
                &format!("property {name:?} is ignored: not a valid property name"),
            );
            continue;
        }
        // `name =` with nothing indented under it is a property with an empty value, not an
        // empty block of sub-properties.
        let sub_properties = sub_properties.filter(|subs| !subs.is_empty()).map(|subs| {
            let mut map = BTreeMap::new();
            for sub in subs {
                if !is_valid_name(&sub.name) {
                    warn(
                        warnings,
                        file,
                        sub.line,
                        &format!("sub-property {:?} is ignored: not a valid name", sub.name),
                    );
                    continue;
                }
                let sub_name = sub.name.to_ascii_lowercase();
                map.insert(
                    sub_name.clone(),
                    SubProperty {
                        name: sub_name,
                        value: sub.value,
                        location: location(sub.line),
                    },
                );
            }
            map
        });
        let name = name.to_ascii_lowercase();
        into.properties.insert(
            name.clone(),
            Property {
                name,
                value,
                location: location(line),
                sub_properties,
            },
        );
    }
}

fn warn(warnings: &mut Vec<String>, file: &str, line: usize, message: &str) {
    let message = format!("{file}:{line}: {message}");
    tracing::warn!(target: "session_core::profile", "{message}");
    warnings.push(message);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(config: &str, credentials: &str) -> ProfileSet {
        ProfileSet::parse("config", config, "credentials", credentials).unwrap()
    }

    fn names(set: &ProfileSet) -> Vec<&str> {
        set.profiles().map(Section::name).collect()
    }

    #[test]
    fn profile_default_wins_over_default_in_either_order() {
        for text in [
            "[profile default]\na = 1\n[default]\nb = 2",
            "[default]\nb = 2\n[profile default]\na = 1",
        ] {
            let s = set(text, "");
            let d = s.profile("default").unwrap();
            assert_eq!(d.get("a"), Some("1"));
            assert_eq!(d.get("b"), None);
            assert_eq!(s.warnings().len(), 1, "{:?}", s.warnings());
        }
    }

    #[test]
    fn bare_names_in_config_and_prefixed_in_credentials_are_ignored_with_warnings() {
        let s = set(
            "[foo]\na = 1\n[profilefoo]\n",
            "[profile bar]\nb = 2\n[baz]\n",
        );
        assert_eq!(names(&s), ["baz"]);
        assert_eq!(s.warnings().len(), 3);
        assert!(
            s.warnings()[0].starts_with("config:1:"),
            "{:?}",
            s.warnings()
        );
        assert!(s.warnings()[2].starts_with("credentials:1:"));
    }

    #[test]
    fn credentials_file_wins_per_property_and_keys_are_case_insensitive() {
        let s = set("[profile p]\nRegion = a\nOutput = json", "[p]\nregion = b");
        let p = s.profile("p").unwrap();
        assert_eq!(p.get("REGION"), Some("b"));
        assert_eq!(
            p.property("region").unwrap().location().file(),
            "credentials"
        );
        assert_eq!(p.get("output"), Some("json"));
    }

    #[test]
    fn sso_session_and_services_sections() {
        let s = set(
            "[sso-session my]\nsso_region = us-east-1\n[services dev]\ns3 =\n  endpoint_url = http://x\n",
            "",
        );
        assert_eq!(
            s.sso_session("my").unwrap().get("sso_region"),
            Some("us-east-1")
        );
        let s3 = s.services("dev").unwrap().property("s3").unwrap();
        let url = s3.sub_property("endpoint_url").unwrap();
        assert_eq!(url.value(), "http://x");
        assert_eq!(url.location().line(), 5);
        assert_eq!(url.location().section(), "services dev");
    }

    #[test]
    fn invalid_property_and_sub_property_names_are_dropped() {
        let s = set(
            "[profile p]\nin valid = 1\ns3 =\n  bad name = 2\n  ok = 3",
            "",
        );
        let p = s.profile("p").unwrap();
        assert!(p.get("in valid").is_none());
        let subs: Vec<&str> = p
            .property("s3")
            .unwrap()
            .sub_properties()
            .map(|s| s.name())
            .collect();
        assert_eq!(subs, ["ok"]);
        assert_eq!(s.warnings().len(), 2);
    }

    #[test]
    fn an_empty_value_without_indented_lines_is_not_a_block() {
        let s = set("[profile p]\nname =\ns3 =\n  in valid = 1\n", "");
        let p = s.profile("p").unwrap();
        let name = p.property("name").unwrap();
        assert_eq!(name.value(), "");
        assert!(!name.has_sub_properties());
        // A block whose only line has an invalid name is still a block: the raw value keeps
        // the line, the structured view drops it with a warning.
        let s3 = p.property("s3").unwrap();
        assert_eq!(s3.value(), "\nin valid = 1");
        assert!(s3.has_sub_properties());
        assert_eq!(s3.sub_properties().count(), 0);
        assert_eq!(s.warnings().len(), 1, "{:?}", s.warnings());
    }

    #[test]
    fn parse_errors_name_the_file() {
        let e =
            ProfileSet::parse("c", "", "/home/u/.aws/credentials", "[default]\noops").unwrap_err();
        assert_eq!(e.file(), Some("/home/u/.aws/credentials"));
        assert_eq!(e.line(), Some(2));
    }
}
