"""Evidence uploads: decide by content what a file is, refuse anything unsafe, store it safely.

Nothing here trusts the uploaded file name: the type comes from the bytes, the
stored name is random, and the original name survives only as a cleaned-up
caption. Refusals raise ``UploadRefused`` with a translatable message for the
person who uploaded the file.
"""

import io
import re
import unicodedata
import uuid
from dataclasses import dataclass, field
from typing import BinaryIO

from flask_babel import lazy_gettext as _l

from .content_checks import (
    ContentProblem,
    ImageFacts,
    ZipLimits,
    check_image,
    check_office,
    check_pdf,
    contains_other_content,
)

PHOTO, PDF, OFFICE = "photo", "pdf", "office"

_SIGNATURES = (
    (b"\xff\xd8\xff", "jpeg"),
    (b"\x89PNG\r\n\x1a\n", "png"),
    (b"%PDF-", "pdf"),
    (b"PK\x03\x04", "zip"),
)
_OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_DISPLAY_NAME_LIMIT = 120


class UploadRefused(Exception):
    """An upload was refused; ``message`` is shown to the uploader, ``reason`` is a short code for logs."""

    def __init__(self, message, reason: str):
        super().__init__(message)
        self.message = message
        self.reason = reason

    def __str__(self) -> str:
        return str(self.message)


def _configured_pixels() -> int:
    from flask import current_app, has_app_context

    return current_app.config.get("IMAGE_MAX_PIXELS", DEFAULT_MAX_PIXELS) if has_app_context() else DEFAULT_MAX_PIXELS


# A 48-50 megapixel phone photo (8160 x 6120) passes; the dimensions are read before decoding.
DEFAULT_MAX_PIXELS = 50_000_000


@dataclass(frozen=True)
class UploadLimits:
    """Configurable bounds for one upload; ``max_bytes`` is the per-file size limit. Pixels and
    archive bounds come from the app's settings (IMAGE_MAX_PIXELS, ARCHIVE_MAX_*)."""

    max_bytes: int = 20 * 1024 * 1024
    max_pixels: int = field(default_factory=_configured_pixels)
    zip_limits: ZipLimits = field(default_factory=ZipLimits.configured)


@dataclass(frozen=True)
class VerifiedFile:
    """A file whose content was checked: what it is and how to name it."""

    kind: str  # PHOTO, PDF or OFFICE
    mime: str
    extension: str  # canonical, from the content: jpg, png, webp, pdf, docx, xlsx, pptx
    size: int
    display_name: str
    width: int | None = None
    height: int | None = None
    page_count: int | None = None




def format_megabytes(size_in_bytes: int) -> str:
    """Human-readable megabytes for messages: 20971520 -> '20', 524288 -> '0.5', 1024 -> '0.00098'."""
    megabytes = size_in_bytes / (1024 * 1024)
    if megabytes < 0.01:
        return f"{megabytes:.2g}"
    return f"{megabytes:.2f}".rstrip("0").rstrip(".")


def _too_large(name: str, max_bytes: int) -> UploadRefused:
    return UploadRefused(
        _l("File %(name)s is larger than %(limit)s MB.", name=name, limit=format_megabytes(max_bytes)),
        "too_large",
    )


def read_upload(stream: BinaryIO, name: str, max_bytes: int) -> bytes:
    """Read an upload stream, refusing it as soon as it passes ``max_bytes``."""
    data = stream.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise _too_large(safe_display_name(name), max_bytes)
    return data


def _is_hidden_control(char: str) -> bool:
    # Cc are control characters; Cf includes bidi overrides that make "exe.jpg" look like "gpj.exe".
    return unicodedata.category(char) in ("Cc", "Cf", "Zl", "Zp")


def check_file_name(name: str) -> None:
    """Refuse names that are empty, contain a path or traversal, or hide control characters."""
    if not name or not name.strip() or name.strip() in (".", ".."):
        raise UploadRefused(_l("The file has no name."), "name_empty")
    if "/" in name or "\\" in name or re.match(r"^[A-Za-z]:", name):
        raise UploadRefused(
            _l(
                "The file name %(name)s contains a folder path; upload the file itself.",
                name=safe_display_name(name),
            ),
            "name_path",
        )
    if any(_is_hidden_control(char) for char in name):
        raise UploadRefused(
            _l("The file name %(name)s contains invisible control characters.", name=safe_display_name(name)),
            "name_control",
        )
    if len(name.encode("utf-8")) > 255:
        raise UploadRefused(_l("The file name is too long (at most 255 bytes)."), "name_long")


def safe_display_name(name: str) -> str:
    """A caption made from an untrusted file name: last path segment, no control characters, at most 120 long.

    Never use the result as a path. Raises UploadRefused if nothing printable is left.
    """
    name = unicodedata.normalize("NFC", name or "")
    name = re.split(r"[/\\]", name)[-1]
    name = "".join(" " if _is_hidden_control(char) else char for char in name)
    name = re.sub(r"\s+", " ", name).strip().lstrip(".").strip()
    if not name:
        raise UploadRefused(_l("The file has no name."), "name_empty")
    if len(name) > _DISPLAY_NAME_LIMIT:
        stem, dot, extension = name.rpartition(".")
        if dot and 0 < len(extension) <= 8:
            name = stem[: _DISPLAY_NAME_LIMIT - len(extension) - 2] + "…." + extension
        else:
            name = name[: _DISPLAY_NAME_LIMIT - 1] + "…"
    return name


def _detect_signature(data: bytes) -> str | None:
    for signature, family in _SIGNATURES:
        if data.startswith(signature):
            return family
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    return None


def _refuse_unknown(data: bytes, display_name: str) -> UploadRefused:
    head = data[:512].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if data.startswith(_OLE_SIGNATURE):
        return UploadRefused(
            _l(
                "%(name)s is an old-style or password-protected Office file. "
                "Save it as .docx, .xlsx or .pptx without a password and upload it again.",
                name=display_name,
            ),
            "office_legacy",
        )
    if head.startswith((b"<svg", b"<?xml")) and b"<svg" in data[:4096].lower():
        return UploadRefused(
            _l("%(name)s is an SVG drawing; SVG files are not accepted.", name=display_name), "svg"
        )
    if head.startswith((b"<!doctype", b"<html", b"<head", b"<body", b"<script", b"<")):
        return UploadRefused(
            _l("%(name)s is a web page (HTML), not a photo or document.", name=display_name), "html"
        )
    return UploadRefused(
        _l(
            "%(name)s is not a supported file type. "
            "Upload JPEG, PNG or WebP photos, PDF, or Word, Excel or PowerPoint (.docx, .xlsx, .pptx) files.",
            name=display_name,
        ),
        "unknown_type",
    )


# Each message is built when a refusal happens, so lazy_gettext keeps its variables.
_PROBLEM_MESSAGES = {
    "polyglot": lambda name, limits: _l(
        "%(name)s hides other content (web page, script or archive) inside the file.", name=name
    ),
    "image_corrupt": lambda name, limits: _l(
        "%(name)s is damaged or incomplete and cannot be opened as an image.", name=name
    ),
    "image_too_many_pixels": lambda name, limits: _l(
        "%(name)s has too many pixels (more than %(limit)s million).",
        name=name,
        limit=f"{limits.max_pixels / 1_000_000:g}",
    ),
    "image_animated": lambda name, limits: _l("%(name)s is an animated image; upload a still photo.", name=name),
    "pdf_corrupt": lambda name, limits: _l("%(name)s is damaged and cannot be opened as a PDF.", name=name),
    "pdf_password": lambda name, limits: _l(
        "%(name)s is password-protected; upload it without a password.", name=name
    ),
    "pdf_empty": lambda name, limits: _l("%(name)s has no pages.", name=name),
    "ooxml_macros": lambda name, limits: _l(
        "%(name)s contains macros or ActiveX controls; save it as a plain .docx, .xlsx or .pptx.", name=name
    ),
    "zip_member_name": lambda name, limits: _l(
        "%(name)s contains parts with unsafe paths and was refused for safety.", name=name
    ),
    "zip_corrupt": lambda name, limits: _l(
        "%(name)s is damaged and cannot be opened as an Office document.", name=name
    ),
}
_ZIP_BOMB_REASONS = {"zip_members", "zip_total_size", "zip_ratio"}


def refusal_for(problem: ContentProblem, display_name: str, limits: UploadLimits) -> UploadRefused:
    """The UploadRefused (translated message, reason code) of a content problem."""
    reason = problem.reason
    if reason in _PROBLEM_MESSAGES:
        message = _PROBLEM_MESSAGES[reason](display_name, limits)
    elif reason in _ZIP_BOMB_REASONS:
        message = _l(
            "%(name)s unpacks to too much data or too many parts and was refused for safety.", name=display_name
        )
    else:
        message = _l(
            "%(name)s is not a valid Word, Excel or PowerPoint (.docx, .xlsx, .pptx) document.", name=display_name
        )
    return UploadRefused(message, reason)


def check_image_header(data: bytes, family: str, max_pixels: int) -> ImageFacts:
    """What check_image checks without decoding the pixels: the format, the dimensions from the
    header (a pixel bomb is refused here, in microseconds), still not animated, no other content.
    The full decode comes later, in the job queue (processing.py)."""
    from PIL import Image

    from .content_checks import _IMAGE_FORMATS

    open_formats, accepted_formats, mime, extension = _IMAGE_FORMATS[family]
    if contains_other_content(data):
        raise ContentProblem("polyglot")
    try:
        # Opening reads the header only; Pillow's own bomb limit (89 MP) is above ours.
        with Image.open(io.BytesIO(data), formats=open_formats) as image:
            if image.format not in accepted_formats:
                raise ContentProblem("image_corrupt", f"format {image.format}")
            width, height = image.size
            if width * height > max_pixels:
                raise ContentProblem("image_too_many_pixels", f"{width}x{height}")
            if getattr(image, "n_frames", 1) > 1 and image.format != "MPO":
                raise ContentProblem("image_animated")
    except ContentProblem:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise ContentProblem("image_too_many_pixels", str(error)) from error
    except Exception as error:  # Pillow signals a broken header with many exception types.
        raise ContentProblem("image_corrupt", f"{type(error).__name__}: {error}") from error
    return ImageFacts(mime=mime, extension=extension, width=width, height=height)


def full_image_check(data: bytes, display_name: str, limits: UploadLimits | None = None) -> None:
    """Decode the whole photo (the job's part of verify_upload); UploadRefused when it is damaged."""
    limits = limits or UploadLimits()
    try:
        check_image(data, _detect_signature(data) or "jpeg", limits.max_pixels)
    except ContentProblem as problem:
        raise refusal_for(problem, display_name, limits) from problem


def verify_upload(data: bytes, name: str, limits: UploadLimits | None = None,
                  decode: bool = True) -> VerifiedFile:
    """Check an upload by its content; return what it is or raise UploadRefused with the reason.
    With ``decode=False`` a photo is judged by its header only (the upload request: its pixels are
    decoded in the job queue, see full_image_check)."""
    limits = limits or UploadLimits()
    check_file_name(name)
    display_name = safe_display_name(name)
    if len(data) > limits.max_bytes:
        raise _too_large(display_name, limits.max_bytes)
    if not data:
        raise UploadRefused(_l("%(name)s is empty.", name=display_name), "empty")
    family = _detect_signature(data)
    if family is None:
        raise _refuse_unknown(data, display_name)
    try:
        if family in ("jpeg", "png", "webp"):
            facts = (check_image if decode else check_image_header)(data, family, limits.max_pixels)
            return VerifiedFile(
                PHOTO, facts.mime, facts.extension, len(data), display_name, facts.width, facts.height
            )
        if family == "pdf":
            page_count = check_pdf(data)
            return VerifiedFile(PDF, "application/pdf", "pdf", len(data), display_name, page_count=page_count)
        package = check_office(data, limits.zip_limits)
        return VerifiedFile(OFFICE, package.mime, package.extension, len(data), display_name)
    except ContentProblem as problem:
        raise refusal_for(problem, display_name, limits) from problem


def new_storage_name(verified: VerifiedFile) -> str:
    """A fresh random file name with the canonical extension of the detected type."""
    return f"{uuid.uuid4().hex}.{verified.extension}"
