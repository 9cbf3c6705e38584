"""Issue 8: SIGKILL the server in the middle of an upload, restart it, and check that no
committed evidence is lost, no half-written file is stored or served, and uploads work again.

The server is a real process (tests/durability/server.py: werkzeug, one request at a
time) on the test database and upload folder; requests go over a raw socket. Two kills:

1. while the request body is still arriving (half of a multi-megabyte body sent);
2. while the server writes the upload: the whole body is sent, and the server is
   killed the moment a new entry (its `.incoming-*` temporary) appears in the folder.
"""
import hashlib
import io
import json
import os
import time
import uuid

from PIL import Image

from reviewapp.cases import evidence as store
from reviewapp.cases.models import Evidence
from reviewapp.extensions import db
from reviewapp.publishing.models import BookBuild
from tests.durability.support import Server, process_env, recover
from tests.factories import csrf_from, make_campaign, make_organization, sign_in_as
from tests.publishing.data import _case, jpeg_with_gps

WRITE_TIMEOUT = 60  # seconds the server may take to start writing a fully received upload


def big_jpeg(size=(1800, 1350)):
    """A real, poorly compressible JPEG of about 3 MB (random pixels)."""
    output = io.BytesIO()
    Image.frombytes("RGB", size, os.urandom(size[0] * size[1] * 3)).save(output, "JPEG", quality=95)
    return output.getvalue()


def multipart(fields, files):
    boundary = uuid.uuid4().hex
    parts = []
    for name, value in fields.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
    for file_name, data in files:
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="files"; filename="{file_name}"\r\n'
                     f'Content-Type: image/jpeg\r\n\r\n'.encode() + data + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


class Browser:
    """The organization's signed-in session against the server (cookie + CSRF token)."""

    def __init__(self, server, cookie, case_id):
        self.server, self.cookie, self.case_id = server, cookie, case_id

    def get(self, path):
        status, headers, body = self.server.request("GET", path, headers={"Cookie": self.cookie})
        self._keep_cookie(headers)
        return status, headers, body

    def _keep_cookie(self, headers):
        for value in headers.get_all("Set-Cookie") or []:
            if value.startswith("session="):
                self.cookie = value.split(";", 1)[0]

    def evidence_page(self):
        status, _headers, body = self.get(f"/cases/{self.case_id}/evidence")
        assert status == 200, body[:500]
        return body.decode()

    def upload_request(self, files):
        """(headers, body) of an upload of `files` (name, bytes) with a fresh CSRF token."""
        token = csrf_from(self.evidence_page())
        body, content_type = multipart({"csrf_token": token, "caption": "活动照片"}, files)
        head = (f"POST /cases/{self.case_id}/evidence HTTP/1.1\r\nHost: 127.0.0.1:{self.server.port}\r\n"
                f"Cookie: {self.cookie}\r\nAccept: application/json\r\nContent-Type: {content_type}\r\n"
                f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n").encode()
        return head, body

    def upload(self, files):
        head, body = self.upload_request(files)
        connection = self.server.connection()
        try:
            connection.connect()
            connection.sock.sendall(head + body)
            return _read_response(connection.sock)
        finally:
            connection.close()


def _read_response(sock):
    chunks = []
    while True:
        chunk = sock.recv(65536)
        if not chunk:
            break
        chunks.append(chunk)
    raw = b"".join(chunks)
    head, _, body = raw.partition(b"\r\n\r\n")
    return int(head.split()[1]), body


def committed_evidence():
    db.session.rollback()  # a fresh look at what other processes committed
    rows = db.session.scalars(db.select(Evidence).order_by(Evidence.id)).all()
    db.session.rollback()  # hold no read transaction while the server writes (SQLite)
    return rows


def referenced_names():
    db.session.rollback()
    names = set()
    for row in db.session.execute(db.select(Evidence.storage_name, Evidence.blind_storage_name,
                                            Evidence.thumbnail_name, Evidence.preview_storage_name,
                                            Evidence.print_storage_name)):
        names.update(name for name in row if name)
    names.update(name for name in db.session.scalars(db.select(BookBuild.storage_name)) if name)
    db.session.rollback()
    return names


def stored_files(folder):
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())


def wait_until_processed(browser, case_id, timeout=WRITE_TIMEOUT):
    """Poll what the evidence page polls until no file is waiting or processing (the server's
    job threads make the blind copies after the upload has returned)."""
    deadline = time.monotonic() + timeout
    while True:
        status, _headers, body = browser.get(f"/cases/{case_id}/evidence/processing.json")
        assert status == 200, body[:500]
        states = [item["state"] for item in json.loads(body)["files"]]
        if not any(state in ("waiting", "processing") for state in states):
            assert all(state == "ready" for state in states), states
            return
        assert time.monotonic() < deadline, f"files still {states}"
        time.sleep(0.2)


def check_after_restart(app, browser, committed):
    """Nothing committed is lost or changed; nothing half-written is listed, stored or served."""
    wait_until_processed(browser, browser.case_id)
    rows = committed_evidence()
    assert [(r.id, r.sha256) for r in rows] == [(r.id, r.sha256) for r in committed], \
        "the killed upload left an Evidence row, or a committed one changed"
    page = browser.evidence_page()
    folder = app.config["UPLOAD_FOLDER"]
    for row in rows:
        assert row.original_name in page
        for suffix, name in (("download", row.storage_name), ("blind", row.blind_storage_name),
                             ("thumbnail", row.thumbnail_name)):
            status, _headers, body = browser.get(f"/cases/{row.case_id}/evidence/{row.id}/{suffix}")
            assert status == 200, (suffix, status)
            assert body == (folder / name).read_bytes()
            if suffix == "download":
                assert hashlib.sha256(body).hexdigest() == row.sha256 and len(body) == row.size
            else:
                Image.open(io.BytesIO(body)).load()  # a complete image
    files = stored_files(folder)
    unreferenced = [name for name in files if name not in referenced_names()
                    and not os.path.basename(name).startswith(".incoming-")]
    assert unreferenced == [], f"files no row references: {unreferenced}"
    return files


def test_killing_the_server_mid_upload_loses_nothing_committed(app, tmp_path):
    campaign = make_campaign()
    org_user = make_organization()
    case = _case(campaign, org_user, "draft", "社区健身指导常态化")
    committed_photo = jpeg_with_gps()
    store.add_file(org_user, case, committed_photo, "committed.jpg", "已提交的照片")
    db.session.commit()
    committed = committed_evidence()
    assert len(committed) == 1 and committed[0].sha256 == hashlib.sha256(committed_photo).hexdigest()

    client = sign_in_as(app.test_client(), org_user)
    cookie = f"session={client.get_cookie('session').value}"
    folder = app.config["UPLOAD_FOLDER"]
    log = tmp_path / "server.log"
    env = process_env(app, tmp_path / "server-instance")
    server = Server(env, log)
    big = [(f"big{n}.jpg", big_jpeg()) for n in range(2)]
    assert all(len(data) > 2 * 1024 * 1024 for _name, data in big)
    try:
        server.start()
        browser = Browser(server, cookie, case.id)

        # 1. Killed while the body is arriving: half of ~6 MB sent, the rest never comes.
        head, body = browser.upload_request(big)
        connection = server.connection()
        connection.connect()
        connection.sock.sendall(head + body[: len(body) // 2])
        time.sleep(0.5)  # the server is inside the request, reading the body
        assert server.process.poll() is None
        server.kill()
        connection.close()
        server.start()
        browser.server = server
        check_after_restart(app, browser, committed)

        # 2. Killed while the server stores the upload: the whole body is sent, and the kill
        # lands the moment the first file of the two is complete in the folder (renamed
        # from its temporary), before the request could commit its rows.
        before = set(os.listdir(folder))
        head, body = browser.upload_request(big)
        connection = server.connection()
        connection.connect()
        connection.sock.sendall(head + body)
        deadline = time.monotonic() + WRITE_TIMEOUT
        complete = set()
        while not complete:
            complete = {name for name in set(os.listdir(folder)) - before if not name.startswith(".")}
            if not complete:
                assert time.monotonic() < deadline, "the server never stored the upload"
                assert server.process.poll() is None, "the server died by itself"
                time.sleep(0.001)
        server.kill()
        connection.close()
        left = set(os.listdir(folder)) - before
        assert len(left - complete) < 6, "the request got far beyond its first file before the kill"
        # The files written before the kill are complete but no row names them...
        assert committed_evidence() == committed
        assert complete <= set(stored_files(folder)) - referenced_names()
        # ...until the operator's recovery step after the crash removes them.
        output = recover(env, log)
        assert "0 interrupted jobs" in output and f"{len(left)} unreferenced stored files removed" in output
        server.start()
        browser.server = server
        files = check_after_restart(app, browser, committed)
        assert not any(name.startswith(".incoming-") for name in files)

        # The organization can upload again, and gets exactly what it sent.
        again = jpeg_with_gps((200, 40, 40))
        status, response = browser.upload([("again.jpg", again)])
        assert status == 200, response[:500]
        accepted = json.loads(response)["accepted"]
        assert [item["name"] for item in accepted] == ["again.jpg"]
        rows = committed_evidence()
        assert [r.id for r in rows] == [committed[0].id, accepted[0]["id"]]
        assert rows[1].sha256 == hashlib.sha256(again).hexdigest()
        check_after_restart(app, browser, rows)
    finally:
        server.kill()

