//! Where models come from: the embedded pack, a pack file, or model folders in front of
//! either, chosen explicitly or from a session's settings.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};

use session_core::Session;
use session_models::{Loader, ModelDirs, Pack};

use crate::error::Error;

/// The environment variable naming a model pack file (`models/pack/*.pack`).
pub const PACK_ENV: &str = "AWS_SESSION_MODEL_PACK";
/// The profile key naming a model pack file.
pub const PACK_PROFILE_KEY: &str = "model_pack";
/// botocore's environment variable listing extra model folders.
pub const DATA_PATH_ENV: &str = "AWS_DATA_PATH";
/// botocore's profile key listing extra model folders.
pub const DATA_PATH_PROFILE_KEY: &str = "data_path";

/// Where a dynamic client reads service models.
///
/// [`ModelSource::from_session`] is what [`dyn_client`](crate::SessionDynExt::dyn_client)
/// uses: model folders (`AWS_DATA_PATH` / the profile's `data_path`, then
/// `~/.aws/models`, as botocore searches them) in front of a pack (`AWS_SESSION_MODEL_PACK`
/// / the profile's `model_pack`, else the embedded pack when the `embed` feature is on).
///
/// ```
/// use std::path::PathBuf;
/// use session_dynamic::ModelSource;
///
/// let pack = ModelSource::pack("models/pack/botocore-1.43.67.pack");
/// let with_dirs = ModelSource::dirs([PathBuf::from("/opt/models")], Some(pack.clone()));
/// assert_ne!(pack, with_dirs);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ModelSource {
    /// The pack built into the binary (the `embed` feature).
    Embedded,
    /// A pack file.
    Pack(PathBuf),
    /// Model folders in botocore's layout, searched before `then` (if any).
    Dirs {
        /// The folders, in search order.
        dirs: Vec<PathBuf>,
        /// What is searched after them.
        then: Option<Box<ModelSource>>,
    },
    /// No source at all: every service is unknown (a build without `embed` and nothing
    /// configured).
    None,
}

impl ModelSource {
    /// A pack file.
    pub fn pack(path: impl Into<PathBuf>) -> Self {
        ModelSource::Pack(path.into())
    }

    /// Folders in front of `then`.
    pub fn dirs<P: Into<PathBuf>>(
        dirs: impl IntoIterator<Item = P>,
        then: Option<ModelSource>,
    ) -> Self {
        ModelSource::Dirs {
            dirs: dirs.into_iter().map(Into::into).collect(),
            then: then.map(Box::new),
        }
    }

    /// The source a session's settings name (read from the session's own environment and
    /// profile, which tests inject): see the type's docs.
    pub fn from_session(session: &Session) -> Self {
        let env = session.env();
        let profile = |key: &str| {
            session
                .profile()
                .and_then(|p| p.get(key))
                .map(str::to_owned)
        };
        let pack = env
            .get_non_empty(PACK_ENV)
            .or_else(|| profile(PACK_PROFILE_KEY))
            .map(|p| ModelSource::Pack(PathBuf::from(p)))
            .unwrap_or_else(|| {
                if cfg!(feature = "embed") {
                    ModelSource::Embedded
                } else {
                    ModelSource::None
                }
            });
        let home = env
            .get_non_empty("HOME")
            .or_else(|| env.get_non_empty("USERPROFILE"));
        let data_path = env
            .get_non_empty(DATA_PATH_ENV)
            .or_else(|| profile(DATA_PATH_PROFILE_KEY));
        let dirs = ModelDirs::like_botocore(
            data_path.as_deref(),
            home.as_deref().map(Path::new),
            |name| env.get(name),
        );
        if dirs.paths().is_empty() {
            return pack;
        }
        let then = (pack != ModelSource::None).then_some(pack);
        ModelSource::dirs(dirs.paths().iter().cloned(), then)
    }

    /// The folders searched before the pack, and the pack.
    pub(crate) fn open(&self) -> Result<(ModelDirs, Option<&'static Pack>), Error> {
        match self {
            ModelSource::None => Ok((ModelDirs::default(), None)),
            ModelSource::Embedded => Ok((ModelDirs::default(), Some(embedded()?))),
            ModelSource::Pack(path) => Ok((ModelDirs::default(), Some(open_pack(path)?))),
            ModelSource::Dirs { dirs, then } => {
                let mut all = dirs.clone();
                let pack = match then.as_deref() {
                    Some(inner) => {
                        let (more, pack) = inner.open()?;
                        all.extend(more.paths().iter().cloned());
                        pack
                    }
                    None => None,
                };
                Ok((ModelDirs::new(all), pack))
            }
        }
    }

    /// Every service this source has, sorted.
    ///
    /// # Errors
    /// A pack that cannot be opened, a folder that cannot be listed.
    pub fn services(&self) -> Result<Vec<String>, Error> {
        let (dirs, pack) = self.open()?;
        Loader::new(dirs, pack).services().map_err(Error::models)
    }

    /// The pack of this source, if it has one (the last in its search order).
    ///
    /// # Errors
    /// A pack that cannot be opened.
    pub fn pack_of(&self) -> Result<Option<&'static Pack>, Error> {
        Ok(self.open()?.1)
    }
}

#[cfg(feature = "embed")]
fn embedded() -> Result<&'static Pack, Error> {
    Ok(Pack::embedded())
}

#[cfg(not(feature = "embed"))]
fn embedded() -> Result<&'static Pack, Error> {
    Err(Error::config(
        "the embedded model pack is not in this build (enable the `embed` feature, or name a \
         pack with AWS_SESSION_MODEL_PACK)",
    ))
}

/// A pack file, opened once per process per path.
fn open_pack(path: &Path) -> Result<&'static Pack, Error> {
    static PACKS: OnceLock<Mutex<HashMap<PathBuf, &'static Pack>>> = OnceLock::new();
    let mut packs = PACKS
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    if let Some(pack) = packs.get(path) {
        return Ok(pack);
    }
    let pack: &'static Pack = Box::leak(Box::new(Pack::open(path).map_err(Error::models)?));
    packs.insert(path.to_owned(), pack);
    Ok(pack)
}
