"""Building the showcase book: the public entry point of the publishing engine.

    result = build_book(book, cases, "book.pdf", cache_dir=..., on_progress=cb)

Pipeline: group and chunk the cases; look chunks up in the cache; render the
missing ones (longest first) in sandboxed workers, together with the front
matter (cover, foreword, TOC) and the page-number digits; then, knowing every
part's real page count, merge everything: the merger prints the page numbers,
the TOC's page numbers (where the renderer reported each contents line ends:
the front matter's layout never depends on them, so it is rendered once), the
outline and the metadata.
"""
from __future__ import annotations

import os
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from typing import BinaryIO, Callable
from urllib.parse import urlsplit

from flask_babel import lazy_gettext as _l

from .chunks import (CachedRender, Chunk, ChunkCache, Group, anchor_for, chunk_key, digest,
                     group_cases, plan_chunks)
from .fetcher import ResourceRegistry
from .labels import resolve_labels
from .merge import BookMerger, OutlineCase, OutlineGroup
from .model import Book, BookCase, Figures
from .photos import PhotoError, prepare_photo
from .render import RenderError, RenderJob, RenderPool
from .templating import render, stylesheet, template_hash

MAX_PHOTOS = 3
APPENDIX_ANCHOR = "appendix"  # the contents entry of the statistics appendix (no link: its pages come later)
FIGURE_FIELDS = ("volunteers", "service_hours", "activities", "people_served", "start_year")


class BookError(Exception):
    """The book could not be built. `message` is user-facing (lazily translated)."""

    def __init__(self, message, detail: str = ""):
        super().__init__(f"{message} {detail}".strip())
        self.message = message
        self.detail = detail


@dataclass
class TocEntry:
    case_id: str
    title: str
    group: str
    page: int  # 1-based, as printed


@dataclass
class BuildResult:
    """What a build produced and what it did."""
    pages: int
    toc: list[TocEntry]
    chunks_total: int
    chunks_rendered: int
    refused_urls: list[str] = field(default_factory=list)
    photo_problems: list[str] = field(default_factory=list)  # "case id: reason"
    seconds: float = 0.0
    worker_peak_mb: list[float] = field(default_factory=list)
    render_cpu_seconds: float = 0.0  # summed over render jobs


def _figures(figures: Figures, labels: dict) -> list[tuple[str, str]]:
    rows = []
    for name in FIGURE_FIELDS:
        value = getattr(figures, name)
        if value is not None:
            rows.append((labels[name], str(value) if name == "start_year" else f"{value:,}"))
    return rows


def anchored_cases(group: Group) -> list[tuple[BookCase, str]]:
    """The group's cases with their anchor names (as used in chunk HTML and the TOC)."""
    return [(case, anchor_for("c", str(case.id))) for case in group.cases]


def _is_web_url(url: str) -> bool:
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.netloc)


class _Builder:
    def __init__(self, book: Book, cases: list[BookCase], cache_dir, photo_cache_dir, photo_roots,
                 work_dir=None):
        self.book = book
        self.cases = cases
        self.labels = resolve_labels(book.language, book.labels)
        self.css = stylesheet("book.css")
        self.ua_css = stylesheet("ua.css")
        self.cache = ChunkCache(os.path.join(cache_dir, "chunks") if cache_dir else None)
        self.photo_cache_dir = photo_cache_dir or (
            os.path.join(cache_dir, "photos") if cache_dir else None)
        self.registry = ResourceRegistry(tuple(photo_roots))
        self.photo_problems: list[str] = []
        self.scratch = tempfile.mkdtemp(prefix="book-", dir=work_dir or self.cache.directory)
        self.common = {"language": book.language, "lang_tag": book.pdf_language,
                       "labels": self.labels, "book_title": book.title}

    def close(self):
        shutil.rmtree(self.scratch, ignore_errors=True)

    def _photos(self, case: BookCase) -> list[dict]:
        photos = []
        for photo in case.photos[:MAX_PHOTOS]:
            if not self.registry.is_allowed(photo.path):
                self.photo_problems.append(f"{case.id}: photo outside the stored files")
                continue
            try:
                prepared = prepare_photo(photo.path, self.photo_cache_dir)
            except (PhotoError, OSError) as exc:
                self.photo_problems.append(f"{case.id}: unreadable photo ({type(exc).__name__})")
                continue
            photos.append({"url": self.registry.add_file(prepared), "caption": photo.caption})
        return photos

    def chunk_job(self, chunk: Chunk) -> RenderJob:
        items, urls = [], []
        for planned in chunk.items:
            case = planned.case
            photos = self._photos(case)
            qr_url = self.registry.add_qr(case.gallery_url.strip()) if _is_web_url(
                case.gallery_url) else None
            urls += [photo["url"] for photo in photos] + ([qr_url] if qr_url else [])
            group = planned.opens_group
            items.append({
                "case": case, "anchor": planned.anchor, "photos": photos, "qr_url": qr_url,
                "figures": _figures(case.figures, self.labels),
                "group": {"title": group.title, "anchor": group.anchor,
                          "kicker": self.labels[self.book.group_by if self.book.group_by != "theme"
                                                else "themes"]} if group else None,
            })
        html = render("chunk.html", items=items, **self.common)
        return RenderJob(chunk.key, html, self.css, os.path.join(self.scratch, chunk.key + ".pdf"),
                         self.registry.subset(urls), units=len(chunk.items), ua_css=self.ua_css)

    def front_job(self, groups: list[Group]) -> RenderJob:
        """Cover + foreword + TOC. The TOC's page numbers are left blank: the merger
        prints them where the renderer reports each line ends (NumberSlot), so the
        front matter is rendered once, in parallel with the chunks."""
        toc = [{"title": group.title, "anchor": group.anchor,
                "entries": [{"title": case.title, "organization": case.organization,
                             "anchor": anchor}
                            for case, anchor in anchored_cases(group)]}
               for group in groups]
        foreword = [p.strip() for p in self.book.foreword.split("\n") if p.strip()]
        html = render("front.html", toc=toc, foreword=foreword, subtitle=self.book.subtitle,
                      appendix_title=self.book.appendix_title,
                      year_label=self.labels["year"].format(year=self.book.year), **self.common)
        key = digest("front", html, self.css, self.ua_css)
        return RenderJob(key, html, self.css, os.path.join(self.scratch, key + ".pdf"),
                         ua_css=self.ua_css)

    def digits_job(self) -> RenderJob:
        html, css = render("digits.html"), stylesheet("overlay.css")
        key = digest("digits", html, css, self.ua_css)
        return RenderJob(key, html, css, os.path.join(self.scratch, key + ".pdf"), ua_css=self.ua_css)

    def cached_or(self, job: RenderJob, todo: list[RenderJob]) -> CachedRender | None:
        hit = self.cache.get(job.key)
        if hit is None:
            todo.append(job)
        return hit


def build_book(book: Book, cases: list[BookCase], out: str | BinaryIO, *,
               cache_dir: str | None = None, photo_cache_dir: str | None = None,
               photo_roots: tuple[str, ...] = (), workers: int = 2, chunk_size: int = 12,
               on_progress: Callable[[int, int], None] | None = None, work_dir: str | None = None,
               timeout: float = 180.0, memory_limit_mb: int = 2048) -> BuildResult:
    """Render `cases` (in the given order, grouped by ``book.group_by``) as a PDF into `out`.

    `cache_dir` keeps rendered chunks (and prepared photos) between builds;
    `photo_roots`, when given, are the only directories photos may come from;
    `on_progress(done, total)` counts cases rendered or found in the cache;
    `work_dir` holds the build's temporary files (default: inside the cache; it must be on
    the cache's file system, as renders move into the cache).
    Raises BookError (user-facing message) when the book cannot be built.
    """
    started = time.perf_counter()
    if not cases:
        raise BookError(_l("The book has no cases to publish."))
    if len({str(case.id) for case in cases}) != len(cases):
        raise BookError(_l("Two cases in the book have the same id."))
    builder = _Builder(book, cases, cache_dir, photo_cache_dir, photo_roots, work_dir)
    groups = group_cases(cases, book.group_by, builder.labels["other_group"])
    chunks = plan_chunks(groups, chunk_size)
    template_version = template_hash()
    parts: dict[str, CachedRender] = {}
    refused: list[str] = []
    cpu = [0.0]
    rendered = done = 0

    def progress(units: int) -> None:
        nonlocal done
        done += units
        if on_progress:
            on_progress(done, len(cases))

    for chunk in chunks:
        chunk.key = chunk_key(chunk, book, builder.labels, template_version)
    chunk_order = {chunk.key: chunk.index for chunk in chunks}
    merger = BookMerger()

    def collect(result) -> None:
        parts[result.key] = builder.cache.put(
            result.key, os.path.join(builder.scratch, result.key + ".pdf"), result)
        if result.key in chunk_order:
            merger.add(chunk_order[result.key], parts[result.key].pdf_path)
        refused.extend(result.refused)
        cpu[0] += result.cpu_seconds
        progress(result.units)

    try:
        front_job = builder.front_job(groups)
        stale = []
        for chunk in chunks:
            hit = builder.cache.get(chunk.key)
            if hit is None:
                stale.append(chunk)
            else:
                parts[chunk.key] = hit
                merger.add(chunk.index, hit.pdf_path)
                progress(len(chunk.items))
        first_jobs: list[RenderJob] = []
        front = builder.cached_or(front_job, first_jobs)
        digits_job = builder.digits_job()
        digits = builder.cached_or(digits_job, first_jobs)
        # Longest first: the last job to finish is a short one, so no worker idles long
        # at the end (the merger takes the parts in any order).
        stale.sort(key=lambda chunk: -len(chunk.items))
        with RenderPool(workers, memory_limit_mb, timeout) as pool:
            jobs = (builder.chunk_job(chunk) for chunk in stale)
            pool.run(_chain(first_jobs, jobs), collect)
            rendered = len(stale)
            front = front or parts[front_job.key]
            digits = digits or parts[digits_job.key]
        worker_peaks = pool.worker_peak_mb
        anchor_pages = _place(front.pages, chunks, parts)
        if book.appendix_title:  # appended after the last case (reports/appendix.py)
            anchor_pages[APPENDIX_ANCHOR] = front.pages + sum(parts[chunk.key].pages for chunk in chunks)
        printed = {name: page + 1 for name, page in anchor_pages.items()}
        outline = [OutlineGroup(group.title, anchor_pages[group.anchor],
                                [OutlineCase(case.title, anchor_pages[anchor])
                                 for case, anchor in anchored_cases(group)])
                   for group in groups]
        bare_pages = {0} | {anchor_pages[group.anchor] for group in groups}  # cover, dividers
        total = merger.finish(
            front.pdf_path, digits.pdf_path, out, bare_pages=bare_pages,
            links=front.links, toc_numbers=front.slots, anchor_pages=anchor_pages,
            outline=outline, title=book.title, language=book.pdf_language,
            subject=builder.labels["cover_note"])
        builder.cache.prune(keep=set(parts))
    except RenderError as exc:
        raise BookError(_l("The book could not be rendered."), str(exc)) from exc
    finally:
        merger.close()
        builder.close()
    toc = [TocEntry(str(case.id), case.title, group.title, printed[anchor])
           for group in groups for case, anchor in anchored_cases(group)]
    return BuildResult(total, toc, len(chunks), rendered, refused, builder.photo_problems,
                       time.perf_counter() - started, worker_peaks, cpu[0])


def _chain(first, rest):
    yield from first
    yield from rest


def _place(front_pages: int, chunks: list[Chunk], parts: dict[str, CachedRender]) -> dict[str, int]:
    """Global 0-based page of every anchor, given the front matter's page count."""
    pages: dict[str, int] = {}
    offset = front_pages
    for chunk in chunks:
        part = parts[chunk.key]
        for name, page in part.anchors.items():
            pages.setdefault(name, offset + page)
        offset += part.pages
    return pages


def book_pdf_bytes(book: Book, cases: list[BookCase], **options) -> bytes:
    """Like build_book, but return the PDF as bytes."""
    import io
    buffer = io.BytesIO()
    build_book(book, cases, buffer, **options)
    return buffer.getvalue()
