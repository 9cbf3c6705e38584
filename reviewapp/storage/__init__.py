"""Where stored files live: one small interface, two backends.

- "local" (embedded default): files in UPLOAD_FOLDER, written atomically.
- "s3": an S3-compatible bucket (AWS, MinIO, Ceph…), so that several app
  machines share the files; a local cache serves them and feeds tools that
  need a path (WeasyPrint, LibreOffice).

Names are the generated storage names (hex + extension) or such names under
one folder level ("builds/…"); anything else is refused, so a name can never
point outside the store.
"""
import re

from flask import current_app

_NAME = re.compile(r"^(?:[a-z0-9_-]{1,40}/)?[A-Za-z0-9_-]{1,100}(?:\.[a-z0-9]{1,8})?$")


def check_name(name):
    if not name or not _NAME.match(name):
        raise FileNotFoundError(name)
    return name


def storage():
    """The configured backend of the current app (created once per app)."""
    backend = current_app.extensions.get("reviewapp-storage")
    if backend is None:
        backend = _create(current_app.config)
        current_app.extensions["reviewapp-storage"] = backend
    return backend


def _create(config):
    kind = config.get("STORAGE_BACKEND", "local")
    if kind == "s3":
        from .s3 import S3Storage
        return S3Storage(bucket=config["S3_BUCKET"], prefix=config.get("S3_PREFIX", ""),
                         endpoint_url=config.get("S3_ENDPOINT_URL"), region=config.get("S3_REGION"),
                         cache_dir=config["STORAGE_CACHE_DIR"])
    from .local import LocalStorage
    return LocalStorage(config["UPLOAD_FOLDER"])
