"""Writes a model pack: every service's files in one file a reader can open without
decompressing it all. The format is described in models/pack/FORMAT.md; the reader is
crates/session-models. Keep the three in step.
"""

import gzip
import struct
import zlib

MAGIC = b"\x89SMPACK\n"
FORMAT_VERSION = 1
HEADER_LEN = 24

# File kinds of format version 1 (the byte stored in a service record).
KINDS = {
    "service-2": 1,
    "paginators-1": 2,
    "waiters-2": 3,
    "endpoint-rule-set-1": 4,
    "service-2.sdk-extras": 5,
    "paginators-1.sdk-extras": 6,
}


def _str(value: str) -> bytes:
    data = value.encode("utf-8")
    if len(data) > 0xFFFF:
        raise ValueError(f"string too long for the pack index: {value[:40]!r}...")
    return struct.pack("<H", len(data)) + data


def gzip_member(data: bytes) -> bytes:
    # mtime 0 and no file name: the same input gives the same bytes on every run.
    return gzip.compress(data, compresslevel=9, mtime=0)


class PackWriter:
    def __init__(self, source: str):
        self.source = source
        self._blobs = []  # raw bytes, in first-use order
        self._blob_ids = {}  # raw bytes -> index: identical files are stored once
        self._data = []  # (name, blob)
        self._services = []  # (name, version, service id, protocol, protocols, ops, files)

    def _blob(self, raw: bytes) -> int:
        if raw not in self._blob_ids:
            self._blob_ids[raw] = len(self._blobs)
            self._blobs.append(raw)
        return self._blob_ids[raw]

    def add_data(self, name: str, raw: bytes) -> None:
        self._data.append((name, self._blob(raw)))

    def add_service(self, name, version, service_id, protocol, protocols, operations, files):
        """`files`: type name -> (stored bytes, fill). The file is the stored bytes with
        every NUL byte replaced by `fill` (JSON text has no raw NUL, so NUL is free to mark
        the places where a shared template differs between services)."""
        refs = []
        for type_name, (stored, fill) in files.items():
            if not fill and b"\0" in stored:
                raise ValueError(f"{name} {type_name}: NUL in a file without a fill")
            refs.append((KINDS[type_name], self._blob(stored), fill))
        self._services.append((name, version, service_id, protocol, protocols, operations, refs))

    def blobs_for(self, type_name: str) -> set:
        kind = KINDS[type_name]
        return {b for s in self._services for k, b, _ in s[6] if k == kind}

    def build(self) -> bytes:
        members = [gzip_member(raw) for raw in self._blobs]
        services = sorted(self._services, key=lambda s: s[0].encode("utf-8"))

        def index(data_start: int) -> bytes:
            out = [_str(self.source), struct.pack("<I", len(members))]
            offset = data_start
            for raw, member in zip(self._blobs, members):
                out.append(struct.pack("<QII", offset, len(member), len(raw)))
                offset += len(member)
            out.append(struct.pack("<I", len(self._data)))
            for name, blob in sorted(self._data):
                out += [_str(name), struct.pack("<I", blob)]
            out.append(struct.pack("<I", len(services)))
            for name, version, service_id, protocol, protocols, operations, refs in services:
                out += [_str(name), _str(version), _str(service_id), _str(protocol)]
                out.append(struct.pack("<B", len(protocols)))
                out += [_str(p) for p in protocols]
                out.append(struct.pack("<IB", operations, len(refs)))
                for kind, blob, fill in sorted(refs):
                    out += [struct.pack("<BI", kind, blob), _str(fill)]
            return b"".join(out)

        # Offsets are absolute, and the index length does not depend on their values.
        size = len(index(0))
        body = index(HEADER_LEN + size)
        header = MAGIC + struct.pack("<III", FORMAT_VERSION, len(body), zlib.crc32(body)) + b"\0" * 4
        assert len(header) == HEADER_LEN
        return header + body + b"".join(members)

    def stats(self) -> dict:
        return {
            "blobs": len(self._blobs),
            "stored": sum(len(b) for b in self._blobs),
        }
