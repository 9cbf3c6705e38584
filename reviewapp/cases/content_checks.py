"""Content checks behind verify_upload: images decode fully, PDFs open, Office packages are sane.

Each check raises ``ContentProblem`` with a short reason code; uploads.py turns
the code into a message for the uploader.
"""

import io
import re
import warnings
import zipfile
import zlib
from dataclasses import dataclass

import pikepdf
from PIL import Image, ImageFile

from .ooxml import ContentProblem, OfficePackage, ZipLimits, check_zip_safety, identify_package

__all__ = ["ContentProblem", "ImageFacts", "ZipLimits", "check_image", "check_office", "check_pdf"]

# Active content that turns a photo or PDF into something a browser or server would run.
# Matched against lower-cased bytes (faster than IGNORECASE). Only patterns of six or more
# bytes: shorter ones turn up by chance in compressed pixel data.
# A browser that opens the file as a page (saved as .html, or sniffed) runs any element with an
# event handler (`<img src=x onerror=...>`, `<x onmouseover=...>`) and loads any src/href: both
# are found wherever they sit (a JPEG comment, after its end marker, a stored Office part).
_ACTIVE_CONTENT = re.compile(
    rb"<(?:script|html[\s>]|body[\s>]|iframe|object|embed[\s>]|!doctype\s+html|\?php\s|svg[^>]{0,200}xmlns)"
    rb"|(?:java|vb)script:"
    rb"|<[a-z][a-z0-9-]{0,15}(?:[\s/][^<>]{0,400}?)?[\s/\"'](?:on[a-z]{3,30}|formaction|srcdoc)\s*=\s*[^\s>]"
    rb"|<(?:img|image|video|audio|source|input|frame|link|meta|base|form|a|math|svg|template|details|marquee"
    rb"|isindex|button|object|embed|track|use)(?:[\s/][^<>]{0,400}?)?[\s/\"'](?:src|href|srcset|data|action"
    rb"|http-equiv|poster|background)\s*="
)

_IMAGE_FORMATS = {
    "jpeg": (("JPEG",), {"JPEG", "MPO"}, "image/jpeg", "jpg"),
    "png": (("PNG",), {"PNG"}, "image/png", "png"),
    "webp": (("WEBP",), {"WEBP"}, "image/webp", "webp"),
}


@dataclass(frozen=True)
class ImageFacts:
    """What a successful image check learned."""

    mime: str
    extension: str
    width: int
    height: int


# A PDF comment's rich text (/RC) and a field's rich value (/RV) are XHTML bodies by the standard:
# Acrobat writes them uncompressed. They are not a hidden web page (and the blind copy drops them).
_PDF_RICH_TEXT = re.compile(rb"/r[cv]\s*\((?:\\.|[^\\)]){0,400}?$", re.DOTALL)


def contains_other_content(data: bytes, pdf: bool = False) -> bool:
    """True if the bytes also carry markup, script, a zip archive or a PDF besides their own format."""
    lowered = data.lower()
    for match in _ACTIVE_CONTENT.finditer(lowered):
        tag = match.group()
        rich_text_body = tag.startswith((b"<body", b"<html"))
        if pdf and rich_text_body and _PDF_RICH_TEXT.search(lowered, max(0, match.start() - 400), match.start()):
            continue
        return True
    if not data.startswith(b"%PDF-") and b"%PDF-" in data:
        return True
    return zipfile.is_zipfile(io.BytesIO(data))


def check_image(data: bytes, family: str, max_pixels: int) -> ImageFacts:
    """Decode the whole image; refuse polyglots, bombs, animation and damaged data."""
    open_formats, accepted_formats, mime, extension = _IMAGE_FORMATS[family]
    if contains_other_content(data):
        raise ContentProblem("polyglot")
    # WeasyPrint sets this process-wide flag to True when imported, which would let
    # truncated images decode "successfully"; uploads must always be decoded strictly.
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    with warnings.catch_warnings():
        # Pillow only warns between its limit and twice its limit; a warning is a refusal here.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(io.BytesIO(data), formats=open_formats) as image:
                if image.format not in accepted_formats:
                    raise ContentProblem("image_corrupt", f"format {image.format}")
                width, height = image.size
                if width * height > max_pixels:
                    raise ContentProblem("image_too_many_pixels", f"{width}x{height}")
                if getattr(image, "n_frames", 1) > 1 and image.format != "MPO":
                    raise ContentProblem("image_animated")
                image.load()
        except ContentProblem:
            raise
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
            raise ContentProblem("image_too_many_pixels", str(error)) from error
        except Exception as error:  # Pillow signals damaged data with many exception types.
            raise ContentProblem("image_corrupt", f"{type(error).__name__}: {error}") from error
    return ImageFacts(mime=mime, extension=extension, width=width, height=height)


def check_pdf(data: bytes) -> int:
    """Open the PDF with qpdf and return its page count; refuse polyglots, passwords and damage."""
    if contains_other_content(data, pdf=True):
        raise ContentProblem("polyglot")
    try:
        with pikepdf.open(io.BytesIO(data)) as pdf:
            page_count = len(pdf.pages)
    except pikepdf.PasswordError as error:
        raise ContentProblem("pdf_password") from error
    except Exception as error:  # qpdf reports damage as PdfError, but broken trees raise others too.
        raise ContentProblem("pdf_corrupt", f"{type(error).__name__}: {error}") from error
    if page_count == 0:
        raise ContentProblem("pdf_empty")
    return page_count


def _has_data_after_archive(data: bytes) -> bool:
    # zipfile finds the end record even with junk after it; a real package ends with that record.
    end_record = data.rfind(b"PK\x05\x06")
    if end_record < 0 or end_record + 22 > len(data):
        return True
    comment_length = int.from_bytes(data[end_record + 20 : end_record + 22], "little")
    comment = data[end_record + 22 :]
    return len(comment) != comment_length or bool(_ACTIVE_CONTENT.search(comment.lower()))


_WEB_PAGE_PARTS = (".htm", ".html", ".xhtml", ".mht", ".mhtml", ".shtml")


def check_office(data: bytes, limits: ZipLimits) -> OfficePackage:
    """Check an OOXML package: zip bomb limits, safe member names, no macros, all members readable."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, EOFError) as error:
        raise ContentProblem("zip_corrupt", str(error)) from error
    with archive:
        # What a browser would see of the file: stored (uncompressed) parts, gaps, the end.
        if _has_data_after_archive(data) or _ACTIVE_CONTENT.search(data.lower()):
            raise ContentProblem("polyglot")
        check_zip_safety(archive, len(data), limits)
        package = identify_package(archive)
        for member in archive.infolist():
            try:
                content = archive.read(member)  # checks the CRC
            except (zipfile.BadZipFile, zlib.error, EOFError, ValueError, NotImplementedError) as error:
                raise ContentProblem("zip_corrupt", f"{member.filename}: {error}") from error
            if member.filename.lower().endswith(_WEB_PAGE_PARTS):  # an imported HTML chunk (altChunk)
                raise ContentProblem("polyglot", member.filename)
            if member.filename.endswith((".xml", ".rels")) and (
                b"<!DOCTYPE" in content[:4096].upper() or b"<!ENTITY" in content.upper()
            ):
                raise ContentProblem("xml_dtd", member.filename)
    return package
