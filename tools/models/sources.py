"""Reads the model files out of the downloaded releases, without unpacking them to disk."""

import gzip
import json
import tarfile
import zipfile
from pathlib import Path

# The per-service files taken, by botocore's type name. The sdk-extras files are what
# botocore's loader deep-merges into the file of the same type at load time.
SERVICE_FILES = (
    "service-2",
    "paginators-1",
    "waiters-2",
    "endpoint-rule-set-1",
    "service-2.sdk-extras",
    "paginators-1.sdk-extras",
)


class BotocoreData:
    """`botocore/data/` of the botocore wheel."""

    PREFIX = "botocore/data/"

    def __init__(self, wheel: Path):
        self._zip = zipfile.ZipFile(wheel)
        # service -> api version -> type name -> member name in the zip
        self._files = {}
        self._top = {}
        for name in self._zip.namelist():
            if not name.startswith(self.PREFIX):
                continue
            parts = name[len(self.PREFIX):].split("/")
            if len(parts) == 1 and parts[0].endswith(".json"):
                self._top[parts[0][: -len(".json")]] = name
            if len(parts) != 3:
                continue
            service, version, file = parts
            for ext in (".json", ".json.gz"):
                if file.endswith(ext):
                    type_name = file[: -len(ext)]
                    versions = self._files.setdefault(service, {})
                    # botocore's loader prefers .json over .json.gz in one folder.
                    if ext == ".json" or type_name not in versions.get(version, {}):
                        versions.setdefault(version, {})[type_name] = name

    def services(self):
        """Every service with a service model, sorted."""
        return sorted(s for s, v in self._files.items() if any("service-2" in f for f in v.values()))

    def latest_version(self, service: str) -> str:
        """The latest api version holding a service-2 file, as botocore's loader picks it."""
        return max(v for v, f in self._files[service].items() if "service-2" in f)

    def files(self, service: str, version: str) -> dict:
        """Type name -> parsed JSON, for the SERVICE_FILES present in that version."""
        out = {}
        for type_name in SERVICE_FILES:
            member = self._files[service][version].get(type_name)
            if member is not None:
                out[type_name] = self._load(member)
        return out

    def raw_size(self, service: str, version: str) -> int:
        """Bytes of the SERVICE_FILES of that version as botocore ships them, uncompressed."""
        total = 0
        for type_name in SERVICE_FILES:
            member = self._files[service][version].get(type_name)
            if member is not None:
                data = self._zip.read(member)
                total += len(gzip.decompress(data) if member.endswith(".gz") else data)
        return total

    def top_level(self, name: str):
        return self._load(self._top[name])

    def _load(self, member: str):
        data = self._zip.read(member)
        if member.endswith(".gz"):
            data = gzip.decompress(data)
        return json.loads(data.decode("utf-8"))


class Boto3Data:
    """`boto3/data/<service>/<version>/resources-1.json` of the boto3 wheel."""

    def __init__(self, wheel: Path):
        self._zip = zipfile.ZipFile(wheel)

    def resources(self, service: str):
        """(api version, parsed JSON) of the latest resource model of `service`."""
        prefix = f"boto3/data/{service}/"
        versions = sorted(
            n[len(prefix):].split("/")[0]
            for n in self._zip.namelist()
            if n.startswith(prefix) and n.endswith("/resources-1.json")
        )
        if not versions:
            raise SystemExit(f"boto3 has no resource model for {service}")
        data = self._zip.read(f"{prefix}{versions[-1]}/resources-1.json")
        return versions[-1], json.loads(data.decode("utf-8"))


def endpoint_tests(sdist: Path) -> dict:
    """Service -> parsed tests/functional/endpoint-rules/<service>/endpoint-tests-1.json."""
    out = {}
    with tarfile.open(sdist) as tar:
        for member in tar.getmembers():
            parts = member.name.split("/")
            if (
                member.isfile()
                and len(parts) == 6
                and parts[1:4] == ["tests", "functional", "endpoint-rules"]
                and parts[5] == "endpoint-tests-1.json"
            ):
                data = tar.extractfile(member).read()
                out[parts[4]] = json.loads(data.decode("utf-8"))
    return dict(sorted(out.items()))
