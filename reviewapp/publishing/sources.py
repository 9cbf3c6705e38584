"""From the database to the engine's plain data: a campaign's Book and its BookCases.

The book is public, not blind: it names organizations and provinces. Photos
are always the metadata-stripped copies (`blind_storage_name`), never the
originals, which may carry EXIF/GPS.
"""
from flask import current_app, has_request_context
from flask_babel import force_locale

from ..campaigns.models import Campaign
from ..cases.models import Case, Evidence
from ..cases.reference import NARRATIVE_SECTIONS
from ..cases.workflow import CaseState
from ..extensions import db
from ..organizations.reference import ORG_TYPES, PROVINCE_CODES, org_type_label, province_label
from ..security import external_url
from .model import Book, BookCase, Figures, NarrativeSection, Photo

BOOK_STATES = (CaseState.SELECTED, CaseState.PUBLISHED)
MAX_PHOTOS = 3
_ORG_TYPE_ORDER = {code: index for index, (code, _label) in enumerate(ORG_TYPES)}
_PROVINCE_ORDER = {code: index for index, code in enumerate(PROVINCE_CODES)}


def public_url(endpoint, **values):
    """An absolute public URL (PUBLIC_BASE_URL), also outside a request (jobs, CLI)."""
    if has_request_context():
        return external_url(endpoint, **values)
    with current_app.test_request_context("/"):
        return external_url(endpoint, **values)


def book_photos(case, limit=MAX_PHOTOS):
    """The case's photos for print and the gallery: chosen ones first, else the first ones.

    Only photos with a metadata-stripped copy qualify."""
    photos = [item for item in case.evidence if item.kind == "photo" and item.blind_storage_name]
    chosen = [item for item in photos if item.chosen_for_book]
    return (chosen or photos)[:limit]


def print_photo_path(item, evidence_path):
    """The print-size rendition made at upload (cases/processing.py), which the book uses as it is;
    else (files stored before it existed, or one lost) the blind copy, downscaled at build time.
    None when neither file is there: the case is printed without that photo."""
    for name in (item.print_storage_name, item.blind_storage_name):
        if name:
            try:
                return str(evidence_path(name))
            except FileNotFoundError:
                continue
    return None


def _paragraphs(text):
    return tuple(line.strip() for line in (text or "").splitlines() if line.strip())


def theme_names(case, language):
    return tuple((theme.name_zh or theme.name_en) if language == "zh" else (theme.name_en or theme.name_zh)
                 for theme in case.themes)


def book_case(case, language="zh"):
    """One case as the engine prints it, labels in `language` (the case's own text as written)."""
    from .storage import evidence_path

    with force_locale(language):
        sections = tuple(NarrativeSection(str(label), _paragraphs(getattr(case, attribute)))
                         for attribute, label in NARRATIVE_SECTIONS if (getattr(case, attribute) or "").strip())
        province = province_label(case.organization.province)
        org_type = str(org_type_label(case.organization.org_type))
    photos = []
    for item in book_photos(case):
        photo = print_photo_path(item, evidence_path)
        if photo is not None:
            photos.append(Photo(photo, item.caption or ""))
    return BookCase(
        id=str(case.id), title=case.title or "", organization=case.organization.name,
        province=province, org_type=org_type, themes=theme_names(case, language),
        summary=case.summary or "", sections=sections,
        figures=Figures(volunteers=case.volunteers, service_hours=case.service_hours,
                        activities=case.activities_held, people_served=case.people_served,
                        start_year=case.start_year),
        photos=tuple(photos), gallery_url=public_url("gallery.case", case_id=case.id),
        version=str(case.version))


def _sort_key(group_by):
    def key(case):
        if group_by == "theme":
            first = case.themes[0].position if case.themes else 10_000
        elif group_by == "province":
            first = _PROVINCE_ORDER.get(case.organization.province, 10_000)
        else:
            first = _ORG_TYPE_ORDER.get(case.organization.org_type, 10_000)
        return (first, case.organization.name, case.title or "", case.id)
    return key


def book_cases_of(campaign, group_by="theme", states=BOOK_STATES):
    """The campaign's cases in `states`, in book order (by group, then organization and title)."""
    cases = db.session.scalars(db.select(Case).filter(
        Case.campaign_id == campaign.id, Case.state.in_(states))).all()
    return sorted(cases, key=_sort_key(group_by))


def campaign_book(campaign, language="zh", group_by="theme"):
    """The Book of a campaign: titles, year and the admin's foreword in `language`."""
    first, second = (campaign.foreword_zh, campaign.foreword_en) if language == "zh" else (
        campaign.foreword_en, campaign.foreword_zh)
    return Book(title_zh=campaign.title_zh, title_en=campaign.title_en, year=campaign.year,
                foreword=first or second or "", language=language, group_by=group_by)


def book_input(campaign, language="zh", group_by="theme"):
    """(Book, [BookCase]) ready for build_book."""
    return (campaign_book(campaign, language, group_by),
            [book_case(case, language) for case in book_cases_of(campaign, group_by)])


def find_campaign(reference=None):
    """A campaign by id, slug or year; the latest one when `reference` is empty."""
    from ..campaigns.queries import latest_campaign

    if not reference:
        return latest_campaign()
    found = db.session.scalar(db.select(Campaign).filter(Campaign.slug == reference))
    if found is None and str(reference).isdigit():
        found = db.session.get(Campaign, int(reference)) or db.session.scalar(
            db.select(Campaign).filter(Campaign.year == int(reference)).order_by(Campaign.id.desc()))
    return found


def photo_of_published_case(evidence_id):
    """The photo evidence of a published case, or None (the gallery serves nothing else)."""
    item = db.session.get(Evidence, evidence_id)
    if item is None or item.kind != "photo" or not item.blind_storage_name:
        return None
    return item if item.case.state is CaseState.PUBLISHED else None
