use std::fmt;

use super::Session;
use crate::origin::Origin;
use crate::settings::ResolvedSetting;

/// Every resolved setting of a session with its value and origin.
///
/// `Display` prints an aligned table: name, value, origin.
#[derive(Debug, Clone, Copy)]
pub struct Explain<'a> {
    session: &'a Session,
}

impl<'a> Explain<'a> {
    pub(super) fn new(session: &'a Session) -> Self {
        Self { session }
    }

    /// The selected profile and what selected it.
    pub fn profile(&self) -> (&'a str, &'a Origin) {
        (self.session.profile_name(), self.session.profile_origin())
    }

    /// Every resolved setting, sorted by name.
    pub fn settings(&self) -> impl Iterator<Item = &'a ResolvedSetting> + 'a {
        self.session.settings().iter()
    }
}

impl fmt::Display for Explain<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (profile, origin) = self.profile();
        let rows: Vec<(String, String, String)> =
            std::iter::once(("profile".to_owned(), profile.to_owned(), origin.to_string()))
                .chain(self.settings().map(|s| {
                    (
                        s.name().to_owned(),
                        s.value().to_string(),
                        s.origin().to_string(),
                    )
                }))
                .collect();
        let w0 = rows.iter().map(|r| r.0.len()).max().unwrap_or(0);
        let w1 = rows.iter().map(|r| r.1.chars().count()).max().unwrap_or(0);
        for (name, value, origin) in rows {
            writeln!(f, "{name:<w0$}  {value:<w1$}  {origin}")?;
        }
        Ok(())
    }
}
