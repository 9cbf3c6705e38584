"""Upload verification by content: what is accepted, what is refused and why, and that refusals write nothing."""

import io
import os
import struct
import zipfile
import zlib
from pathlib import Path

import pikepdf
import pytest
from PIL import Image

from reviewapp.cases.ooxml import ZipLimits
from reviewapp.cases.uploads import (
    OFFICE,
    PDF,
    PHOTO,
    UploadLimits,
    UploadRefused,
    format_megabytes,
    read_upload,
    safe_display_name,
    verify_upload,
)

SAMPLES = Path(__file__).resolve().parents[3] / "shared" / "data" / "evidence-samples"

WORD_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
EXCEL_MAIN = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
POWERPOINT_MAIN = "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml"


def image_bytes(format_name="JPEG", size=(64, 48), **save_options):
    image = Image.new("RGB", size, (200, 30, 30))
    output = io.BytesIO()
    image.save(output, format_name, **save_options)
    return output.getvalue()


def pdf_bytes(pages=1, **save_options):
    pdf = pikepdf.new()
    for _ in range(pages):
        pdf.add_blank_page()
    output = io.BytesIO()
    pdf.save(output, **save_options)
    return output.getvalue()


def package_bytes(main_part="word/document.xml", main_type=WORD_MAIN, extra_members=(), extra_overrides=""):
    """A minimal OOXML package built by hand."""
    content_types = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/{main_part}" ContentType="{main_type}"/>{extra_overrides}</Types>'
    )
    rels = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        f'officeDocument" Target="{main_part}"/></Relationships>'
    )
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", content_types)
        archive.writestr("_rels/.rels", rels)
        archive.writestr(main_part, '<?xml version="1.0"?><document><body>text</body></document>')
        for name, content in extra_members:
            archive.writestr(name, content)
    return output.getvalue()


def png_declaring(width, height):
    """A tiny PNG whose header claims ``width`` x ``height`` pixels."""

    def chunk(kind, payload):
        return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", zlib.crc32(kind + payload))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\x00" * 64)) + chunk(b"IEND", b"")


def refusal(data, name="evidence.jpg", **limits):
    with pytest.raises(UploadRefused) as caught:
        verify_upload(data, name, UploadLimits(**limits))
    return caught.value


@pytest.mark.parametrize(
    ("data", "name", "kind", "mime", "extension"),
    [
        (image_bytes("JPEG"), "photo.jpg", PHOTO, "image/jpeg", "jpg"),
        (image_bytes("PNG"), "photo.png", PHOTO, "image/png", "png"),
        (image_bytes("WEBP"), "photo.webp", PHOTO, "image/webp", "webp"),
        (image_bytes("PNG"), "misnamed.jpg", PHOTO, "image/png", "png"),
        (pdf_bytes(pages=3), "report.pdf", PDF, "application/pdf", "pdf"),
        (package_bytes(), "case.docx", OFFICE, "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx"),
        (package_bytes("xl/workbook.xml", EXCEL_MAIN), "log.xlsx", OFFICE, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
        (package_bytes("ppt/presentation.xml", POWERPOINT_MAIN), "slides.pptx", OFFICE, "application/vnd.openxmlformats-officedocument.presentationml.presentation", "pptx"),
    ],
)
def test_accepts_supported_types_by_content(data, name, kind, mime, extension):
    verified = verify_upload(data, name)
    assert (verified.kind, verified.mime, verified.extension, verified.size) == (kind, mime, extension, len(data))
    assert verified.display_name == name


def test_reports_image_size_and_pdf_page_count():
    photo = verify_upload(image_bytes(size=(64, 48)), "a.jpg")
    assert (photo.width, photo.height) == (64, 48)
    assert verify_upload(pdf_bytes(pages=3), "a.pdf").page_count == 3


@pytest.mark.parametrize(
    ("name", "kind", "extension"),
    [
        ("photo_gps.jpg", PHOTO, "jpg"),
        ("photo_xmp_iptc.jpg", PHOTO, "jpg"),
        ("report_xmp_author.pdf", PDF, "pdf"),
        ("sheet_app_properties.xlsx", OFFICE, "xlsx"),
    ],
)
def test_accepts_the_real_evidence_samples(name, kind, extension):
    verified = verify_upload((SAMPLES / name).read_bytes(), name)
    assert (verified.kind, verified.extension) == (kind, extension)


def test_refuses_svg():
    svg = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect/></svg>'
    refused = refusal(svg, "logo.svg")
    assert refused.reason == "svg"
    assert "SVG" in str(refused)


def test_refuses_html_renamed_to_jpg():
    refused = refusal(b"<!DOCTYPE html><html><script>alert(document.cookie)</script></html>", "photo.jpg")
    assert refused.reason == "html"
    assert "photo.jpg" in str(refused) and "HTML" in str(refused)


def test_refuses_jpeg_carrying_a_script():
    photo = image_bytes("JPEG", comment=b"<script>fetch('/steal')</script>")
    Image.open(io.BytesIO(photo)).load()  # it is a perfectly good JPEG...
    assert refusal(photo).reason == "polyglot"  # ...and also a web page


def test_refuses_jpeg_with_a_zip_appended():
    appended = io.BytesIO()
    with zipfile.ZipFile(appended, "w") as archive:
        archive.writestr("payload.txt", "hidden")
    refused = refusal(image_bytes("JPEG") + appended.getvalue())
    assert refused.reason == "polyglot"
    assert "hides other content" in str(refused)


def test_refuses_pdf_with_a_zip_appended():
    appended = io.BytesIO()
    with zipfile.ZipFile(appended, "w") as archive:
        archive.writestr("payload.txt", "hidden")
    assert refusal(pdf_bytes() + appended.getvalue(), "report.pdf").reason == "polyglot"


def test_refuses_office_package_with_a_web_page_appended():
    assert refusal(package_bytes() + b"<html><script>x</script></html>", "case.docx").reason == "polyglot"


def test_refuses_truncated_jpeg():
    photo = image_bytes("JPEG", size=(640, 480))
    refused = refusal(photo[: len(photo) // 2])
    assert refused.reason == "image_corrupt"
    assert "damaged or incomplete" in str(refused)


def test_refuses_truncated_png():
    photo = image_bytes("PNG", size=(640, 480))
    assert refusal(photo[: len(photo) - 40], "photo.png").reason == "image_corrupt"


def test_refuses_decompression_bomb_declared_in_the_header():
    refused = refusal(png_declaring(100_000, 100_000), "bomb.png")
    assert refused.reason == "image_too_many_pixels"
    assert "too many pixels" in str(refused)


def test_pixel_limit_is_configurable():
    photo = image_bytes("PNG", size=(2000, 1000))
    assert verify_upload(photo, "big.png", UploadLimits(max_pixels=2_000_000)).width == 2000
    refused = refusal(photo, "big.png", max_pixels=1_000_000)
    assert refused.reason == "image_too_many_pixels"
    assert "more than 1 million" in str(refused)


def test_refuses_zip_bomb_office_file():
    bomb = package_bytes(extra_members=[("word/media/filler.bin", b"\0" * (30 * 1024 * 1024))])
    assert len(bomb) < 100_000
    refused = refusal(bomb, "case.docx")
    assert refused.reason == "zip_ratio"
    assert "too much data" in str(refused)


def test_refuses_office_file_over_the_uncompressed_total():
    members = [(f"word/media/image{index}.bin", os.urandom(300_000)) for index in range(4)]
    refused = refusal(package_bytes(extra_members=members), "case.docx", zip_limits=ZipLimits(max_total_uncompressed=1_000_000))
    assert refused.reason == "zip_total_size"


def test_refuses_office_file_with_too_many_members():
    members = [(f"word/part{index}.xml", "<a/>") for index in range(30)]
    assert refusal(package_bytes(extra_members=members), "case.docx", zip_limits=ZipLimits(max_members=20)).reason == "zip_members"


@pytest.mark.parametrize("member_name", ["../../evil.xml", "/etc/cron.d/evil", "word\\..\\..\\evil.xml", "C:/evil.xml"])
def test_refuses_office_file_with_unsafe_member_names(member_name):
    refused = refusal(package_bytes(extra_members=[(member_name, "<a/>")]), "case.docx")
    assert refused.reason == "zip_member_name"
    assert "unsafe paths" in str(refused)


def test_refuses_macro_enabled_office_files():
    macro_type = "application/vnd.ms-word.document.macroEnabled.main+xml"
    assert refusal(package_bytes(main_type=macro_type), "case.docm").reason == "ooxml_macros"
    with_vba = package_bytes(extra_members=[("word/vbaProject.bin", b"\xd0\xcf\x11\xe0 macro")])
    refused = refusal(with_vba, "case.docx")
    assert refused.reason == "ooxml_macros"
    assert "macros" in str(refused)


def test_refuses_zip_that_is_not_an_office_document():
    archive_bytes = io.BytesIO()
    with zipfile.ZipFile(archive_bytes, "w") as archive:
        archive.writestr("readme.txt", "hello")
    assert refusal(archive_bytes.getvalue(), "case.docx").reason == "ooxml_missing_parts"


def test_refuses_office_xml_with_a_dtd():
    billion_laughs = '<?xml version="1.0"?><!DOCTYPE a [<!ENTITY a "aaaa">]><a>&a;</a>'
    assert refusal(package_bytes(extra_members=[("word/styles.xml", billion_laughs)]), "case.docx").reason == "xml_dtd"


def test_refuses_legacy_and_password_protected_office_files():
    refused = refusal(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "old.doc")
    assert refused.reason == "office_legacy"
    assert ".docx" in str(refused)


def test_refuses_password_protected_pdf():
    locked = pdf_bytes(encryption=pikepdf.Encryption(user="secret", owner="secret"))
    assert refusal(locked, "report.pdf").reason == "pdf_password"


def test_refuses_unknown_and_empty_files():
    assert refusal(b"MZ\x90\x00 this is an exe", "setup.exe").reason == "unknown_type"
    assert refusal(b"", "empty.jpg").reason == "empty"


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("../../etc/passwd.jpg", "name_path"),
        ("..\\..\\boot.ini.jpg", "name_path"),
        ("/var/www/photo.jpg", "name_path"),
        ("C:photo.jpg", "name_path"),
        ("photo\x00.jpg", "name_control"),
        ("report\u202egpj.exe", "name_control"),
        ("line\nbreak.jpg", "name_control"),
        ("", "name_empty"),
        ("   ", "name_empty"),
        ("..", "name_empty"),
        ("a" * 300 + ".jpg", "name_long"),
    ],
)
def test_refuses_dangerous_file_names(name, reason):
    assert refusal(image_bytes(), name).reason == reason


def test_refuses_oversized_file_stating_the_limit_in_megabytes():
    photo = image_bytes("PNG", size=(800, 800))
    refused = refusal(photo, "poster.png", max_bytes=len(photo) - 1)
    assert refused.reason == "too_large"
    assert str(refused) == f"File poster.png is larger than {format_megabytes(len(photo) - 1)} MB."
    assert str(refusal(b"x" * (1024 * 1024 + 1), "big.pdf", max_bytes=1024 * 1024)) == "File big.pdf is larger than 1 MB."


def test_read_upload_stops_at_the_limit():
    assert read_upload(io.BytesIO(b"x" * 100), "a.pdf", max_bytes=100) == b"x" * 100
    with pytest.raises(UploadRefused) as caught:
        read_upload(io.BytesIO(b"x" * (3 * 1024 * 1024)), "a.pdf", max_bytes=2 * 1024 * 1024)
    assert str(caught.value) == "File a.pdf is larger than 2 MB."


def test_format_megabytes():
    assert [format_megabytes(size) for size in (20 * 1024 * 1024, 512 * 1024, 1536 * 1024, 1024)] == ["20", "0.5", "1.5", "0.00098"]


def test_messages_are_lazy_translatable_strings():
    refused = refusal(b"<html></html>", "page.jpg")
    assert type(refused.message).__name__ == "LazyString"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("活动照片.jpg", "活动照片.jpg"),
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\zhang\\report.pdf", "report.pdf"),
        ("evil\u202egpj.exe", "evil gpj.exe"),
        ("tab\there.png", "tab here.png"),
        ("...hidden.jpg", "hidden.jpg"),
    ],
)
def test_safe_display_name(name, expected):
    assert safe_display_name(name) == expected


def test_safe_display_name_shortens_long_names_keeping_the_extension():
    shortened = safe_display_name("照" * 300 + ".jpeg")
    assert len(shortened) == 120 and shortened.endswith("….jpeg")


def test_safe_display_name_refuses_names_with_nothing_printable():
    with pytest.raises(UploadRefused):
        safe_display_name("\x00\x01/")
