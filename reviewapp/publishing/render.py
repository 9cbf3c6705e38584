"""Sandboxed rendering: WeasyPrint runs in child processes with limits.

Each worker is forked from a forkserver that has WeasyPrint preloaded (cheap
starts, nothing inherited from the app's threads), caps its own address space
with RLIMIT_AS, and renders jobs (HTML + CSS + the resources it may fetch) to
PDF files. The parent enforces a wall-clock timeout per job by killing the
worker. A job reports its page count, where named anchors landed, its
in-document links (for the merger) and every URL the fetcher refused.
"""
from __future__ import annotations

import multiprocessing
import os
import resource
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


@dataclass
class LinkBox:
    """An internal link to `target` (anchor name) on page `page`, rect in PDF points."""
    page: int
    target: str
    rect: tuple[float, float, float, float]


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


class RenderError(RuntimeError):
    """A render job failed, timed out or exceeded its memory limit."""


WARM_UP_HTML = ('<p style="font-family: \'Noto Serif CJK SC\'">全民健身 Aa1'
                '<b style="font-family: \'Noto Sans CJK SC\'">志愿服务 Aa1</b>'
                '<span style="font-family: \'Noto Sans CJK SC\'">案例 Aa1</span></p>')


def render_job(job: RenderJob, font_config=None) -> RenderResult:
    """Render one job in the current process (workers call this).

    `font_config` (a weasyprint FontConfiguration) is reused when given: it
    skips re-loading fontconfig for every job.
    """
    from weasyprint import CSS, HTML

    from .fetcher import SafeFetcher

    started, cpu_started = time.perf_counter(), time.process_time()
    fetcher = SafeFetcher(job.resources)
    stylesheet = CSS(string=job.css, url_fetcher=fetcher, font_config=font_config)
    document = HTML(string=job.html, url_fetcher=fetcher).render(
        stylesheets=[stylesheet], font_config=font_config)
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
    document.write_pdf(job.out_path)
    return RenderResult(job.key, len(document.pages), anchors, links, fetcher.refused,
                        time.perf_counter() - started, job.units,
                        time.process_time() - cpu_started)


def _warm_up():
    """Load fontconfig and the book's fonts; returns the FontConfiguration to reuse.

    Runs BEFORE the memory limit: fontconfig that fails to read fonts under a
    tight limit concludes the font directory is empty and writes that into the
    system font cache, breaking fonts for every process on the machine.
    """
    from weasyprint import HTML
    from weasyprint.text.fonts import FontConfiguration

    font_config = FontConfiguration()
    HTML(string=WARM_UP_HTML).render(font_config=font_config).write_pdf()
    return font_config


def _worker_main(conn, memory_limit_bytes: int) -> None:
    font_config = _warm_up()
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
    context.set_forkserver_preload(["weasyprint", "reviewapp.publishing.render"])
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
