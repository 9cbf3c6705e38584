"""No user content can make the renderer read a file or fetch a URL; renders are limited."""
import http.server
import re
import subprocess
import sys
import threading
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from PIL import Image  # noqa: E402

from reviewapp.publishing.book import build_book  # noqa: E402
from reviewapp.publishing.fetcher import ResourceRegistry, SafeFetcher  # noqa: E402
from reviewapp.publishing.model import (Book, BookCase, Figures, NarrativeSection,  # noqa: E402
                                        Photo)
from reviewapp.publishing.render import RenderError, RenderJob, RenderPool, render_job  # noqa: E402

PASSWD_MARKER = "root:x:0:0"


@pytest.fixture
def server():
    """A loopback HTTP server on a free port that counts the requests it receives."""
    requests = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            requests.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "text/css")
            self.end_headers()
            self.wfile.write(b"body { background: red }")

        def log_message(self, *args):
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}", requests
    httpd.shutdown()
    httpd.server_close()


def payloads(base):
    return [
        f'<img src="{base}/img.png">',
        '<div style="background: url(file:///etc/passwd)">x</div>',
        f'<link rel=stylesheet href="{base}/link.css">',
        f'<style>@import url("{base}/import.css"); @import "file:///etc/passwd";</style>',
        '<object data="file:///etc/passwd"></object><iframe src="/etc/passwd"></iframe>',
    ]


def hostile_case(base, photo_dir, index):
    evil = "".join(payloads(base))
    photo = photo_dir / f"ok{index}.jpg"
    Image.new("RGB", (400, 300), (200, 80, 60)).save(photo, "JPEG")
    return BookCase(
        id=f"evil-{index}", title=f"案例{index}{evil}", organization=f"单位{evil}",
        province=f"省{evil}", org_type=f"类型{evil}", themes=(f"主题{evil}",),
        summary=f"简介{evil}",
        sections=(NarrativeSection(f"标题{evil}", (f"段落{evil}", evil)),),
        figures=Figures(volunteers=1),
        photos=(Photo(str(photo), f"说明{evil}"),
                Photo("/etc/passwd", f"说明{evil}"),
                Photo(f"{photo_dir}/../../../etc/passwd", "x")),
        gallery_url=f"{base}/gallery",
        version="1")


def test_hostile_text_is_printed_literally_and_nothing_is_fetched(tmp_path, server):
    base, requests = server
    photo_dir = tmp_path / "photos"
    photo_dir.mkdir()
    evil_book = Book(title_zh="标题" + "".join(payloads(base)), title_en="x", year=2023,
                     foreword="前言" + "".join(payloads(base)))
    cases = [hostile_case(base, photo_dir, i) for i in range(2)]
    out = tmp_path / "evil.pdf"
    result = build_book(evil_book, cases, str(out), photo_roots=(str(photo_dir),))
    assert requests == []
    text = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert PASSWD_MARKER not in text
    flat = re.sub(r"\s+", "", text)
    assert '<imgsrc="http://127.0.0.1' in flat  # escaped, shown as text
    assert "@import" in flat
    # the /etc/passwd "photos" were refused before rendering; the real photo was kept
    assert len(result.photo_problems) == 4
    assert result.refused_urls == []  # escaped text never even reaches the fetcher


def test_fetcher_refuses_everything_not_registered(tmp_path, server):
    """Second wall: raw, unescaped HTML full of URLs still fetches nothing."""
    base, requests = server
    registry = ResourceRegistry()
    photo = tmp_path / "ok.jpg"
    Image.new("RGB", (40, 30), (10, 200, 10)).save(photo, "JPEG")
    allowed = registry.add_file(str(photo))
    html = ("<html><body>" + "".join(payloads(base)) +
            f'<img src="{allowed}"><img src="data:image/png;base64,iVBORw0KGgo=">'
            f'<img src="img/relative.png"><img src="stored:not-registered">'
            "<p>body</p></body></html>")
    css = (f'@import url("{base}/css-import.css"); '
           f'body {{ background: url("{base}/bg.png") }} '
           '@font-face { font-family: X; src: url(file:///etc/passwd) } p { font-family: X }')
    job = RenderJob("raw", html, css, str(tmp_path / "raw.pdf"), registry.resources)
    result = render_job(job)
    assert requests == []
    refused = "\n".join(result.refused)
    for needle in (f"{base}/img.png", f"{base}/link.css", f"{base}/import.css",
                   f"{base}/css-import.css", f"{base}/bg.png", "file:///etc/passwd",
                   "data:image/png", "stored:not-registered"):
        assert needle in refused, needle
    text = subprocess.run(["pdftotext", str(tmp_path / "raw.pdf"), "-"], capture_output=True,
                          text=True, check=True).stdout
    assert PASSWD_MARKER not in text
    fetcher = SafeFetcher(registry.resources)
    assert fetcher.fetch(allowed).read()[:2] == b"\xff\xd8"  # the registered JPEG is served
    with pytest.raises(ValueError):
        fetcher.fetch("file:///etc/passwd")
    assert fetcher.refused == ["file:///etc/passwd"]


def test_render_timeout_kills_the_worker(tmp_path):
    paragraphs = "".join(f"<p>段落{i}：全民健身志愿服务。</p>" for i in range(3000))
    job = RenderJob("slow", f"<html><body>{paragraphs}</body></html>", "",
                    str(tmp_path / "slow.pdf"))
    with pytest.raises(RenderError, match="timed out"):
        with RenderPool(workers=1, timeout=0.5) as pool:
            pool.run([job])


def test_render_memory_limit_stops_the_worker_without_harming_fonts(tmp_path):
    paragraphs = "".join(f"<p>第{i}段：全民健身志愿服务优秀案例。</p>" for i in range(20000))
    job = RenderJob("big", f"<html><body>{paragraphs}</body></html>", "",
                    str(tmp_path / "big.pdf"))
    with pytest.raises(RenderError):
        with RenderPool(workers=1, memory_limit_mb=64, timeout=60) as pool:
            pool.run([job])
    # fontconfig must not have cached "no fonts" while starved of memory
    match = subprocess.run(["fc-match", "Noto Sans CJK SC"], capture_output=True, text=True)
    assert "Noto Sans CJK SC" in match.stdout
