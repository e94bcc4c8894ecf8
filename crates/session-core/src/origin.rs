//! Where a resolved value came from.

use std::borrow::Cow;
use std::fmt;
use std::sync::Arc;

/// The origin of a resolved value: which layer of the configuration supplied it.
///
/// Layers, from highest precedence: [`Origin::Explicit`] (set on the
/// [`SessionBuilder`](crate::SessionBuilder)), [`Origin::Env`], [`Origin::Profile`] (a
/// shared config or credentials file), [`Origin::Default`].
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Origin {
    /// Set in code on the session builder.
    Explicit,
    /// Read from an environment variable.
    Env {
        /// The variable's name, e.g. `AWS_REGION`.
        var: Cow<'static, str>,
    },
    /// Read from a shared config or credentials file.
    Profile(FileLocation),
    /// No layer set it; this is the documented default.
    Default,
}

impl Origin {
    /// True for [`Origin::Explicit`].
    pub fn is_explicit(&self) -> bool {
        matches!(self, Origin::Explicit)
    }

    /// True for [`Origin::Env`].
    pub fn is_env(&self) -> bool {
        matches!(self, Origin::Env { .. })
    }

    /// True for [`Origin::Profile`].
    pub fn is_profile(&self) -> bool {
        matches!(self, Origin::Profile(_))
    }

    /// True for [`Origin::Default`].
    pub fn is_default(&self) -> bool {
        matches!(self, Origin::Default)
    }

    /// Precedence rank: a higher rank wins.
    pub(crate) fn rank(&self) -> u8 {
        match self {
            Origin::Explicit => 3,
            Origin::Env { .. } => 2,
            Origin::Profile(_) => 1,
            Origin::Default => 0,
        }
    }
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Origin::Explicit => f.write_str("explicit"),
            Origin::Env { var } => write!(f, "env var {var}"),
            Origin::Profile(loc) => write!(f, "{loc}"),
            Origin::Default => f.write_str("default"),
        }
    }
}

/// A line in a shared config or credentials file, with the section it belongs to.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct FileLocation {
    pub(crate) file: Arc<str>,
    pub(crate) line: usize,
    pub(crate) section: Arc<str>,
}

impl FileLocation {
    /// The file's path, or a label such as `<config file contents>` when the contents were
    /// given directly.
    pub fn file(&self) -> &str {
        &self.file
    }

    /// The 1-based line number.
    pub fn line(&self) -> usize {
        self.line
    }

    /// The section header as written inside the brackets, e.g. `profile dev`.
    pub fn section(&self) -> &str {
        &self.section
    }
}

impl fmt::Display for FileLocation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{} [{}]", self.file, self.line, self.section)
    }
}
