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
        found += [f"info {key}" for key in image.info
                  if key in ("exif", "xmp", "comment", "icc_profile", "XML:com.adobe.xmp")]
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


W_NS = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
R_NS = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
WP_NS = ('xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
         'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
         'xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture" '
         'xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office"')
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
WORD_MAIN = "openxmlformats-officedocument.wordprocessingml.document.main+xml"


def legacy_doc():
    """An OLE compound file like Word 97's .doc, whose summary stream names its author and title."""
    return (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504
            + "\x05SummaryInformation 作者 刘建国 标题 北京市朝阳区社会体育指导员协会".encode("utf-16-le") + b"\x00" * 256)


def docx_with_hidden_parts():
    """Visible text that names nobody; an embedded .doc, document variables, a mail merge source,
    a picture with alt text and title, and a custom XML part, each naming the applicant."""
    from tests.cases.test_blind import build_package, relationships
    photo = io.BytesIO()
    picture().save(photo, "JPEG")
    document = (
        f'<w:document {W_NS} {R_NS} {WP_NS}><w:body>'
        '<w:p><w:r><w:t>社区健身志愿服务年度总结。</w:t></w:r></w:p>'
        '<w:p><w:r><w:drawing><wp:inline><wp:extent cx="914400" cy="609600"/>'
        f'<wp:docPr id="1" name="北京市朝阳区社会体育指导员协会合影.jpg" descr="刘建国在朝阳区社体协会活动现场" title="王丽 摄"/>'
        '<a:graphic><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/picture"><pic:pic>'
        '<pic:nvPicPr><pic:cNvPr id="0" name="朝阳区社体协会.jpg" descr="刘建国"/><pic:cNvPicPr/></pic:nvPicPr>'
        '<pic:blipFill><a:blip r:embed="rId3"/></pic:blipFill><pic:spPr><a:xfrm><a:off x="0" y="0"/>'
        '<a:ext cx="914400" cy="609600"/></a:xfrm><a:prstGeom prst="rect"/></pic:spPr></pic:pic>'
        '</a:graphicData></a:graphic></wp:inline></w:drawing></w:r></w:p>'
        '<w:p><w:r><w:object><v:shape id="_x0000_i1025" style="width:60pt;height:40pt" alt="刘建国的附件">'
        '<v:imagedata r:id="rId3" o:title="北京市朝阳区社会体育指导员协会"/></v:shape>'
        '<o:OLEObject Type="Embed" ProgID="Word.Document.8" ShapeID="_x0000_i1025" DrawAspect="Icon" '
        'ObjectID="_1" r:id="rId4"/></w:object></w:r></w:p>'
        '</w:body></w:document>')
    settings = (f'<w:settings {W_NS} {R_NS}><w:mailMerge><w:mainDocumentType w:val="formLetters"/>'
                '<w:connectString w:val="Provider=Microsoft.ACE.OLEDB.12.0;User ID=org1;'
                'Data Source=C:\\Users\\刘建国\\Desktop\\名单.xlsx"/>'
                '<w:query w:val="SELECT * FROM `朝阳区社体协会$`"/><w:dataSource r:id="rId1"/></w:mailMerge>'
                '<w:docVars><w:docVar w:name="申报单位" w:val="北京市朝阳区社会体育指导员协会"/>'
                '<w:docVar w:name="联系人" w:val="王丽 UID=org1"/></w:docVars></w:settings>')
    members = {
        "word/document.xml": document,
        "word/_rels/document.xml.rels": relationships(
            ("rId2", REL + "settings", "settings.xml", ""), ("rId3", REL + "image", "media/image1.jpeg", ""),
            ("rId4", REL + "oleObject", "embeddings/Microsoft_Word_97_-_2003_Document.doc", "")),
        "word/settings.xml": settings,
        "word/_rels/settings.xml.rels": relationships(
            ("rId1", REL + "mailMergeSource", "file:///C:/Users/刘建国/Desktop/名单.xlsx", ' TargetMode="External"')),
        "word/media/image1.jpeg": photo.getvalue(),
        "word/embeddings/Microsoft_Word_97_-_2003_Document.doc": legacy_doc(),
        "customXml/item1.xml": f"<申报><单位>{ORG}</单位><联系人>刘建国</联系人></申报>",
    }
    overrides = {"word/document.xml": WORD_MAIN,
                 "word/settings.xml": "openxmlformats-officedocument.wordprocessingml.settings+xml"}
    return build_package(members, overrides, [(REL + "officeDocument", "word/document.xml")])


def xlsx_with_hidden_parts():
    """A workbook linked to another one on the applicant's desktop and fed by a data connection."""
    from tests.cases.test_blind import build_package, relationships
    ns = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    workbook = (f'<workbook {ns} {R_NS}><sheets><sheet name="汇总" sheetId="1" r:id="rId1"/></sheets>'
                '<externalReferences><externalReference r:id="rId3"/></externalReferences></workbook>')
    sheet = (f'<worksheet {ns}><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>活动次数</t></is></c>'
             '<c r="B1"><v>48</v></c></row></sheetData></worksheet>')
    connections = (f'<connections {ns}><connection id="1" name="朝阳区社体协会名单" description="刘建国维护" type="1" '
                   'odcFile="C:\\Users\\刘建国\\Documents\\我的数据源\\朝阳区社体协会.odc" refreshedVersion="6">'
                   '<dbPr connection="DSN=org1;UID=org1@example.cn;PWD=secret;'
                   'DBQ=C:\\Users\\刘建国\\Desktop\\北京市朝阳区社会体育指导员协会.accdb" '
                   'command="SELECT * FROM 志愿者"/></connection></connections>')
    external = (f'<externalLink {ns} {R_NS}><externalBook r:id="rId1"><sheetNames><sheetName val="Sheet1"/>'
                '</sheetNames></externalBook></externalLink>')
    members = {
        "xl/workbook.xml": workbook,
        "xl/_rels/workbook.xml.rels": relationships(
            ("rId1", REL + "worksheet", "worksheets/sheet1.xml", ""),
            ("rId2", REL + "connections", "connections.xml", ""),
            ("rId3", REL + "externalLink", "externalLinks/externalLink1.xml", "")),
        "xl/worksheets/sheet1.xml": sheet,
        "xl/connections.xml": connections,
        "xl/externalLinks/externalLink1.xml": external,
        "xl/externalLinks/_rels/externalLink1.xml.rels": relationships(
            ("rId1", REL + "externalLinkPath", "file:///C:\\Users\\刘建国\\Desktop\\北京市朝阳区社会体育指导员协会\\台账.xlsx",
             ' TargetMode="External"')),
    }
    overrides = {
        "xl/workbook.xml": "openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
        "xl/worksheets/sheet1.xml": "openxmlformats-officedocument.spreadsheetml.worksheet+xml",
        "xl/connections.xml": "openxmlformats-officedocument.spreadsheetml.connections+xml",
        "xl/externalLinks/externalLink1.xml": "openxmlformats-officedocument.spreadsheetml.externalLink+xml",
    }
    return build_package(members, overrides, [(REL + "officeDocument", "xl/workbook.xml")])


def package_leaks(data):
    import zipfile
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        text = "\n".join(archive.read(name).decode("utf-8", "replace") + "\n" + name for name in archive.namelist())
        blobs = [archive.read(name) for name in archive.namelist()]
    return [secret for secret in SECRETS if secret in text or contains(blobs, secret)]


@pytest.mark.parametrize("build", [docx_with_hidden_parts, xlsx_with_hidden_parts])
def test_office_cleaner_removes_embedded_objects_links_connections_variables_and_alt_text(build):
    from reviewapp.cases.blind import make_blind_copy
    original = build()
    assert len(package_leaks(original)) >= 3
    blind = make_blind_copy(original, "office", "report")
    assert package_leaks(blind) == []


@pytest.mark.parametrize("name, build", [("总结.docx", docx_with_hidden_parts), ("台账.xlsx", xlsx_with_hidden_parts)])
def test_office_evidence_reaches_the_expert_only_as_a_cleaned_pdf(app, applicant, org_client, draft, name, build):
    response = upload(org_client, draft, (name, build()))
    assert response.status_code == 302, response.get_data(as_text=True)[:400]
    item = db.session.scalar(db.select(Evidence).filter_by(case_id=draft.id))
    assert item.kind == "office" and item.preview_storage_name, "LibreOffice rendered the blind copy"
    responses = expert_files(app, draft)
    assert len(responses) == 2                                   # view and download: both the PDF
    for url, r in responses.items():
        assert r.status_code == 200 and r.get_data().startswith(b"%PDF-"), url
        assert not r.get_data().startswith(b"PK") and r.mimetype == "application/pdf"
        assert pdf_leaks(r.get_data()) == [], url
    download = next(r for url, r in responses.items() if url.endswith("/download"))
    assert download.headers["Content-Disposition"] == "attachment; filename=evidence-1.pdf"


def test_a_rich_text_comment_as_acrobat_writes_it_is_accepted_and_dropped(app, applicant, org_client, draft):
    """Acrobat stores a comment's rich text uncompressed, as an XHTML <body>: not a hidden web page."""
    import pikepdf
    from pikepdf import Array, Dictionary, Name, String
    pdf = pikepdf.new()
    pdf.add_blank_page()
    rich = (f'<?xml version="1.0"?><body xmlns="http://www.w3.org/1999/xhtml" '
            f'xmlns:xfa="http://www.xfa.org/schema/xfa-data/1.0/" xfa:APIVersion="Acrobat:21.1.0">'
            '<p>Please check (page 2), UID=org1</p></body>')
    pdf.pages[0].obj.Annots = Array([pdf.make_indirect(Dictionary(
        Type=Name.Annot, Subtype=Name.Text, Rect=Array([10, 10, 30, 30]), T=String("刘建国"), RC=String(rich)))])
    out = io.BytesIO()
    pdf.save(out, compress_streams=False, object_stream_mode=pikepdf.ObjectStreamMode.disable)
    assert b"<body xmlns" in out.getvalue()
    response = upload(org_client, draft, ("批注.pdf", out.getvalue()))
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    for r in expert_files(app, draft).values():
        assert pdf_leaks(r.get_data()) == []


def test_a_jpeg_2000_image_in_a_pdf_is_reencoded_from_its_pixels():
    import pikepdf
    from pikepdf import Dictionary, Name

    from reviewapp.cases.blind import make_blind_copy
    jpx = io.BytesIO()
    picture((20, 10)).save(jpx, "JPEG2000", comment="刘建国 org1@example.cn".encode())
    pdf = pikepdf.new()
    pdf.add_blank_page()
    image = pdf.make_stream(jpx.getvalue(), Type=Name.XObject, Subtype=Name.Image, Width=20, Height=10,
                            Filter=Name.JPXDecode)
    pdf.pages[0].obj.Resources = Dictionary(XObject=Dictionary(Im1=image))
    pdf.pages[0].obj.Contents = pdf.make_stream(b"q 20 0 0 10 0 0 cm /Im1 Do Q")
    out = io.BytesIO()
    pdf.save(out)
    assert "org1@example.cn" in pdf_leaks(out.getvalue())
    blind = make_blind_copy(out.getvalue(), "pdf", "scan.pdf")
    assert pdf_leaks(blind) == []
    with pikepdf.open(io.BytesIO(blind)) as result:
        placed = result.pages[0].images["/Im1"]
        assert placed.Filter == Name.FlateDecode
        assert pikepdf.PdfImage(placed).as_pil_image().getpixel((3, 3))[0] > 150
