"""Both storage backends behave the same: the local folder and an S3 bucket
(a real S3 API served by moto's server on loopback)."""
import os

import boto3
import pytest

from reviewapp.storage.local import LocalStorage
from reviewapp.storage.s3 import S3Storage
from tests.factories import draft_with_photos, sign_in_as, submit_form


@pytest.fixture(params=["local", "s3"])
def store(request, tmp_path, s3_endpoint):
    if request.param == "local":
        return LocalStorage(tmp_path / "files")
    name = f"reviewapp-unit-{os.urandom(4).hex()}"
    boto3.client("s3", endpoint_url=s3_endpoint, region_name="us-east-1").create_bucket(Bucket=name)
    return S3Storage(bucket=name, prefix="instance-a", endpoint_url=s3_endpoint, cache_dir=tmp_path / "cache")


def test_write_read_list_delete(store):
    store.write("0123abcd.jpg", b"photo")
    store.write("builds/book-1.pdf", b"%PDF")
    assert store.read("0123abcd.jpg") == b"photo" and store.exists("builds/book-1.pdf")
    assert store.names() == ["0123abcd.jpg", "builds/book-1.pdf"]
    assert store.local_path("builds/book-1.pdf").read_bytes() == b"%PDF"
    store.write("0123abcd.jpg", b"new photo")
    assert store.local_path("0123abcd.jpg").read_bytes() == b"new photo"  # no stale cache
    store.delete("0123abcd.jpg")
    assert not store.exists("0123abcd.jpg") and store.names() == ["builds/book-1.pdf"]
    with pytest.raises(FileNotFoundError):
        store.read("0123abcd.jpg")


@pytest.mark.parametrize("name", ["../etc/passwd", "/abs.jpg", "a/b/c.jpg", "x.jpg/..", "", ".hidden", "a\\b.jpg"])
def test_names_that_could_escape_are_refused(store, name):
    with pytest.raises(FileNotFoundError):
        store.write(name, b"data")


def test_a_failed_local_write_leaves_no_partial_file(tmp_path, monkeypatch):
    store = LocalStorage(tmp_path)

    def failing_replace(source, target):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", failing_replace)
    with pytest.raises(OSError):
        store.write("0123abcd.pdf", b"%PDF-1.7")
    assert list(tmp_path.iterdir()) == []


def test_evidence_goes_to_the_bucket_and_back(app, s3_endpoint, bucket, tmp_path):
    """Upload a photo through the app with the S3 backend, then read it back."""
    import io

    from PIL import Image
    app.config.update(STORAGE_BACKEND="s3", S3_BUCKET=bucket, S3_ENDPOINT_URL=s3_endpoint,
                      STORAGE_CACHE_DIR=tmp_path / "cache")
    app.extensions.pop("reviewapp-storage", None)
    user, case, _none = draft_with_photos(0)
    client = sign_in_as(app.test_client(), user)
    case_path = f"/cases/{case.id}"
    photo = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 30, 30)).save(photo, "JPEG")
    upload = submit_form(client, f"{case_path}/evidence",
                         {"files": [(io.BytesIO(photo.getvalue()), "活动.jpg")], "caption": "晨练"},
                         content_type="multipart/form-data")
    assert upload.status_code in (200, 302), upload.get_data(as_text=True)[:500]
    keys = [o["Key"] for o in boto3.client("s3", endpoint_url=s3_endpoint, region_name="us-east-1")
            .list_objects_v2(Bucket=bucket).get("Contents", [])]
    assert len(keys) == 4  # original, blind copy, thumbnail, print-size photo
    assert not (app.config["UPLOAD_FOLDER"]).exists() or list(app.config["UPLOAD_FOLDER"].iterdir()) == []
    from reviewapp.cases.models import Evidence
    from reviewapp.extensions import db
    evidence = db.session.scalars(db.select(Evidence)).one()
    download = client.get(f"{case_path}/evidence/{evidence.id}/download")
    assert download.status_code == 200 and download.data[:2] == b"\xff\xd8"


def test_old_names_can_be_listed_and_discarded(store):
    """What the crash sweep relies on, on both backends."""
    import time
    store.write("0123456789abcdef0123456789abcdef.jpg", b"orphan")
    assert store.modified_before(time.time() - 3600) == []
    assert store.modified_before(time.time() + 60) == ["0123456789abcdef0123456789abcdef.jpg"]
    store.discard("0123456789abcdef0123456789abcdef.jpg")
    assert store.names() == []
