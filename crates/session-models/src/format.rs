//! The pack's header and index (models/pack/FORMAT.md), parsed and checked in full when a
//! pack is opened, so that later reads only have to check the members they decompress.

use crate::kind::FileKind;

/// `\x89SMPACK\n`: the high byte and the line feed catch text-mode transfers.
pub(crate) const MAGIC: [u8; 8] = *b"\x89SMPACK\n";
pub(crate) const VERSION: u32 = 1;
pub(crate) const HEADER_LEN: usize = 24;

/// What the 24-byte header says.
pub(crate) struct Header {
    pub(crate) index_len: u32,
    pub(crate) index_crc: u32,
}

/// Where one gzip member lies.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Blob {
    pub(crate) offset: u64,
    pub(crate) stored: u32,
    pub(crate) len: u32,
}

#[derive(Debug)]
pub(crate) struct FileRef {
    pub(crate) kind: FileKind,
    pub(crate) blob: u32,
    /// What each NUL byte of the blob stands for (empty: the blob has none).
    pub(crate) fill: String,
}

#[derive(Debug)]
pub(crate) struct ServiceRecord {
    pub(crate) name: String,
    pub(crate) api_version: String,
    pub(crate) service_id: String,
    pub(crate) protocol: String,
    pub(crate) protocols: Vec<String>,
    pub(crate) operations: u32,
    pub(crate) files: Vec<FileRef>,
}

#[derive(Debug)]
pub(crate) struct Index {
    pub(crate) source: String,
    pub(crate) blobs: Vec<Blob>,
    pub(crate) data: Vec<(String, u32)>,
    pub(crate) services: Vec<ServiceRecord>,
}

/// Reads the header; `Err` is the reason the bytes are not a pack of this version.
pub(crate) fn header(bytes: &[u8]) -> Result<Header, String> {
    if bytes.len() < HEADER_LEN {
        return Err(format!(
            "{} bytes, shorter than the {HEADER_LEN}-byte header",
            bytes.len()
        ));
    }
    if bytes[..8] != MAGIC {
        return Err("not a model pack (wrong magic bytes)".into());
    }
    let word =
        |at: usize| u32::from_le_bytes([bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]]);
    let version = word(8);
    if version != VERSION {
        return Err(format!(
            "format version {version}, this reader knows version {VERSION}"
        ));
    }
    Ok(Header {
        index_len: word(12),
        index_crc: word(16),
    })
}

/// Parses and checks the index; `file_len` bounds the blobs. `Err` says what is wrong.
pub(crate) fn index(bytes: &[u8], file_len: u64) -> Result<Index, String> {
    let mut r = Reader { bytes, at: 0 };
    let source = r.string("source")?;
    let blob_count = r.u32("blob count")?;
    let mut blobs = Vec::with_capacity(blob_count.min(1 << 16) as usize);
    for i in 0..blob_count {
        let blob = Blob {
            offset: r.u64("blob offset")?,
            stored: r.u32("blob length")?,
            len: r.u32("blob length")?,
        };
        let end = blob.offset.checked_add(u64::from(blob.stored));
        if blob.offset < (HEADER_LEN + bytes.len()) as u64 || end.is_none_or(|e| e > file_len) {
            return Err(format!(
                "blob {i} ({} bytes at offset {}) lies outside the data ({file_len} bytes)",
                blob.stored, blob.offset
            ));
        }
        blobs.push(blob);
    }
    let data_count = r.u32("data file count")?;
    let mut data = Vec::new();
    for _ in 0..data_count {
        let name = r.string("data file name")?;
        let blob =
            blob_ref(&mut r, blob_count).map_err(|why| format!("data file `{name}`: {why}"))?;
        data.push((name, blob));
    }
    let service_count = r.u32("service count")?;
    let mut services: Vec<ServiceRecord> = Vec::new();
    for _ in 0..service_count {
        let name = r.string("service name")?;
        let record = service(&mut r, name.clone(), blob_count)
            .map_err(|why| format!("service `{name}`: {why}"))?;
        // Lookups are binary searches: names must be sorted and unique.
        if services.last().is_some_and(|s| s.name >= record.name) {
            return Err(format!("services out of order at `{name}`"));
        }
        services.push(record);
    }
    if r.at != bytes.len() {
        return Err(format!(
            "{} bytes left over after the index",
            bytes.len() - r.at
        ));
    }
    Ok(Index {
        source,
        blobs,
        data,
        services,
    })
}

/// The rest of a service record, after its name.
fn service(r: &mut Reader<'_>, name: String, blob_count: u32) -> Result<ServiceRecord, String> {
    let api_version = r.string("api version")?;
    let service_id = r.string("service id")?;
    let protocol = r.string("protocol")?;
    let protocols = (0..r.u8("protocol count")?)
        .map(|_| r.string("protocols"))
        .collect::<Result<_, _>>()?;
    let operations = r.u32("operation count")?;
    let mut files: Vec<FileRef> = Vec::new();
    for _ in 0..r.u8("file count")? {
        let code = r.u8("file kind")?;
        let kind = FileKind::from_code(code).ok_or_else(|| format!("unknown file kind {code}"))?;
        if files.last().is_some_and(|f| f.kind >= kind) {
            return Err("file kinds out of order".into());
        }
        let blob = blob_ref(r, blob_count).map_err(|why| format!("{kind}: {why}"))?;
        let fill = r.string("fill")?;
        files.push(FileRef { kind, blob, fill });
    }
    if !files.iter().any(|f| f.kind == FileKind::Service) {
        return Err("no service-2 file".into());
    }
    Ok(ServiceRecord {
        name,
        api_version,
        service_id,
        protocol,
        protocols,
        operations,
        files,
    })
}

/// A blob number, checked against the blob count.
fn blob_ref(r: &mut Reader<'_>, blob_count: u32) -> Result<u32, String> {
    let blob = r.u32("blob number")?;
    if blob >= blob_count {
        return Err(format!("blob {blob} of {blob_count}"));
    }
    Ok(blob)
}

/// A cursor over the index bytes; each read names what it reads for the error message.
struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl Reader<'_> {
    fn take(&mut self, n: usize, what: &'static str) -> Result<&[u8], String> {
        let part = self
            .bytes
            .get(self.at..self.at.saturating_add(n))
            .ok_or_else(|| format!("index ends inside {what}"))?;
        self.at += n;
        Ok(part)
    }

    fn u8(&mut self, what: &'static str) -> Result<u8, String> {
        Ok(self.take(1, what)?[0])
    }

    fn u32(&mut self, what: &'static str) -> Result<u32, String> {
        let b = self.take(4, what)?;
        Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }

    fn u64(&mut self, what: &'static str) -> Result<u64, String> {
        let b = self.take(8, what)?;
        let mut word = [0; 8];
        word.copy_from_slice(b);
        Ok(u64::from_le_bytes(word))
    }

    fn string(&mut self, what: &'static str) -> Result<String, String> {
        let b = self.take(2, what)?;
        let len = usize::from(u16::from_le_bytes([b[0], b[1]]));
        let text = self.take(len, what)?;
        String::from_utf8(text.to_vec()).map_err(|_| format!("{what} is not UTF-8"))
    }
}
