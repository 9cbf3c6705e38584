"""Sandboxed rendering: WeasyPrint runs in child processes with limits.

Each worker is forked from a forkserver that has WeasyPrint preloaded and
warmed up, fonts loaded (warm.py: cheap starts, the first job renders at once,
nothing inherited from the app's threads), caps its own address space
with RLIMIT_AS, and renders jobs (HTML + CSS + the resources it may fetch) to
PDF files. The parent enforces a wall-clock timeout per job by killing the
worker. A job reports its page count, where named anchors landed, its
in-document links (for the merger) and every URL the fetcher refused.
"""
from __future__ import annotations

import multiprocessing
import os
import resource
import threading
import time
from dataclasses import dataclass, field
from multiprocessing.connection import wait

from .fetcher import Resource

PX_TO_PT = 0.75  # WeasyPrint lays out in CSS px (96/in); PDF uses points (72/in)


@dataclass
class RenderJob:
    """One WeasyPrint document to render into `out_path`."""
    key: str
    html: str
    css: str
    out_path: str
    resources: dict[str, Resource] = field(default_factory=dict)
    units: int = 0  # cases in this job, for progress reporting
    ua_css: str | None = None  # replaces WeasyPrint's HTML user-agent stylesheet when given


@dataclass
class LinkBox:
    """An internal link to `target` (anchor name) on page `page`, rect in PDF points."""
    page: int
    target: str
    rect: tuple[float, float, float, float]


@dataclass
class NumberSlot:
    """Where the merger prints the page number of anchor `target` (a contents line).

    `x` is the right edge and `y` the baseline, in PDF points from the page's
    bottom-left corner; `size` in points; `color` as RGB in 0-1. Marked in the
    HTML with ``data-page-of="<anchor>"`` on the block that ends with the number.
    """
    page: int
    target: str
    x: float
    y: float
    size: float
    color: tuple[float, float, float] = (0.0, 0.0, 0.0)


@dataclass
class RenderResult:
    key: str
    pages: int
    anchors: dict[str, int]
    links: list[LinkBox]
    refused: list[str]
    seconds: float
    units: int = 0
    cpu_seconds: float = 0.0  # CPU time of the render: wall time is inflated on a busy machine
    slots: list[NumberSlot] = field(default_factory=list)


class RenderError(RuntimeError):
    """A render job failed, timed out or exceeded its memory limit."""


WARM_UP_HTML = ('<p style="font-family: \'Noto Serif CJK SC\'">全民健身 Aa1'
                '<b style="font-family: \'Noto Sans CJK SC\'">志愿服务 Aa1</b>'
                '<span style="font-family: \'Noto Sans CJK SC\'">案例 Aa1</span></p>')


def lean_font_data() -> bool:
    """Keep WeasyPrint from copying each whole font file into memory for every document.

    WeasyPrint 70's ``Font.__init__`` copies the complete font file (each Noto
    CJK collection is 20-27 MB, three faces per book part) into a Python bytes
    object, although for a subsetted font only its first four bytes are read
    before HarfBuzz subsets from the face itself. Per part that is ~25 ms of
    copying and, counting the file pages it touches, ~130 MB of resident memory.
    Here the copy is deferred: a font gets its full data only when WeasyPrint
    would really use it (no subsetting, variable, bitmap or colour fonts, or a
    failed subset), so the output is byte-for-byte what WeasyPrint writes.
    Idempotent; returns False (and changes nothing) if WeasyPrint's internals
    are not the expected ones.
    """
    try:
        from weasyprint.pdf import fonts as pdf_fonts
        from weasyprint.text.ffi import ffi, harfbuzz
    except ImportError:  # pragma: no cover - WeasyPrint is a dependency
        return False
    with _LEAN_LOCK:
        return _make_fonts_lean(pdf_fonts, ffi, harfbuzz)


_LEAN_LOCK = threading.Lock()


def _make_fonts_lean(pdf_fonts, ffi, harfbuzz) -> bool:
    font_class = pdf_fonts.Font
    if getattr(font_class, "_reviewapp_lean", False):
        return True
    full_data = getattr(pdf_fonts, "get_hb_object_data", None)
    if full_data is None or not all(hasattr(font_class, name) for name in ("clean", "type")):
        return False
    original_init, original_clean = font_class.__init__, font_class.clean
    in_font_init = threading.local()  # thread-safe: only Font.__init__ gets the short copy

    def lean_get_data(hb_object, ot_color=None, glyph=None):
        if ot_color is not None or not getattr(in_font_init, "active", False):
            return full_data(hb_object, ot_color, glyph)
        blob = harfbuzz.hb_face_reference_blob(hb_object)
        try:
            length = ffi.new("unsigned int *")
            data = harfbuzz.hb_blob_get_data(blob, length)
            return None if data == ffi.NULL else ffi.unpack(data, min(4, int(length[0])))
        finally:
            harfbuzz.hb_blob_destroy(blob)

    def needs_full_data(font) -> bool:
        return bool(font.bitmap or font.png or font.svg or font.colr or "fvar" in font.tables)

    def __init__(self, *args, **kwargs):
        in_font_init.active = True
        try:
            original_init(self, *args, **kwargs)
        finally:
            in_font_init.active = False
        self._reviewapp_header = self.file_content
        if needs_full_data(self):
            self.file_content = full_data(self.hb_face)

    def clean(self, to_unicode, hinting):
        header = getattr(self, "_reviewapp_header", None)
        if header is not None and self.file_content is header and (
                not to_unicode or not pdf_fonts.harfbuzz_subset
                or not harfbuzz.hb_version_atleast(4, 1, 0)):
            self.file_content = full_data(self.hb_face)  # embedded whole or fontTools-subset
        original_clean(self, to_unicode, hinting)
        if header is not None and self.file_content is header:
            self.file_content = full_data(self.hb_face)  # HarfBuzz failed: WeasyPrint's fallback

    pdf_fonts.get_hb_object_data = lean_get_data
    font_class.__init__, font_class.clean = __init__, clean
    font_class._reviewapp_lean = True
    return True


def render_job(job: RenderJob, font_config=None) -> RenderResult:
    """Render one job in the current process (workers call this).

    `font_config` (a weasyprint FontConfiguration) is reused when given: it
    skips re-loading fontconfig for every job.
    """
    from weasyprint import HTML

    from .fetcher import SafeFetcher

    lean_font_data()
    started, cpu_started = time.perf_counter(), time.process_time()
    fetcher = SafeFetcher(job.resources)
    html_class = _html_class(_stylesheet(job.ua_css, font_config, fetcher)) if job.ua_css else HTML
    document = html_class(string=job.html, url_fetcher=fetcher).render(
        stylesheets=[_stylesheet(job.css, font_config, fetcher)], font_config=font_config)
    anchors: dict[str, int] = {}
    links: list[LinkBox] = []
    for number, page in enumerate(document.pages):
        for name in page.anchors:
            anchors.setdefault(name, number)
    for number, page in enumerate(document.pages):
        kept = []
        for link in page.links:
            link_type, target, (x, y, width, height), _box = link
            if link_type == "internal" and target not in anchors:
                # A link into another chunk: the merger adds it with the real page.
                top = page.height - y
                links.append(LinkBox(number, target, (
                    x * PX_TO_PT, (top - height) * PX_TO_PT,
                    (x + width) * PX_TO_PT, top * PX_TO_PT)))
            else:
                kept.append(link)
        page.links[:] = kept
    slots = _number_slots(document) if "data-page-of" in job.html else []
    document.write_pdf(job.out_path)
    return RenderResult(job.key, len(document.pages), anchors, links, fetcher.refused,
                        time.perf_counter() - started, job.units,
                        time.process_time() - cpu_started, slots)


_STYLESHEETS: dict = {}


def _stylesheet(css: str, font_config, fetcher):
    """The parsed stylesheet, once per process for a stylesheet that refers to no URL.

    Every part of a book has the same CSS (from the engine's own templates):
    parsing it once per worker instead of once per part saves its parse time.
    A stylesheet that mentions any URL is parsed for each job with the job's
    own fetcher, so what it refuses is reported with that job as always.
    """
    from weasyprint import CSS

    from .fetcher import SafeFetcher

    if "url(" in css.lower() or "@import" in css.lower():
        return CSS(string=css, url_fetcher=fetcher, font_config=font_config)
    key = (css, id(font_config))
    sheet = _STYLESHEETS.get(key)
    if sheet is None:
        probe = SafeFetcher({})
        sheet = CSS(string=css, url_fetcher=probe, font_config=font_config)
        if probe.refused:  # a URL written in some other way: do not cache, report it
            return CSS(string=css, url_fetcher=fetcher, font_config=font_config)
        if len(_STYLESHEETS) > 8:
            _STYLESHEETS.clear()
        _STYLESHEETS[key] = sheet
    return sheet


def _html_class(ua_stylesheet):
    """weasyprint.HTML with `ua_stylesheet` as its whole user-agent stylesheet.

    WeasyPrint matches every element against its complete HTML user-agent
    stylesheet (and lays out all sixteen page-margin-box rules of its @page):
    the book's own ua.css holds the same rules for just the elements its
    templates use, which gives byte-identical PDFs for ~8% less render time.
    Falls back to plain HTML if WeasyPrint has no such hook.
    """
    from weasyprint import HTML

    if not callable(getattr(HTML, "_ua_stylesheets", None)):
        return HTML

    class BookHTML(HTML):
        def _ua_stylesheets(self, forms=False):
            return [ua_stylesheet]

    return BookHTML


def _rgb(color) -> tuple[float, float, float]:
    try:
        red, green, blue = color.to("srgb").coordinates[:3]
        return (float(red), float(green), float(blue))
    except (AttributeError, TypeError, ValueError):  # another colour model: print black
        return (0.0, 0.0, 0.0)


def _number_slots(document) -> list[NumberSlot]:
    """The first fragment of every block marked ``data-page-of``: its right edge and the baseline
    of its last line, so that an entry whose title and organization wrap carries its number at
    its end, where the reader's eye leaves it (a number on the first line reads as another's)."""
    from weasyprint.formatting_structure.boxes import LineBox

    slots: list[NumberSlot] = []
    seen: set[str] = set()
    for number, page in enumerate(document.pages):
        stack = [page._page_box]
        while stack:
            box = stack.pop()
            element = getattr(box, "element", None)
            target = element.get("data-page-of") if element is not None else None
            if target and target not in seen:
                last_line = box
                while not isinstance(last_line, LineBox) and getattr(last_line, "children", None):
                    last_line = last_line.children[-1]
                baseline = getattr(last_line, "baseline", None)
                if isinstance(last_line, LineBox) and baseline is not None:
                    seen.add(target)
                    right = box.content_box_x() + box.width + box.padding_right
                    slots.append(NumberSlot(
                        number, target, right * PX_TO_PT,
                        (page.height - last_line.position_y - baseline) * PX_TO_PT,
                        box.style["font_size"] * PX_TO_PT, _rgb(box.style["color"])))
                continue
            stack.extend(reversed(getattr(box, "children", ()) or ()))
    return slots


def _warm_up():
    """Load fontconfig and the book's fonts; returns the FontConfiguration to reuse.

    Runs BEFORE the memory limit: fontconfig that fails to read fonts under a
    tight limit concludes the font directory is empty and writes that into the
    system font cache, breaking fonts for every process on the machine.
    """
    from weasyprint import HTML
    from weasyprint.text.fonts import FontConfiguration

    lean_font_data()
    font_config = FontConfiguration()
    HTML(string=WARM_UP_HTML).render(font_config=font_config).write_pdf()
    return font_config


_FORKSERVER_FONT_CONFIG = None  # set in the forkserver by warm.py; inherited by workers


def warm_forkserver() -> None:
    """Warm WeasyPrint in this process (the forkserver) so forked workers start warm.

    The forkserver is single-threaded and has no memory limit, like a worker's
    own warm-up; a failure is ignored (the workers then warm up themselves).
    """
    global _FORKSERVER_FONT_CONFIG
    if _FORKSERVER_FONT_CONFIG is None:
        try:
            _FORKSERVER_FONT_CONFIG = _warm_up()
        except Exception:  # pragma: no cover - never break the forkserver
            _FORKSERVER_FONT_CONFIG = None


def _worker_main(conn, memory_limit_bytes: int) -> None:
    font_config = _FORKSERVER_FONT_CONFIG or _warm_up()
    resource.setrlimit(resource.RLIMIT_AS, (memory_limit_bytes, memory_limit_bytes))
    while True:
        try:
            job = conn.recv()
        except EOFError:
            return
        if job is None:
            return
        try:
            conn.send(("ok", render_job(job, font_config)))
        except MemoryError:
            conn.send(("error", f"{job.key}: memory limit exceeded"))
        except Exception as exc:  # reported to the parent, which raises RenderError
            conn.send(("error", f"{job.key}: {type(exc).__name__}: {exc}"))


def _context():
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(
        ["weasyprint", "reviewapp.publishing.render", "reviewapp.publishing.warm"])
    return context


class _Worker:
    def __init__(self, context, memory_limit_bytes: int):
        self.conn, child_conn = context.Pipe()
        self.process = context.Process(
            target=_worker_main, args=(child_conn, memory_limit_bytes), daemon=True)
        self.process.start()
        child_conn.close()
        self.job: RenderJob | None = None
        self.deadline = 0.0

    def give(self, job: RenderJob, timeout: float) -> None:
        self.job = job
        self.deadline = time.monotonic() + timeout
        self.conn.send(job)

    def stop(self, kill: bool = False) -> None:
        if self.process.is_alive():
            if kill:
                self.process.kill()
            else:
                try:
                    self.conn.send(None)
                except OSError:
                    pass
            self.process.join(5)
            if self.process.is_alive():
                self.process.kill()
                self.process.join()
        self.conn.close()

    @property
    def pid(self) -> int | None:
        return self.process.pid


class RenderPool:
    """A few sandboxed WeasyPrint workers; use as a context manager."""

    def __init__(self, workers: int = 2, memory_limit_mb: int = 2048, timeout: float = 180.0):
        self.size = max(1, workers)
        self.memory_limit_bytes = memory_limit_mb * 1024 * 1024
        self.timeout = timeout
        self._workers: list[_Worker] = []
        self.worker_peak_mb: list[float] = []

    def __enter__(self) -> "RenderPool":
        context = _context()
        self._workers = [_Worker(context, self.memory_limit_bytes) for _ in range(self.size)]
        return self

    def __exit__(self, *exc_info) -> None:
        failed = exc_info[0] is not None
        self.worker_peak_mb = [memory_mb(pid, "VmHWM") for pid in self.pids]
        for worker in self._workers:
            worker.stop(kill=failed)
        self._workers = []

    @property
    def pids(self) -> list[int]:
        return [worker.pid for worker in self._workers if worker.pid]

    def run(self, jobs, on_result=None) -> dict[str, RenderResult]:
        """Render `jobs` (any iterable, consumed lazily as workers free up); results by key.

        `on_result(result)` is called in the parent as each job finishes.
        Raises RenderError on the first failure or timeout (workers are killed).
        """
        pending = iter(jobs)
        exhausted = False
        results: dict[str, RenderResult] = {}
        while True:
            for worker in self._workers:
                if worker.job is None and not exhausted:
                    job = next(pending, None)
                    if job is None:
                        exhausted = True
                    else:
                        worker.give(job, self.timeout)
            busy = [worker for worker in self._workers if worker.job]
            if not busy:
                break
            nearest = min(worker.deadline for worker in busy)
            ready = wait([worker.conn for worker in busy],
                         timeout=max(0.0, nearest - time.monotonic()))
            for worker in busy:
                if worker.conn in ready:
                    try:
                        status, payload = worker.conn.recv()
                    except (EOFError, OSError):
                        raise RenderError(
                            f"{worker.job.key}: renderer died (exit code "
                            f"{worker.process.exitcode}; memory limit?)") from None
                    if status != "ok":
                        raise RenderError(payload)
                    worker.job = None
                    results[payload.key] = payload
                    if on_result:
                        on_result(payload)
                elif time.monotonic() >= worker.deadline:
                    raise RenderError(f"{worker.job.key}: timed out after {self.timeout:.0f} s")
        return results


def memory_mb(pid: int, field_name: str = "VmRSS") -> float:
    """A /proc/<pid>/status memory field (VmRSS, VmHWM = peak RSS) in MB; 0 if unavailable."""
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith(field_name + ":"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def available_cpus() -> int:
    return len(os.sched_getaffinity(0))
