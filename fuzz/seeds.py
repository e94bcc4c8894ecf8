#!/usr/bin/env python3
"""Writes the fuzz targets' seed inputs from the repo's test data into DIR/<target>/.

`just fuzz-seeds` runs it; `cargo fuzz cmin` then keeps what adds coverage in
fuzz/corpus/<target>. Seeds are made, not committed: only the minimized corpus is.
The response target numbers the suites' cases in the order of its SUITES list; so does
this script.
"""
import base64
import hashlib
import json
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SUITES = [
    "output/ec2.json",
    "output/json.json",
    "output/json_1_0-query-compatible.json",
    "output/json_1_0.json",
    "output/query.json",
    "output/rest-json.json",
    "output/rest-xml.json",
    "output/smithy-rpc-v2-cbor-query-compatible.json",
    "output/smithy-rpc-v2-cbor.json",
    "legacy/output/ec2.json",
    "legacy/output/json.json",
    "legacy/output/query.json",
    "legacy/output/rest-json.json",
    "legacy/output/rest-xml.json",
]
# error_body's protocol byte, by the suites' metadata.protocol.
PROTOCOL_BYTE = {"json": 1, "query": 2, "rest-xml": 3, "rest-json": 4, "ec2": 5,
                 "smithy-rpc-v2-cbor": 6}


def write(out, target, data):
    d = os.path.join(out, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, hashlib.sha1(data).hexdigest()), "wb") as f:
        f.write(data)


def status_byte(code):
    # The inverse of the targets' mapping: >= 200 as is (up to 255), else 300 + 2 * b.
    if 200 <= code <= 255:
        return code
    return max(0, min(199, (code - 300) // 2))


def suites(out):
    index = 0
    for rel in SUITES:
        path = os.path.join(ROOT, "crates/protocol-tests/suites", rel)
        for group in json.load(open(path)):
            proto = group["metadata"]["protocol"]
            for case in group["cases"]:
                resp = case.get("response")
                if resp:
                    body = resp.get("body") or ""
                    raw = (base64.b64decode(body) if "cbor" in proto
                           else body.encode())
                    headers = list((resp.get("headers") or {}).items())[:4]
                    head = b"".join(f"{k}:{v}\n".encode() for k, v in headers)
                    st = status_byte(resp.get("status_code", 200))
                    write(out, "response", index.to_bytes(2, "big") + bytes([st, len(headers)])
                          + head + raw)
                    if resp.get("status_code", 200) >= 300:
                        write(out, "error_body", bytes([PROTOCOL_BYTE[proto], st, 0x3f]) + raw)
                index += 1


def profiles(out):
    path = os.path.join(ROOT, "crates/session-core/tests/data/profile-parser/profile-parser-tests.json")
    for t in json.load(open(path))["tests"]:
        i = t["input"]
        write(out, "profile", (i.get("configFile") or "").encode() + b"\0"
              + (i.get("credentialsFile") or "").encode())
    config = open(os.path.join(ROOT, "examples/aws/config"), "rb").read()
    creds = open(os.path.join(ROOT, "examples/aws/credentials"), "rb").read()
    write(out, "profile", config + b"\0" + creds)


def eventstream(out):
    d = os.path.join(ROOT, "crates/session-eventstream/tests/data")
    for name in sorted(os.listdir(d)):
        if name == "NOTICE":
            continue
        frame = open(os.path.join(d, name), "rb").read()
        for chunk in (1, 7, 255):
            write(out, "eventstream", bytes([chunk]) + frame)
        write(out, "eventstream", bytes([13]) + frame + frame)


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "fuzz/seeds"
    suites(out)
    profiles(out)
    eventstream(out)
    for t in ("endpoints", "sigv4_diff"):
        # Structured targets: libFuzzer grows these from nothing; one byte to start.
        write(out, t, b"\0")
    for t in sorted(os.listdir(out)):
        print(t, len(os.listdir(os.path.join(out, t))))


main()
