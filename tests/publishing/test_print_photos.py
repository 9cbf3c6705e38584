"""Print-size photos: upright by their EXIF orientation, within the print size, plain RGB JPEG."""
import io

import pytest
from PIL import Image

from reviewapp.publishing.photos import PRINT_MAX_PX, PhotoError, print_rendition


def jpeg(size, mode="RGB", orientation=None):
    image = Image.new(mode, size, 90 if mode == "L" else (200, 40, 40) if mode == "RGB" else (0, 200, 200, 0))
    exif = Image.Exif()
    if orientation:
        exif[0x0112] = orientation
    out = io.BytesIO()
    image.save(out, "JPEG", quality=90, exif=exif)
    return out.getvalue()


@pytest.mark.parametrize("orientation, expected", [(None, (2400, 1200)), (1, (2400, 1200)), (6, (1200, 2400)),
                                                   (8, (1200, 2400)), (3, (2400, 1200))])
def test_a_photo_is_turned_upright_and_scaled_to_print_size(orientation, expected):
    with Image.open(io.BytesIO(print_rendition(jpeg((2400, 1200), orientation=orientation)))) as printed:
        scale = PRINT_MAX_PX / max(expected)
        assert printed.size == (round(expected[0] * scale), round(expected[1] * scale))
        assert printed.format == "JPEG" and printed.mode == "RGB"
        assert printed.getexif().get(0x0112, 1) == 1


def test_a_cmyk_photo_prints_as_rgb_and_a_small_one_keeps_its_size():
    with Image.open(io.BytesIO(print_rendition(jpeg((800, 600), mode="CMYK")))) as printed:
        assert printed.size == (800, 600) and printed.mode == "RGB"


def test_bytes_that_are_no_image_are_refused():
    with pytest.raises(PhotoError):
        print_rendition(b"not an image at all")
