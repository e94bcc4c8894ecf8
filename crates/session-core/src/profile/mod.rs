//! Shared config and credentials files: parsing, merging and the resulting profile set.
//!
//! Follows the cross-SDK "shared config and credentials files" format: `[profile NAME]`,
//! `[default]`, `[sso-session NAME]` and `[services NAME]` sections in the config file, bare
//! `[NAME]` sections in the credentials file, `#`/`;` comments, continuation lines and one
//! level of sub-properties. See `docs/configuration.md` for the full rules.

mod location;
mod normalize;
mod parse;

use std::collections::BTreeMap;
use std::fmt;

pub(crate) use location::{expand_home, load_files, LoadedFile};
pub use location::{FileKind, FileSpec};

use crate::origin::FileLocation;

/// The merged contents of the config and credentials files.
#[derive(Clone, Default)]
pub struct ProfileSet {
    pub(crate) profiles: BTreeMap<String, Section>,
    pub(crate) sso_sessions: BTreeMap<String, Section>,
    pub(crate) services: BTreeMap<String, Section>,
    pub(crate) warnings: Vec<String>,
}

impl ProfileSet {
    /// Parses and merges the text of a config file and a credentials file.
    ///
    /// `config_label` and `credentials_label` name the files in errors and origins.
    ///
    /// # Errors
    /// A malformed line gives an error naming the file and line.
    pub fn parse(
        config_label: &str,
        config: &str,
        credentials_label: &str,
        credentials: &str,
    ) -> Result<Self, crate::Error> {
        let files = [
            LoadedFile::new(FileKind::Config, config_label, config),
            LoadedFile::new(FileKind::Credentials, credentials_label, credentials),
        ];
        normalize::merge(&files)
    }

    /// Reads and merges the files a session would read with this environment:
    /// `AWS_CONFIG_FILE` / `AWS_SHARED_CREDENTIALS_FILE`, else `~/.aws/config` and
    /// `~/.aws/credentials`.
    ///
    /// A missing file is empty; one named by a variable also gives a
    /// [warning](Self::warnings).
    ///
    /// # Errors
    /// A malformed file or an unreadable file.
    pub fn load(env: &crate::Env, fs: &crate::Fs) -> Result<Self, crate::Error> {
        let files = load_files(&FileSpec::Default, &FileSpec::Default, env, fs)?;
        Self::from_files(&files)
    }

    pub(crate) fn from_files(files: &[LoadedFile]) -> Result<Self, crate::Error> {
        normalize::merge(files)
    }

    /// Names of all profiles, sorted.
    pub fn profile_names(&self) -> impl Iterator<Item = &str> + '_ {
        self.profiles.keys().map(String::as_str)
    }

    /// A profile by name (names are case-sensitive).
    pub fn profile(&self, name: &str) -> Option<&Section> {
        self.profiles.get(name)
    }

    /// All profiles, sorted by name.
    pub fn profiles(&self) -> impl Iterator<Item = &Section> + '_ {
        self.profiles.values()
    }

    /// An `[sso-session NAME]` section.
    pub fn sso_session(&self, name: &str) -> Option<&Section> {
        self.sso_sessions.get(name)
    }

    /// All `[sso-session NAME]` sections, sorted by name.
    pub fn sso_sessions(&self) -> impl Iterator<Item = &Section> + '_ {
        self.sso_sessions.values()
    }

    /// A `[services NAME]` section.
    pub fn services(&self, name: &str) -> Option<&Section> {
        self.services.get(name)
    }

    /// All `[services NAME]` sections, sorted by name.
    pub fn all_services(&self) -> impl Iterator<Item = &Section> + '_ {
        self.services.values()
    }

    /// Lines that were ignored (invalid names, sections in the wrong file), one message each
    /// with file and line, and files named by `AWS_CONFIG_FILE` /
    /// `AWS_SHARED_CREDENTIALS_FILE` that do not exist.
    pub fn warnings(&self) -> &[String] {
        &self.warnings
    }
}

impl fmt::Debug for ProfileSet {
    // Sections hold secrets; list names only.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ProfileSet")
            .field("profiles", &self.profiles.keys().collect::<Vec<_>>())
            .field(
                "sso_sessions",
                &self.sso_sessions.keys().collect::<Vec<_>>(),
            )
            .field("services", &self.services.keys().collect::<Vec<_>>())
            .finish()
    }
}

/// A profile, `sso-session` or `services` section after merging.
#[derive(Clone)]
pub struct Section {
    pub(crate) name: String,
    pub(crate) properties: BTreeMap<String, Property>,
}

impl Section {
    /// The section's name (without the `profile ` prefix).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// A property by name; names are case-insensitive.
    pub fn property(&self, name: &str) -> Option<&Property> {
        match self.properties.get(name) {
            Some(p) => Some(p),
            None => self.properties.get(&name.to_ascii_lowercase()),
        }
    }

    /// A property's value by name; names are case-insensitive.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.property(name).map(Property::value)
    }

    /// All properties, sorted by (lower-case) name.
    pub fn properties(&self) -> impl Iterator<Item = &Property> + '_ {
        self.properties.values()
    }

    /// True when the section has no properties.
    pub fn is_empty(&self) -> bool {
        self.properties.is_empty()
    }
}

impl fmt::Debug for Section {
    // Property values may be secrets; list names only.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Section")
            .field("name", &self.name)
            .field("properties", &self.properties.keys().collect::<Vec<_>>())
            .finish()
    }
}

/// One property of a section, with where it was defined.
#[derive(Clone)]
pub struct Property {
    pub(crate) name: String,
    pub(crate) value: String,
    pub(crate) location: FileLocation,
    pub(crate) sub_properties: Option<BTreeMap<String, SubProperty>>,
}

impl Property {
    /// The lower-case name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The raw value as the spec defines it (continuation lines joined by `\n`).
    pub fn value(&self) -> &str {
        &self.value
    }

    /// Where the property was defined (the last definition, when it was defined twice).
    pub fn location(&self) -> &FileLocation {
        &self.location
    }

    /// True when the property's value is a block of indented `key = value` lines: its own
    /// value was empty and at least one indented line followed. (`name =` alone is a property
    /// with an empty value.) Lines of the block with an invalid name stay in
    /// [`value`](Self::value) but are not [`sub_properties`](Self::sub_properties).
    pub fn has_sub_properties(&self) -> bool {
        self.sub_properties.is_some()
    }

    /// A sub-property by name (case-insensitive).
    pub fn sub_property(&self, name: &str) -> Option<&SubProperty> {
        let subs = self.sub_properties.as_ref()?;
        match subs.get(name) {
            Some(s) => Some(s),
            None => subs.get(&name.to_ascii_lowercase()),
        }
    }

    /// All sub-properties, sorted by name; empty when the property has none.
    pub fn sub_properties(&self) -> impl Iterator<Item = &SubProperty> + '_ {
        self.sub_properties.iter().flat_map(|m| m.values())
    }
}

impl fmt::Debug for Property {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Property")
            .field("name", &self.name)
            .field("location", &self.location)
            .finish_non_exhaustive()
    }
}

/// One `key = value` line indented under a property with an empty value.
#[derive(Clone)]
pub struct SubProperty {
    pub(crate) name: String,
    pub(crate) value: String,
    pub(crate) location: FileLocation,
}

impl SubProperty {
    /// The lower-case name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The value.
    pub fn value(&self) -> &str {
        &self.value
    }

    /// Where it was defined.
    pub fn location(&self) -> &FileLocation {
        &self.location
    }
}

impl fmt::Debug for SubProperty {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SubProperty")
            .field("name", &self.name)
            .field("location", &self.location)
            .finish_non_exhaustive()
    }
}
