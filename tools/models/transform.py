"""The one transformation applied to botocore's and boto3's files: documentation removed.

Every object member named `documentation` or `deprecatedMessage` whose value is a string is
dropped, at any depth. Members (shapes' fields) are objects, never strings, so a field that
happens to be called `documentation` stays. Nothing else changes: member order is kept as
the source has it (it is meaningful: it is the order of fields in a structure).

`pretty` is the layout of the files in models/<service>/ (one-space indent, no trailing
newline, UTF-8 as is); `minified` is the layout inside the pack.
"""

import json
import re

DOC_KEYS = frozenset({"documentation", "deprecatedMessage"})


def strip_docs(value):
    if isinstance(value, dict):
        return {
            k: strip_docs(v)
            for k, v in value.items()
            if not (k in DOC_KEYS and isinstance(v, str))
        }
    if isinstance(value, list):
        return [strip_docs(v) for v in value]
    return value


def pretty(value) -> bytes:
    return json.dumps(value, indent=1, ensure_ascii=False).encode("utf-8")


def minified(value) -> bytes:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def deep_merge(base: dict, extra: dict) -> None:
    """botocore's `deep_merge`, used to apply `*.sdk-extras.json` files' `merge` member."""
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(base.get(key), dict):
            deep_merge(base[key], value)
        else:
            base[key] = value


def template(text: bytes, word: str) -> bytes:
    """`text` with each whole occurrence of `word` replaced by a NUL byte.

    "Whole": not inside a longer name (no letter, digit, `_` or `-` before it; no letter,
    digit or `_` after it), so `sqs` in `https://sqs-fips.{Region}` is replaced but not in
    `sqsx`. The caller checks the template gives `text` back with NUL replaced by `word`.
    """
    pattern = re.compile(rb"(?<![A-Za-z0-9_\-])" + re.escape(word.encode()) + rb"(?![A-Za-z0-9_])")
    return pattern.sub(b"\0", text)
