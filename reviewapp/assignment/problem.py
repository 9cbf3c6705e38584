"""The assignment problem of a campaign, read from the database.

One query per table (pool cases with their organizations, experts with their
profiles, case themes, bids, declared conflicts, assignments), then arrays:
affinities from theme incidence (affinity.affinity_matrix), conflicts by set
membership (conflict_sets.active_conflict_mask). No per-pair Python call, no
lazy load, whatever the size.

What the solver must respect besides the pool itself:

* started and confirmed assignments are kept ("locked"): a re-run moves only
  proposals, so nobody who was told of a review loses it silently;
* assignments of the campaign's cases that left the pool (reviewed, withdrawn)
  still count toward the expert's cap: their cap here is what is left of it.
"""
from dataclasses import dataclass, field

import numpy as np
from sqlalchemy import String, func, type_coerce

from ..auth.models import Role, User
from ..campaigns.models import Theme
from ..cases.models import Case, case_themes
from ..conflicts.queries import ended_clause
from ..experts.models import Bid, ExpertProfile
from ..extensions import db
from ..organizations.models import Organization
from ..recommendation.queries import pool_filter
from .affinity import BID_CODES, affinity_matrix
from .conflict_sets import active_conflict_mask
from .models import AssignmentStatus, ReviewAssignment
from .solver import AssignmentProblem


@dataclass(frozen=True)
class PoolCase:
    id: int
    title: str
    state: object
    org_province: str | None
    org_names: tuple
    org_email: str


@dataclass(frozen=True)
class PoolExpert:
    id: int                 # the user id
    name: str               # what every message calls them
    province: str | None
    affiliation: str
    email: str
    themes: tuple
    max_load: int
    in_pool: bool           # active account, available profile: may take new reviews


@dataclass
class CampaignProblem:
    campaign: object
    cases: list              # [PoolCase]
    experts: list            # [PoolExpert]
    rows: list               # every active assignment of the campaign, as StoredRow
    problem: AssignmentProblem
    case_index: dict         # case id -> position
    expert_index: dict       # expert user id -> position
    outside_load: dict = field(default_factory=dict)   # expert id -> reviews on cases out of the pool

    def indexed(self, rows):
        """(case, expert) positions of `rows` whose case and expert are in the problem."""
        return [(self.case_index[r.case_id], self.expert_index[r.expert_id]) for r in rows
                if r.case_id in self.case_index and r.expert_id in self.expert_index]

    def affinity_of(self, case_id, expert_id):
        return int(self.problem.affinity[self.case_index[case_id], self.expert_index[expert_id]])

    def is_conflict(self, case_id, expert_id):
        return bool(self.problem.conflicts[self.case_index[case_id], self.expert_index[expert_id]])

    def name_of(self, expert_id):
        j = self.expert_index.get(expert_id)
        return self.experts[j].name if j is not None else expert_name(expert_id)


def _rows(statement):
    """Plain result tuples through the session's connection (Core rows: cheaper than ORM results)."""
    return db.session.connection().execute(statement).all()


def expert_name(expert_id):
    """The display name of one expert (profile name, else account name)."""
    row = db.session.execute(db.select(ExpertProfile.name, User.name).select_from(User)
                             .outerjoin(ExpertProfile, ExpertProfile.email == User.email)
                             .filter(User.id == expert_id)).first()
    return (row[0] or row[1]) if row else str(expert_id)


@dataclass(frozen=True)
class StoredRow:
    """One stored assignment as the problem reads it: plain values, no ORM object."""

    id: int
    case_id: int
    expert_id: int
    status: AssignmentStatus
    started: bool

    @property
    def locked(self):
        """A re-run keeps this assignment: the review started, or the expert was told of it."""
        return self.started or self.status is AssignmentStatus.CONFIRMED


def stored_rows(campaign):
    """The campaign's assignments as StoredRow, less those a conflict of interest ended
    (reviewapp/conflicts): they no longer count toward a case's reviewers, an expert's load or
    the started reviews. One query, no ORM objects (a campaign may hold 30,000)."""
    rows = _rows(
        db.select(ReviewAssignment.id, ReviewAssignment.case_id, ReviewAssignment.expert_id,
                  type_coerce(ReviewAssignment.status, String), ReviewAssignment.started_at.is_not(None))
        .filter(ReviewAssignment.campaign_id == campaign.id, ~ended_clause())
        .order_by(ReviewAssignment.case_id, ReviewAssignment.expert_id))
    return [StoredRow(row_id, case_id, expert_id, AssignmentStatus(status), bool(started))
            for row_id, case_id, expert_id, status, started in rows]


def is_locked(row):
    return row.locked


def pool_cases(campaign):
    """[PoolCase] of the review pool, by id: one query with the organizations."""
    rows = _rows(
        db.select(Case.id, Case.title, Case.state, Organization.province, Organization.name,
                  Organization.short_names, Organization.email)
        .join(Organization, Organization.id == Case.organization_id)
        .filter(pool_filter(campaign)).order_by(Case.id))
    return [PoolCase(case_id, title, state, province,
                     (name, *[line.strip() for line in (shorts or "").splitlines() if line.strip()]), email or "")
            for case_id, title, state, province, name, shorts, email in rows]


def all_experts(include_ids=()):
    """[PoolExpert] of every expert account with a profile that is in the pool or in `include_ids`."""
    rows = _rows(
        db.select(User.id, User.name, User.active, ExpertProfile.name, ExpertProfile.province,
                  ExpertProfile.affiliation, ExpertProfile.email, ExpertProfile.themes,
                  ExpertProfile.max_load, ExpertProfile.available)
        .join(ExpertProfile, ExpertProfile.email == User.email)
        .filter(User.role == Role.EXPERT).order_by(User.id))
    out = []
    for user_id, user_name, active, name, province, affiliation, email, themes, max_load, available in rows:
        in_pool = bool(active and available)
        if in_pool or user_id in include_ids:
            out.append(PoolExpert(user_id, name or user_name, province, affiliation or "", email,
                                  tuple(themes or ()), int(max_load if max_load is not None else 0), in_pool))
    return out


def _theme_incidence(campaign, cases, experts):
    """0/1 (cases x themes) and (experts x themes) arrays over the Chinese theme names."""
    pairs = _rows(
        db.select(case_themes.c.case_id, Theme.name_zh).join(Theme, Theme.id == case_themes.c.theme_id)
        .join(Case, Case.id == case_themes.c.case_id).filter(pool_filter(campaign)))
    vocabulary = {}
    for _case_id, name in pairs:
        vocabulary.setdefault(name, len(vocabulary))
    case_index = {case.id: i for i, case in enumerate(cases)}
    by_case = np.zeros((len(cases), len(vocabulary)), dtype=np.float32)
    for case_id, name in pairs:
        if case_id in case_index:
            by_case[case_index[case_id], vocabulary[name]] = 1
    by_expert = np.zeros((len(experts), len(vocabulary)), dtype=np.float32)
    for j, expert in enumerate(experts):
        columns = [vocabulary[t] for t in set(expert.themes) if t in vocabulary]
        by_expert[j, columns] = 1
    return by_case, by_expert


def _bid_codes(campaign, case_index, expert_index):
    codes = np.zeros((len(case_index), len(expert_index)), dtype=np.int8)
    if not campaign.bidding_enabled:
        return codes
    by_value = {level.value: code for level, code in BID_CODES.items() if level is not None}
    rows = _rows(db.select(Bid.case_id, Bid.expert_id, type_coerce(Bid.level, String))
                 .join(Case, Case.id == Bid.case_id).filter(pool_filter(campaign)))
    for case_id, expert_id, level in rows:
        j = expert_index.get(expert_id)
        if j is not None and case_id in case_index:
            codes[case_index[case_id], j] = by_value[level]
    return codes


def build(campaign, evenness="tiebreak", balance_weight=0, seed=0, fairness=False):
    """The campaign's problem as it stands now; started and confirmed assignments are locked."""
    cases = pool_cases(campaign)
    rows = stored_rows(campaign)
    case_index = {case.id: i for i, case in enumerate(cases)}
    locked_rows = [r for r in rows if is_locked(r) and r.case_id in case_index]
    experts = all_experts(include_ids={r.expert_id for r in locked_rows})
    expert_index = {expert.id: j for j, expert in enumerate(experts)}
    outside = {}
    for row in rows:
        if row.case_id not in case_index and is_locked(row):
            outside[row.expert_id] = outside.get(row.expert_id, 0) + 1

    conflicts = active_conflict_mask(cases, experts)
    by_case, by_expert = _theme_incidence(campaign, cases, experts)
    matrix = affinity_matrix(by_case, by_expert, _bid_codes(campaign, case_index, expert_index))

    locked_count = {}
    for row in locked_rows:
        locked_count[row.expert_id] = locked_count.get(row.expert_id, 0) + 1
    caps = [expert.max_load - outside.get(expert.id, 0) if expert.in_pool
            else locked_count.get(expert.id, 0)  # kept only for what they hold: no new reviews
            for expert in experts]
    caps = [cap if expert.max_load < 0 else max(cap, 0) for cap, expert in zip(caps, experts)]
    problem = AssignmentProblem(
        case_ids=[c.id for c in cases], expert_ids=[e.id for e in experts], caps=caps,
        k=campaign.reviewers_per_case, conflicts=conflicts, affinity=matrix, locked=[],
        evenness=evenness, balance_weight=balance_weight, seed=seed, fairness=fairness,
        expert_names=[e.name for e in experts])
    result = CampaignProblem(campaign, cases, experts, rows, problem, case_index, expert_index, outside)
    problem.locked = result.indexed(locked_rows)
    return result


def loads(campaign):
    """{expert id: active assignments in the campaign} (one query)."""
    return dict(db.session.execute(
        db.select(ReviewAssignment.expert_id, func.count(ReviewAssignment.id))
        .filter(ReviewAssignment.campaign_id == campaign.id, ~ended_clause())
        .group_by(ReviewAssignment.expert_id)).all())
