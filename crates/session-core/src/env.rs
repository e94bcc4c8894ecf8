//! The environment a session reads, injectable so tests never see the real one.

use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;

/// Where environment variables come from: the process, or a map given by the caller.
///
/// Cloning is cheap (an `Arc` inside). Tests and embedders use [`Env::from_vars`] so that
/// nothing in the machine's own environment (for example an `AWS_PROFILE` left in a CI
/// runner) changes what a session resolves.
#[derive(Clone)]
pub struct Env {
    inner: Arc<Inner>,
}

enum Inner {
    Process,
    Map(HashMap<String, String>),
}

impl Env {
    /// The real process environment, read on demand.
    pub fn process() -> Self {
        Self {
            inner: Arc::new(Inner::Process),
        }
    }

    /// An environment that holds exactly these variables and nothing else.
    pub fn from_vars<I, K, V>(vars: I) -> Self
    where
        I: IntoIterator<Item = (K, V)>,
        K: Into<String>,
        V: Into<String>,
    {
        let map = vars
            .into_iter()
            .map(|(k, v)| (k.into(), v.into()))
            .collect();
        Self {
            inner: Arc::new(Inner::Map(map)),
        }
    }

    /// The value of `name`, or `None` when it is unset or not valid Unicode.
    pub fn get(&self, name: &str) -> Option<String> {
        match &*self.inner {
            Inner::Process => std::env::var(name).ok(),
            Inner::Map(map) => map.get(name).cloned(),
        }
    }

    /// Like [`Env::get`], but an empty or blank (spaces and tabs only) value counts as unset,
    /// as the AWS SDKs treat configuration variables (`AWS_ACCESS_KEY_ID=" "` is no key).
    pub fn get_non_empty(&self, name: &str) -> Option<String> {
        self.get(name)
            .filter(|v| !v.trim_matches([' ', '\t']).is_empty())
    }

    /// Every variable whose name starts with `prefix`, sorted by name.
    pub fn vars_with_prefix(&self, prefix: &str) -> Vec<(String, String)> {
        let mut out: Vec<(String, String)> = match &*self.inner {
            Inner::Process => std::env::vars_os()
                .filter_map(|(k, v)| Some((k.into_string().ok()?, v.into_string().ok()?)))
                .filter(|(k, _)| k.starts_with(prefix))
                .collect(),
            Inner::Map(map) => map
                .iter()
                .filter(|(k, _)| k.starts_with(prefix))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
        };
        out.sort();
        out
    }
}

impl Default for Env {
    fn default() -> Self {
        Self::process()
    }
}

impl fmt::Debug for Env {
    // Values are never printed: the environment may hold secrets.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &*self.inner {
            Inner::Process => f.write_str("Env::Process"),
            Inner::Map(map) => {
                let mut names: Vec<&String> = map.keys().collect();
                names.sort();
                f.debug_struct("Env::Map").field("names", &names).finish()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn map_env_holds_only_given_vars() {
        let env = Env::from_vars([("AWS_REGION", "eu-west-1"), ("EMPTY", ""), ("BLANK", " \t")]);
        assert_eq!(env.get("AWS_REGION").as_deref(), Some("eu-west-1"));
        assert_eq!(env.get("HOME"), None);
        assert_eq!(env.get("EMPTY").as_deref(), Some(""));
        assert_eq!(env.get_non_empty("EMPTY"), None);
        assert_eq!(env.get_non_empty("BLANK"), None);
    }

    #[test]
    fn prefix_listing_is_sorted() {
        let env = Env::from_vars([("AWS_B", "2"), ("AWS_A", "1"), ("OTHER", "3")]);
        assert_eq!(
            env.vars_with_prefix("AWS_"),
            vec![("AWS_A".into(), "1".into()), ("AWS_B".into(), "2".into())]
        );
    }

    #[test]
    fn debug_shows_names_not_values() {
        let env = Env::from_vars([("AWS_SECRET_ACCESS_KEY", "hunter2")]);
        let s = format!("{env:?}");
        assert!(s.contains("AWS_SECRET_ACCESS_KEY"));
        assert!(!s.contains("hunter2"));
    }
}
