"""One constructed file per class of hidden identity, uploaded through the real route and read
back as the expert through every link the expert's review page offers.

The applicant is 北京市朝阳区社会体育指导员协会; its people are 刘建国 and 王丽. Every file
below carries those names where real tools put them and cleaners forget them.
"""
import io
import re
import zlib
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


def jpeg_with_a_second_image_after_its_end():
    """A plain JPEG, then (after its end marker) another JPEG carrying GPS, artist and the organization."""
    first, second = io.BytesIO(), io.BytesIO()
    picture((40, 30)).save(first, "JPEG", quality=80)
    picture((20, 10)).save(second, "JPEG", exif=exif_bytes(), comment=ORG.encode())
    return first.getvalue() + second.getvalue()


def pdf_with_hidden_parts():
    """One page drawing a photo; a form field, a rich-text comment, a layer, named JavaScript and
    page labels, each naming the applicant where no reader of the page sees it."""
    import pikepdf
    from pikepdf import Array, Dictionary, Name, String

    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(200, 200))
    page = pdf.pages[0]
    image = pdf.make_stream(jpeg_with_a_second_image_after_its_end(), Type=Name.XObject, Subtype=Name.Image,
                            Width=40, Height=30, ColorSpace=Name.DeviceRGB, BitsPerComponent=8,
                            Filter=Name.DCTDecode)
    layer = pdf.make_indirect(Dictionary(Type=Name.OCG, Name=String("朝阳区社体协会 内部图层"),
                                         Usage=Dictionary(Creator=Dictionary(Creator=String("刘建国")))))
    page.obj.Resources = Dictionary(XObject=Dictionary(Im1=image), Properties=Dictionary(L1=layer),
                                    Font=Dictionary(Helv=Dictionary(Type=Name.Font, Subtype=Name.Type1,
                                                                    BaseFont=Name.Helvetica)))
    page.obj.Contents = pdf.make_stream(b"/OC /L1 BDC q 40 0 0 30 10 10 cm /Im1 Do Q EMC")
    # Compressed, as real files carry it (an uncompressed XHTML body reads as a hidden web page).
    rich_text = pdf.make_stream(zlib.compress(f"<body><p>{ORG} 王丽</p></body>".encode()),
                                Filter=Name.FlateDecode)
    comment = pdf.make_indirect(Dictionary(
        Type=Name.Annot, Subtype=Name.Text, Rect=Array([150, 150, 170, 170]), T=String("刘建国"),
        Subj=String("朝阳区社体协会"), Contents=String("王丽 请核对"), RC=rich_text, NM=String("org1@example.cn")))
    field = pdf.make_indirect(Dictionary(
        Type=Name.Annot, Subtype=Name.Widget, FT=Name.Tx, Rect=Array([10, 100, 150, 120]),
        T=String("申报单位_北京市朝阳区社会体育指导员协会"), TU=String("填表人 刘建国 UID=org1"),
        V=String("2026"), DA=String("/Helv 10 Tf 0 g"), P=page.obj))
    page.obj.Annots = Array([comment, field])
    pdf.Root.AcroForm = Dictionary(Fields=Array([field]), NeedAppearances=True, DA=String("/Helv 10 Tf 0 g"),
                                   DR=Dictionary(Font=Dictionary(Helv=page.obj.Resources.Font.Helv)))
    pdf.Root.OCProperties = Dictionary(OCGs=Array([layer]), D=Dictionary(
        Name=String("刘建国的视图"), Creator=String("org1@example.cn"), Order=Array([String("北京市朝阳区"), layer])))
    script = pdf.make_indirect(Dictionary(S=Name.JavaScript, JS=String("app.alert('王丽 org1@example.cn')")))
    pdf.Root.Names = Dictionary(JavaScript=Dictionary(Names=Array([String("朝阳区社体协会"), script])))
    pdf.Root.PageLabels = Dictionary(Nums=Array([0, Dictionary(S=Name.D, P=String("朝阳区社体协会-"))]))
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def pdf_leaks(data):
    """Secrets in the PDF's bytes, decompressed streams, or any string or name of any object (decoded)."""
    import pikepdf
    texts = []

    def collect(obj, depth=0):
        if depth > 30:
            return
        if isinstance(obj, pikepdf.String):
            texts.append(str(obj))
        elif isinstance(obj, pikepdf.Name):
            texts.append(str(obj))
        elif isinstance(obj, (pikepdf.Dictionary, pikepdf.Stream)):
            for key in obj.keys():
                texts.append(key)
                value = obj.get(key)
                if not (isinstance(value, (pikepdf.Dictionary, pikepdf.Stream, pikepdf.Array)) and value.is_indirect):
                    collect(value, depth + 1)
        elif isinstance(obj, pikepdf.Array):
            for item in obj:
                if not (isinstance(item, (pikepdf.Dictionary, pikepdf.Stream, pikepdf.Array)) and item.is_indirect):
                    collect(item, depth + 1)

    with pikepdf.open(io.BytesIO(data)) as pdf:
        collect(pdf.trailer)
        for obj in pdf.objects:
            collect(obj)
    blobs = leak_blobs(data)
    joined = "\n".join(texts)
    return [secret for secret in SECRETS if secret in joined or contains(blobs, secret)]


def test_pdf_hidden_parts_never_reach_the_expert(app, applicant, org_client, draft):
    import pikepdf
    data = pdf_with_hidden_parts()
    assert {"刘建国", "朝阳区社体协会", "王丽", ORG, "UID=org1", "org1@example.cn"} <= set(pdf_leaks(data))
    response = upload(org_client, draft, ("年度报告.pdf", data))
    assert response.status_code == 302, response.get_data(as_text=True)[:400]
    responses = expert_files(app, draft)
    pdfs = [r for r in responses.values() if r.mimetype == "application/pdf" or r.get_data()[:5] == b"%PDF-"]
    assert len(pdfs) == 2                                  # view and download
    for r in pdfs:
        blind = r.get_data()
        assert pdf_leaks(blind) == []
        with pikepdf.open(io.BytesIO(blind)) as pdf:
            root = pdf.Root
            assert "/AcroForm" not in root and "/PageLabels" not in root and "/JavaScript" not in root.get("/Names", {})
            assert [str(g.Name) for g in root.OCProperties.OCGs] == ["Layer 1"]
            [image] = [pikepdf.PdfImage(x) for x in pdf.pages[0].images.values()]
            raw = pdf.pages[0].images["/Im1"].read_raw_bytes()
            assert raw.count(b"\xff\xd8") == 1 and raw.endswith(b"\xff\xd9")   # the appended image is gone
            assert image.as_pil_image().size == (40, 30)                            # the photo still shows
