"""The unit's list of cases: case numbers, search, filters, sort, pages, previous/next.

A unit screens tens to a few hundred cases per campaign, and what it may read of a case
returned or withdrawn is the submitted version (cases/snapshot.py), not the columns the
applicant is changing. So the rows are built once from the submitted versions and
searched, filtered and sorted here in Python: a search never matches text the applicant
wrote after a return.
"""
from dataclasses import dataclass
from datetime import datetime, timezone
from types import SimpleNamespace

from sqlalchemy import case as sql_case, type_coerce

from ..cache import app_cache, request_memo
from ..cases.models import Case, case_themes
from ..cases.snapshot import SubmittedVersion
from ..cases.workflow import EDITABLE_STATES, CaseState
from ..extensions import db
from ..i18n import localized
from ..organizations.models import Organization
from ..organizations.reference import ORG_TYPES, org_type_label
from .queries import RECOMMENDED_STATES

PER_PAGE = 25
SORTS = ("number", "title", "organization", "submitted", "state")
_EARLY = datetime.min.replace(tzinfo=timezone.utc)


def case_numbers(campaign):
    """{case id: '2026-0007'}: the campaign's year and the case's place in the order of first
    submission. Cases once submitted are never deleted and keep their first submission time,
    so a number, once given, stays the case's. Kept per worker until another case is first
    submitted (the key: how many were, and the latest time), so a unit's pages do not number
    every case of the campaign on every view (5,000 rows a request)."""
    return app_cache("case-numbers", size=8, max_age=600).get(
        _numbers_key(campaign), lambda: _numbered(campaign, _ever_submitted(campaign)))


def _ever_submitted(campaign):
    return (Case.campaign_id == campaign.id,
            (Case.first_submitted_at.is_not(None)) | (Case.submitted_at.is_not(None)))


def _numbers_key(campaign):
    """What the campaign's case numbers depend on (one query per request at most)."""
    memo = request_memo("case-numbers-key")
    if campaign.id not in memo:
        # count(*), not count(id): ix_cases_first_submission answers it from the index alone.
        count, latest = db.session.execute(db.select(
            db.func.count(), db.func.max(db.func.coalesce(Case.first_submitted_at, Case.submitted_at)))
            .filter(*_ever_submitted(campaign))).one()
        memo[campaign.id] = (campaign.id, campaign.year, count, str(latest))
    return memo[campaign.id]


def _numbered(campaign, ever_submitted):
    rows = db.session.execute(db.select(Case.id, Case.first_submitted_at, Case.submitted_at)
                              .filter(*ever_submitted)).all()
    ordered = sorted(rows, key=lambda row: (row.first_submitted_at or row.submitted_at, row.id))
    return {row.id: f"{campaign.year}-{n:04d}" for n, row in enumerate(ordered, start=1)}


@dataclass(frozen=True)
class Applicant:
    """The organization's columns the list shows, searches and filters by."""

    name: str
    short_names: str | None
    org_type: str
    credit_code: str | None

    @property
    def org_type_label(self):
        return org_type_label(self.org_type)


@dataclass(frozen=True)
class ThemeName:
    id: int
    name_zh: str
    name_en: str

    @property
    def name(self):
        return localized(self, "name")


@dataclass(frozen=True)
class Row:
    id: int
    state: CaseState
    submitted_at: datetime | None
    organization: Applicant
    shown: object            # the submitted version (None: not kept; the case shows no text)
    number: str

    @property
    def title(self):
        return (self.shown.title if self.shown is not None else "") or ""

    @property
    def theme_ids(self):
        return {theme.id for theme in self.shown.themes} if self.shown is not None else set()

    @property
    def theme_names(self):
        return [theme.name for theme in self.shown.themes] if self.shown is not None else []

    def haystack(self):
        organization = self.organization
        parts = [self.number, self.title, organization.name, organization.short_names or "",
                 self.shown.summary if self.shown is not None else ""]
        return " ".join(parts).casefold()


@dataclass(frozen=True)
class Query:
    """What the list was asked for (from the URL's arguments)."""

    q: str = ""
    state: str = ""
    theme: int | None = None
    org_type: str = ""
    city: str = ""
    sort: str = "number"
    desc: bool = False
    page: int = 1

    @classmethod
    def from_args(cls, args):
        states = {state.value for state in CaseState}
        sort = args.get("sort", "number")
        return cls(q=(args.get("q") or "").strip()[:100],
                   state=args.get("state", "") if args.get("state", "") in states else "",
                   theme=args.get("theme", type=int), org_type=args.get("org_type", "")[:40],
                   city=args.get("city", "")[:6], sort=sort if sort in SORTS else "number",
                   desc=args.get("order") == "desc", page=max(args.get("page", 1, type=int) or 1, 1))

    def args(self, **changes):
        """URL arguments for this query (with `changes`), defaults left out."""
        values = {"q": self.q, "state": self.state, "theme": self.theme, "org_type": self.org_type,
                  "city": self.city, "sort": self.sort if self.sort != "number" else "",
                  "order": "desc" if self.desc else "", "page": self.page if self.page != 1 else ""}
        values.update(changes)
        return {key: value for key, value in values.items() if value not in ("", None)}


def city_of(organization):
    """The city code (first four digits of the registration authority's division code, which
    the unified social credit code carries in characters 3-8), '' when unknown."""
    code = organization.credit_code or ""
    return code[2:6] if len(code) >= 8 and code[2:8].isdigit() else ""


_FIGURES = ("volunteers", "service_hours", "activities_held", "people_served")


def unit_rows(unit_id, campaign):
    """Every case the unit screens in the campaign (drafts are the applicant's own), as Rows.
    The list and a case's previous/next need every row on each view, so the rows are kept per
    worker until what they show changes: a case of the unit's or its organization (the count
    and the latest updated_at of each), the themes' names or the case numbers."""
    theirs = _unit_cases(unit_id, campaign)
    count, cases_changed, organizations_changed = db.session.execute(
        db.select(db.func.count(), db.func.max(Case.updated_at), db.func.max(Organization.updated_at))
        .join(Organization, Organization.id == Case.organization_id).filter(*theirs)).one()
    themes = tuple((theme.id, theme.name_zh, theme.name_en) for theme in campaign.themes)
    key = (unit_id, campaign.id, count, str(cases_changed), str(organizations_changed), themes,
           _numbers_key(campaign))
    return list(app_cache("unit-rows", size=64, max_age=600).get(key, lambda: _read_unit_rows(unit_id, campaign)))


def _unit_cases(unit_id, campaign):
    return (Case.unit_id == unit_id, Case.campaign_id == campaign.id, Case.state != CaseState.DRAFT)


def _read_unit_rows(unit_id, campaign):
    """unit_rows read as columns (two queries, no ORM objects). A case editable again shows its
    submitted copy, the only snapshot read."""
    editable = Case.state.in_(EDITABLE_STATES)
    theirs = _unit_cases(unit_id, campaign)
    rows = db.session.execute(
        db.select(Case.id, Case.state, Case.submitted_at, Case.title, Case.summary,
                  *(getattr(Case, name) for name in _FIGURES),
                  type_coerce(sql_case((editable, Case.submitted_snapshot)), Case.submitted_snapshot.type)
                  .label("snapshot"),
                  Organization.name, Organization.short_names, Organization.org_type, Organization.credit_code)
        .join(Organization, Organization.id == Case.organization_id)
        .filter(*theirs).order_by(Case.submitted_at, Case.id)).all()
    # The names from the campaign's themes, which the filter lists anyway (a case's themes are
    # its campaign's: the form offers no other).
    names = {theme.id: ThemeName(theme.id, theme.name_zh, theme.name_en) for theme in campaign.themes}
    themes = {}
    for case_id, theme_id in db.session.execute(
            db.select(case_themes.c.case_id, case_themes.c.theme_id)
            .filter(case_themes.c.case_id.in_(db.select(Case.id).filter(*theirs, ~editable)))):
        if theme_id in names:
            themes.setdefault(case_id, []).append(names[theme_id])
    order = {theme_id: n for n, theme_id in enumerate(names)}     # campaign.themes: by position
    for listed in themes.values():
        listed.sort(key=lambda theme: order[theme.id])
    numbers = case_numbers(campaign)
    return [Row(row.id, row.state, row.submitted_at,
                Applicant(row.name, row.short_names, row.org_type, row.credit_code),
                _shown(row, themes.get(row.id, [])), numbers.get(row.id, "")) for row in rows]


def quota_left(rows, campaign):
    """queries.quota_left from the unit's rows at hand (every case of the unit in the campaign
    but drafts, which never use the quota), without another query."""
    return max(campaign.unit_quota - sum(row.state in RECOMMENDED_STATES for row in rows), 0)


def _shown(row, themes):
    """What the unit reads of the case (cases/snapshot.py: submitted_version), from its columns."""
    if row.state not in EDITABLE_STATES:
        return SimpleNamespace(title=row.title, summary=row.summary, themes=themes,
                               **{name: getattr(row, name) for name in _FIGURES})
    return SubmittedVersion(row.snapshot) if row.snapshot else None


def _sort_key(sort):
    return {
        "number": lambda row: row.number,
        "title": lambda row: row.title.casefold(),
        "organization": lambda row: row.organization.name,
        "submitted": lambda row: row.submitted_at or _EARLY,
        "state": lambda row: (row.state.label, row.number),
    }[sort]


def select(rows, query):
    """The rows the query asks for, in its order (all pages)."""
    needle = query.q.casefold()
    chosen = [row for row in rows
              if (not needle or needle in row.haystack())
              and (not query.state or row.state.value == query.state)
              and (query.theme is None or query.theme in row.theme_ids)
              and (not query.org_type or row.organization.org_type == query.org_type)
              and (not query.city or city_of(row.organization) == query.city)]
    return sorted(chosen, key=_sort_key(query.sort), reverse=query.desc)


@dataclass(frozen=True)
class Page:
    rows: list
    number: int
    pages: int
    total: int


def paginate(rows, number, per_page=PER_PAGE):
    pages = max((len(rows) + per_page - 1) // per_page, 1)
    number = min(max(number, 1), pages)
    return Page(rows[(number - 1) * per_page:number * per_page], number, pages, len(rows))


@dataclass(frozen=True)
class Neighbours:
    previous: int | None
    next: int | None
    position: int
    total: int
    query: dict


def neighbours(rows, case_id, query):
    """The cases before and after `case_id` in the list as the unit filtered and sorted it."""
    ids = [row.id for row in select(rows, query)]
    if case_id not in ids:
        return None
    at = ids.index(case_id)
    return Neighbours(ids[at - 1] if at > 0 else None, ids[at + 1] if at + 1 < len(ids) else None,
                      at + 1, len(ids), query.args(page=""))


def filter_options(rows, campaign):
    """The choices of the filters, from the rows present (types, cities) and the campaign (themes)."""
    types = {row.organization.org_type for row in rows}
    cities = sorted({city_of(row.organization) for row in rows} - {""})
    return {"themes": [(theme.id, theme.name) for theme in campaign.themes],
            "org_types": [(code, label) for code, label in ORG_TYPES if code in types],
            "cities": [(code, city_label(code)) for code in cities],
            "states": [state for state in CaseState if state is not CaseState.DRAFT]}


def city_label(code):
    """The city's name from the division table when it is there, else its code."""
    try:
        from ..cases.regions import _by_code
        table = _by_code()
        region = table.get(code + "00") or table.get(code[:2] + "0000")  # municipalities: the province
    except (ImportError, OSError):
        region = None
    return region.name if region is not None else code
