"""Look-ups behind the administration lists."""
from dataclasses import dataclass

from ..campaigns.models import Campaign
from ..cases.models import Case
from ..cases.workflow import CaseState
from ..extensions import db
from ..i18n import pick
from ..input_limits import parse_id
from ..organizations.models import Organization
from ..organizations.reference import province_label
from ..units.models import RecommendingUnit

PER_PAGE = 50



@dataclass(frozen=True)
class CaseLine:
    """One line of the list: the columns it shows, not the case."""

    id: int
    title: str
    state: CaseState
    organization: str
    province: str
    unit_zh: str | None
    unit_en: str | None
    year: int

    @property
    def province_label(self):
        return province_label(self.province)

    @property
    def unit(self):
        return pick(self.unit_zh, self.unit_en) if self.unit_zh is not None or self.unit_en is not None else None


@dataclass(frozen=True)
class CasePage:
    items: list
    page: int
    total: int
    per_page: int = PER_PAGE

    @property
    def pages(self):
        return (self.total + self.per_page - 1) // self.per_page

    @property
    def has_prev(self):
        return self.page > 1

    @property
    def has_next(self):
        return self.page < self.pages

    @property
    def prev_num(self):
        return self.page - 1

    @property
    def next_num(self):
        return self.page + 1


def _filtered(query, filters):
    """`query` with the filters: campaign id, state, the organization's province."""
    if campaign_id := parse_id(filters.get("campaign")):
        query = query.filter(Case.campaign_id == campaign_id)
    if filters.get("state") in {s.value for s in CaseState}:
        query = query.filter(Case.state == CaseState(filters["state"]))
    if filters.get("province"):
        query = query.filter(Case.organization_id.in_(
            db.select(Organization.id).filter(Organization.province == filters["province"])))
    return query


def case_list_page(filters, page):
    """One page of the cases, newest first, filtered; the count in SQL (without the join, so
    PostgreSQL counts a campaign's cases from an index)."""
    total = db.session.scalar(_filtered(db.select(db.func.count()).select_from(Case), filters))
    rows = db.session.execute(_filtered(
        db.select(Case.id, Case.title, Case.state, Organization.name, Organization.province,
                  RecommendingUnit.name_zh, RecommendingUnit.name_en, Campaign.year)
        .join(Organization, Organization.id == Case.organization_id)
        .join(Campaign, Campaign.id == Case.campaign_id)
        .outerjoin(RecommendingUnit, RecommendingUnit.id == Case.unit_id), filters)
        .order_by(Case.created_at.desc(), Case.id.desc())
        .limit(PER_PAGE).offset((page - 1) * PER_PAGE)).all()
    return CasePage([CaseLine(*row) for row in rows], page, total)
