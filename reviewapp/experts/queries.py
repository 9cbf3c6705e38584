"""Read-only look-ups: the expert pool and the conflicts of a campaign."""
from dataclasses import dataclass, field

from ..auth.models import Role, User
from ..extensions import db
from .conflicts import detect, expert_party, organization_party
from .models import Bid, Conflict, ConflictSource, ExpertProfile


def profile_of(user):
    return db.session.scalar(db.select(ExpertProfile).filter_by(email=user.email))


def all_profiles():
    return db.session.scalars(db.select(ExpertProfile).order_by(ExpertProfile.name, ExpertProfile.id)).all()


def pool_experts(include_ids=()):
    """(user, profile) of every active expert account with an available
    profile, plus the experts in `include_ids` whatever their availability."""
    rows = db.session.execute(
        db.select(User, ExpertProfile).join(ExpertProfile, ExpertProfile.email == User.email)
        .filter(User.role == Role.EXPERT).order_by(User.id)).all()
    return [(user, profile) for user, profile in rows
            if (user.active and profile.available) or user.id in include_ids]


@dataclass
class PairConflict:
    """Why a pair is (or was) in conflict; `active` is False once waived."""

    case_id: int
    expert_id: int
    rules: list = field(default_factory=list)
    declared: Conflict | None = None

    @property
    def active(self):
        return self.declared is None or self.declared.waived_at is None

    @property
    def waived(self):
        return not self.active


def campaign_conflicts(cases, experts):
    """{(case id, expert user id): PairConflict} for detected and declared conflicts."""
    case_ids = [c.id for c in cases]
    found = {}
    parties = [(user, expert_party(profile)) for user, profile in experts]
    for case in cases:
        org = organization_party(case.organization)
        for user, party in parties:
            rules = detect(party, org)
            if rules:
                found[(case.id, user.id)] = PairConflict(case.id, user.id, rules)
    # Accepted applicant declarations (reviewapp/conflicts) count as detected: a rule, waivable.
    from ..conflicts.queries import applicant_conflict_pairs
    for key in applicant_conflict_pairs(cases, experts):
        found.setdefault(key, PairConflict(*key)).rules.append("applicant_declared")
    if case_ids:
        for row in db.session.scalars(db.select(Conflict).filter(Conflict.case_id.in_(case_ids))):
            item = found.setdefault((row.case_id, row.expert_id), PairConflict(row.case_id, row.expert_id))
            item.declared = row
    # A waiver row of a detected conflict whose rules no longer apply says nothing.
    return {key: item for key, item in found.items()
            if item.rules or item.declared.source is not ConflictSource.AUTOMATIC}


def active_conflict_pairs(cases, experts):
    """Pairs that must not be assigned: active conflicts, and every pair whose assignment a
    conflict ended (even if waived since: the ended assignment and its review stay as they are)."""
    from ..conflicts.queries import ended_pairs
    active = {key for key, item in campaign_conflicts(cases, experts).items() if item.active}
    return active | ended_pairs([case.id for case in cases])


def bids_for(case_ids, expert_ids=None):
    """{(case id, expert id): Bid level}."""
    if not case_ids:
        return {}
    query = db.select(Bid).filter(Bid.case_id.in_(case_ids))
    if expert_ids is not None:
        query = query.filter(Bid.expert_id.in_(expert_ids))
    return {(b.case_id, b.expert_id): b.level for b in db.session.scalars(query)}


def declared_by(expert_id, case_ids):
    if not case_ids:
        return set()
    return set(db.session.scalars(db.select(Conflict.case_id).filter(
        Conflict.expert_id == expert_id, Conflict.case_id.in_(case_ids),
        Conflict.source != ConflictSource.AUTOMATIC)))
