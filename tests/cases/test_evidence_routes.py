"""Evidence through the HTTP routes: real files, refusals that leave nothing, blind copies, safe serving."""
import io
import struct
import zlib

import pikepdf
import pytest

from reviewapp.cases.models import Evidence
from reviewapp.extensions import db
from tests.cases.conftest import SAMPLES, folder_listing, jpeg_bytes
from tests.factories import csrf_from

SECRETS = {
    "photo_xmp_iptc.jpg": ["SSG KYLE DAVIS", "KYLE DAVIS", "10TH MOUNTAIN", "Kevin Dasher", "KANDAHAR"],
    "photo_gps.jpg": ["Apple", "iPhone", "GPS"],
    "report_xmp_author.pdf": ["微软用户", "微软中国"],
    "sheet_app_properties.xlsx": ["Doofenshmirtz", "of Wolves", "Someone"],
}


def upload(client, case, *files, caption="", json=False):
    page = client.get(f"/cases/{case.id}/evidence").get_data(as_text=True)
    data = {"csrf_token": csrf_from(page), "caption": caption,
            "files": [(io.BytesIO(content), name) for name, content in files]}
    headers = {"Accept": "application/json"} if json else {}
    return client.post(f"/cases/{case.id}/evidence", data=data, content_type="multipart/form-data",
                       headers=headers)


def leak_blobs(data):
    """The file, plus every decompressed stream and zip member, so compression hides nothing."""
    blobs = [data]
    if data.startswith(b"%PDF"):
        with pikepdf.open(io.BytesIO(data)) as pdf:
            for obj in pdf.objects:
                if isinstance(obj, pikepdf.Stream):
                    try:
                        blobs.append(obj.read_bytes())
                    except pikepdf.PdfError:
                        pass
                else:
                    blobs.append(obj.unparse())
    if data.startswith(b"PK"):
        import zipfile
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            blobs += [package.read(name) for name in package.namelist()]
    return blobs


def contains(blobs, secret):
    forms = [secret.encode("utf-8"), secret.encode("utf-16-be"), secret.encode("utf-16-le")]
    return any(form in blob for blob in blobs for form in forms)


def test_real_samples_upload_and_their_blind_copies_carry_no_identity(app, org_client, draft):
    files = [(name, (SAMPLES / name).read_bytes()) for name in SECRETS]
    response = upload(org_client, draft, *files)
    assert response.status_code == 302
    items = db.session.scalars(db.select(Evidence).order_by(Evidence.position)).all()
    assert [item.kind for item in items] == ["photo", "photo", "pdf", "office"]
    for item, (name, original) in zip(items, files):
        assert item.original_name == name and item.storage_name != name
        blind = org_client.get(f"/cases/{draft.id}/evidence/{item.id}/blind")
        assert blind.status_code == 200
        assert name not in blind.headers["Content-Disposition"]
        blobs = leak_blobs(blind.data)
        for secret in SECRETS[name]:
            if contains(leak_blobs(original), secret):
                assert not contains(blobs, secret), (name, secret)
        assert org_client.get(f"/cases/{draft.id}/evidence/{item.id}/download").data == original
    photo = items[0]
    assert photo.thumbnail_name
    thumb = org_client.get(f"/cases/{draft.id}/evidence/{photo.id}/thumbnail")
    assert thumb.status_code == 200 and thumb.mimetype == "image/jpeg"


def png_declaring(width, height):
    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\0" * 64)) + \
        chunk(b"IEND", b"")


@pytest.mark.parametrize("name, content, expected", [
    ("drawing.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "SVG"),
    ("page.jpg", b"<!doctype html><html><script>alert(1)</script></html>", "web page (HTML)"),
    ("cut.jpg", jpeg_bytes()[:200], "damaged or incomplete"),
    ("bomb.png", png_declaring(100_000, 100_000), "too many pixels"),
    ("../../../etc/cron.d/evil.jpg", jpeg_bytes(), "folder path"),
])
def test_unsafe_uploads_are_refused_with_a_message_and_leave_nothing(app, org_client, draft, name, content,
                                                                      expected):
    folder = app.config["UPLOAD_FOLDER"]
    before = folder_listing(folder)
    response = upload(org_client, draft, (name, content))
    assert response.status_code == 400
    assert expected in response.get_data(as_text=True)
    assert folder_listing(folder) == before
    assert db.session.scalar(db.select(db.func.count(Evidence.id))) == 0


def test_json_upload_reports_each_file(app, org_client, draft):
    response = upload(org_client, draft, ("a.jpg", jpeg_bytes()), ("b.svg", b"<svg></svg>"), json=True)
    assert response.status_code == 200
    assert [a["name"] for a in response.json["accepted"]] == ["a.jpg"]
    assert response.json["refused"][0]["name"] == "b.svg" and "SVG" in response.json["refused"][0]["message"]


def test_size_limits_per_file_and_per_case_are_stated(app, org_client, draft):
    app.config["EVIDENCE_MAX_FILE_MB"] = 1
    big = jpeg_bytes(size=(2400, 2400), color=(1, 2, 3)) + b"\0" * (1024 * 1024)
    response = upload(org_client, draft, ("big.jpg", big))
    assert response.status_code == 400 and "larger than 1 MB" in response.get_data(as_text=True)
    app.config["EVIDENCE_MAX_FILE_MB"], app.config["EVIDENCE_MAX_CASE_MB"] = 20, 0
    response = upload(org_client, draft, ("small.jpg", jpeg_bytes()))
    assert "may total at most 0 MB" in response.get_data(as_text=True)
    assert folder_listing(app.config["UPLOAD_FOLDER"]) == []


def test_downloads_are_sandboxed_and_not_sniffed(app, org_client, draft):
    upload(org_client, draft, ("report.pdf", (SAMPLES / "report_xmp_author.pdf").read_bytes()),
           ("photo.jpg", jpeg_bytes()))
    pdf, photo = db.session.scalars(db.select(Evidence).order_by(Evidence.position)).all()
    for item in (pdf, photo):
        for variant in ("download", "blind"):
            response = org_client.get(f"/cases/{draft.id}/evidence/{item.id}/{variant}")
            assert response.headers["Content-Security-Policy"].startswith("sandbox")
            assert response.headers["X-Content-Type-Options"] == "nosniff"
            assert response.headers["Content-Disposition"].startswith("attachment")
    image = org_client.get(f"/cases/{draft.id}/evidence/{photo.id}/view")
    assert image.mimetype == "image/jpeg" and image.headers["Content-Security-Policy"].startswith("sandbox")
    assert "attachment" not in image.headers.get("Content-Disposition", "")
    inline_pdf = org_client.get(f"/cases/{draft.id}/evidence/{pdf.id}/view")
    assert inline_pdf.mimetype == "application/pdf" and inline_pdf.headers["X-Content-Type-Options"] == "nosniff"
    assert "default-src 'none'" in inline_pdf.headers["Content-Security-Policy"]
    assert inline_pdf.data == org_client.get(f"/cases/{draft.id}/evidence/{pdf.id}/blind").data


def test_video_links_are_stored_not_fetched_and_only_http(app, org_client, draft):
    page = org_client.get(f"/cases/{draft.id}/evidence").get_data(as_text=True)
    bad = org_client.post(f"/cases/{draft.id}/evidence/link",
                          data={"csrf_token": csrf_from(page), "url": "javascript:alert(1)"})
    assert bad.status_code == 400 and "http://" in bad.get_data(as_text=True)
    good = org_client.post(f"/cases/{draft.id}/evidence/link", data={
        "csrf_token": csrf_from(page), "url": "https://v.example.com/watch?v=1", "caption": "活动视频"})
    assert good.status_code == 302
    link = db.session.scalar(db.select(Evidence))
    assert (link.kind, link.url, link.storage_name) == ("link", "https://v.example.com/watch?v=1", None)


def test_caption_and_removal(app, org_client, draft):
    upload(org_client, draft, ("photo.jpg", jpeg_bytes()))
    item = db.session.scalar(db.select(Evidence))
    page = org_client.get(f"/cases/{draft.id}/evidence").get_data(as_text=True)
    org_client.post(f"/cases/{draft.id}/evidence/{item.id}/caption",
                    data={"csrf_token": csrf_from(page), "caption": "公园晨练"})
    db.session.expire_all()
    assert db.session.get(Evidence, item.id).caption == "公园晨练"
    files = folder_listing(app.config["UPLOAD_FOLDER"])
    org_client.post(f"/cases/{draft.id}/evidence/{item.id}/delete", data={"csrf_token": csrf_from(page)})
    assert db.session.scalar(db.select(db.func.count(Evidence.id))) == 0
    # The files wait out the grace period a running backup may need, then the sweep removes them.
    assert folder_listing(app.config["UPLOAD_FOLDER"]) == files
    app.test_cli_runner().invoke(args=["storage", "sweep", "--grace-hours", "0"])
    assert folder_listing(app.config["UPLOAD_FOLDER"]) == []
