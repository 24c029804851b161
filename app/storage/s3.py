"""S3 storage (AWS S3, MinIO, Ceph RGW and other S3-compatible stores) through boto3.

A write is `PutObject` with `If-None-Match: *`: the store refuses (412) to replace an object, so
a re-sent instance keeps the original, as with file storage. Every call has bounded connect and
read timeouts; a failure is `StorageUnavailable`, which the listener answers with `0xA700`.
"""

import tempfile
from collections.abc import Iterator
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO, Literal, cast

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from app.storage.objects import ObjectArea, StorageUnavailable, StoredObject

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

AddressingStyle = Literal["auto", "path", "virtual"]
# Objects read back up to this size stay in memory; larger ones spill to a temporary file.
IN_MEMORY = 8 * 1024 * 1024
ALREADY_THERE = {"PreconditionFailed", "412"}
ABSENT = {"NoSuchKey", "404", "NotFound"}


class S3Connection:
    """One client per process, made on first use (after any fork), shared by its threads."""

    def __init__(
        self, endpoint: str | None, addressing_style: AddressingStyle, timeout: float
    ) -> None:
        self._endpoint = endpoint or None
        self._config = Config(
            connect_timeout=timeout,
            read_timeout=timeout,
            retries={"max_attempts": 2, "mode": "standard"},
            s3={"addressing_style": addressing_style},
        )

    @cached_property
    def client(self) -> "S3Client":
        session = boto3.session.Session()
        return session.client("s3", endpoint_url=self._endpoint, config=self._config)


class BucketArea(ObjectArea):
    """Objects under `prefix` in `bucket`."""

    def __init__(self, connection: S3Connection, bucket: str, prefix: str) -> None:
        self._connection = connection
        self.bucket = bucket
        self.prefix = prefix.strip("/") + "/" if prefix.strip("/") else ""

    def prepare(self) -> None:
        pass

    def put_new(self, source: Path, key: str) -> bool:
        try:
            with source.open("rb") as body:
                self._client.put_object(
                    Bucket=self.bucket, Key=self.prefix + key, Body=body, IfNoneMatch="*"
                )
        except ClientError as error:
            if _code(error) in ALREADY_THERE:
                return False
            raise _unavailable("write", error) from error
        except BotoCoreError as error:
            raise _unavailable("write", error) from error
        return True

    def put_text(self, key: str, text: str) -> None:
        try:
            self._client.put_object(
                Bucket=self.bucket, Key=self.prefix + key, Body=text.encode("utf-8")
            )
        except (ClientError, BotoCoreError) as error:
            raise _unavailable("write", error) from error

    def open(self, key: str) -> BinaryIO:
        copy = tempfile.SpooledTemporaryFile(max_size=IN_MEMORY)
        try:
            self._client.download_fileobj(self.bucket, self.prefix + key, copy)
        except ClientError as error:
            copy.close()
            if _code(error) in ABSENT:
                raise FileNotFoundError(key) from error
            raise _unavailable("read", error) from error
        except BotoCoreError as error:
            copy.close()
            raise _unavailable("read", error) from error
        copy.seek(0)
        return cast(BinaryIO, copy)

    def remove(self, key: str) -> None:
        try:
            self._client.delete_object(Bucket=self.bucket, Key=self.prefix + key)
        except (ClientError, BotoCoreError) as error:
            raise _unavailable("remove", error) from error

    def objects(self) -> Iterator[StoredObject]:
        pages = self._client.get_paginator("list_objects_v2")
        try:
            for page in pages.paginate(Bucket=self.bucket, Prefix=self.prefix):
                for item in page.get("Contents", []):
                    key = item["Key"].removeprefix(self.prefix)
                    yield StoredObject(key, item["Size"], item["LastModified"])
        except (ClientError, BotoCoreError) as error:
            raise _unavailable("list", error) from error

    @property
    def _client(self) -> "S3Client":
        return self._connection.client


def _code(error: ClientError) -> str:
    return str(error.response.get("Error", {}).get("Code", ""))


def _unavailable(operation: str, error: ClientError | BotoCoreError) -> StorageUnavailable:
    """The error's kind and code, never its message (it may quote a key, which holds UIDs)."""
    code = _code(error) if isinstance(error, ClientError) else type(error).__name__
    return StorageUnavailable(f"S3 {operation} failed: {code}")
