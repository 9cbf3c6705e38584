"""The blind copy of an evidence file: what experts see, with nothing that tells them who submitted it.

Photos are re-encoded from their pixels (blind_photo), PDFs lose their
metadata, attachments, scripts and annotation authors (blind_pdf), Office files
lose properties, comments and tracked-change authors (blind_office). Text that
still names the submitter is content, not metadata: ``find_identity_mentions``
flags it, on narratives, captions, file names and ``extract_text`` output, for
a person to fix.
"""

from flask_babel import lazy_gettext as _l

from .blind_office import blind_office, check_package_consistency
from .blind_pdf import blind_pdf
from .blind_photo import (
    DEFAULT_MAX_LONG_SIDE,
    PhotoBlindingFailed,
    TooManyPixels,
    blind_photo,
    convert_to_jpeg,
    phone_format,
    photo_renditions,
)
from .document_text import extract_text
from .identity import (
    Identity,
    IdentityMention,
    find_identity_mentions,
    normalize_phone,
    organization_name_variants,
)
from .ooxml import ContentProblem
from .uploads import (
    OFFICE,
    PDF,
    PHOTO,
    UploadLimits,
    UploadRefused,
    full_image_check,
    refusal_for,
    safe_display_name,
)

__all__ = [
    "ContentProblem",
    "Identity",
    "IdentityMention",
    "blind_office",
    "blind_pdf",
    "blind_photo",
    "check_package_consistency",
    "convert_phone_photo",
    "extract_text",
    "find_identity_mentions",
    "make_blind_copy",
    "normalize_phone",
    "organization_name_variants",
]


def convert_phone_photo(data: bytes, file_name: str) -> tuple[bytes, str]:
    """HEIC (the iPhone's default) and AVIF photos become JPEGs made from their pixels, named .jpg;
    other files pass unchanged. Raises UploadRefused when such a photo cannot be decoded."""
    family = phone_format(data)
    if family is None:
        return data, file_name
    limits = UploadLimits()
    try:
        # The header's dimensions first, as for every photo: a pixel bomb is never decoded.
        converted = convert_to_jpeg(data, max_pixels=limits.max_pixels)
    except TooManyPixels as problem:
        raise refusal_for(ContentProblem("image_too_many_pixels", str(problem)), safe_display_name(file_name),
                          limits) from problem
    except PhotoBlindingFailed as problem:
        raise UploadRefused(
            _l(
                "%(name)s is a %(format)s photo that could not be converted. "
                "Export it as JPEG (on an iPhone: Settings, Camera, Formats, Most Compatible) and upload it again.",
                name=safe_display_name(file_name), format=family.upper(),
            ),
            f"{family}_failed",
        ) from problem
    stem = file_name.rsplit(".", 1)[0] if "." in file_name else file_name
    return converted, f"{stem}.jpg"


def make_blind_copy(
    data: bytes, kind: str, display_name: str, max_long_side: int | None = DEFAULT_MAX_LONG_SIDE
) -> bytes:
    """Blind copy of a verified file of ``kind`` (photo, pdf or office).

    Raises UploadRefused when no safe copy can be made, so the caller stores
    neither the original nor a half-cleaned copy.
    """
    try:
        if kind == PHOTO:
            return blind_photo(data, max_long_side=max_long_side)
        if kind == PDF:
            return blind_pdf(data)
        if kind == OFFICE:
            return blind_office(data)
    except ContentProblem as problem:
        raise _no_blind_copy(display_name) from problem
    raise ValueError(f"unknown file kind {kind!r}")


def blind_photo_files(data: bytes, display_name: str, thumbnail_size, print_px: int, print_quality: int):
    """The blind copy, thumbnail and print-size JPEG of a verified photo (PhotoRenditions), from
    one decode. UploadRefused with the reason when the photo turns out damaged or cannot be copied."""
    try:
        return photo_renditions(data, thumbnail_size, print_px, print_quality)
    except ContentProblem as problem:
        full_image_check(data, display_name)  # says what is wrong with the file, when it can
        raise _no_blind_copy(display_name) from problem


def _no_blind_copy(display_name):
    return UploadRefused(
        _l(
            "No anonymous copy of %(name)s could be made for the experts. "
            "Save or export the file again and upload the new copy.",
            name=display_name,
        ),
        "blind_failed",
    )
