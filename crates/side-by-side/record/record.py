"""Records the canned server's responses from moto (SQS SendMessage, S3 PutObject, GetObject
and a 100-key ListObjectsV2 page), so the comparison answers what a real server answers.

Run with a Python that has moto[server] and boto3 (session-testkit's moto venv has both):
    python3 crates/side-by-side/record/record.py
Writes crates/side-by-side/responses/*. Deterministic inputs (seeded keys, sizes and object
contents); moto's dates, ids and ETags are whatever it answered at recording time.
"""

import json
import os
import random
import socket

import boto3
from botocore.config import Config
from moto.server import ThreadedMotoServer

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "responses")
# The message body every contender sends (src/exchange.rs has the same text).
MESSAGE_BODY = (
    '{"event":"order.created","order_id":"ord_8f3a2c91","customer_id":"cus_41d07e",'
    '"total_cents":12999,"currency":"EUR","items":3,"created_at":"2026-12-01T09:14:03Z"}'
)


def object_1k():
    # The GetObject/PutObject payload (src/exchange.rs regenerates it): 1,024 bytes of text.
    line = b"0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-_\n"
    return (line * 16)[:1024]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def capture(client, event, sink):
    def hook(response_dict=None, **_):
        sink["status"] = response_dict["status_code"]
        sink["headers"] = dict(response_dict["headers"])
        body = response_dict["body"]
        sink["body"] = body if isinstance(body, bytes) else None

    client.meta.events.register(event, hook)


def write_headers(name, sink):
    drop = {"connection", "transfer-encoding"}
    lines = [f"{k.lower()}: {v}" for k, v in sink["headers"].items() if k.lower() not in drop]
    with open(os.path.join(OUT, name), "w") as f:
        f.write("\n".join(lines) + "\n")


def main():
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port)
    server.start()
    try:
        kw = dict(
            endpoint_url=f"http://127.0.0.1:{port}",
            region_name="us-east-1",
            aws_access_key_id="AKIDEXAMPLE",
            aws_secret_access_key="wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
            config=Config(s3={"addressing_style": "path"}),
        )
        sqs = boto3.client("sqs", **kw)
        url = sqs.create_queue(QueueName="orders")["QueueUrl"]
        sink = {}
        capture(sqs, "before-parse.sqs.SendMessage", sink)
        sqs.send_message(QueueUrl=url, MessageBody=MESSAGE_BODY)
        write_headers("sqs-send-message.headers", sink)
        with open(os.path.join(OUT, "sqs-send-message.json"), "wb") as f:
            f.write(sink["body"])

        s3 = boto3.client("s3", **kw)
        s3.create_bucket(Bucket="bench-bucket")
        put = {}
        capture(s3, "before-parse.s3.PutObject", put)
        s3.put_object(Bucket="bench-bucket", Key="objects/report-2026-12-01.bin", Body=object_1k())
        write_headers("s3-put-object.headers", put)
        # moto answers GetObject with the stored CRC32 whether or not the request asks for
        # it (x-amz-checksum-mode); every contender gets these same headers.
        get = {}
        capture(s3, "before-parse.s3.GetObject", get)
        body = s3.get_object(Bucket="bench-bucket", Key="objects/report-2026-12-01.bin")
        assert body["Body"].read() == object_1k()
        write_headers("s3-get-object.headers", get)

        # 100 objects with the kind of keys a data lake holds, sizes from 120 B to 256 KiB.
        rng = random.Random(20261201)
        s3.create_bucket(Bucket="bench-listing")
        for i in range(100):
            day = 1 + i // 25
            host = ["web-01", "web-02", "api-03", "worker-07"][i % 4]
            key = (
                f"logs/checkout/2026/11/{day:02d}/{host}/"
                f"part-{i:05d}-{rng.getrandbits(64):016x}.json.gz"
            )
            size = int(120 * (2 ** rng.uniform(0, 11)))
            s3.put_object(Bucket="bench-listing", Key=key, Body=rng.randbytes(size))
        # boto3 asks for url-encoded keys by default; the contenders do not, so neither
        # does the recorded request (the page then has no <EncodingType>).
        from botocore.handlers import set_list_objects_encoding_type_url

        s3.meta.events.unregister(
            "before-parameter-build.s3.ListObjectsV2", set_list_objects_encoding_type_url
        )
        lst = {}
        capture(s3, "before-parse.s3.ListObjectsV2", lst)
        page = s3.list_objects_v2(Bucket="bench-listing")
        assert page["KeyCount"] == 100, page["KeyCount"]
        write_headers("s3-list-objects-v2.headers", lst)
        with open(os.path.join(OUT, "s3-list-objects-v2.xml"), "wb") as f:
            f.write(lst["body"])
        print(json.dumps({k: len(v["body"]) for k, v in
                          {"sqs": sink, "list": lst}.items()}))
    finally:
        server.stop()


if __name__ == "__main__":
    main()
