"""Deleting a stored file is deferred: a tombstone in the deleting transaction, the file removed
by the sweep only after the grace period (so a backup running meanwhile still finds it)."""
import os
import time
from datetime import timedelta

import boto3
import pytest

from reviewapp.cases import evidence as store
from reviewapp.cases.models import Evidence
from reviewapp.extensions import db
from reviewapp.storage import storage
from reviewapp.storage.models import FileTombstone
from reviewapp.storage.sweep import remove_unreferenced
from reviewapp.storage.tombstones import sweep_deleted
from reviewapp.timezones import utcnow
from tests.factories import draft_with_photos


def files_of(item):
    return {item.storage_name, item.blind_storage_name, item.thumbnail_name, item.print_storage_name}


def tombstones():
    db.session.expire_all()
    return set(db.session.scalars(db.select(FileTombstone.name)))


def age_tombstones(hours):
    db.session.execute(db.update(FileTombstone).values(deleted_at=utcnow() - timedelta(hours=hours)))
    db.session.commit()


def test_deleting_evidence_leaves_its_files_with_a_tombstone_until_the_sweep(app):
    owner, _case, (item, kept) = draft_with_photos(2)
    names = files_of(item)
    store.delete_evidence(owner, item)
    db.session.rollback()  # the deletion did not happen: nothing is marked
    assert tombstones() == set()

    store.delete_evidence(owner, db.session.get(Evidence, item.id))
    db.session.commit()
    assert tombstones() == names and all(storage().exists(name) for name in names)
    age_tombstones(23)
    assert sweep_deleted() == [] and all(storage().exists(name) for name in names)  # 24 h by default
    age_tombstones(25)
    assert sorted(sweep_deleted()) == sorted(names)
    db.session.commit()
    assert not any(storage().exists(name) for name in names) and tombstones() == set()
    assert all(storage().exists(name) for name in files_of(kept))


def test_deleting_a_case_marks_every_file_of_its_evidence(app):
    """However a row goes (here the case's cascade), its files get their tombstones."""
    _owner, case, items = draft_with_photos(2)
    names = set().union(*map(files_of, items))
    db.session.delete(case)
    db.session.commit()
    assert tombstones() == names


def test_a_new_preview_marks_only_the_old_one(app):
    _owner, _case, (item,) = draft_with_photos(1)
    item.preview_storage_name = storage().write(f"{'a' * 32}.pdf", b"%PDF-1 first")
    db.session.commit()
    item.caption = "新的说明"
    db.session.commit()
    assert tombstones() == set()
    db.session.expire_all()  # the old name is read from the database, loaded or not
    item = db.session.get(Evidence, item.id)
    item.preview_storage_name = storage().write(f"{'b' * 32}.pdf", b"%PDF-1 second")
    db.session.commit()
    assert tombstones() == {f"{'a' * 32}.pdf"}


def test_the_sweep_keeps_a_file_a_row_names_again_and_the_crash_sweep_keeps_tombstoned_ones(app):
    owner, _case, (item,) = draft_with_photos(1)
    names = files_of(item)
    folder = app.config["UPLOAD_FOLDER"]
    for name in names:
        os.utime(folder / name, (time.time() - 3600, time.time() - 3600))
    store.remove_files([item.storage_name])  # as an operation would, before its commit
    db.session.commit()
    assert remove_unreferenced(timedelta(0)) == []  # every file is named by a row
    store.delete_evidence(owner, item)
    db.session.commit()
    assert remove_unreferenced(timedelta(0)) == []  # tombstoned: left to the sweep's grace period
    assert all(storage().exists(name) for name in names)
    age_tombstones(25)
    assert set(sweep_deleted()) == names


def test_the_sweep_command_removes_from_the_bucket(app, s3_endpoint, tmp_path):
    bucket = f"reviewapp-sweep-{os.urandom(4).hex()}"
    client = boto3.client("s3", endpoint_url=s3_endpoint, region_name="us-east-1")
    client.create_bucket(Bucket=bucket)
    app.config.update(STORAGE_BACKEND="s3", S3_BUCKET=bucket, S3_ENDPOINT_URL=s3_endpoint,
                      STORAGE_CACHE_DIR=tmp_path / "cache", STORAGE_DELETE_GRACE_HOURS=2)
    app.extensions.pop("reviewapp-storage", None)
    owner, _case, (item,) = draft_with_photos(1)
    store.delete_evidence(owner, item)
    db.session.commit()
    keys = lambda: {o["Key"] for o in client.list_objects_v2(Bucket=bucket).get("Contents", [])}  # noqa: E731
    assert len(keys()) == 4  # original, blind copy, thumbnail, print-size photo
    age_tombstones(1)
    result = app.test_cli_runner().invoke(args=["storage", "sweep"])
    assert result.output == "0 deleted stored files removed.\n" and len(keys()) == 4
    age_tombstones(3)
    result = app.test_cli_runner().invoke(args=["storage", "sweep"])
    assert result.output == "4 deleted stored files removed.\n" and keys() == set()


@pytest.mark.parametrize("hours", ["x", "-1"])
def test_the_sweep_command_refuses_a_bad_grace_period(app, hours):
    result = app.test_cli_runner().invoke(args=["storage", "sweep", "--grace-hours", hours])
    assert result.exit_code != 0
