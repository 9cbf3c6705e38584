"""What LibreOffice would fetch on its own, removed from an OOXML package before conversion.

A document can pull content from outside itself while it is rendered: a picture
linked (not embedded) to `file:///etc/passwd` or to an internal web address, an
OLE object linked to a file, a linked workbook, a sub-document, or a field such
as INCLUDEPICTURE, INCLUDETEXT, LINK or DDE. The preview would embed what the
server can read. Here every relationship with TargetMode="External" is
dropped from every .rels part (and the attributes pointing at it), field
instructions that fetch are blanked (their last shown result stays), and
attributes naming a file, UNC or web address to load are emptied. Clickable
web hyperlinks lose their target as well: the preview is for reading.
"""
import io
import re
import zipfile

from lxml import etree

from . import ooxml

_FETCHING_FIELD = re.compile(r"^\s*(INCLUDEPICTURE|INCLUDETEXT|INCLUDE|LINK|DDE|DDEAUTO|IMPORT|DATABASE"
                             r"|HYPERLINK|AUTOTEXTLIST)\b", re.IGNORECASE)
# Attribute values that load something from outside the package.
_OUTSIDE = re.compile(r"^\s*(file:|smb:|ftp:|https?:|//|\\\\|[a-z]:[\\/])", re.IGNORECASE)
# Attributes whose value is an address that is loaded (VML pictures, OLE links, frames).
_LOADING_ATTRIBUTES = {"src", "href", "link", "linkTarget", "ProgID-link", "sourceFile", "connection",
                       "odcFile", "url", "command", "dataSource", "Target"}
_REMOVED_ELEMENTS = {"ddeLink", "oleLink", "externalBook", "webPublishItem", "webPublishing", "attachedTemplate",
                     "subDoc", "frameset", "dataBinding", "altChunk"}
# Relationships dropped even when internal: an imported HTML or MHT chunk may load anything itself.
_DROPPED_TYPES = {"aFChunk", "subDocument", "frame", "attachedTemplate"}


def _local(name):
    return name.rsplit("}", 1)[-1]


def _drop_external_relationships(content):
    """(new .rels content or None when unchanged, ids of the dropped relationships)."""
    root = ooxml.parse_xml(content)
    dropped = set()
    for relationship in list(root):
        target = relationship.get("Target", "")
        kind = relationship.get("Type", "").rstrip("/").rsplit("/", 1)[-1]
        if relationship.get("TargetMode") == "External" or _OUTSIDE.match(target) or kind in _DROPPED_TYPES:
            dropped.add(relationship.get("Id"))
            root.remove(relationship)
    return (_serialize(root) if dropped else None), dropped


def _clean_part(content, dropped_ids):
    root = ooxml.parse_xml(content)
    changed = False
    for element in list(root.iter()):
        if not isinstance(element.tag, str):
            continue
        local = _local(element.tag)
        if local in _REMOVED_ELEMENTS and element.getparent() is not None:
            element.getparent().remove(element)
            changed = True
            continue
        if local == "instrText" and element.text and _FETCHING_FIELD.match(element.text):
            element.text = ""
            changed = True
        for name, value in list(element.attrib.items()):
            attribute = _local(name)
            if name.split("}", 1)[0].endswith("relationships") and value in dropped_ids:
                del element.attrib[name]
                changed = True
            elif attribute == "instr" and _FETCHING_FIELD.match(value):
                element.set(name, "")
                changed = True
            elif attribute in _LOADING_ATTRIBUTES and _OUTSIDE.match(value):
                element.set(name, "")
                changed = True
    return _serialize(root) if changed else None


def _serialize(root):
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def strip_external_links(data: bytes) -> bytes:
    """The package with nothing left that points outside it (see the module docstring)."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        members = [(member, archive.read(member)) for member in archive.infolist() if not member.is_dir()]
    parts = {member.filename: content for member, content in members}
    dropped_by_source = {}
    for name, content in parts.items():
        if name.endswith(".rels"):
            cleaned, dropped = _drop_external_relationships(content)
            if cleaned is not None:
                parts[name] = cleaned
                dropped_by_source[ooxml.source_part_of(name)] = dropped
    for name, content in parts.items():
        if name.endswith((".xml", ".vml")) and name != ooxml.CONTENT_TYPES_PART:
            cleaned = _clean_part(content, dropped_by_source.get(name, set()))
            if cleaned is not None:
                parts[name] = cleaned
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as archive:
        for member, _ in members:
            archive.writestr(member.filename, parts[member.filename])
    return output.getvalue()


def outside_references(data: bytes) -> list[str]:
    """What in the package still points outside it (empty after strip_external_links); for tests and checks."""
    found = []
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for name in archive.namelist():
            if not name.endswith((".xml", ".vml", ".rels")):
                continue
            root = ooxml.parse_xml(archive.read(name))
            for element in root.iter():
                if not isinstance(element.tag, str):
                    continue
                if element.get("TargetMode") == "External":
                    found.append(f"{name}: {element.get('Target')}")
                if _local(element.tag) == "instrText" and element.text and _FETCHING_FIELD.match(element.text):
                    found.append(f"{name}: {element.text.strip()}")
                for attribute, value in element.attrib.items():
                    if _local(attribute) in _LOADING_ATTRIBUTES and _OUTSIDE.match(value):
                        found.append(f"{name}: {value}")
    return found
