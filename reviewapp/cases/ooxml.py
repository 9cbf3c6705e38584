"""Office Open XML (.docx/.xlsx/.pptx) package facts shared by upload checks and blinding.

An OOXML file is a zip "package": ``[Content_Types].xml`` maps part names to
content types, ``_rels/*.rels`` files link parts together, and the content type
of the main part tells Word, Excel and PowerPoint files apart.
"""

import posixpath
import re
import zipfile
from dataclasses import dataclass
from urllib.parse import unquote

from lxml import etree

CONTENT_TYPES_PART = "[Content_Types].xml"
PACKAGE_RELS_PART = "_rels/.rels"

CONTENT_TYPES_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
RELATIONSHIPS_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
OFFICE_RELATIONSHIP_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"

# main part content type -> (extension, MIME type of the whole file)
MAIN_PART_TYPES = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml": (
        "docx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml": (
        "xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
    "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml": (
        "pptx",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ),
}

MACRO_MAIN_PART_TYPES = {
    "application/vnd.ms-word.document.macroEnabled.main+xml",
    "application/vnd.ms-word.template.macroEnabledTemplate.main+xml",
    "application/vnd.ms-excel.sheet.macroEnabled.main+xml",
    "application/vnd.ms-excel.template.macroEnabled.main+xml",
    "application/vnd.ms-excel.addin.macroEnabled.main+xml",
    "application/vnd.ms-powerpoint.presentation.macroEnabled.main+xml",
    "application/vnd.ms-powerpoint.slideshow.macroEnabled.main+xml",
    "application/vnd.ms-powerpoint.template.macroEnabled.main+xml",
    "application/vnd.ms-powerpoint.addin.macroEnabled.main+xml",
}

MACRO_CONTENT_TYPES = {
    "application/vnd.ms-office.vbaProject",
    "application/vnd.ms-office.activeX",
    "application/vnd.ms-office.activeX+xml",
}

_MACRO_PART_NAME = re.compile(r"(^|/)(vbaProject\.bin|vbaData\.xml|activeX/[^/]+)$", re.IGNORECASE)
_UNSAFE_MEMBER_NAME = re.compile(r"[\x00-\x1f\x7f\\]|^/|^[A-Za-z]:")

# OOXML parts never carry a DTD; refusing one keeps entity expansion out of every parser.
XML_PARSER = etree.XMLParser(
    resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, remove_blank_text=False
)


class ContentProblem(ValueError):
    """A file failed a content check (image, PDF or package); ``reason`` is a short machine code."""

    def __init__(self, reason: str, detail: str = ""):
        super().__init__(detail or reason)
        self.reason = reason


@dataclass(frozen=True)
class ZipLimits:
    """Bounds that stop zip bombs before anything is inflated (the defaults of config.py's
    ARCHIVE_MAX_UNCOMPRESSED_MB, ARCHIVE_MAX_MEMBERS and ARCHIVE_MAX_RATIO)."""

    max_total_uncompressed: int = 100 * 1024 * 1024
    max_members: int = 2000
    # For big members and for the whole package (its total against its size on disk).
    max_compression_ratio: float = 100.0
    # Small XML parts compress extremely well; only judge the ratio of big members.
    ratio_checked_above: int = 1024 * 1024

    @classmethod
    def configured(cls):
        """The limits of the running app's settings (the defaults outside an app)."""
        from flask import current_app, has_app_context

        if not has_app_context():
            return cls()
        config = current_app.config
        return cls(max_total_uncompressed=config.get("ARCHIVE_MAX_UNCOMPRESSED_MB", 100) * 1024 * 1024,
                   max_members=config.get("ARCHIVE_MAX_MEMBERS", cls.max_members),
                   max_compression_ratio=float(config.get("ARCHIVE_MAX_RATIO", cls.max_compression_ratio)))


@dataclass(frozen=True)
class OfficePackage:
    """What the upload check learned about a package: its extension, MIME and main part."""

    extension: str
    mime: str
    main_part: str


def parse_xml(data: bytes) -> etree._Element:
    """Parse one package part, refusing DTDs; raises ContentProblem if it is not XML."""
    if b"<!DOCTYPE" in data[:4096].upper() or b"<!ENTITY" in data.upper():
        raise ContentProblem("xml_dtd", "XML part declares a DTD or entity")
    try:
        return etree.fromstring(data, XML_PARSER)
    except etree.XMLSyntaxError as error:
        raise ContentProblem("xml_invalid", str(error)) from error


def is_unsafe_member_name(name: str) -> bool:
    """True for member names that could escape a directory or confuse a file system."""
    if not name or _UNSAFE_MEMBER_NAME.search(name):
        return True
    return any(segment in ("..", ".") for segment in name.split("/"))


def check_zip_safety(archive: zipfile.ZipFile, size_on_disk: int, limits: ZipLimits) -> None:
    """Check member names, counts, declared sizes and ratios; raises ContentProblem.

    zipfile never inflates a member past its declared size (it fails the CRC
    instead), so bounding declared sizes bounds the real work.
    """
    members = archive.infolist()
    if len(members) > limits.max_members:
        raise ContentProblem("zip_members", f"{len(members)} members")
    total = 0
    seen = set()
    for member in members:
        if is_unsafe_member_name(member.filename):
            raise ContentProblem("zip_member_name", member.filename)
        if member.filename.lower() in seen:
            raise ContentProblem("zip_duplicate", member.filename)
        seen.add(member.filename.lower())
        if member.flag_bits & 0x1:
            raise ContentProblem("zip_encrypted", member.filename)
        if member.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise ContentProblem("zip_method", member.filename)
        total += member.file_size
        if member.file_size > limits.ratio_checked_above:
            ratio = member.file_size / max(member.compress_size, 1)
            if ratio > limits.max_compression_ratio:
                raise ContentProblem("zip_ratio", f"{member.filename}: {ratio:.0f}x")
    if total > limits.max_total_uncompressed:
        raise ContentProblem("zip_total_size", f"{total} bytes")
    if size_on_disk and total / size_on_disk > limits.max_compression_ratio:
        raise ContentProblem("zip_ratio", f"whole package {total / size_on_disk:.0f}x")


def content_type_overrides(content_types_xml: bytes) -> dict[str, str]:
    """Map part name (without the leading slash) to its Override content type."""
    root = parse_xml(content_types_xml)
    if root.tag != f"{{{CONTENT_TYPES_NS}}}Types":
        raise ContentProblem("ooxml_content_types", "root element is not Types")
    return {
        element.get("PartName", "").lstrip("/"): element.get("ContentType", "")
        for element in root.iter(f"{{{CONTENT_TYPES_NS}}}Override")
    }


def identify_package(archive: zipfile.ZipFile) -> OfficePackage:
    """Tell which Office document the package is; raises ContentProblem for anything else."""
    names = set(archive.namelist())
    if CONTENT_TYPES_PART not in names or PACKAGE_RELS_PART not in names:
        raise ContentProblem("ooxml_missing_parts", "no [Content_Types].xml or _rels/.rels")
    overrides = content_type_overrides(archive.read(CONTENT_TYPES_PART))
    if any(_MACRO_PART_NAME.search(name) for name in names) or any(
        content_type in MACRO_CONTENT_TYPES or content_type in MACRO_MAIN_PART_TYPES
        for content_type in overrides.values()
    ):
        raise ContentProblem("ooxml_macros", "macro or ActiveX part present")
    main_parts = [
        (part, content_type) for part, content_type in overrides.items() if content_type in MAIN_PART_TYPES
    ]
    if len(main_parts) != 1:
        raise ContentProblem("ooxml_main_part", f"{len(main_parts)} main parts")
    part, content_type = main_parts[0]
    if part not in names:
        raise ContentProblem("ooxml_main_part", f"main part {part} missing")
    extension, mime = MAIN_PART_TYPES[content_type]
    return OfficePackage(extension=extension, mime=mime, main_part=part)


def rels_part_for(part: str) -> str:
    """The relationships part of ``part``: ``word/document.xml`` -> ``word/_rels/document.xml.rels``."""
    folder, name = posixpath.split(part)
    return posixpath.join(folder, "_rels", f"{name}.rels")


def source_part_of(rels_part: str) -> str:
    """Inverse of rels_part_for: the part whose relationships ``rels_part`` holds ('' for the package)."""
    folder, name = posixpath.split(rels_part)
    return posixpath.join(posixpath.dirname(folder), name[: -len(".rels")]).lstrip("/")


def resolve_target(source_part: str, target: str) -> str:
    """Resolve a relationship Target relative to its source part into a part name."""
    target = unquote(target.split("#", 1)[0])
    if target.startswith("/"):
        return posixpath.normpath(target).lstrip("/")
    return posixpath.normpath(posixpath.join(posixpath.dirname(source_part), target)).lstrip("/")
