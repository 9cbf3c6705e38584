"""What the gallery may show: published cases only, never reviews or scores."""
from dataclasses import dataclass
from functools import lru_cache

from flask import has_app_context
from sqlalchemy import event, inspect
from sqlalchemy.orm import Session, joinedload, selectinload

from ..cache import app_cache, request_memo
from ..campaigns.models import Campaign, Theme
from ..cases.models import Case, case_themes
from ..cases.workflow import CaseState
from ..extensions import db
from ..i18n import pick
from ..input_limits import MAX_PAGE, parse_int
from ..organizations.models import Organization
from ..organizations.reference import ORG_TYPES, PROVINCES
from ..publishing.models import PublishedCase
from ..publishing.search import matching, query_terms

PAGE_SIZE = 24


@dataclass
class Filters:
    year: int | None = None
    theme: str = ""          # a theme's Chinese name: the same theme across years
    province: str = ""
    org_type: str = ""
    q: str = ""
    page: int = 1

    @classmethod
    def from_args(cls, args):
        return cls(year=parse_int(args.get("year"), 1, 9999), theme=args.get("theme", "")[:100],
                   province=args.get("province", "")[:32], org_type=args.get("org_type", "")[:40],
                   q=args.get("q", "")[:200], page=parse_int(args.get("page"), 1, MAX_PAGE) or 1)

    def key(self):
        return self.year, self.theme, self.province, self.org_type, self.q, self.page

    def args(self, **changes):
        values = {"year": self.year, "theme": self.theme, "province": self.province,
                  "org_type": self.org_type, "q": self.q, **changes}
        return {key: value for key, value in values.items() if value}


def published():
    """The base query: published cases of published campaigns, with their search entry."""
    return (db.select(Case).join(PublishedCase, PublishedCase.case_id == Case.id)
            .join(Campaign, Campaign.id == Case.campaign_id)
            .join(Organization, Organization.id == Case.organization_id)
            .filter(Case.state == CaseState.PUBLISHED, Campaign.published_at.is_not(None)))


# How long a worker trusts the stamp it read. A publication shows in the worker that
# made it at once (see below), in every other one within this many seconds; meanwhile
# a warm gallery page needs no database at all.
STAMP_MAX_AGE = 1.0


def publication_stamp():
    """Changes whenever a case or a campaign is published or withdrawn from publication:
    the gallery's cached lists are keyed on it (one cheap query instead of five)."""
    return _stamp_cache().get("stamp", lambda: tuple(db.session.execute(_stamp_statement()).one()))


def _stamp_cache():
    return app_cache("gallery-stamp", size=1, max_age=STAMP_MAX_AGE)


@lru_cache(maxsize=1)
def _stamp_statement():
    return db.select(
        db.select(db.func.count()).select_from(PublishedCase).scalar_subquery(),
        db.select(db.func.max(PublishedCase.published_at)).scalar_subquery(),
        db.select(db.func.count(Campaign.published_at)).scalar_subquery(),
        db.select(db.func.max(Campaign.published_at)).scalar_subquery())


@event.listens_for(Session, "before_flush")
def _note_publications(session, _context, _instances):
    if any(isinstance(item, PublishedCase) for item in (*session.new, *session.deleted)) or any(
            isinstance(item, Campaign) and inspect(item).attrs.published_at.history.has_changes()
            for item in session.dirty):
        session.info["reviewapp.publications_changed"] = True


@event.listens_for(Session, "after_commit")
def _forget_stamp(session):
    if session.info.pop("reviewapp.publications_changed", False) and has_app_context():
        _stamp_cache().clear()


def cached(name, key, compute):
    """compute(), reused while the publication stamp and `key` are unchanged; max_age
    bounds what the stamp cannot see (an organization renamed after publication)."""
    memo = request_memo("gallery")
    if "stamp" not in memo:
        memo["stamp"] = publication_stamp()
    return app_cache(f"gallery-{name}", size=256, max_age=300).get((memo["stamp"], key), compute)


def search(filters):
    """(ids of the cases on the page, total count) for the filters."""
    return cached("search", filters.key(), lambda: _search_ids(filters))


def cards(ids):
    """The cases `ids`, in that order, with what a card shows (organization, year, photos)."""
    found = {case.id: case for case in db.session.scalars(
        db.select(Case).filter(Case.id.in_(ids)).options(
            joinedload(Case.organization), joinedload(Case.campaign), selectinload(Case.evidence)))}
    return [found[i] for i in ids if i in found]


def _search_ids(filters):
    select = published()
    if filters.year:
        select = select.filter(Campaign.year == filters.year)
    if filters.province:
        select = select.filter(Organization.province == filters.province)
    if filters.org_type:
        select = select.filter(Organization.org_type == filters.org_type)
    if filters.theme:
        select = select.filter(Case.id.in_(db.select(case_themes.c.case_id).join(
            Theme, Theme.id == case_themes.c.theme_id).filter(Theme.name_zh == filters.theme)))
    select = matching(select, query_terms(filters.q))
    total = db.session.scalar(select.with_only_columns(db.func.count(Case.id)).order_by(None))
    ids = db.session.scalars(select.with_only_columns(Case.id)
                             .order_by(Campaign.year.desc(), PublishedCase.published_at.desc(), Case.id)
                             .limit(PAGE_SIZE).offset((filters.page - 1) * PAGE_SIZE)).all()
    return tuple(ids), total


def published_case(case_id):
    """The case if it is published (and its campaign's results are out), else None."""
    return db.session.scalar(published().filter(Case.id == case_id))


def filter_options():
    """The years, themes, provinces and organization types that published cases have."""
    years, themes, provinces, types = cached("options", None, _present_options)
    theme_choices = sorted({zh: pick(zh, en) for zh, en in themes}.items(), key=lambda item: item[1])
    return {
        "years": years,
        "themes": theme_choices,
        "provinces": [(code, pick(zh, en)) for code, zh, en in PROVINCES if code in provinces],
        "org_types": [(code, label) for code, label in ORG_TYPES if code in types],
    }


def _present_options():
    ids = published().with_only_columns(Case.id).subquery()
    years = db.session.scalars(db.select(Campaign.year).join(Case, Case.campaign_id == Campaign.id)
                               .filter(Case.id.in_(db.select(ids))).distinct().order_by(Campaign.year.desc())).all()
    themes = db.session.execute(db.select(Theme.name_zh, Theme.name_en).join(
        case_themes, case_themes.c.theme_id == Theme.id).filter(case_themes.c.case_id.in_(db.select(ids)))
        .distinct()).all()
    present = db.session.execute(db.select(Organization.province, Organization.org_type).join(
        Case, Case.organization_id == Organization.id).filter(Case.id.in_(db.select(ids))).distinct()).all()
    return (list(years), [tuple(theme) for theme in themes], {province for province, _type in present},
            {org_type for _province, org_type in present})
