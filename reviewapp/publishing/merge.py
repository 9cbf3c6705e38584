"""Merging rendered parts into the final book with pikepdf (qpdf).

Parts (front matter, then chunks) are concatenated; fonts are shared across
parts (fonts.py); each page gets its page number, and each contents line the
page number of its case, as one small extra content stream using the digit
glyphs WeasyPrint typeset once (digits.html), so the original content stays
encoded and nothing is re-compressed; the TOC's links into other parts become
GoTo annotations; the outline (group -> case) and document metadata are
written here because the parts cannot know them.

qpdf copies the parts' objects without decoding their streams and writes only
what the finished book references (a fresh cross-reference table and a
trailer /Size that matches it), reading stream data from the part files while
it writes: the merge takes a fraction of a second and little memory.
"""
from __future__ import annotations

import os
import re
import zlib
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import pikepdf
from pikepdf import Array, Dictionary, Name, OutlineItem, PageLocation, Pdf, String

from .fonts import cid_widths, union_font
from .render import PX_TO_PT, LinkBox, NumberSlot

NUMBER_FONT = Name("/RvPageNumber")
NUMBER_FONT_OPERAND = b"/RvPageNumber"
NUMBER_BASELINE_PT = 34.0  # 12 mm above the bottom edge, inside the 24 mm margin
NUMBER_COLOR = (0.294, 0.322, 0.361)


@dataclass
class OutlineCase:
    title: str
    page: int


@dataclass
class OutlineGroup:
    title: str
    page: int
    cases: list[OutlineCase]


@dataclass
class DigitFont:
    """The digits 0-9 as WeasyPrint typeset them: font, glyph codes and advances."""
    font: Dictionary  # the Type0 font dictionary, in the digits part
    codes: dict[str, str]
    advances: dict[str, float]  # in points, at `size`
    size: float  # in points

    def width(self, number: str, size: float) -> float:
        return sum(self.advances[digit] for digit in number) * size / self.size

    def show(self, number: str, size: float, color, x: float, y: float) -> bytes:
        """Content-stream operators printing `number` with its baseline starting at (x, y)."""
        codes = "".join(self.codes[digit] for digit in number).encode()
        return b"BT %s %.2f Tf %.3f %.3f %.3f rg %.2f %.2f Td <%s> Tj ET\n" % (
            NUMBER_FONT_OPERAND, size, *color, x, y, codes)


def _plain(value):
    """pikepdf arrays and numbers as Python lists, ints and floats."""
    if isinstance(value, Array):
        return [_plain(item) for item in value]
    return int(value) if isinstance(value, int) else float(value)


def read_digit_font(pdf: Pdf) -> DigitFont:
    """Extract the page-number font from the rendered digits.html (one line "0123456789")."""
    page = pdf.pages[0]
    contents = page.obj.Contents
    streams = list(contents) if isinstance(contents, Array) else [contents]
    data = b"".join(stream.read_bytes() for stream in streams)
    found = re.search(rb"/(\S+) ([\d.]+) Tf\s*\[(.*?)\]\s*TJ", data, re.DOTALL)
    if not found:
        raise ValueError("digits not found in the page-number template")
    name, size_px, array = found.groups()
    codes = [code.decode() for code in re.findall(rb"<([0-9a-fA-F]{4})>", array)]
    if len(codes) != 10:
        raise ValueError("the page-number template must typeset exactly 0-9")
    font = page.obj.Resources.Font["/" + name.decode()]
    cid_font = font.DescendantFonts[0]
    widths = cid_widths(_plain(cid_font.get("/W", Array())))
    default = float(cid_font.get("/DW", 1000))
    size = float(size_px) * PX_TO_PT
    digits = "0123456789"
    return DigitFont(font, dict(zip(digits, codes)), {
        digit: widths.get(int(code, 16), default) * size / 1000
        for digit, code in zip(digits, codes)}, size)


def _stamp(pdf: Pdf, page, operators: bytes, font_ref) -> None:
    # Per-page copies of the resource dicts: WeasyPrint may share one between pages.
    resources = Dictionary(page.obj.Resources)
    fonts = Dictionary(resources.Font) if "/Font" in resources else Dictionary()
    fonts[NUMBER_FONT] = font_ref
    resources.Font = fonts
    page.obj.Resources = resources
    contents = page.obj.Contents
    parts = list(contents) if isinstance(contents, Array) else [contents]
    # WeasyPrint leaves its flipped coordinate system in place: wrap it in q/Q first.
    # Each page has its own two small streams (no stream is shared between pages).
    page.obj.Contents = Array([pdf.make_stream(b"q\n"), *parts,
                               pdf.make_stream(b"\nQ\n" + operators)])


def share_fonts(pdf: Pdf, workers: int = 2) -> int:
    """Replace the per-part subsets of each font face by one union subset; return bytes saved.

    The first part's font stream becomes the shared one; the others are no
    longer referenced, so qpdf does not write them.
    """
    faces: dict[str, dict[tuple, tuple]] = {}
    seen_fonts: set[tuple] = set()
    for page in pdf.pages:
        fonts = page.obj.Resources.get("/Font")
        for _name, font in (fonts.items() if fonts is not None else ()):
            if font.is_indirect:
                if font.objgen in seen_fonts:
                    continue
                seen_fonts.add(font.objgen)
            if font.get("/Subtype") != Name.Type0:
                continue
            cid_font = font.DescendantFonts[0]
            descriptor = cid_font.FontDescriptor
            file_ref = descriptor.get("/FontFile3")
            if file_ref is None:
                continue
            face = str(font.BaseFont).split("+", 1)[-1]
            members = faces.setdefault(face, {})
            key = descriptor.objgen if descriptor.is_indirect else ("direct", len(members))
            members[key] = (descriptor, file_ref, _plain(cid_font.get("/W", Array())))

    jobs = []
    for members in faces.values():
        streams = {file_ref.objgen: file_ref for _, file_ref, _ in members.values()}
        if len(streams) < 2:
            continue
        glyph_ids: set[int] = {0}
        for _, _, widths in members.values():
            glyph_ids |= set(cid_widths(widths))
        shared = next(iter(streams.values()))
        jobs.append((members, streams, shared, shared.read_bytes(), glyph_ids))

    def subset(job):  # HarfBuzz runs without the GIL: the faces are subset in parallel
        _members, _streams, _shared, data, glyph_ids = job
        union = union_font(data, glyph_ids)
        return None if union is None else zlib.compress(union, 6)

    with ThreadPoolExecutor(max(1, workers)) as pool:
        unions = list(pool.map(subset, jobs))
    saved = 0
    for (members, streams, shared, _data, _glyphs), union in zip(jobs, unions):
        if union is None:
            continue  # keep the per-part subsets: correct, only larger
        before = sum(len(ref.read_raw_bytes()) for ref in streams.values())
        shared.write(union, filter=Name.FlateDecode)
        for descriptor, _, _ in members.values():
            descriptor.FontFile3 = shared
        saved += before - len(union)
    return saved


def _link(page, rect, target_page) -> Dictionary:
    return Dictionary(
        Type=Name.Annot, Subtype=Name.Link,
        Rect=Array([round(value, 2) for value in rect]),
        Border=Array([0, 0, 0]), P=page.obj,
        Dest=Array([target_page.obj, Name.Fit]))


class BookMerger:
    """Collects rendered parts (in any order, as they finish) and writes the book.

    Parts are only opened by ``finish``: copying pages with qpdf is fast, and
    nothing needs to be held in memory while the workers render.
    """

    def __init__(self):
        self._parts: dict[int, str] = {}  # part order -> PDF path
        self._open: list[Pdf] = []

    def add(self, order: int, path: str) -> None:
        """Part number `order` (0 = first part of the book's body) is the PDF at `path`."""
        self._parts[order] = path

    def close(self) -> None:
        """Close the part files (idempotent)."""
        for pdf in self._open:
            pdf.close()
        self._open = []

    def _read(self, path: str) -> Pdf:
        pdf = Pdf.open(path)
        self._open.append(pdf)
        return pdf

    def finish(self, front_path: str, digits_path: str, out, *, bare_pages: set[int],
               links: list[LinkBox], anchor_pages: dict[str, int], outline: list[OutlineGroup],
               title: str, language: str, subject: str = "",
               toc_numbers: list[NumberSlot] = ()) -> int:
        """Insert the front matter, stamp page numbers, add links/outline/metadata, write `out`.

        Pages in `bare_pages` (0-based: cover, group dividers) get no number.
        `links` and `toc_numbers` are on the front matter's pages;
        `anchor_pages` maps anchors to global 0-based pages. Returns the page count.
        """
        self._parts[-1] = front_path
        book = Pdf.new()
        self._open.append(book)
        try:
            for order in sorted(self._parts):
                book.pages.extend(self._read(self._parts[order]).pages)
            digits = read_digit_font(self._read(digits_path))
            return _finish(book, digits, out, bare_pages=bare_pages, links=links,
                           anchor_pages=anchor_pages, outline=outline, title=title,
                           language=language, subject=subject, toc_numbers=toc_numbers)
        finally:
            self.close()


def _finish(book: Pdf, digits: DigitFont, out, *, bare_pages, links, anchor_pages, outline,
            title, language, subject, toc_numbers) -> int:
    font_ref = book.copy_foreign(digits.font)
    if not font_ref.is_indirect:
        font_ref = book.make_indirect(font_ref)
    pages = book.pages
    stamps: dict[int, list[bytes]] = {}
    for slot in toc_numbers:
        target = anchor_pages.get(slot.target)
        if target is None:
            continue
        number = str(target + 1)
        stamps.setdefault(slot.page, []).append(digits.show(
            number, slot.size, slot.color, slot.x - digits.width(number, slot.size), slot.y))
    for index, page in enumerate(pages):
        operators = stamps.get(index, [])
        if index not in bare_pages:
            number = str(index + 1)
            x = (float(page.mediabox[2]) - float(page.mediabox[0])
                 - digits.width(number, digits.size)) / 2
            operators.append(digits.show(number, digits.size, NUMBER_COLOR, x, NUMBER_BASELINE_PT))
        if operators:
            _stamp(book, page, b"".join(operators), font_ref)
    share_fonts(book)  # after stamping: the digits font is one more subset of a body face

    for link in links:
        target = anchor_pages.get(link.target)
        if target is None:
            continue
        page = pages[link.page]
        annotation = book.make_indirect(_link(page, link.rect, pages[target]))
        if "/Annots" not in page.obj:
            page.obj.Annots = Array()
        page.obj.Annots.append(annotation)

    with book.open_outline() as tree:
        for group in outline:
            item = OutlineItem(group.title, group.page, PageLocation.Fit)
            item.children.extend(OutlineItem(case.title, case.page, PageLocation.Fit)
                                 for case in group.cases)
            tree.root.append(item)

    book.docinfo = book.make_indirect(Dictionary(
        Title=String(title), Subject=String(subject),
        Creator=String("reviewapp"), Producer=String("reviewapp")))
    book.Root.Lang = String(language)
    book.Root.ViewerPreferences = Dictionary(DisplayDocTitle=True)
    book.Root.PageMode = Name.UseOutlines
    options = {"compress_streams": True,  # only new streams: existing ones are copied as they are
               "stream_decode_level": pikepdf.StreamDecodeLevel.none,
               "object_stream_mode": pikepdf.ObjectStreamMode.generate,
               "fix_metadata_version": False}
    if hasattr(out, "write"):
        book.save(out, **options)
    else:
        # Replace atomically so readers never see a half-written book.
        partial = f"{out}.part"
        book.save(partial, **options)
        os.replace(partial, out)
    return len(pages)
