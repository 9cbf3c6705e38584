"""Where publishing keeps its files, through the app's storage (reviewapp/storage).

    builds/<hex>.pdf              every book build, kept (local UPLOAD_FOLDER or the S3 bucket,
                                  never the web root)
    INSTANCE_DIR/book-cache/      rendered chunks and print-ready photos: a local cache only,
                                  outside the store so backups do not carry it
Evidence is read through its local path (`stored_path`): UPLOAD_FOLDER, or
the S3 backend's local cache.
"""
import os
from pathlib import Path

from flask import current_app

from ..cases.evidence import stored_path
from ..storage import storage

BUILDS = "builds"


def evidence_path(name):
    return stored_path(name)


def new_build_name():
    return f"{BUILDS}/{os.urandom(16).hex()}.pdf"


def store_build(name, local_file):
    """Put a finished PDF into the store under `name`; returns its size in bytes."""
    data = Path(local_file).read_bytes()
    storage().write(name, data)
    return len(data)


def build_path(name):
    """A local path of a stored build (FileNotFoundError if there is none)."""
    if not name or not name.startswith(BUILDS + "/"):
        raise FileNotFoundError(name)
    return storage().local_path(name)


def cache_folder():
    folder = Path(current_app.config["INSTANCE_DIR"]) / "book-cache"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def photo_roots():
    """The only directories book photos may come from: the evidence store and its local cache."""
    roots = [Path(current_app.config["UPLOAD_FOLDER"]), Path(current_app.config["STORAGE_CACHE_DIR"])]
    for root in roots:
        root.mkdir(parents=True, exist_ok=True)
    return tuple(str(root) for root in roots)
