"""Plain input data for the book renderer: what the app hands over, nothing more."""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Photo:
    """A stored image file (trusted path set by the app, never by users) and its caption."""
    path: str
    caption: str = ""


@dataclass(frozen=True)
class NarrativeSection:
    heading: str
    paragraphs: tuple[str, ...] = ()


@dataclass(frozen=True)
class Figures:
    """Key figures of a case; None means "not reported" and is left out."""
    volunteers: int | None = None
    service_hours: int | None = None
    activities: int | None = None
    people_served: int | None = None
    start_year: int | None = None


@dataclass(frozen=True)
class BookCase:
    """One selected case as it is printed. All text is untrusted user content."""
    id: str
    title: str
    organization: str
    province: str = ""
    org_type: str = ""
    themes: tuple[str, ...] = ()
    summary: str = ""
    sections: tuple[NarrativeSection, ...] = ()
    figures: Figures = field(default_factory=Figures)
    photos: tuple[Photo, ...] = ()
    gallery_url: str = ""
    version: str = ""

    def group_value(self, group_by: str) -> str:
        """The value this case is grouped under ('' when missing)."""
        if group_by == "theme":
            return self.themes[0] if self.themes else ""
        if group_by == "province":
            return self.province
        if group_by == "org_type":
            return self.org_type
        raise ValueError(f"unknown grouping key {group_by!r}")

    def as_plain(self) -> dict:
        """Every field as JSON-able data (used for the cache fingerprint)."""
        return dataclasses.asdict(self)


GROUP_KEYS = ("theme", "province", "org_type")
LANGUAGES = ("zh", "en")


@dataclass(frozen=True)
class Book:
    """The campaign-level data of one book."""
    title_zh: str
    title_en: str
    year: int
    foreword: str = ""
    language: str = "zh"
    group_by: str = "theme"
    labels: dict[str, str] | None = None
    appendix_title: str = ""   # a statistics appendix follows the cases: its contents entry

    def __post_init__(self):
        if self.language not in LANGUAGES:
            raise ValueError(f"language must be one of {LANGUAGES}")
        if self.group_by not in GROUP_KEYS:
            raise ValueError(f"group_by must be one of {GROUP_KEYS}")

    @property
    def title(self) -> str:
        """The title in the book's language, falling back to the other one."""
        if self.language == "zh":
            return self.title_zh or self.title_en
        return self.title_en or self.title_zh

    @property
    def subtitle(self) -> str:
        """The title in the other language (printed under the main one on the cover)."""
        other = self.title_en if self.language == "zh" else self.title_zh
        return "" if other == self.title else other

    @property
    def pdf_language(self) -> str:
        return "zh-CN" if self.language == "zh" else "en"
