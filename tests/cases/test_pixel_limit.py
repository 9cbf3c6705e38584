"""A pixel flood (#16.6): a PNG of a few hundred KB that declares 64 megapixels is refused from
its header, before any decoding, in milliseconds and without the gigabyte a decode costs; even
within a raised limit the upload request itself never decodes it (the job queue does)."""
import json
import struct
import subprocess
import sys
import zlib
from pathlib import Path

from reviewapp.cases.models import Evidence
from reviewapp.extensions import db
from tests.cases.test_evidence_routes import upload

ROOT = Path(__file__).resolve().parents[2]
CAP = 1536 * 1024 * 1024
CHILD = r"""
import json, resource, sys, time
from reviewapp import create_app
app = create_app("testing", SQLALCHEMY_DATABASE_URI="sqlite://", INSTANCE_DIR=sys.argv[2])
from reviewapp.cases.uploads import UploadLimits, UploadRefused, verify_upload
data = open(sys.argv[1], "rb").read()
resource.setrlimit(resource.RLIMIT_AS, (int(sys.argv[3]), int(sys.argv[3])))
results = {}
with app.test_request_context(headers={"Accept-Language": "zh"}):
    for name, limit in (("default", None), ("raised", 70_000_000)):
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        started = time.monotonic()
        limits = UploadLimits(max_pixels=limit) if limit else UploadLimits()
        try:
            verified = verify_upload(data, "bomb.png", limits, decode=False)
            message = None
        except UploadRefused as refused:
            message, verified = str(refused.message), None
        results[name] = {"seconds": time.monotonic() - started, "message": message,
                         "width": verified and verified.width,
                         "grown_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before}
print(json.dumps(results))
"""


def png_bomb(width=8000, height=8000):
    """A real, decodable PNG of width x height black RGB pixels: 64 MP in about 200 KB."""
    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    compressor, row, parts = zlib.compressobj(9), b"\0" * (1 + 3 * width), []
    for _ in range(height):
        parts.append(compressor.compress(row))
    parts.append(compressor.flush())
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", b"".join(parts))
            + chunk(b"IEND", b""))


def test_a_64_megapixel_png_is_refused_before_decoding_in_milliseconds(tmp_path):
    bomb = tmp_path / "bomb.png"
    bomb.write_bytes(png_bomb())
    assert bomb.stat().st_size < 300_000
    done = subprocess.run([sys.executable, "-c", CHILD, str(bomb), str(tmp_path), str(CAP)], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-3000:]
    results = json.loads(done.stdout.strip().splitlines()[-1])
    refused, raised = results["default"], results["raised"]
    assert refused["message"] and "bomb.png" in refused["message"] and "像素" in refused["message"]
    assert "50" in refused["message"], refused["message"]  # the limit, in millions
    # Within a raised limit the request accepts it from the header alone: nothing decoded.
    assert raised["message"] is None and raised["width"] == 8000
    for result in (refused, raised):
        assert result["seconds"] < 0.5, result
        assert result["grown_kb"] < 64 * 1024, result  # decoding would need 192 MB at least


def test_the_upload_of_a_pixel_bomb_is_refused_with_the_reason_and_stores_nothing(app, org_client, draft):
    response = upload(org_client, draft, ("bomb.png", png_bomb()), json=True)
    assert response.status_code == 400
    assert "too many pixels (more than 50 million)" in response.json["refused"][0]["message"]
    assert db.session.scalar(db.select(db.func.count(Evidence.id))) == 0


def test_a_phone_photo_over_the_pixel_limit_is_refused_from_its_header(app, org_client, draft):
    from tests.cases.test_blind_file_classes import heic_with_exif

    photo = heic_with_exif()
    app.config["IMAGE_MAX_PIXELS"] = 1000  # the HEIC photo has more
    response = upload(org_client, draft, ("IMG_0002.HEIC", photo), json=True)
    assert response.status_code == 400
    assert "IMG_0002.HEIC has too many pixels (more than 0.001 million)" in response.json["refused"][0]["message"]
    app.config["IMAGE_MAX_PIXELS"] = 50_000_000
    assert upload(org_client, draft, ("IMG_0002.HEIC", photo), json=True).status_code == 200
