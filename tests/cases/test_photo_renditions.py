"""The upload job's photo work: the blind copy, thumbnail and print-size photo from one strict decode."""
import io

import pytest
from PIL import Image, ImageFile

from reviewapp.cases import regions
from reviewapp.cases.blind import blind_photo_files
from reviewapp.cases.blind_photo import blind_photo
from reviewapp.cases.uploads import UploadRefused


def camera_photo(size=(3000, 2000), orientation=6):
    """A JPEG turned on its side by its EXIF (as phones write them), with GPS and the owner's name."""
    image = Image.new("RGB", size, (120, 160, 90))
    image.paste((200, 30, 30), (0, 0, size[0] // 4, size[1] // 4))  # a red corner shows which way is up
    exif = Image.Exif()
    exif[0x0112] = orientation
    exif[0x013B] = "Wang Li, Chaoyang Sports Association"  # Artist
    exif[0x8825] = {1: "N", 2: (39.0, 54.0, 0.0)}  # GPS
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85, exif=exif)
    return out.getvalue()


def opened(data):
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def test_three_files_from_one_decode_are_upright_sized_and_carry_nothing_but_pixels(app):
    data = camera_photo()
    made = blind_photo_files(data, "IMG_0001.jpg", (360, 360), 1200, 75)
    blind, thumbnail, printed = opened(made.blind), opened(made.thumbnail), opened(made.print)
    assert blind.size == (1600, 2400)  # turned upright (portrait), long side at most 2,400
    assert thumbnail.size == (240, 360) and printed.size == (800, 1200)
    for image in (blind, thumbnail, printed):
        assert image.format == "JPEG" and not image.getexif() and "icc_profile" not in image.info
        width, _ = image.size
        assert image.getpixel((width - 2, 2))[0] > 150  # the red corner, now top right: upright
    assert b"Wang Li" not in made.blind + made.thumbnail + made.print
    assert made.blind == blind_photo(data)  # the same blind copy as before, byte for byte


def test_a_truncated_photo_is_refused_as_damaged_even_after_weasyprint_relaxed_pillow(app):
    data = camera_photo(orientation=1)
    ImageFile.LOAD_TRUNCATED_IMAGES = True  # what importing WeasyPrint does, process-wide
    try:
        with pytest.raises(UploadRefused) as refused:
            blind_photo_files(data[: len(data) * 2 // 3], "IMG_0002.jpg", (360, 360), 1200, 75)
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = False
    assert refused.value.reason == "image_corrupt"
    assert "IMG_0002.jpg" in str(refused.value.message)


def test_the_job_worker_builds_the_region_tables_its_work_horses_inherit(app):
    from redis import Redis
    from rq import Queue

    from reviewapp.jobs.worker import JobWorker

    regions._by_form.cache_clear()
    regions._by_code.cache_clear()
    connection = Redis.from_url(app.config["REDIS_URL"])
    JobWorker([Queue("renditions-test", connection=connection)], connection=connection)
    assert regions._by_form.cache_info().currsize == 1 and regions._by_code.cache_info().currsize == 1
