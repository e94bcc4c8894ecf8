//! Checkpoint files: a journal of one transfer. The first line is a JSON header (what is
//! transferred, the multipart upload id or the pinned ETag, the part size); each later
//! line records one finished part or range. Appending keeps each record O(1) however
//! many parts there are, and a line torn by a crash is ignored when read back (its part
//! is simply done again).

use std::collections::BTreeMap;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use serde::{Deserialize, Serialize};

use crate::error::TransferError;

pub(crate) const VERSION: u32 = 1;

/// What a checkpoint is of.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub(crate) enum Header {
    Upload(UploadHeader),
    Download(DownloadHeader),
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct UploadHeader {
    pub(crate) version: u32,
    pub(crate) bucket: String,
    pub(crate) key: String,
    pub(crate) source: PathBuf,
    pub(crate) size: u64,
    /// The source's mtime in nanoseconds since the epoch: a changed file is not resumed.
    pub(crate) mtime_ns: u64,
    pub(crate) part_size: u64,
    pub(crate) upload_id: String,
    pub(crate) checksum: String,
    #[serde(default)]
    pub(crate) content_type: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct DownloadHeader {
    pub(crate) version: u32,
    pub(crate) bucket: String,
    pub(crate) key: String,
    pub(crate) dest: PathBuf,
    pub(crate) temp: PathBuf,
    pub(crate) size: u64,
    pub(crate) e_tag: Option<String>,
    pub(crate) range_size: u64,
    /// The object's checksum (algorithm name, value) as HeadObject gave it.
    #[serde(default)]
    pub(crate) checksum: Option<(String, String)>,
}

/// A finished part or range.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub(crate) struct Record {
    pub(crate) part: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) e_tag: Option<String>,
    /// The part's checksum, base64.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) checksum: Option<String>,
}

/// A checkpoint read back.
#[derive(Debug)]
pub(crate) struct Loaded {
    pub(crate) header: Header,
    pub(crate) done: BTreeMap<u32, Record>,
}

/// Reads a checkpoint.
pub(crate) fn load(path: &Path) -> Result<Loaded, TransferError> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        TransferError::checkpoint(format!("cannot read the checkpoint {}", path.display()))
            .with_source(e)
    })?;
    let mut lines = text.lines();
    let first = lines.next().unwrap_or_default();
    let header: Header = serde_json::from_str(first).map_err(|e| {
        TransferError::checkpoint(format!("{} is not a transfer checkpoint", path.display()))
            .with_source(e)
    })?;
    let version = match &header {
        Header::Upload(h) => h.version,
        Header::Download(h) => h.version,
    };
    if version != VERSION {
        return Err(TransferError::checkpoint(format!(
            "{}: checkpoint version {version} is not {VERSION}",
            path.display()
        )));
    }
    let mut done = BTreeMap::new();
    for line in lines {
        // A torn last line (the process died mid-write) is skipped: its part is redone.
        if let Ok(r) = serde_json::from_str::<Record>(line) {
            done.insert(r.part, r);
        }
    }
    Ok(Loaded { header, done })
}

/// Appends records to a checkpoint as parts finish.
#[derive(Debug)]
pub(crate) struct Journal {
    path: PathBuf,
    file: Mutex<std::fs::File>,
}

impl Journal {
    /// Starts a new checkpoint with `header` (replacing any file there).
    pub(crate) fn create(path: &Path, header: &Header) -> Result<Self, TransferError> {
        let err = |e| {
            TransferError::checkpoint(format!("cannot write the checkpoint {}", path.display()))
                .with_source(e)
        };
        let tmp = path.with_extension("tmp-checkpoint");
        let mut line = serde_json::to_string(header).map_err(|e| err(std::io::Error::other(e)))?;
        line.push('\n');
        std::fs::write(&tmp, line).map_err(err)?;
        std::fs::rename(&tmp, path).map_err(err)?;
        Self::append_to(path)
    }

    /// Opens an existing checkpoint for more records.
    pub(crate) fn append_to(path: &Path) -> Result<Self, TransferError> {
        let file = std::fs::OpenOptions::new()
            .append(true)
            .open(path)
            .map_err(|e| {
                TransferError::checkpoint(format!("cannot open the checkpoint {}", path.display()))
                    .with_source(e)
            })?;
        Ok(Self {
            path: path.to_owned(),
            file: Mutex::new(file),
        })
    }

    /// Records a finished part (one short append).
    pub(crate) fn record(&self, record: &Record) -> Result<(), TransferError> {
        let mut line = serde_json::to_string(record).map_err(|e| {
            TransferError::checkpoint("cannot encode a checkpoint record").with_source(e)
        })?;
        line.push('\n');
        let mut f = self
            .file
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        f.write_all(line.as_bytes()).map_err(|e| {
            TransferError::checkpoint(format!(
                "cannot write the checkpoint {}",
                self.path.display()
            ))
            .with_source(e)
        })
    }

    /// Removes the checkpoint (the transfer is complete).
    pub(crate) fn remove(&self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

/// A file's mtime in nanoseconds since the epoch (0 when the platform has none).
pub(crate) fn mtime_ns(meta: &std::fs::Metadata) -> u64 {
    meta.modified()
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map_or(0, |d| u64::try_from(d.as_nanos()).unwrap_or(u64::MAX))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn journal_round_trips_and_skips_a_torn_line() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("cp.json");
        let header = Header::Upload(UploadHeader {
            version: VERSION,
            bucket: "b".into(),
            key: "k".into(),
            source: "/x".into(),
            size: 10,
            mtime_ns: 5,
            part_size: 4,
            upload_id: "u".into(),
            checksum: "CRC64NVME".into(),
            content_type: None,
        });
        let j = Journal::create(&path, &header).unwrap();
        j.record(&Record {
            part: 2,
            e_tag: Some("\"e2\"".into()),
            checksum: Some("c2".into()),
        })
        .unwrap();
        j.record(&Record {
            part: 1,
            e_tag: Some("\"e1\"".into()),
            checksum: None,
        })
        .unwrap();
        drop(j);
        // A crash in the middle of a write.
        std::fs::OpenOptions::new()
            .append(true)
            .open(&path)
            .unwrap()
            .write_all(b"{\"part\":3,\"e_t")
            .unwrap();
        let l = load(&path).unwrap();
        assert!(matches!(l.header, Header::Upload(ref h) if h.upload_id == "u"));
        assert_eq!(l.done.keys().copied().collect::<Vec<_>>(), vec![1, 2]);
        std::fs::write(&path, "not json").unwrap();
        assert!(load(&path).unwrap_err().is_checkpoint());
    }
}
