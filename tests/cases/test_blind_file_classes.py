"""One constructed file per class of hidden identity, uploaded through the real route and read
back as the expert through every link the expert's review page offers.

The applicant is 北京市朝阳区社会体育指导员协会; its people are 刘建国 and 王丽. Every file
below carries those names where real tools put them and cleaners forget them.
"""
import io
import re
from datetime import datetime, timedelta, timezone

import pytest
from PIL import Image

from reviewapp.assignment.models import AssignmentStatus, ReviewAssignment
from reviewapp.cases.models import Evidence
from reviewapp.cases.workflow import CaseState
from reviewapp.extensions import db
from reviewapp.review.queries import token_for
from tests.cases.test_evidence_routes import contains, leak_blobs, upload
from tests.factories import make_user, sign_in_as

ORG = "北京市朝阳区社会体育指导员协会"
SECRETS = [ORG, "朝阳区社体协会", "社会体育指导员协会", "刘建国", "王丽", "org1@example.cn", "Chaoyang",
           r"C:\Users", "UID=org1"]
LINK = re.compile(r'(?:href|src)="(/review/[^"#]+)')


@pytest.fixture
def applicant(app, organization_user):
    organization = organization_user.organization
    organization.name = ORG
    db.session.commit()
    return organization


def exif_bytes():
    exif = Image.Exif()
    exif[0x013B] = "刘建国"                                   # Artist
    exif[0x010E] = ORG                                       # ImageDescription
    exif[0x8298] = "org1@example.cn"                         # Copyright
    gps = {1: "N", 2: (39.0, 55.0, 12.0), 3: "E", 4: (116.0, 26.0, 30.0)}
    exif[0x8825] = gps                                       # GPSInfo
    return exif.tobytes()


def picture(size=(96, 64)):
    return Image.new("RGB", size, (180, 60, 40))


def jfif_with_gps():
    out = io.BytesIO()
    picture().save(out, "JPEG", exif=exif_bytes(), comment="王丽 拍摄".encode())
    data = out.getvalue()
    assert data[2:4] == b"\xff\xe0" and b"JFIF" in data[:20]
    with Image.open(io.BytesIO(data)) as image:   # the probe really carries GPS and an artist
        assert image.getexif().get_ifd(0x8825) and image.getexif()[0x013B]
    return data


def heic_with_exif():
    from pillow_heif import register_heif_opener
    register_heif_opener()
    out = io.BytesIO()
    picture().save(out, "HEIF", exif=exif_bytes(), quality=90)
    return out.getvalue()


def avif_with_exif():
    out = io.BytesIO()
    picture().save(out, "AVIF", exif=exif_bytes(), quality=90)
    return out.getvalue()


def under_review_with_expert(case):
    """The case as the experts get it: submitted, recommended, assigned and confirmed."""
    case.state = CaseState.UNDER_REVIEW
    case.title = case.title or "社区健身志愿服务"
    case.submitted_at = datetime.now(timezone.utc) - timedelta(days=1)
    expert = make_user("expert", email="expert-files@example.cn")
    assignment = ReviewAssignment(campaign_id=case.campaign_id, case_id=case.id, expert_id=expert.id,
                                  status=AssignmentStatus.CONFIRMED, confirmed_at=datetime.now(timezone.utc))
    db.session.add(assignment)
    db.session.commit()
    return expert, token_for(assignment)


def expert_files(app, case):
    """{url: response} of every file link on the expert's review page (view, download, thumbnail)."""
    expert, token = under_review_with_expert(case)
    client = sign_in_as(app.test_client(), expert)
    page = client.get(f"/review/{token}")
    assert page.status_code == 200
    urls = sorted({url.replace("&amp;", "&") for url in LINK.findall(page.get_data(as_text=True))
                   if "/files/" in url})
    return {url: client.get(url) for url in urls}


def image_leaks(data):
    """Identity in the bytes, or any metadata Pillow can read."""
    found = [secret for secret in SECRETS if contains(leak_blobs(data), secret)]
    with Image.open(io.BytesIO(data)) as image:
        image.load()
        if len(image.getexif()):
            found.append(f"EXIF tags {sorted(image.getexif())}")
        found += [f"info {key}" for key in image.info if key in ("exif", "xmp", "comment", "icc_profile", "XML:com.adobe.xmp")]
    if data.startswith(b"\xff\xd8") and data.find(b"\xff\xd8", 2) != -1:
        found.append("a second JPEG inside")
    return found


def test_every_accepted_image_type_reaches_the_expert_as_pixels_only(app, applicant, org_client, draft):
    files = [("IMG_0001.jfif", jfif_with_gps()), ("IMG_0002.HEIC", heic_with_exif()),
             ("IMG_0003.avif", avif_with_exif())]
    response = upload(org_client, draft, *files)
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    items = db.session.scalars(db.select(Evidence).filter_by(case_id=draft.id).order_by(Evidence.position)).all()
    # HEIC and AVIF are converted: browsers show them, and the applicant's list says .jpg.
    assert [(item.kind, item.mime, item.original_name) for item in items] == [
        ("photo", "image/jpeg", "IMG_0001.jfif"), ("photo", "image/jpeg", "IMG_0002.jpg"),
        ("photo", "image/jpeg", "IMG_0003.jpg")]
    responses = expert_files(app, draft)
    photos = [r for r in responses.values() if r.mimetype.startswith("image/")]
    assert len(responses) == 9 and len(photos) == 9       # view, download and thumbnail of each
    leaks = {url: image_leaks(r.get_data()) for url, r in responses.items()}
    assert {url: found for url, found in leaks.items() if found} == {}
    for response in photos:
        with Image.open(io.BytesIO(response.get_data())) as image:
            assert image.format == "JPEG" and image.getpixel((5, 5))[0] > 150   # still the picture


@pytest.mark.parametrize("name, build, reason", [
    ("scan.tiff", lambda: _saved("TIFF", description=ORG), "not a supported file type"),
    ("logo.gif", lambda: _saved("GIF", comment="刘建国".encode()), "not a supported file type"),
    ("map.bmp", lambda: _saved("BMP"), "not a supported file type"),
    ("logo.svg", lambda: f'<svg xmlns="http://www.w3.org/2000/svg"><title>{ORG}</title></svg>'.encode(),
     "SVG files are not accepted"),
    ("broken.heic", lambda: b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\x00" * 64,
     "Export it as JPEG"),
])
def test_other_image_types_are_refused_with_their_reason(app, applicant, org_client, draft, name, build, reason):
    response = upload(org_client, draft, (name, build()), json=True)
    assert response.status_code in (400, 422) and reason in response.get_data(as_text=True)
    assert db.session.scalar(db.select(Evidence).filter_by(case_id=draft.id)) is None


def _saved(format_name, **options):
    out = io.BytesIO()
    picture().convert("P" if format_name == "GIF" else "RGB").save(out, format_name, **options)
    return out.getvalue()
