"""`just models`: writes the vendored AWS models from botocore's and boto3's PyPI releases.

    python3 tools/models/models.py [--cache DIR] [--check]

Outputs (paths relative to the repository root):
- models/<service>/ for the services the project has typed clients for: service-2.json,
  paginators-1.json, waiters-2.json, endpoint-rule-set-1.json and the sdk-extras files
  (where botocore has them), resources-1.json (where boto3 has one);
- models/pack/botocore-<version>.pack: every service of botocore, see models/pack/FORMAT.md;
- crates/session-endpoints/tests/data/endpoint-tests-all.json.gz: the endpoint test cases of
  every service, from botocore's source distribution.

Only `documentation` prose is removed (transform.py); nothing is edited by hand. With
--check nothing is written, and the run fails when a file differs from what it would write.
Needs Python 3.11 and network access to PyPI (nothing else).
"""

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import releases  # noqa: E402
from pack import PackWriter, gzip_member  # noqa: E402
from sources import Boto3Data, BotocoreData, endpoint_tests  # noqa: E402
from transform import deep_merge, minified, pretty, strip_docs, template  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]

# Services with typed clients (or planned ones): their models live in models/<service>/.
TYPED = [
    "s3", "sqs", "sts", "dynamodb",
    "lambda", "apigatewayv2", "eks", "sns", "kms", "secretsmanager", "ssm", "logs",
    "events", "kinesis", "cloudwatch", "iam", "ec2", "sso", "sso-oidc",
]
RESOURCES = ["s3", "sqs", "dynamodb", "sns", "iam", "ec2", "cloudwatch"]
# Top-level files of botocore/data/ carried in the pack besides the services.
PACK_DATA = ["partitions", "endpoints", "sdk-default-configuration", "_retry"]

PACK_PATH = f"models/pack/botocore-{releases.BOTOCORE_VERSION}.pack"
TESTS_PATH = "crates/session-endpoints/tests/data/endpoint-tests-all.json.gz"


def typed_models(botocore: BotocoreData, boto3: Boto3Data) -> dict:
    out = {}
    for service in TYPED:
        version = botocore.latest_version(service)
        for type_name, value in botocore.files(service, version).items():
            out[f"models/{service}/{type_name}.json"] = pretty(strip_docs(value))
        if service in RESOURCES:
            res_version, value = boto3.resources(service)
            if res_version != version:
                raise SystemExit(f"{service}: boto3 resources for {res_version}, model {version}")
            out[f"models/{service}/resources-1.json"] = pretty(strip_docs(value))
    return out


def model_pack(botocore: BotocoreData) -> tuple[bytes, dict]:
    writer = PackWriter(f"botocore {releases.BOTOCORE_VERSION}")
    for name in PACK_DATA:
        writer.add_data(name, minified(strip_docs(botocore.top_level(name))))
    services = {}
    for service in botocore.services():
        version = botocore.latest_version(service)
        files = botocore.files(service, version)
        services[service] = (version, files, {t: minified(strip_docs(v)) for t, v in files.items()})

    # Most rule sets differ from another only in the service's endpoint prefix (the host
    # label): those are stored once as a template with NUL where the prefix goes.
    templates = {}  # template -> [(service, prefix)]
    for service, (_, files, texts) in services.items():
        rules = texts.get("endpoint-rule-set-1")
        prefix = files["service-2"]["metadata"].get("endpointPrefix", "")
        if rules is not None and prefix:
            shared = template(rules, prefix)
            if shared.replace(b"\0", prefix.encode()) == rules:
                templates.setdefault(shared, []).append((service, prefix))
    # A template used by one service only would save nothing: that one stays plain.
    fills = {
        service: (shared, prefix)
        for shared, users in templates.items()
        if len(users) > 1
        for service, prefix in users
    }

    raw_size = 0
    for service, (version, files, texts) in services.items():
        raw_size += botocore.raw_size(service, version)
        metadata = json.loads(json.dumps(files["service-2"]["metadata"]))
        extras = files.get("service-2.sdk-extras", {}).get("merge", {}).get("metadata")
        if extras:
            deep_merge(metadata, extras)
        stored = {t: (text, "") for t, text in texts.items()}
        if service in fills:
            stored["endpoint-rule-set-1"] = fills[service]
        writer.add_service(
            service,
            version,
            metadata.get("serviceId", ""),
            metadata.get("protocol", ""),
            metadata.get("protocols", []),
            len(files["service-2"].get("operations", {})),
            stored,
        )
    data = writer.build()
    stats = writer.stats()
    stats.update(
        services=len(services),
        raw_json=raw_size,
        compressed=len(data),
        rule_sets=len(writer.blobs_for("endpoint-rule-set-1")),
        exact_rule_sets=len({t["endpoint-rule-set-1"] for _, _, t in services.values() if "endpoint-rule-set-1" in t}),
        services_with_rule_sets=sum(1 for _, f, _ in services.values() if "endpoint-rule-set-1" in f),
        minified=sum(len(t) for _, _, texts in services.values() for t in texts.values()),
    )
    return data, stats


def test_cases(sdist: Path) -> tuple[bytes, dict]:
    suites = endpoint_tests(sdist)
    raw = minified(suites)
    counts = {s: len(d.get("testCases", [])) for s, d in suites.items()}
    return gzip_member(raw), {"suites": len(suites), "cases": sum(counts.values()), "minified": len(raw)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cache", type=Path, default=ROOT / "target" / "models-cache")
    parser.add_argument("--check", action="store_true", help="write nothing; fail on a difference")
    args = parser.parse_args()

    paths = releases.fetch(args.cache)
    botocore = BotocoreData(paths["botocore_wheel"])
    boto3 = Boto3Data(paths["boto3_wheel"])

    outputs = typed_models(botocore, boto3)
    pack, pack_stats = model_pack(botocore)
    outputs[PACK_PATH] = pack
    tests, test_stats = test_cases(paths["botocore_sdist"])
    outputs[TESTS_PATH] = tests

    differ = []
    for rel, data in sorted(outputs.items()):
        path = ROOT / rel
        if path.exists() and path.read_bytes() == data:
            continue
        differ.append(rel)
        if not args.check:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)

    print(
        f"pack: {pack_stats['services']} services, {pack_stats['blobs']} distinct files "
        f"({pack_stats['services_with_rule_sets']} rule sets: {pack_stats['exact_rule_sets']} distinct, "
        f"stored as {pack_stats['rule_sets']} with the endpoint prefix filled in); "
        f"botocore's files {pack_stats['raw_json']:,} bytes, documentation removed and minified "
        f"{pack_stats['minified']:,} bytes ({pack_stats['stored']:,} stored once each), "
        f"pack {pack_stats['compressed']:,} bytes"
    )
    print(
        f"endpoint tests: {test_stats['suites']} suites, {test_stats['cases']:,} cases, "
        f"{test_stats['minified']:,} bytes minified, {len(tests):,} bytes compressed"
    )
    verb = "differ" if args.check else "written"
    print(f"{len(outputs)} files, {len(differ)} {verb}" + "".join(f"\n  {p}" for p in differ))
    return 1 if args.check and differ else 0


if __name__ == "__main__":
    sys.exit(main())
