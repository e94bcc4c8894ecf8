//! A model pack: every service's model files in one file, read one member at a time.

use std::fmt;
use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use flate2::Crc;

use crate::error::Error;
use crate::format::{self, Blob, Index, ServiceRecord, HEADER_LEN};
use crate::gzip;
use crate::kind::FileKind;
use crate::suggest::close_names;

/// A model pack (`models/pack/*.pack`, made by `just models`): for each service of a
/// botocore release, its latest API version's model files, documentation removed.
///
/// Opening a pack reads and checks its index only (tens of kilobytes); a file is
/// decompressed when it is asked for, and checked then (gzip's CRC-32 and length).
///
/// ```
/// use session_models::Pack;
///
/// # fn main() -> Result<(), session_models::Error> {
/// # let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../models/pack/botocore-1.43.67.pack");
/// let pack = Pack::open(path)?; // models/pack/botocore-1.43.67.pack
/// let s3 = pack.service("s3")?;
/// assert_eq!(s3.api_version(), "2006-03-01");
/// assert_eq!(s3.protocol(), "rest-xml");
/// let model: String = s3.service_json()?;
/// let rules: Option<String> = s3.endpoint_rule_set()?;
/// # let _ = (model, rules);
/// # Ok(()) }
/// ```
pub struct Pack {
    storage: Storage,
    index: Index,
}

enum Storage {
    Static(&'static [u8]),
    Owned(Vec<u8>),
    File { path: PathBuf, file: Mutex<File> },
}

impl Pack {
    /// A pack held in memory for the life of the program, such as one from
    /// `include_bytes!`.
    ///
    /// # Errors
    ///
    /// When the bytes are not a pack of format version 1, or its index is damaged
    /// ([`Error::is_corrupt`]).
    pub fn from_bytes(bytes: &'static [u8]) -> Result<Pack, Error> {
        let index = parse(bytes, bytes.len() as u64, "the pack in memory")?;
        Ok(Pack {
            storage: Storage::Static(bytes),
            index,
        })
    }

    /// Like [`from_bytes`](Self::from_bytes), for bytes the pack owns.
    ///
    /// # Errors
    ///
    /// As for [`from_bytes`](Self::from_bytes).
    pub fn from_vec(bytes: Vec<u8>) -> Result<Pack, Error> {
        let index = parse(&bytes, bytes.len() as u64, "the pack in memory")?;
        Ok(Pack {
            storage: Storage::Owned(bytes),
            index,
        })
    }

    /// Opens the pack file at `path`: reads its header and index now, each member when it
    /// is asked for.
    ///
    /// # Errors
    ///
    /// [`Error::is_io`] when the file cannot be read, [`Error::is_corrupt`] when it is not
    /// a pack or its index is damaged.
    pub fn open(path: impl AsRef<Path>) -> Result<Pack, Error> {
        let path = path.as_ref();
        let io = |e| Error::io(path, "cannot read the model pack", e);
        let mut file = File::open(path).map_err(io)?;
        let len = file.metadata().map_err(io)?.len();
        let mut head = [0; HEADER_LEN];
        let got = read_up_to(&mut file, &mut head).map_err(io)?;
        let what = format!("the pack {}", path.display());
        let header = format::header(&head[..got]).map_err(|why| corrupt(&what, why))?;
        if (HEADER_LEN as u64).saturating_add(u64::from(header.index_len)) > len {
            return Err(corrupt(&what, "the index runs past the end of the file"));
        }
        let mut index = vec![0; header.index_len as usize];
        file.read_exact(&mut index).map_err(io)?;
        let index = check_index(&index, header.index_crc, len, &what)?;
        Ok(Pack {
            storage: Storage::File {
                path: path.to_owned(),
                file: Mutex::new(file),
            },
            index,
        })
    }

    /// The pack vendored in this repository (`models/pack/`), built into the binary.
    ///
    /// # Panics
    ///
    /// Only if the embedded pack is damaged, which this crate's tests rule out.
    #[cfg(feature = "embed")]
    pub fn embedded() -> &'static Pack {
        static PACK: std::sync::OnceLock<Pack> = std::sync::OnceLock::new();
        PACK.get_or_init(|| {
            Pack::from_bytes(crate::embedded::BYTES).expect("the embedded model pack is valid")
        })
    }

    /// What the pack was made from, such as `botocore 1.43.67`.
    pub fn source(&self) -> &str {
        &self.index.source
    }

    /// Every service, sorted by name.
    pub fn services(&self) -> impl ExactSizeIterator<Item = PackService<'_>> + '_ {
        self.index
            .services
            .iter()
            .map(move |record| PackService { pack: self, record })
    }

    /// The service called `name` (botocore's name: `s3`, `sso-oidc`, `dynamodb`).
    ///
    /// # Errors
    ///
    /// [`Error::is_unknown_service`], with the closest names, when the pack has no such
    /// service.
    pub fn service(&self, name: &str) -> Result<PackService<'_>, Error> {
        self.find(name).ok_or_else(|| {
            Error::unknown_service(
                name,
                close_names(name, self.index.services.iter().map(|s| s.name.as_str())),
                self.index.services.len(),
                &self.index.source,
            )
        })
    }

    /// Whether the pack has a service called `name`.
    pub fn contains(&self, name: &str) -> bool {
        self.find(name).is_some()
    }

    fn find(&self, name: &str) -> Option<PackService<'_>> {
        let services = &self.index.services;
        let at = services
            .binary_search_by(|s| s.name.as_str().cmp(name))
            .ok()?;
        Some(PackService {
            pack: self,
            record: &services[at],
        })
    }

    /// The names of the data files the pack carries besides services (`partitions`,
    /// `endpoints`, `sdk-default-configuration`, `_retry`).
    pub fn data_names(&self) -> impl Iterator<Item = &str> + '_ {
        self.index.data.iter().map(|(name, _)| name.as_str())
    }

    /// The data file `name` (see [`data_names`](Self::data_names)), decompressed; `None`
    /// when the pack has none of that name.
    ///
    /// # Errors
    ///
    /// When the member is damaged or cannot be read.
    pub fn data(&self, name: &str) -> Result<Option<String>, Error> {
        let Some((_, blob)) = self.index.data.iter().find(|(n, _)| n == name) else {
            return Ok(None);
        };
        self.read(*blob, "", &format!("data file `{name}`"))
            .map(Some)
    }

    /// Decompresses blob `blob`, fills its NUL bytes with `fill`, checks it is UTF-8.
    fn read(&self, blob: u32, fill: &str, what: &str) -> Result<String, Error> {
        let Blob {
            offset,
            stored,
            len,
        } = self.index.blobs[blob as usize];
        let member = format!(
            "{what} (blob {blob}, {stored} bytes at offset {offset}) in {}",
            self.describe()
        );
        let bytes = match &self.storage {
            Storage::Static(bytes) => gzip::member(slice(bytes, offset, stored), len),
            Storage::Owned(bytes) => gzip::member(slice(bytes, offset, stored), len),
            Storage::File { path, file } => {
                let mut data = vec![0; stored as usize];
                // A poisoned lock only means another reader panicked; the file is still fine.
                let mut file = file.lock().unwrap_or_else(|e| e.into_inner());
                file.seek(SeekFrom::Start(offset))
                    .and_then(|_| file.read_exact(&mut data))
                    .map_err(|e| Error::io(path, "cannot read the model pack", e))?;
                gzip::member(&data, len)
            }
        }
        .map_err(|e| Error::corrupt(format!("corrupt member {member}"), Some(e)))?;
        let bytes = if fill.is_empty() {
            if bytes.contains(&0) {
                return Err(Error::corrupt(
                    format!("corrupt member {member}: NUL bytes and nothing to fill them with"),
                    None,
                ));
            }
            bytes
        } else {
            fill_in(&bytes, fill.as_bytes())
        };
        String::from_utf8(bytes)
            .map_err(|_| Error::corrupt(format!("corrupt member {member}: not UTF-8"), None))
    }

    fn describe(&self) -> String {
        match &self.storage {
            Storage::File { path, .. } => path.display().to_string(),
            _ => "the pack in memory".to_owned(),
        }
    }
}

impl fmt::Debug for Pack {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Pack")
            .field("source", &self.index.source)
            .field("from", &self.describe())
            .field("services", &self.index.services.len())
            .finish_non_exhaustive()
    }
}

/// One service of a [`Pack`]: what the index says about it, and its files.
#[derive(Clone, Copy)]
pub struct PackService<'a> {
    pack: &'a Pack,
    record: &'a ServiceRecord,
}

impl<'a> PackService<'a> {
    /// botocore's name of the service (`s3`, `sso-oidc`).
    pub fn name(&self) -> &'a str {
        &self.record.name
    }

    /// The API version the files are of (the service's latest): `2006-03-01`.
    pub fn api_version(&self) -> &'a str {
        &self.record.api_version
    }

    /// `metadata.serviceId` (as botocore sees it, sdk-extras merged): `S3`, `SSO OIDC`.
    pub fn service_id(&self) -> &'a str {
        &self.record.service_id
    }

    /// `metadata.protocol`: `rest-xml`, `json`, `query`, `rest-json`, `ec2`, ...
    pub fn protocol(&self) -> &'a str {
        &self.record.protocol
    }

    /// `metadata.protocols`, the protocols the service supports in order of preference
    /// (empty when the model does not list them).
    pub fn protocols(&self) -> impl ExactSizeIterator<Item = &'a str> + 'a {
        self.record.protocols.iter().map(String::as_str)
    }

    /// How many operations the service model defines.
    pub fn operation_count(&self) -> usize {
        self.record.operations as usize
    }

    /// Whether the service has a file of this kind.
    pub fn has(&self, kind: FileKind) -> bool {
        self.record.files.iter().any(|f| f.kind == kind)
    }

    /// The kinds of file the service has.
    pub fn kinds(&self) -> impl Iterator<Item = FileKind> + 'a {
        self.record.files.iter().map(|f| f.kind)
    }

    /// The file of that kind as JSON text, decompressed now; `None` when the service has
    /// none.
    ///
    /// # Errors
    ///
    /// When the member is damaged ([`Error::is_corrupt`], naming it) or the pack file
    /// cannot be read ([`Error::is_io`]).
    pub fn file(&self, kind: FileKind) -> Result<Option<String>, Error> {
        let Some(file) = self.record.files.iter().find(|f| f.kind == kind) else {
            return Ok(None);
        };
        let what = format!(
            "`{}/{}/{}`",
            self.record.name, self.record.api_version, kind
        );
        self.pack.read(file.blob, &file.fill, &what).map(Some)
    }

    /// `service-2.json`, which every service has.
    ///
    /// # Errors
    ///
    /// As for [`file`](Self::file).
    pub fn service_json(&self) -> Result<String, Error> {
        self.file(FileKind::Service)?.ok_or_else(|| {
            // The index check at open time makes this unreachable for a parsed pack.
            Error::corrupt(format!("{}: no service-2 file", self.record.name), None)
        })
    }

    /// `paginators-1.json`, if the service has one.
    ///
    /// # Errors
    ///
    /// As for [`file`](Self::file).
    pub fn paginators(&self) -> Result<Option<String>, Error> {
        self.file(FileKind::Paginators)
    }

    /// `waiters-2.json`, if the service has one.
    ///
    /// # Errors
    ///
    /// As for [`file`](Self::file).
    pub fn waiters(&self) -> Result<Option<String>, Error> {
        self.file(FileKind::Waiters)
    }

    /// `endpoint-rule-set-1.json`, if the service has one (every service of botocore
    /// 1.43.67 does).
    ///
    /// # Errors
    ///
    /// As for [`file`](Self::file).
    pub fn endpoint_rule_set(&self) -> Result<Option<String>, Error> {
        self.file(FileKind::EndpointRuleSet)
    }
}

impl fmt::Debug for PackService<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PackService")
            .field("name", &self.record.name)
            .field("api_version", &self.record.api_version)
            .field("protocol", &self.record.protocol)
            .field("operations", &self.record.operations)
            .field("files", &self.kinds().collect::<Vec<_>>())
            .finish()
    }
}

fn parse(bytes: &[u8], len: u64, what: &str) -> Result<Index, Error> {
    let header = format::header(bytes).map_err(|why| corrupt(what, why))?;
    let index = bytes
        .get(HEADER_LEN..HEADER_LEN + header.index_len as usize)
        .ok_or_else(|| corrupt(what, "the index runs past the end of the data"))?;
    check_index(index, header.index_crc, len, what)
}

fn check_index(index: &[u8], crc: u32, len: u64, what: &str) -> Result<Index, Error> {
    let mut sum = Crc::new();
    sum.update(index);
    if sum.sum() != crc {
        return Err(corrupt(what, "the index does not match its checksum"));
    }
    format::index(index, len).map_err(|why| corrupt(what, format!("bad index: {why}")))
}

fn corrupt(what: &str, why: impl fmt::Display) -> Error {
    Error::corrupt(format!("corrupt model pack: {what}: {why}"), None)
}

/// The blob's bytes; the index check at open time keeps the range in bounds.
fn slice(bytes: &[u8], offset: u64, stored: u32) -> &[u8] {
    let start = usize::try_from(offset).unwrap_or(usize::MAX);
    bytes
        .get(start..start.saturating_add(stored as usize))
        .unwrap_or(&[])
}

/// `template` with every NUL byte replaced by `fill`.
fn fill_in(template: &[u8], fill: &[u8]) -> Vec<u8> {
    let holes = template.iter().filter(|&&b| b == 0).count();
    let mut out = Vec::with_capacity(template.len() + holes * fill.len());
    for (i, part) in template.split(|&b| b == 0).enumerate() {
        if i > 0 {
            out.extend_from_slice(fill);
        }
        out.extend_from_slice(part);
    }
    out
}

/// Reads until `buf` is full or the file ends; how many bytes were read.
fn read_up_to(file: &mut File, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut got = 0;
    while got < buf.len() {
        match file.read(&mut buf[got..])? {
            0 => break,
            n => got += n,
        }
    }
    Ok(got)
}

#[cfg(test)]
mod tests {
    use super::fill_in;

    #[test]
    fn fill_replaces_every_nul() {
        assert_eq!(fill_in(b"a\0b\0", b"sqs"), b"asqsbsqs");
        assert_eq!(fill_in(b"\0", b"x"), b"x");
        assert_eq!(fill_in(b"plain", b"x"), b"plain");
    }
}
