"""Blind copy of a .docx, .xlsx or .pptx: the package is rewritten without who wrote or commented it.

Removed: custom properties, thumbnails, custom XML data, comments and the
people who wrote them (Word, Excel threaded and legacy notes, PowerPoint), with
their relationships and content-type entries. Blanked: core properties (creator,
title, keywords...) and the extended properties except a few neutral counts.
Tracked-change authors become "Reviewer". Photos inside the package are
re-encoded like any other photo, and embedded Office files are blinded in turn.

Also removed: embedded objects other than Office packages (an OLE .doc or .bin
keeps its own author and title, and the same .doc uploaded directly is refused),
document variables, mail-merge data sources, data-connection strings and paths
(`UID=…`, `C:\\Users\\…`), local paths of external links and other external
targets (web addresses stay), and the alternative text, titles and names of
pictures and shapes.
"""

import io
import re
import zipfile

from lxml import etree

from . import ooxml
from .blind_photo import blind_photo
from .ooxml import ContentProblem

NEUTRAL_AUTHOR = "Reviewer"

_CORE_PROPERTIES_TYPE = "application/vnd.openxmlformats-package.core-properties+xml"
_APP_PROPERTIES_TYPE = "application/vnd.openxmlformats-officedocument.extended-properties+xml"
_REMOVED_CONTENT_TYPES = {
    "application/vnd.openxmlformats-officedocument.custom-properties+xml",
    "application/vnd.openxmlformats-officedocument.customXmlProperties+xml",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.comments+xml",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.commentsExtended+xml",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.commentsIds+xml",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.commentsExtensible+xml",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.people+xml",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.comments+xml",
    "application/vnd.ms-excel.threadedcomments+xml",
    "application/vnd.ms-excel.person+xml",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.revisionHeaders+xml",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.revisionLog+xml",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.userNames+xml",
    "application/vnd.openxmlformats-officedocument.presentationml.comments+xml",
    "application/vnd.openxmlformats-officedocument.presentationml.commentAuthors+xml",
    "application/vnd.ms-powerpoint.comments+xml",
    "application/vnd.ms-powerpoint.authors+xml",
}
# Safety net for parts whose content type was declared by extension only.
_REMOVED_PART_NAMES = re.compile(
    r"^(docProps/custom\.xml|docProps/thumbnail\.[a-z]+|customXml/.*"
    r"|word/(comments[A-Za-z]*\d*|people)\.xml"
    r"|xl/comments\d*\.xml|xl/(threadedComments|persons|revisions)/.*"
    r"|ppt/(commentAuthors|authors)\.xml|ppt/comments/.*"
    r"|(word|xl|ppt)/embeddings/(?!.*\.(docx|xlsx|pptx)$).*)$",
    re.IGNORECASE,
)
# Last segment of relationship types whose targets are removed (external ones too, e.g. a template path).
_REMOVED_RELATIONSHIP_TYPES = {
    "comments", "commentsExtended", "commentsIds", "commentsExtensible", "people", "threadedComment",
    "person", "commentAuthors", "authors", "custom-properties", "thumbnail", "customXml",
    "attachedTemplate", "revisionHeaders", "usernames", "oleObject", "mailMergeSource", "mailMergeHeaderSource",
    "recipientData",
}  # fmt: skip
# Elements removed wherever they appear (settings.xml): document variables and mail-merge sources.
_REMOVED_ELEMENTS = {"docVars", "mailMerge"}
# attribute local name -> neutral value, on data connections and query tables (xl/connections.xml...).
_CONNECTION_ATTRIBUTES = {"connection": "", "command": "", "odcFile": "", "sourceFile": "", "url": "",
                          "description": "", "credentialsFile": "", "singleSignOnId": "", "post": ""}
# Pictures and shapes: Word's docPr, DrawingML's cNvPr (Word, Excel, PowerPoint).
_DRAWING_PROPERTIES = {"docPr", "cNvPr"}
_EXTERNAL_WEB = re.compile(r"^(https?|mailto):", re.IGNORECASE)
_KEPT_APP_PROPERTIES = {
    "Application", "AppVersion", "DocSecurity", "ScaleCrop", "LinksUpToDate", "SharedDoc",
    "HyperlinksChanged", "Pages", "Words", "Characters", "CharactersWithSpaces", "Lines",
    "Paragraphs", "Slides", "Notes", "HiddenSlides", "MMClips", "PresentationFormat",
}  # fmt: skip
_COMMENT_ANCHORS = {"commentRangeStart", "commentRangeEnd", "commentReference"}
# attribute local name -> neutral value
_PERSON_ATTRIBUTES = {"author": NEUTRAL_AUTHOR, "initials": "", "userName": "", "userId": "", "providerId": ""}
_EMPTY_CORE_PROPERTIES = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties"'
    b' xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/"'
    b' xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"/>'
)
_PHOTO_EXTENSIONS = (".jpg", ".jpeg", ".png", ".webp")
_OFFICE_EXTENSIONS = (".docx", ".xlsx", ".pptx")
_MAX_NESTING = 2
# A fixed timestamp: member dates would tell when and in which time zone the file was last saved.
_ZIP_DATE = (1980, 1, 1, 0, 0, 0)


class OfficeBlindingFailed(ContentProblem):
    """The package could not be blinded or the result did not check out."""

    def __init__(self, detail: str):
        super().__init__("office_blind_failed", detail)


def blind_office(data: bytes, zip_limits: ooxml.ZipLimits = ooxml.ZipLimits(), _depth: int = 0) -> bytes:
    """Return a blind copy of a verified OOXML package (see the module docstring for what changes).

    Zip limits are checked again because embedded packages were never verified on upload.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            ooxml.check_zip_safety(archive, len(data), zip_limits)
            parts = {member.filename: archive.read(member) for member in archive.infolist() if not member.is_dir()}
        order = list(parts)
        overrides = ooxml.content_type_overrides(parts[ooxml.CONTENT_TYPES_PART])
        removed = _parts_to_remove(parts, overrides)
        removed_ids = _rewrite_relationships(parts, removed)
        parts[ooxml.CONTENT_TYPES_PART] = _rewrite_content_types(parts[ooxml.CONTENT_TYPES_PART], removed)
        for name in order:
            if name in removed or name == ooxml.CONTENT_TYPES_PART or name.endswith(".rels"):
                continue
            parts[name] = _blind_part(
                name, parts[name], overrides.get(name, ""), removed_ids.get(name, set()), zip_limits, _depth
            )
        result = _write_package([(name, parts[name]) for name in order if name not in removed])
    except OfficeBlindingFailed:
        raise
    except (ContentProblem, zipfile.BadZipFile, KeyError, ValueError, etree.LxmlError) as error:
        raise OfficeBlindingFailed(f"{type(error).__name__}: {error}") from error
    check_package_consistency(result, original=data)
    return result


def _parts_to_remove(parts: dict[str, bytes], overrides: dict[str, str]) -> set[str]:
    removed = {name for name in parts if _REMOVED_PART_NAMES.match(name)}
    removed |= {name for name, content_type in overrides.items() if content_type in _REMOVED_CONTENT_TYPES}
    for rels_name, content in parts.items():
        if not rels_name.endswith(".rels"):
            continue
        source = ooxml.source_part_of(rels_name)
        for relationship in ooxml.parse_xml(content):
            internal = relationship.get("TargetMode") != "External"
            if internal and _relationship_kind(relationship) in _REMOVED_RELATIONSHIP_TYPES:
                removed.add(ooxml.resolve_target(source, relationship.get("Target", "")))
    removed |= {ooxml.rels_part_for(name) for name in removed}
    return removed


def _relationship_kind(relationship: etree._Element) -> str:
    return relationship.get("Type", "").rstrip("/").rsplit("/", 1)[-1]


def _rewrite_relationships(parts: dict[str, bytes], removed: set[str]) -> dict[str, set[str]]:
    """Drop relationships to removed parts; return the dropped ids per source part."""
    removed_ids: dict[str, set[str]] = {}
    for rels_name in [name for name in parts if name.endswith(".rels") and name not in removed]:
        root = ooxml.parse_xml(parts[rels_name])
        source = ooxml.source_part_of(rels_name)
        dropped = set()
        changed = False
        for relationship in list(root):
            external = relationship.get("TargetMode") == "External"
            target = None if external else ooxml.resolve_target(source, relationship.get("Target", ""))
            if _relationship_kind(relationship) in _REMOVED_RELATIONSHIP_TYPES or target in removed:
                dropped.add(relationship.get("Id"))
                root.remove(relationship)
            elif external and not _EXTERNAL_WEB.match(relationship.get("Target", "")):
                # A linked workbook or file: its path names the user's folders (C:\\Users\\刘建国\\…).
                relationship.set("Target", "external-file")
                changed = True
        if dropped:
            removed_ids[source] = dropped
        if dropped or changed:
            parts[rels_name] = _serialize(root)
    return removed_ids


def _rewrite_content_types(content: bytes, removed: set[str]) -> bytes:
    root = ooxml.parse_xml(content)
    for override in list(root.iter(f"{{{ooxml.CONTENT_TYPES_NS}}}Override")):
        if override.get("PartName", "").lstrip("/") in removed:
            root.remove(override)
    return _serialize(root)


def _blind_part(
    name: str, content: bytes, content_type: str, removed_ids: set[str], zip_limits: ooxml.ZipLimits, depth: int
) -> bytes:
    lower_name = name.lower()
    if content_type == _CORE_PROPERTIES_TYPE:
        return _EMPTY_CORE_PROPERTIES
    if content_type == _APP_PROPERTIES_TYPE:
        return _blank_app_properties(content)
    if lower_name.endswith(_PHOTO_EXTENSIONS):
        return blind_photo(content, max_long_side=None)
    if lower_name.endswith(_OFFICE_EXTENSIONS) and content.startswith(b"PK\x03\x04"):
        if depth >= _MAX_NESTING:
            raise OfficeBlindingFailed(f"{name}: Office files nested too deeply")
        return blind_office(content, zip_limits, depth + 1)
    if lower_name.endswith((".xml", ".vml")):
        return _neutralize_people(content, removed_ids)
    return content


def _blank_app_properties(content: bytes) -> bytes:
    root = ooxml.parse_xml(content)
    for element in list(root):
        if etree.QName(element).localname not in _KEPT_APP_PROPERTIES:
            root.remove(element)
    return _serialize(root)


def _neutralize_people(content: bytes, removed_ids: set[str]) -> bytes:
    """Remove comment anchors and references to dropped relationships; neutralise person attributes."""
    root = ooxml.parse_xml(content)
    changed = False
    reference_attributes = [f"{{{ooxml.OFFICE_RELATIONSHIP_NS}}}{local}" for local in ("id", "embed", "link")]
    for element in list(root.iter(etree.Element)):
        local_name = etree.QName(element).localname
        refers_to_removed = any(element.get(attribute) in removed_ids for attribute in reference_attributes)
        if local_name in _COMMENT_ANCHORS or local_name in _REMOVED_ELEMENTS or refers_to_removed:
            _remove_with_empty_extension(element)
            changed = True
            continue
        if local_name in _DRAWING_PROPERTIES:
            neutral_name = f"Picture {element.get('id', '')}".strip()
            changed |= _neutral_attributes(element, {"descr": "", "title": "", "name": neutral_name})
        elif local_name in ("shape", "imagedata", "rect", "roundrect", "group", "oval"):  # VML
            changed |= _neutral_attributes(element, {"alt": "", "title": "", "href": ""})
        elif local_name in ("connection", "dbPr", "olapPr", "webPr", "textPr", "parameter", "queryTable"):
            changed |= _neutral_attributes(element, _CONNECTION_ATTRIBUTES)
            if local_name in ("connection", "queryTable"):  # named after the source by default
                changed |= _neutral_attributes(element, {"name": f"Connection {element.get('id', '')}".strip()})
        for attribute in list(element.attrib):
            neutral = _PERSON_ATTRIBUTES.get(etree.QName(attribute).localname)
            if neutral is not None and element.get(attribute) != neutral:
                element.set(attribute, neutral)
                changed = True
        if local_name == "absPath" and element.get("url"):
            element.set("url", "")  # Excel stores the folder the workbook was saved in
            changed = True
        if local_name == "customWorkbookView" and element.get("name"):
            element.set("name", "View")  # Excel names personal views after their owner
            changed = True
    return _serialize(root) if changed else content


def _neutral_attributes(element: etree._Element, neutral: dict[str, str]) -> bool:
    """Set the attributes named in `neutral` (by local name, any namespace) that carry a value; True if any changed."""
    changed = False
    for attribute in list(element.attrib):
        value = neutral.get(etree.QName(attribute).localname)
        if value is not None and element.get(attribute) not in ("", value):
            element.set(attribute, value)
            changed = True
    return changed


def _remove_with_empty_extension(element: etree._Element) -> None:
    parent = element.getparent()
    if parent is None:
        return
    parent.remove(element)
    # A reference inside an extension (<p:ext><p188:commentRel r:id=.../></p:ext>) leaves an empty shell.
    while parent is not None and etree.QName(parent).localname in ("ext", "extLst") and len(parent) == 0:
        grandparent = parent.getparent()
        if grandparent is None:
            break
        grandparent.remove(parent)
        parent = grandparent


def _serialize(root: etree._Element) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _write_package(parts: list[tuple[str, bytes]]) -> bytes:
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in sorted(parts, key=lambda item: item[0] != ooxml.CONTENT_TYPES_PART):
            info = zipfile.ZipInfo(name, date_time=_ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, content)
    return output.getvalue()


def check_package_consistency(data: bytes, original: bytes | None = None) -> None:
    """Check that a package opens, has one main part, and that no content-type override or internal
    relationship points at a missing part (beyond those already missing in ``original``).

    Raises OfficeBlindingFailed otherwise.
    """
    try:
        missing = _dangling_references(data)
        if original is not None:
            missing -= _dangling_references(original)
    except OfficeBlindingFailed:
        raise
    except (ContentProblem, zipfile.BadZipFile, KeyError, ValueError, etree.LxmlError) as error:
        raise OfficeBlindingFailed(f"result is not a valid package: {error}") from error
    if missing:
        raise OfficeBlindingFailed(f"result refers to missing parts: {sorted(missing)}")


def _dangling_references(data: bytes) -> set[str]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        if archive.testzip() is not None:
            raise OfficeBlindingFailed("CRC error")
        names = set(archive.namelist())
        ooxml.identify_package(archive)
        overrides = ooxml.content_type_overrides(archive.read(ooxml.CONTENT_TYPES_PART))
        missing = {f"override:{part}" for part in overrides if part not in names}
        for rels_name in (name for name in names if name.endswith(".rels")):
            source = ooxml.source_part_of(rels_name)
            for relationship in ooxml.parse_xml(archive.read(rels_name)):
                if relationship.get("TargetMode") == "External":
                    continue
                target = ooxml.resolve_target(source, relationship.get("Target", ""))
                if target not in names:
                    missing.add(f"{rels_name}->{target}")
    return missing
