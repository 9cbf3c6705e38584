"""Markup hidden in an accepted file is refused, and downloads never keep the uploaded extension:
a photo or PDF carrying `<img onerror>` would run as a page once saved as .html (#18.8)."""
import io
import re
import zipfile
from pathlib import Path

import pytest

from reviewapp.cases.models import Evidence
from reviewapp.cases.uploads import UploadRefused, verify_upload
from reviewapp.extensions import db
from tests.cases.test_blind_file_classes import expert_files
from tests.factories import csrf_from, make_user, sign_in_as
from tests.security.test_upload_attacks import draft_world, post_files  # noqa: F401 (fixture)

SAMPLES = Path(__file__).resolve().parents[3] / "shared" / "data" / "evidence-samples"
PAYLOAD = b"<img src=x onerror=alert(document.domain)>"


def with_jpeg_comment(jpeg, text):
    """The JPEG with a comment segment (COM) right after its start marker: still a valid photo."""
    return jpeg[:2] + b"\xff\xfe" + (len(text) + 2).to_bytes(2, "big") + text + jpeg[2:]


def with_stored_member(package, name, content):
    """The Office package with one more part stored uncompressed (readable as is in the file)."""
    output = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(package)) as source, \
            zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as target:
        for member in source.infolist():
            target.writestr(member, source.read(member))
        target.writestr(zipfile.ZipInfo(name), content, compress_type=zipfile.ZIP_STORED)
    return output.getvalue()


def png_with_text(text):
    from PIL import Image, PngImagePlugin
    info = PngImagePlugin.PngInfo()
    info.add_text("Description", text)
    output = io.BytesIO()
    Image.new("RGB", (40, 30), (10, 120, 200)).save(output, "PNG", pnginfo=info)
    return output.getvalue()


def webp_with_xmp(text):
    from PIL import Image
    output = io.BytesIO()
    Image.new("RGB", (40, 30), (10, 120, 200)).save(output, "WEBP", xmp=text)
    return output.getvalue()


PHOTO = (SAMPLES / "photo_xmp_iptc.jpg").read_bytes()
REPORT = (SAMPLES / "report_xmp_author.pdf").read_bytes()
SHEET = (SAMPLES / "sheet_app_properties.xlsx").read_bytes()
HIDDEN = [
    ("jpeg comment", with_jpeg_comment(PHOTO, b"caption " + PAYLOAD), "photo.jpg"),
    ("after the jpeg's end", PHOTO + PAYLOAD, "photo.jpg"),
    ("event handler on any element", PHOTO + b"<x onmouseover=alert(1)>move here</x>", "photo.jpg"),
    ("svg in a jpeg", PHOTO + b"<svg/onload=alert(1)>", "photo.jpg"),
    ("png text chunk", png_with_text(PAYLOAD.decode()), "photo.png"),
    ("webp metadata", webp_with_xmp(PAYLOAD), "photo.webp"),
    ("after the pdf's end", REPORT + b"\n" + PAYLOAD, "report.pdf"),
    ("stored office part", with_stored_member(SHEET, "xl/media/note.txt", b"see " + PAYLOAD), "sheet.xlsx"),
    ("html chunk in office", with_stored_member(SHEET, "xl/afchunk.htm", b"<p>hello</p>"), "sheet.xlsx"),
]


@pytest.mark.parametrize("where, data, name", HIDDEN, ids=[case[0] for case in HIDDEN])
def test_markup_hidden_in_an_accepted_type_is_refused(where, data, name):
    with pytest.raises(UploadRefused) as refused:
        verify_upload(data, name)
    assert refused.value.reason == "polyglot"


@pytest.mark.parametrize("name", ["photo_xmp_iptc.jpg", "photo_gps.jpg", "report_xmp_author.pdf",
                                  "sheet_app_properties.xlsx"])
def test_the_real_samples_are_not_taken_for_markup(name):
    verify_upload((SAMPLES / name).read_bytes(), name)


def post_in(client, case, language, files):
    token = csrf_from(client.get(f"/cases/{case.id}/evidence").get_data(as_text=True))
    return client.post(f"/cases/{case.id}/evidence", content_type="multipart/form-data",
                       headers={"Accept-Language": language},
                       data={"csrf_token": token, "caption": "",
                             "files": [(io.BytesIO(content), name) for name, content in files]})


def test_the_polyglot_refusal_is_shown_in_both_languages(app, draft_world):  # noqa: F811
    client, case = draft_world
    polyglot = with_jpeg_comment(PHOTO, PAYLOAD)
    english = post_in(client, case, "en", [("photo.jpg", polyglot)]).get_data(as_text=True)
    assert "photo.jpg hides other content (web page, script or archive) inside the file." in english
    chinese = post_in(client, case, "zh-CN", [("照片.jpg", polyglot)]).get_data(as_text=True)
    assert "照片.jpg 内部夹带了其他内容（网页、脚本或压缩包）。" in chinese
    assert db.session.scalar(db.select(Evidence)) is None


def disposition_name(response):
    header = response.headers["Content-Disposition"]
    match = re.search(r"filename\*=UTF-8''([^;]+)", header) or re.search(r'filename="?([^";]+)', header)
    return match.group(1)


def test_a_photo_uploaded_as_html_downloads_as_a_photo_for_everyone(app, draft_world):  # noqa: F811
    client, case = draft_world
    assert post_files(client, case, [("Activity-report.html", PHOTO)]).status_code == 302
    item = db.session.scalar(db.select(Evidence))
    assert item.kind == "photo" and item.mime == "image/jpeg"
    owner = client.get(f"/cases/{case.id}/evidence/{item.id}/download")
    assert owner.status_code == 200 and disposition_name(owner) == "Activity-report.jpg"
    assert disposition_name(client.get(f"/cases/{case.id}/evidence/{item.id}/blind")).endswith(".jpg")
    admin = sign_in_as(app.test_client(), make_user("admin", email="admin-downloads@example.cn"))
    download = admin.get(f"/cases/{case.id}/evidence/{item.id}/download")
    assert download.status_code == 200 and disposition_name(download) == "Activity-report.jpg"
    assert download.headers["Content-Type"] == "image/jpeg"
    named = {url: disposition_name(response) for url, response in expert_files(app, case).items()
             if "Content-Disposition" in response.headers}
    assert named and all(name.endswith(".jpg") for name in named.values()), named


def test_a_web_page_uploaded_as_html_is_refused(app, draft_world):  # noqa: F811
    client, case = draft_world
    page = post_files(client, case, [("Activity-report.html", b"<!doctype html><body>" + PAYLOAD)])
    assert "Activity-report.html is a web page (HTML), not a photo or document." in page.get_data(as_text=True)
    assert db.session.scalar(db.select(Evidence)) is None


def test_plain_text_in_photo_metadata_is_not_markup():
    verify_upload(png_with_text("社区健身志愿服务 <3 a < b > c"), "photo.png")
    verify_upload(webp_with_xmp(b"<x:xmpmeta xmlns:x='adobe:ns:meta/'><rdf:RDF/></x:xmpmeta>"), "photo.webp")
    verify_upload(with_jpeg_comment(PHOTO, b"Taken at the <b>community</b> centre"), "photo.jpg")
