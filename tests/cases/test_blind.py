"""Blind copies keep the evidence and lose everything that names its author; identity mentions are flagged."""

import html
import io
import zipfile
from pathlib import Path

import openpyxl
import pikepdf
import pytest
from PIL import Image, ImageCms, PngImagePlugin
from pikepdf import Array, Dictionary, Name, String
from pypdf import PdfReader

from reviewapp.cases.blind import (
    Identity,
    check_package_consistency,
    extract_text,
    find_identity_mentions,
    make_blind_copy,
)
from reviewapp.cases.uploads import UploadRefused, verify_upload

SAMPLES = Path(__file__).resolve().parents[3] / "shared" / "data" / "evidence-samples"
GPS_IFD, EXIF_IFD, ARTIST, ORIENTATION = 0x8825, 0x8769, 0x013B, 0x0112


def byte_forms(text):
    """Every encoding in which a leaked string could sit in a file."""
    forms = {text.encode("utf-8"), text.encode("utf-16-le"), text.encode("utf-16-be")}
    forms |= {html.escape(text).encode(), "".join(f"&#{ord(c)};" for c in text).encode()}
    forms |= {"".join(f"&#x{ord(c):x};" for c in text).encode()}
    hex_utf16 = text.encode("utf-16-be").hex()
    forms |= {hex_utf16.encode(), hex_utf16.upper().encode()}
    try:
        forms.add(text.encode("gb18030"))
    except UnicodeEncodeError:
        pass
    return forms


def leaks(blobs, secrets):
    """(secret, blob index) for every secret found, case-insensitively, in any form in any blob."""
    found = []
    for index, blob in enumerate(blobs):
        lowered = blob.lower()
        for secret in secrets:
            for form in byte_forms(secret) | byte_forms(secret.lower()):
                if form in blob or form.lower() in lowered:
                    found.append((secret, index))
    return found


def jpeg_markers(data):
    """Marker bytes of the segments before the image data."""
    markers, position = [], 2
    while position < len(data) - 4 and data[position] == 0xFF:
        marker = data[position + 1]
        markers.append(marker)
        if marker == 0xDA:
            break
        position += 2 + int.from_bytes(data[position + 2 : position + 4], "big")
    return markers


def tagged_photo(format_name="JPEG", size=(40, 20), orientation=6):
    """Left half red, right half blue, with GPS, Artist, XMP, ICC and a comment naming Jane Artist."""
    image = Image.new("RGB", size, (255, 0, 0))
    image.paste((0, 0, 255), (size[0] // 2, 0, size[0], size[1]))
    exif = Image.Exif()
    exif[ARTIST] = "Jane Artist"
    exif[ORIENTATION] = orientation
    exif.get_ifd(GPS_IFD).update({1: "N", 2: (40.0, 26.0, 49.1), 3: "E", 4: (116.0, 23.0, 1.5)})
    options = {"exif": exif, "icc_profile": ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()}
    if format_name == "PNG":
        text = PngImagePlugin.PngInfo()
        text.add_text("Author", "Jane Artist")
        options["pnginfo"] = text
    else:
        options["xmp"] = b"<x:xmpmeta><dc:creator>Jane Artist</dc:creator></x:xmpmeta>"
    if format_name == "JPEG":
        options["comment"] = b"shot by Jane Artist"
    output = io.BytesIO()
    image.save(output, format_name, **options)
    return output.getvalue()


def test_photo_is_reencoded_without_any_metadata_and_upright():
    original = tagged_photo()
    assert b"Jane Artist" in original and Image.open(io.BytesIO(original)).getexif().get_ifd(GPS_IFD)
    blind = make_blind_copy(original, "photo", "photo.jpg")
    image = Image.open(io.BytesIO(blind))
    assert image.format == "JPEG"
    assert image.size == (20, 40)  # orientation 6 applied: the stored 40x20 photo stands upright
    assert image.getpixel((10, 5))[0] > 200 and image.getpixel((10, 35))[2] > 200  # red on top, blue below
    exif = image.getexif()
    assert not exif.get_ifd(GPS_IFD) and ARTIST not in exif and ORIENTATION not in exif
    assert not {"exif", "xmp", "icc_profile", "comment", "photoshop"} & set(image.info)
    assert not {0xE1, 0xED, 0xE2, 0xFE} & set(jpeg_markers(blind))  # no APP1, APP13, ICC or comment segments
    assert leaks([blind], ["Jane Artist"]) == []


@pytest.mark.parametrize("format_name", ["PNG", "WEBP"])
def test_png_and_webp_keep_their_format_and_lose_metadata(format_name):
    blind = make_blind_copy(tagged_photo(format_name, orientation=1), "photo", "photo")
    image = Image.open(io.BytesIO(blind))
    assert image.format == format_name and image.size == (40, 20)
    assert not {"exif", "xmp", "icc_profile", "Author"} & set(image.info)
    assert b"eXIf" not in blind and b"EXIF" not in blind and b"XMP " not in blind
    assert leaks([blind], ["Jane Artist"]) == []


def test_photo_is_scaled_down_to_the_maximum_long_side():
    big = io.BytesIO()
    Image.new("RGB", (3000, 1000), "green").save(big, "JPEG")
    assert Image.open(io.BytesIO(make_blind_copy(big.getvalue(), "photo", "a.jpg"))).size == (2400, 800)
    assert Image.open(io.BytesIO(make_blind_copy(big.getvalue(), "photo", "a.jpg", max_long_side=600))).size == (600, 200)
    assert Image.open(io.BytesIO(make_blind_copy(big.getvalue(), "photo", "a.jpg", max_long_side=None))).size == (3000, 1000)


def test_real_phone_photo_loses_gps_maker_note_and_thumbnail():
    original = (SAMPLES / "photo_gps.jpg").read_bytes()
    assert original.count(b"\xff\xd8\xff") >= 2 and b"Apple" in original  # thumbnail and maker note present
    blind = make_blind_copy(original, "photo", "photo_gps.jpg")
    image = Image.open(io.BytesIO(blind))
    assert not image.getexif() and "exif" not in image.info
    assert blind.count(b"\xff\xd8\xff") == 1  # the only image left is the photo itself
    assert 0xE1 not in jpeg_markers(blind) and b"Apple" not in blind and b"iPhone" not in blind
    assert max(image.size) == 2400


def test_real_press_photo_loses_artist_unit_and_people():
    secrets = ["SSG KYLE DAVIS", "KYLE DAVIS", "HHC 1ST BCT, 10TH MOUNTAIN", "10TH MOUNTAIN", "Kevin Dasher", "KANDAHAR"]
    original = (SAMPLES / "photo_xmp_iptc.jpg").read_bytes()
    assert leaks([original], secrets)
    blind = make_blind_copy(original, "photo", "photo_xmp_iptc.jpg")
    assert leaks([blind], secrets) == []
    assert not {0xE1, 0xED} & set(jpeg_markers(blind))
    assert Image.open(io.BytesIO(blind)).size == (100, 73)


def pdf_objects_bytes(data):
    """The raw file plus every decoded stream and every string, so compression cannot hide a leak."""
    blobs = [data]
    with pikepdf.open(io.BytesIO(data)) as pdf:
        for obj in pdf.objects:
            blobs.append(obj.unparse() if not isinstance(obj, pikepdf.Stream) else b"")
            if isinstance(obj, pikepdf.Stream):
                try:
                    blobs.append(obj.read_bytes(decode_level=pikepdf.StreamDecodeLevel.generalized))
                except pikepdf.PdfError:  # a JPEG stream: its raw bytes are what matters
                    blobs.append(obj.read_raw_bytes())
            blobs.extend(str(value).encode("utf-8") for value in _strings_in(obj))
    return blobs


def _strings_in(obj, depth=0):
    if isinstance(obj, pikepdf.String):
        yield obj
    elif isinstance(obj, (pikepdf.Dictionary, pikepdf.Stream)) and depth < 20:
        for key in obj.keys():
            child = obj[key]
            if isinstance(child, pikepdf.Object) and not child.is_indirect:
                yield from _strings_in(child, depth + 1)
    elif isinstance(obj, pikepdf.Array) and depth < 20:
        for child in obj:
            if isinstance(child, pikepdf.Object) and not child.is_indirect:
                yield from _strings_in(child, depth + 1)


def authored_pdf():
    """Two pages, naming Alice Zhang in every hiding place a PDF offers."""
    pdf = pikepdf.new()
    pdf.add_blank_page()
    pdf.add_blank_page()
    pdf.docinfo[Name.Author] = "Alice Zhang"
    pdf.docinfo[Name("/Company")] = "Sunshine Volunteers"
    with pdf.open_metadata(set_pikepdf_as_editor=False) as metadata:
        metadata["dc:creator"] = ["Alice Zhang"]
    page = pdf.pages[0].obj
    page.Metadata = pdf.make_stream(b"<x:xmpmeta>Alice Zhang</x:xmpmeta>", Type=Name.Metadata, Subtype=Name.XML)
    page.PieceInfo = Dictionary(Illustrator=Dictionary(Private=Dictionary(Author=String("Alice Zhang"))))
    pdf.attachments["notes.txt"] = pikepdf.AttachedFileSpec(pdf, b"written by Alice Zhang", filename="notes.txt")
    attachment_spec = pikepdf.AttachedFileSpec(pdf, b"Alice Zhang again", filename="more.txt")
    popup = pdf.make_indirect(Dictionary(Type=Name.Annot, Subtype=Name.Popup, Rect=[0, 0, 9, 9], T=String("Alice Zhang")))
    note = Dictionary(Type=Name.Annot, Subtype=Name.Text, Rect=[0, 0, 9, 9], T=String("Alice Zhang"),
                      Contents=String("Looks good"), Popup=popup)  # fmt: skip
    field = pdf.make_indirect(Dictionary(Type=Name.Annot, Subtype=Name.Widget, FT=Name.Tx, Rect=[0, 0, 9, 9], T=String("field1")))
    clip = Dictionary(Type=Name.Annot, Subtype=Name.FileAttachment, Rect=[0, 0, 9, 9], FS=attachment_spec.obj)
    page.Annots = Array([note, popup, field, clip])
    pdf.Root.AcroForm = Dictionary(Fields=Array([field]))
    script = Dictionary(S=Name.JavaScript, JS=String("app.alert('Alice Zhang')"))
    pdf.Root.OpenAction = script
    pdf.Root.Names.JavaScript = Dictionary(Names=Array([String("hello"), pdf.make_indirect(script)]))
    output = io.BytesIO()
    pdf.save(output, object_stream_mode=pikepdf.ObjectStreamMode.generate)
    return output.getvalue()


def test_pdf_loses_author_metadata_attachments_scripts_and_annotation_authors():
    original = authored_pdf()
    assert leaks(pdf_objects_bytes(original), ["Alice Zhang"])
    blind = make_blind_copy(original, "pdf", "report.pdf")
    assert leaks(pdf_objects_bytes(blind), ["Alice Zhang", "Sunshine Volunteers"]) == []
    with pikepdf.open(io.BytesIO(blind)) as pdf, pikepdf.open(io.BytesIO(original)) as source:
        assert len(pdf.pages) == 2
        assert Name.Info not in pdf.trailer and Name.Metadata not in pdf.Root
        assert Name.OpenAction not in pdf.Root and not set(pdf.Root.Names.keys()) & {"/EmbeddedFiles", "/JavaScript"}
        assert len(pdf.attachments) == 0
        annotations = {str(annotation.Subtype): annotation for annotation in pdf.pages[0].Annots}
        assert "/FileAttachment" not in annotations
        # A comment keeps its place on the page, not its author, text or pop-up.
        assert Name.Contents not in annotations["/Text"] and Name.T not in annotations["/Text"]
        assert "/Popup" not in annotations and Name.Popup not in annotations["/Text"]
        # The form is flattened: what a field showed is page content, its name and value are gone.
        assert "/Widget" not in annotations and Name.AcroForm not in pdf.Root
        assert Name.PieceInfo not in pdf.pages[0].obj and Name.Metadata not in pdf.pages[0].obj
        assert pdf.trailer.ID[0] != source.trailer.ID[0]
    assert len(PdfReader(io.BytesIO(blind)).pages) == 2
    assert verify_upload(blind, "blind.pdf").page_count == 2


def test_photo_placed_in_a_pdf_loses_its_exif_but_keeps_its_pixels():
    photo = tagged_photo(orientation=1)
    pdf = pikepdf.new()
    pdf.add_blank_page()
    image = pdf.make_stream(photo, Type=Name.XObject, Subtype=Name.Image, Width=40, Height=20,
                            ColorSpace=Name.DeviceRGB, BitsPerComponent=8, Filter=Name.DCTDecode)  # fmt: skip
    pdf.pages[0].obj.Resources = Dictionary(XObject=Dictionary(Im0=image))
    pdf.pages[0].obj.Contents = pdf.make_stream(b"q 40 0 0 20 0 0 cm /Im0 Do Q")
    output = io.BytesIO()
    pdf.save(output)
    assert leaks([output.getvalue()], ["Jane Artist"])
    blind = make_blind_copy(output.getvalue(), "pdf", "photos.pdf")
    assert leaks(pdf_objects_bytes(blind), ["Jane Artist"]) == []
    with pikepdf.open(io.BytesIO(blind)) as result:
        stream = result.pages[0].Resources.XObject.Im0.read_raw_bytes()
    assert stream[-200:] == photo[-200:]  # the compressed pixels are the same bytes
    assert Image.open(io.BytesIO(stream)).getpixel((5, 5))[0] > 200 and not Image.open(io.BytesIO(stream)).getexif()


def test_real_pdf_loses_author_and_company_in_info_and_xmp():
    secrets = ["微软用户", "微软中国"]
    original = (SAMPLES / "report_xmp_author.pdf").read_bytes()
    assert leaks(pdf_objects_bytes(original), secrets)
    blind = make_blind_copy(original, "pdf", "report_xmp_author.pdf")
    assert leaks(pdf_objects_bytes(blind), secrets) == []
    assert len(PdfReader(io.BytesIO(blind)).pages) == len(PdfReader(io.BytesIO(original)).pages) == 1
    assert "商品编码" in extract_text(blind, "pdf")  # the content itself is untouched


def test_damaged_pdf_is_refused_rather_than_copied():
    with pytest.raises(UploadRefused) as caught:
        make_blind_copy(b"%PDF-1.7\n garbage", "pdf", "broken.pdf")
    assert caught.value.reason == "blind_failed" and "broken.pdf" in str(caught.value)


W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
R = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
PACKAGE_REL = "http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties"


def build_package(members, overrides, package_rels):
    """Zip an OOXML package from member texts, content-type overrides and root relationships."""
    types = "".join(f'<Override PartName="/{part}" ContentType="application/vnd.{kind}"/>' for part, kind in overrides.items())
    rels = "".join(f'<Relationship Id="rId{i}" Type="{kind}" Target="{target}"/>' for i, (kind, target) in enumerate(package_rels, 1))
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                         '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                         f'<Default Extension="xml" ContentType="application/xml"/><Default Extension="jpeg" ContentType="image/jpeg"/>{types}</Types>')  # fmt: skip
        archive.writestr("_rels/.rels", f'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">{rels}</Relationships>')
        for name, content in members.items():
            archive.writestr(name, content)
    return output.getvalue()


def relationships(*entries):
    body = "".join(f'<Relationship Id="{rid}" Type="{kind}" Target="{target}"{extra}/>' for rid, kind, target, extra in entries)
    return f'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">{body}</Relationships>'


def authored_docx():
    """A Word file by Zhang San, commented by Li Lei, edited with tracked changes by Wang Fang."""
    document = (
        f'<w:document {W} {R}><w:body>'
        '<w:p><w:commentRangeStart w:id="0"/><w:r><w:t>Our volunteers ran 120 sessions.</w:t></w:r><w:commentRangeEnd w:id="0"/>'
        '<w:r><w:rPr><w:rStyle w:val="CommentReference"/></w:rPr><w:commentReference w:id="0"/></w:r></w:p>'
        '<w:p><w:ins w:id="1" w:author="Wang Fang" w:date="2024-03-01T10:00:00Z"><w:r><w:t>Added later.</w:t></w:r></w:ins>'
        '<w:del w:id="2" w:author="Wang Fang"><w:r><w:delText>Old words.</w:delText></w:r></w:del>'
        '<w:r><w:rPr><w:b/><w:rPrChange w:id="3" w:author="Wang Fang"><w:rPr/></w:rPrChange></w:rPr><w:t>Bold.</w:t></w:r></w:p>'
        '<w:p><w:r><w:drawing><pic xmlns="urn:pic"><blip r:embed="rId3"/></pic></w:drawing></w:r></w:p></w:body></w:document>'
    )
    members = {
        "word/document.xml": document,
        "word/_rels/document.xml.rels": relationships(
            ("rId1", REL + "comments", "comments.xml", ""), ("rId2", REL + "settings", "settings.xml", ""),
            ("rId3", REL + "image", "media/image1.jpeg", ""),
            ("rId4", "http://schemas.microsoft.com/office/2011/relationships/people", "people.xml", ""),
        ),  # fmt: skip
        "word/comments.xml": f'<w:comments {W}><w:comment w:id="0" w:author="Li Lei" w:initials="LL"><w:p><w:r><w:t>Li Lei likes it</w:t></w:r></w:p></w:comment></w:comments>',
        "word/people.xml": '<w15:people xmlns:w15="http://schemas.microsoft.com/office/word/2012/wordml"><w15:person w15:author="Li Lei"><w15:presenceInfo w15:providerId="AD" w15:userId="li.lei@sunshine.org"/></w15:person></w15:people>',
        "word/settings.xml": f'<w:settings {W} {R}><w:attachedTemplate r:id="rId1"/><w:trackRevisions/></w:settings>',
        "word/_rels/settings.xml.rels": relationships(
            ("rId1", REL + "attachedTemplate", "file:///C:/Users/zhangsan/Templates/Sunshine.dotm", ' TargetMode="External"')
        ),
        "word/media/image1.jpeg": tagged_photo(orientation=1),
        "docProps/core.xml": '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/">'
        "<dc:title>Sunshine case</dc:title><dc:creator>Zhang San</dc:creator><cp:lastModifiedBy>Zhang San</cp:lastModifiedBy>"
        "<cp:keywords>Sunshine</cp:keywords><dc:description>by Zhang San</dc:description></cp:coreProperties>",
        "docProps/app.xml": '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"><Template>Sunshine.dotm</Template>'
        "<Application>Microsoft Office Word</Application><Company>Sunshine Volunteers Association</Company><Manager>Zhang San</Manager><Pages>1</Pages></Properties>",
        "docProps/custom.xml": '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"><property name="Owner"><vt:lpwstr xmlns:vt="urn:vt">Zhang San</vt:lpwstr></property></Properties>',
    }
    overrides = {
        "word/document.xml": "openxmlformats-officedocument.wordprocessingml.document.main+xml",
        "word/comments.xml": "openxmlformats-officedocument.wordprocessingml.comments+xml",
        "word/people.xml": "openxmlformats-officedocument.wordprocessingml.people+xml",
        "word/settings.xml": "openxmlformats-officedocument.wordprocessingml.settings+xml",
        "docProps/core.xml": "openxmlformats-package.core-properties+xml",
        "docProps/app.xml": "openxmlformats-officedocument.extended-properties+xml",
        "docProps/custom.xml": "openxmlformats-officedocument.custom-properties+xml",
    }
    package_rels = [(REL + "officeDocument", "word/document.xml"), (PACKAGE_REL, "docProps/core.xml"),
                    (REL + "extended-properties", "docProps/app.xml"), (REL + "custom-properties", "docProps/custom.xml")]  # fmt: skip
    return build_package(members, overrides, package_rels)


def members_of(data):
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.testzip() is None
        return {name: archive.read(name) for name in archive.namelist()}


def test_docx_loses_author_commenter_editor_and_properties():
    secrets = ["Zhang San", "zhangsan", "Li Lei", "li.lei", "Wang Fang", "Sunshine", "Jane Artist"]
    original = authored_docx()
    verify_upload(original, "case.docx")
    assert leaks(members_of(original).values(), secrets)
    blind = make_blind_copy(original, "office", "case.docx")
    members = members_of(blind)
    assert leaks(members.values(), secrets) == []
    assert not {"word/comments.xml", "word/people.xml", "docProps/custom.xml"} & set(members)
    assert b"comments" not in members["word/_rels/document.xml.rels"] and b"custom" not in members["_rels/.rels"]
    assert b"comments" not in members["[Content_Types].xml"] and b"custom-properties" not in members["[Content_Types].xml"]
    document = members["word/document.xml"]
    assert b"commentReference" not in document and b"commentRangeStart" not in document
    assert document.count(b'w:author="Reviewer"') == 3  # the tracked changes stay, anonymised
    assert b"attachedTemplate" not in members["word/settings.xml"]
    assert not Image.open(io.BytesIO(members["word/media/image1.jpeg"])).getexif()
    check_package_consistency(blind)
    assert verify_upload(blind, "blind.docx").extension == "docx"
    text = extract_text(blind, "office")
    assert "Our volunteers ran 120 sessions." in text and "Added later." in text


XLSX_MAIN = {"xl/workbook.xml": "openxmlformats-officedocument.spreadsheetml.sheet.main+xml"}
PPTX_MAIN = {"ppt/presentation.xml": "openxmlformats-officedocument.presentationml.presentation.main+xml"}


def commented_xlsx():
    x = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    members = {
        "xl/workbook.xml": f'<workbook {x} {R} xmlns:x15ac="urn:x15ac"><fileSharing userName="Chen Jing"/><x15ac:absPath url="C:\\Users\\chenjing\\Desktop\\"/>'
        '<sheets><sheet name="Log" sheetId="1" r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": relationships(
            ("rId1", REL + "worksheet", "worksheets/sheet1.xml", ""),
            ("rId2", "http://schemas.microsoft.com/office/2017/10/relationships/person", "persons/person.xml", ""),
        ),
        "xl/worksheets/sheet1.xml": f'<worksheet {x}><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>120 sessions</t></is></c></row></sheetData></worksheet>',
        "xl/worksheets/_rels/sheet1.xml.rels": relationships(
            ("rId1", REL + "comments", "../comments1.xml", ""),
            ("rId2", "http://schemas.microsoft.com/office/2017/10/relationships/threadedComment", "../threadedComments/threadedComment1.xml", ""),
        ),
        "xl/comments1.xml": f"<comments {x}><authors><author>Chen Jing</author></authors><commentList/></comments>",
        "xl/threadedComments/threadedComment1.xml": '<ThreadedComments xmlns="urn:tc"><threadedComment ref="A1" personId="{1}"><text>Chen Jing checked</text></threadedComment></ThreadedComments>',
        "xl/persons/person.xml": '<personList xmlns="urn:p"><person displayName="Chen Jing" id="{1}" userId="chenjing@sunshine.org" providerId="AD"/></personList>',
    }
    overrides = {**XLSX_MAIN, "xl/comments1.xml": "openxmlformats-officedocument.spreadsheetml.comments+xml",
                 "xl/threadedComments/threadedComment1.xml": "ms-excel.threadedcomments+xml", "xl/persons/person.xml": "ms-excel.person+xml"}  # fmt: skip
    return build_package(members, overrides, [(REL + "officeDocument", "xl/workbook.xml")])


def commented_pptx():
    p = 'xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main"'
    members = {
        "ppt/presentation.xml": f'<p:presentation {p} {R}><p:sldIdLst><p:sldId id="256" r:id="rId1"/></p:sldIdLst></p:presentation>',
        "ppt/_rels/presentation.xml.rels": relationships(
            ("rId1", REL + "slide", "slides/slide1.xml", ""), ("rId2", REL + "commentAuthors", "commentAuthors.xml", ""),
            ("rId3", "http://schemas.microsoft.com/office/2018/10/relationships/authors", "authors.xml", ""),
        ),  # fmt: skip
        "ppt/slides/slide1.xml": f'<p:sld {p} {R}><p:cSld><p:spTree><a:t xmlns:a="urn:a">Tai chi in the park</a:t></p:spTree></p:cSld>'
        '<p:extLst><p:ext uri="{6950BFC3-D8DA-4A85-94F7-54DA5524770B}"><p188:commentRel xmlns:p188="urn:p188" r:id="rId2"/></p:ext></p:extLst></p:sld>',
        "ppt/slides/_rels/slide1.xml.rels": relationships(
            ("rId1", REL + "comments", "../comments/comment1.xml", ""),
            ("rId2", "http://schemas.microsoft.com/office/2018/10/relationships/comments", "../comments/modernComment_1.xml", ""),
        ),
        "ppt/commentAuthors.xml": f'<p:cmAuthorLst {p}><p:cmAuthor id="0" name="Zhou Min" initials="ZM"/></p:cmAuthorLst>',
        "ppt/authors.xml": '<p188:authorLst xmlns:p188="urn:p188"><p188:author name="Zhou Min" userId="zhoumin@sunshine.org"/></p188:authorLst>',
        "ppt/comments/comment1.xml": f'<p:cmLst {p}><p:cm authorId="0"><p:text>Zhou Min was here</p:text></p:cm></p:cmLst>',
        "ppt/comments/modernComment_1.xml": '<p188:cmLst xmlns:p188="urn:p188"><p188:cm><p188:txBody>Zhou Min again</p188:txBody></p188:cm></p188:cmLst>',
    }
    overrides = {**PPTX_MAIN, "ppt/slides/slide1.xml": "openxmlformats-officedocument.presentationml.slide+xml",
                 "ppt/commentAuthors.xml": "openxmlformats-officedocument.presentationml.commentAuthors+xml",
                 "ppt/authors.xml": "ms-powerpoint.authors+xml", "ppt/comments/comment1.xml": "openxmlformats-officedocument.presentationml.comments+xml",
                 "ppt/comments/modernComment_1.xml": "ms-powerpoint.comments+xml"}  # fmt: skip
    return build_package(members, overrides, [(REL + "officeDocument", "ppt/presentation.xml")])


@pytest.mark.parametrize(
    ("build", "secrets", "kept_text"),
    [(commented_xlsx, ["Chen Jing", "chenjing"], "120 sessions"), (commented_pptx, ["Zhou Min", "zhoumin", "ZM"], "Tai chi in the park")],
)
def test_spreadsheet_and_presentation_comments_and_people_are_removed(build, secrets, kept_text):
    original = build()
    verify_upload(original, "file.zip")
    assert leaks(members_of(original).values(), secrets)
    blind = make_blind_copy(original, "office", "file")
    members = members_of(blind)
    assert leaks(members.values(), secrets) == []
    assert not [name for name in members if "omment" in name or "person" in name or "uthor" in name]
    assert b"commentRel" not in b"".join(members.values()) and b"<p:ext " not in b"".join(members.values())
    check_package_consistency(blind)
    assert kept_text in extract_text(blind, "office")


def test_zip_bomb_hidden_in_an_embedded_workbook_is_refused():
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"<a/>" + b" " * (30 * 1024 * 1024))
    members = members_of(authored_docx())
    members["word/embeddings/Workbook1.xlsx"] = inner.getvalue()
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    verify_upload(output.getvalue(), "case.docx")  # the outer package looks harmless
    with pytest.raises(UploadRefused) as caught:
        make_blind_copy(output.getvalue(), "office", "case.docx")
    assert caught.value.reason == "blind_failed"


def test_real_spreadsheet_loses_company_manager_and_author():
    secrets = ["Dr. Heinz Doofenshmirtz", "Doofenshmirtz", "of Wolves", "Someone", "This is an example spreadsheet"]
    original = (SAMPLES / "sheet_app_properties.xlsx").read_bytes()
    assert leaks(members_of(original).values(), secrets)
    blind = make_blind_copy(original, "office", "sheet_app_properties.xlsx")
    assert leaks(members_of(blind).values(), secrets) == []
    workbook = openpyxl.load_workbook(io.BytesIO(blind))
    assert workbook.properties.creator in (None, "", "openpyxl") and not workbook.properties.title
    assert workbook.active["A1"].value.startswith("Select 'Office Button")
    assert verify_upload(blind, "blind.xlsx").extension == "xlsx"


def test_text_extraction_feeds_the_identity_check():
    mentions = find_identity_mentions(extract_text(authored_docx(), "office"), Identity(organization="Sunshine Volunteers Association"))
    assert [mention.matched for mention in mentions] == ["Sunshine Volunteers Association"]  # found in the properties of the original
    assert extract_text(b"", "photo") == ""
