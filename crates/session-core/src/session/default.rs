use std::sync::{PoisonError, RwLock};

use super::Session;

static DEFAULT: RwLock<Option<Session>> = RwLock::new(None);

/// The process-wide default session, built from the environment on first use.
///
/// Thread-safe: the first callers race for one build, the others wait and share the result.
/// A failed build is not cached, so fixing the environment and calling again works.
///
/// # Errors
/// The error of [`Session::from_env`] when no default session exists yet and building one
/// fails.
pub fn default_session() -> Result<Session, crate::Error> {
    if let Some(s) = &*DEFAULT.read().unwrap_or_else(PoisonError::into_inner) {
        return Ok(s.clone());
    }
    let mut slot = DEFAULT.write().unwrap_or_else(PoisonError::into_inner);
    if let Some(s) = &*slot {
        return Ok(s.clone());
    }
    let session = Session::from_env()?;
    *slot = Some(session.clone());
    Ok(session)
}

/// Replaces the process-wide default session (boto3's `setup_default_session`).
pub fn set_default_session(session: Session) {
    *DEFAULT.write().unwrap_or_else(PoisonError::into_inner) = Some(session);
}
