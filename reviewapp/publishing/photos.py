"""Print-ready images: downscaled photos (cached by content hash) and QR codes."""
from __future__ import annotations

import hashlib
import io
import os
import tempfile

import qrcode
from PIL import Image, ImageOps

PRINT_MAX_PX = 1200  # long side; ~200 dpi at the widest printed size (150 mm)
JPEG_QUALITY = 75  # at ~300 dpi print size, artefacts are invisible; 20% smaller than 82
QR_MASK = 2  # mask pattern 2 (every third column); the library numbers them 0-7


class PhotoError(ValueError):
    """The file is not an image we can print."""


def _default_cache_dir() -> str:
    return os.path.join(tempfile.gettempdir(), "reviewapp-photo-cache")


def prepare_photo(path: str, cache_dir: str | None = None, max_px: int = PRINT_MAX_PX) -> str:
    """Return the path of a print-resolution JPEG of `path`.

    A JPEG already within `max_px` is returned unchanged (no copy, no hashing),
    so photos prepared at upload time cost nothing at build time. Otherwise the
    result is written once to `cache_dir` under the source's content hash.
    Raises PhotoError for files Pillow cannot read.
    """
    try:
        with Image.open(path) as image:
            if (image.format == "JPEG" and max(image.size) <= max_px
                    and image.mode in ("RGB", "L")
                    and image.getexif().get(0x0112, 1) == 1):
                return path
    except (OSError, SyntaxError, ValueError) as exc:
        raise PhotoError(str(exc)) from exc
    with open(path, "rb") as stream:
        digest = hashlib.sha256(stream.read()).hexdigest()
    cache_dir = cache_dir or _default_cache_dir()
    target = os.path.join(cache_dir, f"{digest[:32]}-{max_px}-q{JPEG_QUALITY}.jpg")
    if os.path.exists(target):
        return target
    os.makedirs(cache_dir, exist_ok=True)
    with Image.open(path) as image:
        fd, tmp = tempfile.mkstemp(dir=cache_dir, suffix=".part")
        with os.fdopen(fd, "wb") as out:
            _downscaled(image, max_px).save(out, "JPEG", quality=JPEG_QUALITY, optimize=True)
    os.replace(tmp, target)  # atomic: concurrent builds never see half a file
    return target


def _downscaled(image, max_px):
    image.draft("RGB", (max_px, max_px))  # lets libjpeg decode at reduced size: much faster
    ImageOps.exif_transpose(image, in_place=True)  # in place: a copy of the pixels is 5 ms a photo
    if image.mode != "RGB":
        image = image.convert("RGB")
    image.thumbnail((max_px, max_px), Image.Resampling.LANCZOS)
    return image


def print_rendition(data: bytes, max_px: int = PRINT_MAX_PX) -> bytes:
    """The print-size JPEG of a photo's bytes, as prepare_photo makes it; made at upload (in the
    job queue, cases/processing.py), so that prepare_photo returns it unchanged at build time.
    Raises PhotoError for bytes Pillow cannot read."""
    try:
        with Image.open(io.BytesIO(data)) as image:
            output = io.BytesIO()
            _downscaled(image, max_px).save(output, "JPEG", quality=JPEG_QUALITY, optimize=True)
    except (OSError, SyntaxError, ValueError) as exc:
        raise PhotoError(str(exc)) from exc
    return output.getvalue()


def qr_png(url: str) -> bytes:
    """A 1-bit PNG QR code for `url`, one pixel per module.

    The book prints it with ``image-rendering: pixelated`` (no interpolation),
    so it stays sharp at any size and weighs a few hundred bytes. The mask is
    fixed: any of the eight masks is valid and scans the same, and trying all
    eight to pick the "best" one took 85% of the time (~2.5 ms per case).
    """
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=2,
                         mask_pattern=QR_MASK)
    code.add_data(url)
    code.make(fit=True)
    matrix = code.get_matrix()
    image = Image.new("1", (len(matrix), len(matrix)))
    image.putdata([0 if dark else 1 for row in matrix for dark in row])
    buffer = io.BytesIO()
    image.save(buffer, "PNG", optimize=True)
    return buffer.getvalue()
