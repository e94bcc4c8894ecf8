# The boto3 contender of the transfer bench: s3transfer with boto3's defaults
# (TransferConfig: 8 MiB threshold and chunks, 10 threads). One transfer per process.
# usage: python boto3_peer.py SHAPE ENDPOINT BUCKET KEY PATH  (keys in BENCH_AK / BENCH_SK)
import os
import sys

import boto3
from boto3.s3.transfer import TransferConfig, create_transfer_manager
from botocore.config import Config

shape, endpoint, bucket, key, path = sys.argv[1:6]
session = boto3.session.Session(
    aws_access_key_id=os.environ["BENCH_AK"],
    aws_secret_access_key=os.environ["BENCH_SK"],
    region_name="us-east-1",
)
s3 = session.client("s3", endpoint_url=endpoint, config=Config(s3={"addressing_style": "path"}, max_pool_connections=10))
config = TransferConfig(max_concurrency=10)

if shape == "upload":
    s3.upload_file(path, bucket, key, Config=config)
elif shape == "download":
    s3.download_file(bucket, key, path, Config=config)
elif shape == "upload-dir":
    with create_transfer_manager(s3, config) as tm:
        futures = [tm.upload(os.path.join(path, f), bucket, key + f) for f in sorted(os.listdir(path))]
        for f in futures:
            f.result()
elif shape == "download-dir":
    os.makedirs(path, exist_ok=True)
    keys = []
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=key):
        keys += [o["Key"] for o in page.get("Contents", [])]
    with create_transfer_manager(s3, config) as tm:
        futures = [tm.download(bucket, k, os.path.join(path, k.rsplit("/", 1)[-1])) for k in keys]
        for f in futures:
            f.result()
elif shape == "start":
    s3.head_object(Bucket=bucket, Key=key)
else:
    sys.exit("unknown shape " + shape)
