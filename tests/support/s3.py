"""A real S3 protocol server for the tests: moto in server mode, in a process of its own on a
loopback port, so it can be paused (SIGSTOP) to play an object store that stopped answering."""

import os
import signal
import subprocess
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import boto3
import pytest
from mypy_boto3_s3 import S3Client

from app.settings import Settings
from tests.support.network import free_port, wait_for_port

# moto accepts any credentials; boto3 refuses to sign without some.
CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "worklist-test",
    "AWS_SECRET_ACCESS_KEY": "worklist-test-secret",
    "AWS_DEFAULT_REGION": "us-east-1",
}


@dataclass
class S3Server:
    process: subprocess.Popen[bytes]
    endpoint: str

    def client(self) -> S3Client:
        return boto3.client(
            "s3",
            endpoint_url=self.endpoint,
            region_name=CREDENTIALS["AWS_DEFAULT_REGION"],
            aws_access_key_id=CREDENTIALS["AWS_ACCESS_KEY_ID"],
            aws_secret_access_key=CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
        )

    def new_bucket(self) -> str:
        bucket = f"worklist-{uuid.uuid4().hex[:12]}"
        self.client().create_bucket(Bucket=bucket)
        return bucket

    def keys(self, bucket: str, prefix: str = "") -> list[str]:
        pages = (
            self.client().get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix)
        )
        return sorted(item["Key"] for page in pages for item in page.get("Contents", []))

    @contextmanager
    def paused(self) -> Iterator[None]:
        """The server stops answering (connections hang) until the block ends."""
        os.kill(self.process.pid, signal.SIGSTOP)
        try:
            yield
        finally:
            os.kill(self.process.pid, signal.SIGCONT)


@contextmanager
def moto_server(log_dir: Path) -> Iterator[S3Server]:
    """`moto_server` on 127.0.0.1, stopped at the end."""
    port = free_port()
    log_dir.mkdir(parents=True, exist_ok=True)
    command = [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)]
    with (log_dir / f"moto-{port}.log").open("ab") as log:
        process = subprocess.Popen(command, stdout=log, stderr=log)
    try:
        wait_for_port(port, timeout=60)
        yield S3Server(process, f"http://127.0.0.1:{port}")
    finally:
        os.kill(process.pid, signal.SIGCONT)
        process.terminate()
        process.wait(30)


def s3_settings(
    settings: Settings, server: S3Server, monkeypatch: pytest.MonkeyPatch, **changes: object
) -> Settings:
    """`settings` storing into a new bucket of `server`, under a prefix; the credentials in the
    environment, where AWS clients (and our processes) read them."""
    for name, value in CREDENTIALS.items():
        monkeypatch.setenv(name, value)
    update = {
        "storage": f"s3://{server.new_bucket()}/worklist",
        "s3_endpoint": server.endpoint,
        "s3_addressing_style": "path",
        **changes,
    }
    return settings.model_copy(update=update)
