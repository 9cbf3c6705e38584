"""Merging rendered parts into the final book with pypdf.

Parts (front matter, then chunks) are concatenated; fonts are shared across
parts (fonts.py); each page gets its page number as one small extra content
stream using the digit glyphs WeasyPrint typeset once (digits.html), so the
original content stays encoded and nothing is re-compressed; the TOC's links
into other parts become GoTo annotations; the outline (group -> case) and
document metadata are written here because the parts cannot know them.
"""
from __future__ import annotations

import os
import queue
import re
import threading
from dataclasses import dataclass

from pypdf import PdfReader, PdfWriter
from pypdf.generic import (ArrayObject, BooleanObject, DecodedStreamObject, DictionaryObject,
                           FloatObject, NameObject, NumberObject, TextStringObject)

from .fonts import cid_widths, union_font
from .render import PX_TO_PT, LinkBox

NUMBER_FONT = NameObject("/RvPageNumber")
NUMBER_BASELINE_PT = 34.0  # 12 mm above the bottom edge, inside the 24 mm margin
NUMBER_COLOR = b"0.294 0.322 0.361 rg"


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
    font: DictionaryObject
    codes: dict[str, str]
    advances: dict[str, float]  # in points
    size: float  # in points


def read_digit_font(path: str) -> DigitFont:
    """Extract the page-number font from the rendered digits.html (one line "0123456789")."""
    page = PdfReader(path).pages[0]
    data = page.get_contents().get_data()
    found = re.search(rb"/(\S+) ([\d.]+) Tf\s*\[(.*?)\]\s*TJ", data, re.S)
    if not found:
        raise ValueError("digits not found in the page-number template")
    name, size_px, array = found.groups()
    codes = [code.decode() for code in re.findall(rb"<([0-9a-fA-F]{4})>", array)]
    if len(codes) != 10:
        raise ValueError("the page-number template must typeset exactly 0-9")
    font = page["/Resources"]["/Font"]["/" + name.decode()].get_object()
    cid_font = font["/DescendantFonts"][0].get_object()
    widths = cid_widths(cid_font.get("/W", []))
    default = float(cid_font.get("/DW", 1000))
    size = float(size_px) * PX_TO_PT
    digits = "0123456789"
    return DigitFont(font, dict(zip(digits, codes)), {
        digit: widths.get(int(code, 16), default) * size / 1000
        for digit, code in zip(digits, codes)}, size)


def _stream(writer: PdfWriter, data: bytes):
    stream = DecodedStreamObject()
    stream.set_data(data)
    return writer._add_object(stream)


def _stamp(writer: PdfWriter, page, number: str, digits: DigitFont, font_ref,
           open_ref, close_ref) -> None:
    # Per-page copies of the resource dicts: WeasyPrint may share one between pages.
    resources = DictionaryObject(page["/Resources"].get_object())
    fonts = DictionaryObject(resources["/Font"].get_object() if "/Font" in resources else {})
    fonts[NUMBER_FONT] = font_ref
    resources[NameObject("/Font")] = fonts
    page[NameObject("/Resources")] = resources
    width = sum(digits.advances[d] for d in number)
    x = (float(page.mediabox.width) - width) / 2
    text = "".join(digits.codes[d] for d in number)
    number_ref = _stream(writer, b"BT %s %.2f Tf %s %.2f %.2f Td <%s> Tj ET\n" % (
        NUMBER_FONT.encode(), digits.size, NUMBER_COLOR, x, NUMBER_BASELINE_PT, text.encode()))
    # raw_get keeps the indirect reference: page["/Contents"] resolves it, and a
    # stream placed directly in an array is invalid PDF (pypdf cannot even re-read it).
    original = page.raw_get("/Contents")
    parts = list(original.get_object()) if isinstance(original.get_object(), ArrayObject) else [original]
    # WeasyPrint leaves its flipped coordinate system in place: wrap it in q/Q first.
    page[NameObject("/Contents")] = ArrayObject([open_ref, *parts, close_ref, number_ref])


def share_fonts(writer: PdfWriter) -> int:
    """Replace the per-part subsets of each font face by one union subset; return bytes saved.

    The first part's font stream becomes the shared one; the others are emptied
    (pypdf keeps written objects, so dropping references alone would not shrink the file).
    """
    faces: dict[str, dict[int, tuple]] = {}
    for page in writer.pages:
        fonts = page["/Resources"].get_object().get("/Font")
        for font_ref in (fonts.get_object().values() if fonts else ()):
            font = font_ref.get_object()
            if font.get("/Subtype") != "/Type0":
                continue
            cid_font = font["/DescendantFonts"][0].get_object()
            descriptor = cid_font["/FontDescriptor"].get_object()
            file_ref = descriptor.get("/FontFile3")
            if file_ref is None:
                continue
            face = str(font["/BaseFont"]).split("+", 1)[-1]
            faces.setdefault(face, {})[id(descriptor)] = (descriptor, file_ref, cid_font.get("/W", []))
    saved = 0
    for members in faces.values():
        streams = {file_ref.idnum: file_ref for _, file_ref, _ in members.values()}
        if len(streams) < 2:
            continue
        glyph_ids: set[int] = {0}
        for _, _, widths in members.values():
            glyph_ids |= set(cid_widths(widths))
        shared_ref = next(iter(streams.values()))
        shared = shared_ref.get_object()
        union = union_font(shared.get_data(), glyph_ids)
        if union is None:
            continue
        before = sum(len(ref.get_object()._data) for ref in streams.values())
        shared.set_data(union)  # re-encoded with the stream's own /Filter (Flate)
        for ref in streams.values():
            if ref.idnum != shared_ref.idnum:
                ref.get_object().set_data(b"")
        for descriptor, _, _ in members.values():
            descriptor[NameObject("/FontFile3")] = shared_ref
        saved += before - len(shared._data)
    return saved


def _link(page_ref, rect, target_ref) -> DictionaryObject:
    return DictionaryObject({
        NameObject("/Type"): NameObject("/Annot"),
        NameObject("/Subtype"): NameObject("/Link"),
        NameObject("/Rect"): ArrayObject(FloatObject(round(v, 2)) for v in rect),
        NameObject("/Border"): ArrayObject([NumberObject(0)] * 3),
        NameObject("/P"): page_ref,
        NameObject("/Dest"): ArrayObject([target_ref, NameObject("/Fit")]),
    })


class BookMerger:
    """Collects rendered parts into one pypdf writer on a background thread.

    Parts arrive in any order as they finish (or come from the cache) and are
    inserted at their place in the book, so parsing and copying them overlaps
    with the rendering of the others; ``finish`` does the rest.
    """

    def __init__(self):
        self.writer = PdfWriter()
        self._pages: dict[int, int] = {}  # part order -> page count
        self._queue: queue.Queue = queue.Queue()
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._consume, name="book-merger", daemon=True)
        self._thread.start()

    def add(self, order: int, path: str) -> None:
        """Queue part number `order` (0 = first page of the book's body part sequence)."""
        self._queue.put((order, path))

    def _consume(self) -> None:
        while (item := self._queue.get()) is not None:
            if self._error is not None:
                continue
            order, path = item
            try:
                position = sum(count for other, count in self._pages.items() if other < order)
                pages = PdfReader(path).pages
                for offset, page in enumerate(pages):
                    self.writer.insert_page(page, position + offset)
                self._pages[order] = len(pages)
            except BaseException as exc:  # re-raised in the caller's thread by finish()
                self._error = exc

    def close(self, check: bool = True) -> None:
        """Stop the background thread (idempotent); with `check`, re-raise its error."""
        if self._thread.is_alive():
            self._queue.put(None)
            self._thread.join()
        if check and self._error is not None:
            raise self._error

    def finish(self, front_path: str, digits_path: str, out, *, bare_pages: set[int],
               links: list[LinkBox], anchor_pages: dict[str, int], outline: list[OutlineGroup],
               title: str, language: str, subject: str = "") -> int:
        """Insert the front matter, stamp page numbers, add links/outline/metadata, write `out`.

        Pages in `bare_pages` (0-based: cover, group dividers) get no number.
        `links` are on the front matter's pages; `anchor_pages` maps anchors to
        global 0-based pages. Returns the page count.
        """
        self.add(-1, front_path)
        self.close()
        return _finish(self.writer, digits_path, out, bare_pages=bare_pages, links=links,
                       anchor_pages=anchor_pages, outline=outline, title=title,
                       language=language, subject=subject)


def _finish(writer: PdfWriter, digits_path: str, out, *, bare_pages, links, anchor_pages,
            outline, title, language, subject) -> int:
    digits = read_digit_font(digits_path)
    font_ref = digits.font.clone(writer).indirect_reference
    open_ref, close_ref = _stream(writer, b"q\n"), _stream(writer, b"\nQ\n")
    for number, page in enumerate(writer.pages, start=1):
        if number - 1 not in bare_pages:
            _stamp(writer, page, str(number), digits, font_ref, open_ref, close_ref)
    share_fonts(writer)  # after stamping: the digits font is one more subset of a body face

    page_refs = [page.indirect_reference for page in writer.pages]
    for link in links:
        target = anchor_pages.get(link.target)
        if target is None:
            continue
        page = writer.pages[link.page]
        annotation = writer._add_object(_link(page_refs[link.page], link.rect, page_refs[target]))
        if "/Annots" not in page:
            page[NameObject("/Annots")] = ArrayObject()
        page["/Annots"].get_object().append(annotation)

    for group in outline:
        parent = writer.add_outline_item(title=group.title, page_number=group.page)
        for case in group.cases:
            writer.add_outline_item(title=case.title, page_number=case.page, parent=parent)

    writer.add_metadata({"/Title": title, "/Subject": subject,
                         "/Creator": "reviewapp", "/Producer": "reviewapp"})
    writer._root_object[NameObject("/Lang")] = TextStringObject(language)
    writer._root_object[NameObject("/ViewerPreferences")] = DictionaryObject(
        {NameObject("/DisplayDocTitle"): BooleanObject(True)})
    writer.page_mode = "/UseOutlines"
    if hasattr(out, "write"):
        writer.write(out)
    else:
        # pypdf writes a path through unbuffered FileIO (~500k tiny writes): buffer it,
        # and replace atomically so readers never see a half-written book.
        partial = f"{out}.part"
        with open(partial, "wb", buffering=4 * 1024 * 1024) as stream:
            writer.write(stream)
        os.replace(partial, out)
    return len(writer.pages)
