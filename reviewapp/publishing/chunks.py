"""Splitting the ordered cases into chunks, and the on-disk cache of rendered chunks.

Chunks are rendered independently and merged, so they must not depend on
their position in the book: no page numbers (stamped later), anchors derived
from case ids. A chunk's cache key is a hash of everything it prints (its
cases' data, group openings, language, labels, running header, templates), so
a rebuild re-renders exactly the chunks whose content changed. Boundaries are
content-defined (a hash of the case id decides where a chunk may end), so
inserting or removing one case does not shift every later chunk.
"""
from __future__ import annotations

import hashlib
import json
import os
import tempfile
import time
from dataclasses import dataclass, field

from .model import Book, BookCase
from .render import LinkBox, NumberSlot, RenderResult


def digest(*parts) -> str:
    """A hex SHA-256 of JSON-able `parts`."""
    data = json.dumps(parts, ensure_ascii=False, sort_keys=True, default=str)
    return hashlib.sha256(data.encode()).hexdigest()


def anchor_for(kind: str, value: str) -> str:
    """A stable, HTML-safe anchor name that never contains user text."""
    return f"{kind}-{hashlib.sha1(value.encode()).hexdigest()[:16]}"


@dataclass
class Group:
    title: str
    anchor: str
    cases: list[BookCase] = field(default_factory=list)


@dataclass
class PlannedCase:
    case: BookCase
    anchor: str
    opens_group: Group | None = None


@dataclass
class Chunk:
    index: int
    items: list[PlannedCase]
    key: str = ""


def group_cases(cases: list[BookCase], group_by: str, other_title: str) -> list[Group]:
    """Group cases by `group_by`, keeping the input order of groups and of cases within them.

    Cases without a value go to a final `other_title` group.
    """
    groups: dict[str, Group] = {}
    for case in cases:
        title = case.group_value(group_by).strip()
        key = title or "\0other"
        if key not in groups:
            groups[key] = Group(title or other_title, anchor_for("g", key))
        groups[key].cases.append(case)
    ordered = [group for key, group in groups.items() if key != "\0other"]
    if "\0other" in groups:
        ordered.append(groups["\0other"])
    return ordered


def _is_boundary(case_id: str, size: int, target: int) -> bool:
    if size >= 2 * target:
        return True
    if size < max(1, target // 3):
        return False
    return int(hashlib.sha1(case_id.encode()).hexdigest()[:8], 16) % target == 0


def plan_chunks(groups: list[Group], target_size: int) -> list[Chunk]:
    """Split the grouped cases into chunks of about `target_size` cases."""
    chunks: list[Chunk] = []
    current: list[PlannedCase] = []
    for group in groups:
        for position, case in enumerate(group.cases):
            if current and _is_boundary(str(case.id), len(current), target_size):
                chunks.append(Chunk(len(chunks), current))
                current = []
            current.append(PlannedCase(case, anchor_for("c", str(case.id)),
                                       group if position == 0 else None))
    if current:
        chunks.append(Chunk(len(chunks), current))
    return chunks


def _photo_stamp(path: str):
    try:
        stat = os.stat(path)
        return [path, stat.st_size, stat.st_mtime_ns]
    except OSError:
        return [path, None, None]


def chunk_key(chunk: Chunk, book: Book, labels: dict, template_hash: str) -> str:
    """The cache key of a chunk: changes whenever anything printed in it changes."""
    cases = [
        [item.case.as_plain(), [_photo_stamp(p.path) for p in item.case.photos],
         item.opens_group.title if item.opens_group else None]
        for item in chunk.items
    ]
    return digest("chunk", template_hash, book.language, book.title, labels, cases)


@dataclass
class CachedRender:
    """A rendered part on disk: where its anchors landed, its cross-part links, its number slots."""
    pdf_path: str
    pages: int
    anchors: dict[str, int]
    links: list[LinkBox] = field(default_factory=list)
    slots: list[NumberSlot] = field(default_factory=list)


class ChunkCache:
    """Rendered PDFs keyed by content hash, in `directory` (None: no caching)."""

    def __init__(self, directory: str | None):
        self.directory = directory
        if directory:
            os.makedirs(directory, exist_ok=True)

    def get(self, key: str) -> CachedRender | None:
        if not self.directory:
            return None
        pdf_path = os.path.join(self.directory, f"{key}.pdf")
        try:
            with open(os.path.join(self.directory, f"{key}.json"), encoding="utf-8") as stream:
                meta = json.load(stream)
        except (OSError, ValueError):
            return None
        if not os.path.exists(pdf_path):
            return None
        links = [LinkBox(page, target, tuple(rect)) for page, target, rect in meta["links"]]
        slots = [NumberSlot(page, target, x, y, size, tuple(color))
                 for page, target, x, y, size, color in meta.get("slots", [])]
        return CachedRender(pdf_path, meta["pages"], meta["anchors"], links, slots)

    def put(self, key: str, rendered_path: str, result: RenderResult) -> CachedRender:
        """Move a fresh render into the cache (atomically) and return its entry."""
        if not self.directory:
            return CachedRender(rendered_path, result.pages, result.anchors, result.links,
                                result.slots)
        pdf_path = os.path.join(self.directory, f"{key}.pdf")
        os.replace(rendered_path, pdf_path)
        fd, tmp = tempfile.mkstemp(dir=self.directory, suffix=".part")
        with os.fdopen(fd, "w", encoding="utf-8") as stream:
            json.dump({"pages": result.pages, "anchors": result.anchors,
                       "links": [[l.page, l.target, list(l.rect)] for l in result.links],
                       "slots": [[s.page, s.target, s.x, s.y, s.size, list(s.color)]
                                 for s in result.slots]}, stream)
        os.replace(tmp, os.path.join(self.directory, f"{key}.json"))
        return CachedRender(pdf_path, result.pages, result.anchors, result.links, result.slots)

    def prune(self, keep: set[str], max_age_s: float = 7 * 86400) -> None:
        """Delete entries not in `keep` that were last written more than `max_age_s` ago.

        The age margin leaves other recent builds (another language, grouping) their chunks.
        """
        if not self.directory:
            return
        cutoff = time.time() - max_age_s
        for name in os.listdir(self.directory):
            key, _, extension = name.partition(".")
            if extension not in ("pdf", "json") or key in keep:
                continue
            path = os.path.join(self.directory, name)
            try:
                if os.path.getmtime(path) < cutoff:
                    os.remove(path)
            except OSError:
                pass  # removed concurrently: fine
