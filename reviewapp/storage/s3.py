"""Stored files in an S3-compatible bucket, with a local read cache."""
import os
import tempfile
from pathlib import Path

import boto3
from botocore.exceptions import ClientError

from . import check_name


class S3Storage:
    def __init__(self, bucket, prefix="", endpoint_url=None, region=None, cache_dir="."):
        self.bucket = bucket
        self.prefix = prefix.strip("/") + "/" if prefix.strip("/") else ""
        self.client = boto3.client("s3", endpoint_url=endpoint_url, region_name=region or "us-east-1")
        self.cache = Path(cache_dir)

    def _key(self, name):
        return self.prefix + check_name(name)

    def write(self, name, data):
        # A PUT is atomic: the object appears whole or not at all.
        self.client.put_object(Bucket=self.bucket, Key=self._key(name), Body=data)
        self._cache_path(name).unlink(missing_ok=True)
        return name

    def read(self, name):
        try:
            return self.client.get_object(Bucket=self.bucket, Key=self._key(name))["Body"].read()
        except ClientError as error:
            raise FileNotFoundError(name) from error

    def exists(self, name):
        try:
            self.client.head_object(Bucket=self.bucket, Key=self._key(name))
        except (ClientError, FileNotFoundError):
            return False
        return True

    def delete(self, name):
        self.client.delete_object(Bucket=self.bucket, Key=self._key(name))
        self._cache_path(name).unlink(missing_ok=True)

    def _cache_path(self, name):
        return self.cache / check_name(name)

    def local_path(self, name):
        """The file in the local cache, downloaded first if needed."""
        path = self._cache_path(name)
        if path.is_file():
            return path
        data = self.read(name)
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".incoming-")
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(temporary, path)
        return path

    def names(self):
        found = []
        for page in self.client.get_paginator("list_objects_v2").paginate(Bucket=self.bucket, Prefix=self.prefix):
            found.extend(item["Key"][len(self.prefix):] for item in page.get("Contents", []))
        return sorted(found)

    def modified_before(self, cutoff):
        """Names of objects last modified before `cutoff` (a time.time() value)."""
        found = []
        for page in self.client.get_paginator("list_objects_v2").paginate(Bucket=self.bucket, Prefix=self.prefix):
            found.extend(item["Key"][len(self.prefix):] for item in page.get("Contents", [])
                         if item["LastModified"].timestamp() < cutoff)
        return sorted(found)

    def discard(self, name):
        self.delete(name)
