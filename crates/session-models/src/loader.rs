//! Model folders in front of a pack: botocore's whole search path, with the pack standing
//! in for botocore's built-in `data/` folder.

use std::path::PathBuf;

use crate::dirs::ModelDirs;
use crate::error::Error;
use crate::kind::FileKind;
use crate::pack::Pack;
use crate::suggest::close_names;

/// Loads service models from folders first and a [`Pack`] last, as botocore loads from
/// `AWS_DATA_PATH` and `~/.aws/models` before its own `data/` folder.
///
/// A service's API version is the latest of all the sources; each file of that version
/// comes from the first folder that has it, else from the pack if the pack's version is
/// that one. So a folder holding a newer version of a service replaces the pack's, and one
/// holding only a `service-2.json` of the pack's version overrides that one file.
///
/// ```
/// use session_models::{FileKind, Loader, ModelDirs, Pack};
///
/// # fn main() -> Result<(), session_models::Error> {
/// # let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../models/pack/botocore-1.43.67.pack");
/// let pack = Pack::open(path)?; // models/pack/botocore-1.43.67.pack
/// let dirs = ModelDirs::like_botocore(None, Some("/home/me".as_ref()), |_| None);
/// let loader = Loader::new(dirs, Some(&pack));
/// let sqs = loader.service("sqs")?;
/// let model = sqs.file(FileKind::Service)?;
/// # let _ = model;
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct Loader<'p> {
    dirs: ModelDirs,
    pack: Option<&'p Pack>,
}

/// Where a model file comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Origin {
    /// A file in a model folder.
    Dir(PathBuf),
    /// The pack.
    Pack,
}

impl<'p> Loader<'p> {
    /// `dirs` searched first, then `pack` (if any).
    pub fn new(dirs: ModelDirs, pack: Option<&'p Pack>) -> Loader<'p> {
        Loader { dirs, pack }
    }

    /// The folders searched before the pack.
    pub fn dirs(&self) -> &ModelDirs {
        &self.dirs
    }

    /// Every service of the folders and the pack, sorted.
    ///
    /// # Errors
    ///
    /// When a folder cannot be listed.
    pub fn services(&self) -> Result<Vec<String>, Error> {
        let mut names = self.dirs.services()?;
        if let Some(pack) = self.pack {
            names.extend(pack.services().map(|s| s.name().to_owned()));
        }
        names.sort();
        names.dedup();
        Ok(names)
    }

    /// `service` at the latest API version any source has.
    ///
    /// # Errors
    ///
    /// [`Error::is_unknown_service`] (with close names) when no source has it; I/O errors
    /// listing the folders.
    pub fn service(&self, service: &str) -> Result<LoadedService<'_, 'p>, Error> {
        let dir_latest = self.dirs.api_versions(service)?.pop();
        let pack_version = self
            .pack
            .and_then(|p| p.service(service).ok())
            .map(|s| s.api_version().to_owned());
        let Some(api_version) = dir_latest.max(pack_version.clone()) else {
            let known = self.services()?;
            let mut from = self.dirs.describe();
            if let Some(pack) = self.pack {
                from = format!("{from} and {}", pack.source());
            }
            return Err(Error::unknown_service(
                service,
                close_names(service, known.iter().map(String::as_str)),
                known.len(),
                &from,
            ));
        };
        let use_pack = pack_version.as_deref() == Some(api_version.as_str());
        Ok(LoadedService {
            loader: self,
            name: service.to_owned(),
            api_version,
            use_pack,
        })
    }
}

/// One service of a [`Loader`], at its latest API version.
#[derive(Debug, Clone)]
pub struct LoadedService<'l, 'p> {
    loader: &'l Loader<'p>,
    name: String,
    api_version: String,
    /// The pack has this service at this version.
    use_pack: bool,
}

impl LoadedService<'_, '_> {
    /// The service's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The API version its files are read at.
    pub fn api_version(&self) -> &str {
        &self.api_version
    }

    /// Where the file of that kind comes from; `None` when no source has it.
    pub fn origin(&self, kind: FileKind) -> Option<Origin> {
        let in_dirs = self
            .loader
            .dirs
            .service_version(&self.name, &self.api_version)
            .path(kind);
        match in_dirs {
            Some(path) => Some(Origin::Dir(path)),
            None => self.pack_service()?.has(kind).then_some(Origin::Pack),
        }
    }

    /// The file of that kind as JSON text; `None` when no source has it.
    ///
    /// # Errors
    ///
    /// As for [`DirService::file`](crate::DirService::file) and
    /// [`PackService::file`](crate::PackService::file).
    pub fn file(&self, kind: FileKind) -> Result<Option<String>, Error> {
        let dir = self
            .loader
            .dirs
            .service_version(&self.name, &self.api_version);
        if let Some(text) = dir.file(kind)? {
            return Ok(Some(text));
        }
        match self.pack_service() {
            Some(service) => service.file(kind),
            None => Ok(None),
        }
    }

    fn pack_service(&self) -> Option<crate::PackService<'_>> {
        if !self.use_pack {
            return None;
        }
        self.loader.pack?.service(&self.name).ok()
    }
}
