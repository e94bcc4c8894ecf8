//! Shared by the tests: the vendored pack, and an independent reader of its index written
//! from models/pack/FORMAT.md alone (so the tests also check the format document).

#![allow(dead_code, unreachable_pub)]

use std::path::PathBuf;

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

pub fn pack_path() -> PathBuf {
    repo().join("models/pack/botocore-1.43.67.pack")
}

pub fn pack_bytes() -> Vec<u8> {
    std::fs::read(pack_path()).expect("the vendored pack is readable")
}

/// One file of a service, as FORMAT.md lays it out.
#[derive(Debug, Clone)]
pub struct SpecFile {
    pub kind: u8,
    pub blob: u32,
    pub offset: u64,
    pub stored: u32,
    pub fill: String,
}

#[derive(Debug)]
pub struct SpecService {
    pub name: String,
    pub api_version: String,
    pub files: Vec<SpecFile>,
}

struct Cursor<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl Cursor<'_> {
    fn take(&mut self, n: usize) -> &[u8] {
        let part = &self.bytes[self.at..self.at + n];
        self.at += n;
        part
    }
    fn u8(&mut self) -> u8 {
        self.take(1)[0]
    }
    fn u32(&mut self) -> u32 {
        u32::from_le_bytes(self.take(4).try_into().expect("4 bytes"))
    }
    fn u64(&mut self) -> u64 {
        u64::from_le_bytes(self.take(8).try_into().expect("8 bytes"))
    }
    fn string(&mut self) -> String {
        let len = u16::from_le_bytes(self.take(2).try_into().expect("2 bytes"));
        String::from_utf8(self.take(usize::from(len)).to_vec()).expect("UTF-8")
    }
}

/// The services of a pack, read by following FORMAT.md.
pub fn spec_services(bytes: &[u8]) -> Vec<SpecService> {
    assert_eq!(&bytes[..8], b"\x89SMPACK\n");
    let mut c = Cursor { bytes, at: 24 };
    let _source = c.string();
    let blobs: Vec<(u64, u32)> = (0..c.u32())
        .map(|_| {
            let offset = c.u64();
            let stored = c.u32();
            let _len = c.u32();
            (offset, stored)
        })
        .collect();
    for _ in 0..c.u32() {
        c.string();
        c.u32();
    }
    let mut services = Vec::new();
    for _ in 0..c.u32() {
        let name = c.string();
        let api_version = c.string();
        let _service_id = c.string();
        let _protocol = c.string();
        for _ in 0..c.u8() {
            c.string();
        }
        let _operations = c.u32();
        let files = (0..c.u8())
            .map(|_| {
                let kind = c.u8();
                let blob = c.u32();
                let fill = c.string();
                let (offset, stored) = blobs[blob as usize];
                SpecFile {
                    kind,
                    blob,
                    offset,
                    stored,
                    fill,
                }
            })
            .collect();
        services.push(SpecService {
            name,
            api_version,
            files,
        });
    }
    let index_len = u32::from_le_bytes(bytes[12..16].try_into().expect("4 bytes"));
    assert_eq!(
        c.at,
        24 + index_len as usize,
        "the index ends where the header says"
    );
    services
}
