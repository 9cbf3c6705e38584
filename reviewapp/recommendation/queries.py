"""Read-only look-ups: a unit's cases, its quota, the units table, the review pool, returns."""
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, case as sql_case, func, or_
from sqlalchemy.orm import joinedload

from ..audit import AuditEntry
from ..auth.models import User
from ..cases.models import Case
from ..cases.workflow import CaseState
from ..extensions import db
from ..units.models import RecommendingUnit, UnitKind
from ..units.registration import creation_order

# States a case reaches only after its unit recommended it: they use the quota.
RECOMMENDED_STATES = (CaseState.RECOMMENDED, CaseState.UNDER_REVIEW, CaseState.REVIEWED,
                      CaseState.SELECTED, CaseState.NOT_SELECTED, CaseState.PUBLISHED)


def recommended_count(unit_id, campaign):
    return db.session.scalar(db.select(func.count(Case.id)).filter(
        Case.unit_id == unit_id, Case.campaign_id == campaign.id,
        Case.state.in_(RECOMMENDED_STATES)))


def quota_left(unit_id, campaign):
    return max(campaign.unit_quota - recommended_count(unit_id, campaign), 0)


def units_table(campaign):
    """One row per unit in registration order: unit, users, submitted, recommended."""
    users = (db.select(User.unit_id, func.count(User.id).label("n"))
             .filter(User.unit_id.is_not(None)).group_by(User.unit_id).subquery())
    submitted = func.count(Case.id)
    recommended = func.coalesce(func.sum(sql_case((Case.state.in_(RECOMMENDED_STATES), 1), else_=0)), 0)
    rows = db.session.execute(
        db.select(RecommendingUnit, func.coalesce(users.c.n, 0), submitted, recommended)
        .outerjoin(users, users.c.unit_id == RecommendingUnit.id)
        .outerjoin(Case, and_(Case.unit_id == RecommendingUnit.id, Case.campaign_id == campaign.id,
                              Case.state != CaseState.DRAFT))
        # City and county bureaus screen nothing: their organizations' cases are their province's.
        .filter(RecommendingUnit.kind != UnitKind.LOCAL_BUREAU)
        .group_by(RecommendingUnit.id, users.c.n)
        .order_by(*creation_order())).all()
    return [{"unit": unit, "users": n_users, "registered": n_users > 0,
             "submitted": n_submitted, "recommended": int(n_recommended)}
            for unit, n_users, n_submitted, n_recommended in rows]


def pool_filter(campaign):
    """Cases that go to expert review: recommended, direct submissions, under review."""
    direct = and_(Case.state == CaseState.SUBMITTED, Case.unit_id.is_(None))
    return and_(Case.campaign_id == campaign.id,
                or_(Case.state.in_((CaseState.RECOMMENDED, CaseState.UNDER_REVIEW)), direct))


def review_pool(campaign):
    """The cases under review, with their organizations (the conflict checks read them)."""
    return db.session.scalars(db.select(Case).filter(pool_filter(campaign)).order_by(Case.id)
                              .options(joinedload(Case.organization))).all()


@dataclass(frozen=True)
class ReturnNote:
    """A unit's last return of a case: its reason (what the applicant is asked to fix), who, when."""

    reason: str
    unit: str
    at: datetime


def return_notes(cases):
    """{case id: ReturnNote} for the returned cases among `cases` (one query)."""
    returned = {case.id: case for case in cases if case.state is CaseState.RETURNED}
    if not returned:
        return {}
    entries = db.session.scalars(db.select(AuditEntry).filter(
        AuditEntry.action == "case.return", AuditEntry.object_type == "Case",
        AuditEntry.object_id.in_(returned)).order_by(AuditEntry.at, AuditEntry.id)).all()
    notes = {}
    for entry in entries:  # oldest first: the last return wins
        case = returned[entry.object_id]
        unit = case.unit.name if case.unit is not None else ""
        notes[entry.object_id] = ReturnNote(reason=entry.reason or "", unit=unit, at=entry.at)
    return notes
