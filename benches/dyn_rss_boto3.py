"""boto3's side of benches/dyn_rss.rs: a Session, then one client per service named on
the command line; prints VmRSS before and after the clients, and VmHWM, in KiB."""
import json
import sys

import boto3


def memory():
    fields = {}
    with open("/proc/self/status") as f:
        for line in f:
            key, _, value = line.partition(":")
            fields[key] = value
    kib = lambda k: int(fields[k].split()[0])
    return kib("VmRSS"), kib("VmHWM")


session = boto3.session.Session(
    region_name="us-east-1",
    aws_access_key_id="AKIDBENCH",
    aws_secret_access_key="bench-secret",
)
base, _ = memory()
clients = [session.client(name) for name in sys.argv[1:]]
rss, peak = memory()
print(json.dumps({"base_kib": base, "rss_kib": rss, "peak_kib": peak, "clients": len(clients)}))
