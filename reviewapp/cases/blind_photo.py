"""Blind copy of a photo: the pixels are decoded and written into a brand-new image.

Copying pixels instead of deleting tags is what makes this safe: EXIF (GPS,
Artist, maker notes, embedded thumbnails), XMP, IPTC, ICC profiles, comments
and whatever a camera appended after the image data cannot survive, because
nothing but pixels is carried over.
"""

import io
import warnings
from dataclasses import dataclass

from PIL import Image, ImageCms, ImageFile, ImageOps

from .ooxml import ContentProblem

JPEG_QUALITY = 88
DEFAULT_MAX_LONG_SIDE = 2400
DEFAULT_MAX_PIXELS = 64_000_000

# format written -> modes it can hold without conversion
_KEPT_MODES = {"JPEG": {"L", "RGB"}, "PNG": {"L", "LA", "RGB", "RGBA"}, "WEBP": {"RGB", "RGBA"}}
_SRGB = ImageCms.createProfile("sRGB")


class PhotoBlindingFailed(ContentProblem):
    """The image could not be decoded or re-encoded."""

    def __init__(self, detail: str):
        super().__init__("photo_blind_failed", detail)


class TooManyPixels(PhotoBlindingFailed):
    """The header declares more pixels than allowed: refused before decoding."""


def blind_photo(
    data: bytes, max_long_side: int | None = DEFAULT_MAX_LONG_SIDE, max_pixels: int = DEFAULT_MAX_PIXELS
) -> bytes:
    """Return the photo re-encoded from its pixels alone, upright, in its own format (JPEG, PNG or WebP).

    EXIF orientation is applied first so the photo still looks right; colours
    are converted to sRGB before the ICC profile is dropped; images longer than
    ``max_long_side`` pixels are scaled down (None keeps the size).
    """
    return _encoded(*_clean_pixels(data, max_long_side, max_pixels))


@dataclass(frozen=True)
class PhotoRenditions:
    blind: bytes       # blind_photo's copy
    thumbnail: bytes   # JPEG within thumbnail_size
    print: bytes       # JPEG, long side at most print_px


def photo_renditions(data: bytes, thumbnail_size: tuple[int, int], print_px: int, print_quality: int,
                     max_long_side: int | None = DEFAULT_MAX_LONG_SIDE,
                     max_pixels: int = DEFAULT_MAX_PIXELS) -> PhotoRenditions:
    """The blind copy, the thumbnail and the print-size photo from one decode of the pixels
    (the upload's job used to decode the photo four times: check, blind copy, thumbnail, print).
    The decode is strict: damaged or truncated data raises PhotoBlindingFailed."""
    ImageFile.LOAD_TRUNCATED_IMAGES = False  # WeasyPrint turns it on process-wide when imported
    image, output_format = _clean_pixels(data, max_long_side, max_pixels)
    return PhotoRenditions(_encoded(image, output_format),
                           _jpeg(_smaller(image, thumbnail_size, Image.Resampling.BICUBIC), quality=80),
                           # Bicubic: at print size (200 dpi) it looks as Lanczos does, in 60% of the time.
                           _jpeg(_smaller(image, (print_px, print_px), Image.Resampling.BICUBIC),
                                 quality=print_quality, optimize=True))


def _clean_pixels(data, max_long_side, max_pixels):
    """(a new image holding nothing but the upright sRGB pixels, the format to write it in)."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(io.BytesIO(data), formats=("JPEG", "PNG", "WEBP")) as source:
                if source.width * source.height > max_pixels:
                    raise PhotoBlindingFailed(f"{source.width}x{source.height} is too many pixels")
                output_format = "JPEG" if source.format in ("JPEG", "MPO") else source.format
                icc_profile = source.info.get("icc_profile")
                ImageOps.exif_transpose(source, in_place=True)  # a copy would cost 6 MB a 12 MP photo
                image = _to_srgb(source, icc_profile)
        except PhotoBlindingFailed:
            raise
        except Exception as error:  # Pillow signals damaged data with many exception types.
            raise PhotoBlindingFailed(f"{type(error).__name__}: {error}") from error
    image = _convert_mode(image, output_format)
    if max_long_side and max(image.size) > max_long_side:
        image.thumbnail((max_long_side, max_long_side), Image.Resampling.LANCZOS)
    return _pixels_only(image), output_format


def _pixels_only(image):
    """A new image holding the pixels and nothing else (no info, EXIF, ICC profile). Pasting
    copies the pixels once; tobytes() and frombytes() copied them twice, 8 ms a 12 MP photo."""
    fresh = Image.new(image.mode, image.size)
    fresh.paste(image)
    return fresh


def _encoded(fresh, output_format):
    output = io.BytesIO()
    if output_format == "JPEG":
        # Without optimize=True: its second pass costs as much as the encoding, for 5% fewer bytes.
        fresh.save(output, "JPEG", quality=JPEG_QUALITY)
    elif output_format == "WEBP":
        fresh.save(output, "WEBP", quality=JPEG_QUALITY)
    else:
        fresh.save(output, "PNG")
    return output.getvalue()


def _smaller(image, size, resample):
    """`image` in RGB within `size`, its proportions kept: a new image, or `image` itself when it
    fits already (it is only encoded). Resized directly rather than copied and thumbnail()ed."""
    rgb = image.convert("RGB") if image.mode != "RGB" else image
    scale = min(size[0] / rgb.width, size[1] / rgb.height)
    if scale >= 1:
        return rgb
    target = (max(1, round(rgb.width * scale)), max(1, round(rgb.height * scale)))
    return rgb.resize(target, resample, reducing_gap=2.0)  # thumbnail()'s default: reduce() first


def _jpeg(image, **options):
    output = io.BytesIO()
    image.save(output, "JPEG", **options)
    return output.getvalue()


# ISO base media "ftyp" brands of still HEIF/HEIC (iPhone photos) and AVIF images.
_HEIF_BRANDS = {b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"mif1", b"msf1"}
_AVIF_BRANDS = {b"avif", b"avis"}


def phone_format(data: bytes) -> str | None:
    """'heic' or 'avif' when the bytes are such an image (by their ftyp box), else None."""
    if data[4:8] != b"ftyp":
        return None
    size = int.from_bytes(data[:4], "big")
    brands = {data[8:12]} | {data[i : i + 4] for i in range(16, min(size, 64), 4)}
    if brands & _AVIF_BRANDS:
        return "avif"
    if brands & _HEIF_BRANDS:
        return "heic"
    return None


def convert_to_jpeg(data: bytes, max_pixels: int = DEFAULT_MAX_PIXELS) -> bytes:
    """A HEIC or AVIF photo as a JPEG made from its pixels alone (upright, sRGB, full size).

    Browsers cannot show HEIC, so the photo is kept as this JPEG from the upload on; like
    blind_photo, nothing but pixels is carried over. Raises PhotoBlindingFailed."""
    _register_heif()
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(io.BytesIO(data), formats=("HEIF", "AVIF")) as source:
                if source.width * source.height > max_pixels:
                    raise TooManyPixels(f"{source.width}x{source.height} is too many pixels")
                if getattr(source, "n_frames", 1) > 1:
                    source.seek(0)  # a burst or live photo: its main picture
                icc_profile = source.info.get("icc_profile")
                image = _to_srgb(ImageOps.exif_transpose(source), icc_profile)
                image = _convert_mode(image, "JPEG")
                fresh = Image.frombytes(image.mode, image.size, image.tobytes())
        except PhotoBlindingFailed:
            raise
        except Exception as error:  # damaged data, or no decoder for this variant
            raise PhotoBlindingFailed(f"{type(error).__name__}: {error}") from error
    output = io.BytesIO()
    fresh.save(output, "JPEG", quality=92, optimize=True)
    return output.getvalue()


def _register_heif():
    try:
        from pillow_heif import register_heif_opener
    except ImportError:  # without pillow-heif, HEIC does not open and is refused with its reason
        return
    register_heif_opener(thumbnails=False)


def strip_jpeg_metadata(data: bytes) -> bytes:
    """Drop APP1-APP13, APP15 and comment segments from JPEG bytes without touching the image data.

    For JPEGs that must stay bit-for-bit (inside a PDF, re-encoding would change
    the page); JFIF (APP0) and Adobe (APP14) stay because decoders need them.
    Whatever follows the end marker (a second, appended JPEG with its own EXIF) is cut
    off: in entropy-coded data 0xFF is always followed by 0x00 or a restart marker, so
    the first FF D9 after the scan begins is the end of the image.
    Raises PhotoBlindingFailed if the segment structure is broken.
    """
    if not data.startswith(b"\xff\xd8"):
        raise PhotoBlindingFailed("not a JPEG")
    kept, position = [b"\xff\xd8"], 2
    while True:
        if position + 4 > len(data) or data[position] != 0xFF:
            raise PhotoBlindingFailed("broken JPEG segment structure")
        marker = data[position + 1]
        if marker == 0xFF:  # fill byte
            position += 1
            continue
        if marker == 0xDA:  # start of scan: image data up to the end marker, nothing after it
            end_of_image = data.find(b"\xff\xd9", position)
            if end_of_image == -1:
                raise PhotoBlindingFailed("no end of image")
            kept.append(data[position : end_of_image + 2])
            return b"".join(kept)
        end = position + 2 + int.from_bytes(data[position + 2 : position + 4], "big")
        if not 0xE1 <= marker <= 0xED and marker not in (0xEF, 0xFE):
            kept.append(data[position:end])
        position = end


def _to_srgb(image: Image.Image, icc_profile: bytes | None) -> Image.Image:
    """Convert to sRGB using the embedded profile, so dropping the profile keeps the colours."""
    if not icc_profile or image.mode not in ("RGB", "RGBA", "CMYK"):
        return image
    try:
        source_profile = ImageCms.ImageCmsProfile(io.BytesIO(icc_profile))
        output_mode = "RGBA" if image.mode == "RGBA" else "RGB"
        return ImageCms.profileToProfile(image, source_profile, _SRGB, outputMode=output_mode)
    except (ImageCms.PyCMSError, OSError, ValueError):
        # A broken profile is not worth refusing the photo; the colours may shift a little.
        return image


def _convert_mode(image: Image.Image, output_format: str) -> Image.Image:
    kept = _KEPT_MODES[output_format]
    if image.mode in kept:
        return image
    has_alpha = image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info
    if has_alpha and "RGBA" in kept:
        return image.convert("RGBA")
    if image.mode in ("1", "I;16", "I", "F") and "L" in kept:
        return image.convert("L")
    return image.convert("RGB")
