"""Plain text of a verified PDF or Office file, so the blind check can look for the submitter's name in it."""

import io
import zipfile

from lxml import etree
from pypdf import PdfReader

from . import ooxml

MAX_TEXT_CHARACTERS = 2_000_000
_MAX_PART_BYTES = 50 * 1024 * 1024

_PROPERTY_ELEMENTS = {"title", "subject", "creator", "lastModifiedBy", "keywords", "description", "category",
                      "Company", "Manager"}  # fmt: skip
# OOXML elements holding text: w:t, a:t, sheet strings, cell values, deleted text, document properties.
_TEXT_ELEMENTS = {"t", "delText", "v"} | _PROPERTY_ELEMENTS
# Elements after which a line break keeps words of different paragraphs, cells or properties apart.
_BREAK_ELEMENTS = {"p", "si", "c", "tc", "row", "br", "cr", "txBody", "comment", "cm"} | _PROPERTY_ELEMENTS


def extract_text(data: bytes, kind: str) -> str:
    """Text of a verified file: PDF pages, annotations and bookmarks, or the text of every Office part.

    Photos have no text (""). At most MAX_TEXT_CHARACTERS are returned.
    """
    if kind == "pdf":
        return _pdf_text(data)[:MAX_TEXT_CHARACTERS]
    if kind == "office":
        return _office_text(data)[:MAX_TEXT_CHARACTERS]
    return ""


def _pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    if reader.is_encrypted:
        reader.decrypt("")
    chunks, length = [], 0
    for page in reader.pages:
        page_text = page.extract_text() or ""
        annotations = page.get("/Annots") or []
        notes = [str(annotation.get_object().get("/Contents", "")) for annotation in annotations]
        chunks.append("\n".join([page_text, *filter(None, notes)]))
        length += len(chunks[-1])
        if length > MAX_TEXT_CHARACTERS:
            break
    chunks.extend(_outline_titles(reader.outline))
    return "\n".join(chunks)


def _outline_titles(outline) -> list[str]:
    titles = []
    for entry in outline:
        if isinstance(entry, list):
            titles.extend(_outline_titles(entry))
        elif getattr(entry, "title", None):
            titles.append(str(entry.title))
    return titles


def _office_text(data: bytes) -> str:
    chunks, length = [], 0
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for member in archive.infolist():
            name = member.filename
            if not name.endswith(".xml") or name == ooxml.CONTENT_TYPES_PART or member.file_size > _MAX_PART_BYTES:
                continue
            text = _xml_text(archive.read(member))
            if text.strip():
                chunks.append(text)
                length += len(text)
            if length > MAX_TEXT_CHARACTERS:
                break
    return "\n".join(chunks)


def _xml_text(content: bytes) -> str:
    try:
        root = ooxml.parse_xml(content)
    except ooxml.ContentProblem:
        return ""
    pieces = []
    for event, element in etree.iterwalk(root, events=("end",)):
        if not isinstance(element.tag, str):
            continue
        local_name = etree.QName(element).localname
        if local_name in _TEXT_ELEMENTS and element.text and len(element) == 0:
            pieces.append(element.text)
        elif local_name == "tab":
            pieces.append(" ")
        if local_name in _BREAK_ELEMENTS:
            pieces.append("\n")
    return "".join(pieces)
