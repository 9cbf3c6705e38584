"""The blind view-model of a case: what an expert may see, and nothing that tells who submitted it.

Only the narrative, the figures, themes, service places and volunteer
categories, the activities-per-month chart (dates only: no host unit,
activity name, contact or remarks) and the blind evidence copies. Never the
organization's name, province, unit, contact, credit code, e-mail, website or
the evidence's original file names.

Text is shown as written, except that every mention of the applicant that the
identity finder recognises (name in every form, short names, contact person,
phones, e-mails, websites), the names of its unit, its credit code and the names
of its own province, city and district or county (Chinese, English, pinyin) are
replaced by a neutral mark (cases/blind_text.py says exactly what is hidden). Captions that the blind check
flagged are replaced by neutral ones ("Photo 1"). Video links are shown only
behind a warning and withheld entirely when their address names the applicant
(see `BlindLink`).
"""
from dataclasses import dataclass, field
from functools import lru_cache

from flask_babel import lazy_gettext as _l
from sqlalchemy import Text, bindparam, cast

from ..cache import app_cache
from ..extensions import db
from ..cases.activity_log import bar_chart, monthly_counts
from ..cases.blind_text import REDACTED  # noqa: F401  (the mark, kept importable here)
from ..cases.checks import blind_captions, identity_of, link_withheld, redactor_of
from ..cases.reference import (
    FIGURES,
    NARRATIVE_SECTIONS,
    SERVICE_PLACES,
    VOLUNTEER_CATEGORIES,
)
from ..i18n import current_language
from ..timezones import utcnow

FILE_KINDS = ("photo", "pdf", "office")


@dataclass(frozen=True)
class BlindFile:
    """Evidence file number `number` (1-based, in the case's order) of kind photo, pdf or office."""
    number: int
    kind: str
    caption: str
    download_name: str
    viewable: bool            # photos and PDFs, and Office files once their cleaned PDF exists


@dataclass(frozen=True)
class BlindLink:
    """Video link `number`; `url` is None when the address names the applicant."""
    number: int
    caption: str
    url: str | None


@dataclass
class BlindCase:
    language: str
    title: str
    summary: str
    sections: list                         # (label, text)
    figures: list                          # (label, value)
    themes: list
    service_places: list
    volunteer_categories: list
    chart: dict
    files: list = field(default_factory=list)
    links: list = field(default_factory=list)


def redactor(case):
    """A function text -> text with every identifying mention replaced by REDACTED (see cases/blind_text.py)."""
    return redactor_of(case)


def evidence_files(case):
    """[(BlindFile, Evidence)] of the case's files, numbered 1..n in position order."""
    captions, redact = blind_captions(case), redactor(case)
    out, number = [], 0
    for item in case.evidence:
        if item.kind not in FILE_KINDS or not item.ready:  # still processing: no blind copy yet
            continue
        number += 1
        extension = (item.blind_storage_name or "").rsplit(".", 1)[-1].lower()
        extension = extension if extension.isalnum() and len(extension) <= 5 else "bin"
        if item.kind == "office":
            extension = "pdf"  # experts get Office files only as their cleaned PDF
        name = f"{'photo' if item.kind == 'photo' else 'evidence'}-{number}.{extension}"
        viewable = item.kind in ("photo", "pdf") or bool(item.preview_storage_name)
        out.append((BlindFile(number, item.kind, redact(captions[item.id]), name, viewable), item))
    return out


def evidence_file(case, number):
    """The Evidence row behind blind file `number`, or None."""
    for blind, item in evidence_files(case):
        if blind.number == number:
            return blind, item
    return None


def _links(case, redact):
    identity = identity_of(case)
    out, number = [], 0
    for item in case.evidence:
        if item.kind != "link":
            continue
        number += 1
        flagged = any(flag.get("source") == "link" for flag in item.identity_flags or [])
        url = item.url or ""
        if flagged or link_withheld(url, identity, redact):  # the blind check flags the same links
            url = None
        caption = _l("Video link %(n)d", n=number)
        out.append(BlindLink(number, str(caption), url))
    return out


def _labels(codes, choices):
    labels = dict(choices)
    return [labels[code] for code in codes or [] if code in labels]


def activity_chart(case):
    """Activities per month in the 12 months up to the submission (only the dates are used)."""
    until = (case.submitted_at or utcnow()).date()
    dates = [entry.held_on.date() for entry in case.activities if entry.held_on is not None]
    return bar_chart(monthly_counts(dates, until))


def build(case):
    """The BlindCase of `case`."""
    redact = redactor(case)
    figures = []
    for attribute, label in FIGURES:
        value = getattr(case, attribute)
        figures.append((label, "—" if value is None else value))
    return BlindCase(
        language=case.language,
        title=redact(case.title),
        summary=redact(case.summary),
        sections=[(label, redact(getattr(case, attribute))) for attribute, label in NARRATIVE_SECTIONS],
        figures=figures,
        themes=[theme.name for theme in case.themes],
        service_places=_labels(case.service_places, SERVICE_PLACES),
        volunteer_categories=_labels(case.volunteer_categories, VOLUNTEER_CATEGORIES),
        chart=activity_chart(case),
        files=[blind for blind, _item in evidence_files(case)],
        links=_links(case, redact),
    )


def view_key(case):
    """What the blind view of `case` is made of, beyond its text: the case's version
    (any edit moves it), its evidence (blind copies and previews still arrive from
    background jobs while the case is under review) and the reader's language.

    The evidence is read as plain rows of the columns the view shows, not as objects:
    a case has a dozen files, and this runs on every review page."""
    evidence = tuple(tuple(row) for row in db.session.execute(_evidence_key_statement(), {"case_id": case.id}))
    return case.id, case.version, current_language(), evidence


@lru_cache(maxsize=1)
def _evidence_key_statement():
    from ..cases.models import Evidence
    # identity_flags as its stored text: hashable, and not decoded for nothing.
    return (db.select(Evidence.id, Evidence.kind, Evidence.caption, Evidence.url, Evidence.blind_storage_name,
                      Evidence.preview_storage_name, Evidence.processing, cast(Evidence.identity_flags, Text))
            .filter(Evidence.case_id == bindparam("case_id")).order_by(Evidence.position, Evidence.id))


def cached_build(case, key=None):
    """build(case), reused while its view_key is unchanged."""
    return app_cache("blind-cases", size=512, max_age=300).get(key or view_key(case), lambda: build(case))
