"""Upload attacks through the real upload routes: refused with a clear message, nothing left on disk or in the
database. (SVG, HTML-as-JPEG, a truncated JPEG, a PNG pixel bomb, `../` names and the size limits are in
tests/cases/test_evidence_routes.py; the checks themselves are unit-tested in tests/cases/test_uploads.py.)"""
import io
import zipfile

import pikepdf
import pytest
from PIL import Image

from reviewapp.cases.models import ActivityLogEntry, Case, Evidence
from reviewapp.extensions import db
from tests.factories import csrf_from, make_campaign, make_organization, sign_in_as


def jpeg(comment=None, size=(80, 60)):
    output = io.BytesIO()
    options = {"comment": comment} if comment else {}
    Image.new("RGB", size, (30, 120, 200)).save(output, "JPEG", **options)
    return output.getvalue()


def pdf():
    output = io.BytesIO()
    document = pikepdf.new()
    document.add_blank_page()
    document.save(output)
    return output.getvalue()


def zipped(members, compression=zipfile.ZIP_DEFLATED):
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", compression) as archive:
        for name, content in members:
            archive.writestr(name, content)
    return output.getvalue()


def docx(extra=()):
    types = ('<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
             '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
             '<Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" '
             'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
             '</Types>')
    rels = ('<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
            'relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
            'relationships/officeDocument" Target="word/document.xml"/></Relationships>')
    return zipped([("[Content_Types].xml", types), ("_rels/.rels", rels),
                   ("word/document.xml", "<document><body>text</body></document>"), *extra])


def listing(folder):
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*")) if folder.exists() else []


@pytest.fixture
def draft_world(app):
    make_campaign()
    from reviewapp.campaigns.models import Campaign
    campaign = db.session.scalar(db.select(Campaign))
    user = make_organization()
    case = Case(campaign=campaign, organization=user.organization, contact_person="王丽",
                contact_phone="13800138000")
    db.session.add(case)
    db.session.commit()
    return sign_in_as(app.test_client(), user), case


def post_files(client, case, files, accept_json=False):
    token = csrf_from(client.get(f"/cases/{case.id}/evidence").get_data(as_text=True))
    return client.post(f"/cases/{case.id}/evidence", content_type="multipart/form-data",
                       headers={"Accept": "application/json"} if accept_json else {},
                       data={"csrf_token": token, "caption": "",
                             "files": [(io.BytesIO(content), name) for name, content in files]})


ZIP = zipped([("payload.html", "<script>alert(1)</script>")])
ATTACKS = [
    ("jpeg+html.jpg", jpeg(comment=b"<html><script>alert(1)</script></html>"), "hides other content"),
    ("jpeg+zip.jpg", jpeg() + ZIP, "hides other content"),
    ("pdf+html.pdf", pdf() + b"<html><body><script>alert(1)</script></body></html>", "hides other content"),
    ("pdf+zip.pdf", pdf() + ZIP, "hides other content"),
    ("docx+html.docx", docx() + b"<html><script>alert(1)</script></html>", "hides other content"),
    ("bomb.docx", docx([("word/media/filler.bin", b"\0" * (30 * 1024 * 1024))]), "unpacks to too much data"),
    ("cut.pdf", pdf()[:60], "damaged"),
    ("cut.docx", docx()[:200], "damaged and cannot be opened as an Office document"),
    ("cut.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 30, "damaged or incomplete"),
    ("image.jpg", b"<html><img src=x onerror=alert(1)></html>", "web page (HTML)"),
    ("drawing.jpg", b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>', "SVG"),
    ("setup.jpg", b"MZ\x90\x00" + b"\0" * 200, "not"),
    ("/etc/passwd.jpg", jpeg(), "contains a folder path"),
    ("C:x.jpg", jpeg(), "contains a folder path"),
    ("evil\u202egpj.exe", jpeg(), "invisible control characters"),
    ("bell\x07.jpg", jpeg(), "invisible control characters"),
    ("escape\x1b[31m.jpg", jpeg(), "invisible control characters"),
    ("zero\u200bwidth.jpg", jpeg(), "invisible control characters"),
]


def test_attack_uploads_are_refused_with_their_reason_and_leave_nothing(app, draft_world):
    client, case = draft_world
    folder = app.config["UPLOAD_FOLDER"]
    problems = []
    for name, content, message in ATTACKS:
        before = listing(folder)
        response = post_files(client, case, [(name, content)])
        page = response.get_data(as_text=True)
        if response.status_code != 400 or message not in page:
            problems.append(f"{name!r}: {response.status_code}, message {message!r} not shown")
        if any(char in page for char in "\u202e\x07\u200b\x1b"):
            problems.append(f"{name!r}: the page repeats the name's control characters")
        if listing(folder) != before or db.session.scalar(db.select(db.func.count(Evidence.id))):
            problems.append(f"{name!r}: something was stored")
    assert not problems, "\n".join(problems)


def raw_upload(client, case, filename, content):
    """The multipart body a browser sends: the file name as typed, backslashes and all."""
    token = csrf_from(client.get(f"/cases/{case.id}/evidence").get_data(as_text=True))
    boundary = "----reviewappboundary"
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\n{token}\r\n"
            f"--{boundary}\r\nContent-Disposition: form-data; name=\"files\"; filename=\"{filename}\"\r\n"
            f"Content-Type: image/jpeg\r\n\r\n").encode() + content + f"\r\n--{boundary}--\r\n".encode()
    return client.post(f"/cases/{case.id}/evidence", data=body, headers={"Accept": "application/json"},
                       content_type=f"multipart/form-data; boundary={boundary}")


@pytest.mark.parametrize("filename", ["..\\..\\x.jpg", "C:\\Windows\\x.jpg", "....//....//x.jpg"])
def test_path_names_sent_raw_never_reach_a_path(app, draft_world, filename):
    """Refused with the folder-path message, or (when the parser has already cut the path) stored
    under a generated name with no path in the name shown: never a file outside the upload folder."""
    client, case = draft_world
    folder = app.config["UPLOAD_FOLDER"]
    response = raw_upload(client, case, filename, jpeg())
    if response.json["refused"]:
        assert "folder path" in response.json["refused"][0]["message"]
        assert listing(folder) == []
    else:
        item = db.session.get(Evidence, response.json["accepted"][0]["id"])
        assert "/" not in item.original_name and "\\" not in item.original_name
        assert set(listing(folder)) == {item.storage_name, item.blind_storage_name, item.thumbnail_name,
                                        item.print_storage_name}
    assert not (folder.parent / "x.jpg").exists() and not (folder.parent.parent / "x.jpg").exists()


def test_nul_byte_in_the_name_is_refused_or_harmless(app, draft_world):
    client, case = draft_world
    folder = app.config["UPLOAD_FOLDER"]
    response = post_files(client, case, [("photo\x00.html.jpg", jpeg())], accept_json=True)
    accepted = response.json["accepted"]
    # Werkzeug may cut the name at the NUL; then it is a plain name and the file is a real photo.
    if accepted:
        item = db.session.get(Evidence, accepted[0]["id"])
        assert "\x00" not in item.original_name and item.storage_name not in ("photo", "photo.html.jpg")
        assert item.kind == "photo"
    else:
        assert "control characters" in response.json["refused"][0]["message"]
        assert listing(folder) == []


def test_a_file_over_the_limit_is_refused_without_being_stored(app, draft_world):
    client, case = draft_world
    app.config["EVIDENCE_MAX_FILE_MB"] = 1
    big = pdf() + b"%" + b"x" * (1024 * 1024)
    response = post_files(client, case, [("big.pdf", big), ("ok.jpg", jpeg())], accept_json=True)
    assert [r["message"] for r in response.json["refused"]] == ["File big.pdf is larger than 1 MB."]
    assert [a["name"] for a in response.json["accepted"]] == ["ok.jpg"]
    assert db.session.scalar(db.select(db.func.count(Evidence.id))) == 1


def test_a_request_over_max_content_length_gets_the_413_page(app, draft_world):
    client, case = draft_world
    app.config["MAX_CONTENT_LENGTH"] = 64 * 1024
    response = post_files(client, case, [("huge.jpg", b"\xff\xd8" + b"\0" * (128 * 1024))])
    assert response.status_code == 413
    assert "larger than the limit" in response.get_data(as_text=True)
    assert listing(app.config["UPLOAD_FOLDER"]) == []


@pytest.mark.parametrize("name, content, message", [
    ("bomb.xlsx", zipped([("xl/worksheets/sheet1.xml", b"<a>" + b" " * (40 * 1024 * 1024) + b"</a>")]),
     "unpacks to too much data"),
    ("table.xlsx", docx([("xl/filler.bin", b"\0" * (30 * 1024 * 1024))]), "unpacks to too much data"),
    ("table.xlsx", docx(), "Upload the table as an Excel workbook (.xlsx) or a CSV file"),
    ("table.csv", b"\x00\x01binary", "Excel workbook (.xlsx) or a CSV file"),
])
def test_activity_import_refuses_bombs_and_bad_names(app, draft_world, name, content, message):
    client, case = draft_world
    token = csrf_from(client.get(f"/cases/{case.id}/activities").get_data(as_text=True))
    response = client.post(f"/cases/{case.id}/activities/import", content_type="multipart/form-data",
                           data={"csrf_token": token, "table": (io.BytesIO(content), name)})
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count(ActivityLogEntry.id))) == 0
    assert listing(app.config["UPLOAD_FOLDER"]) == []
