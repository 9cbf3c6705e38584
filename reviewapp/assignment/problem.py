"""The assignment problem of a campaign, read from the database.

Turns the review pool, the expert pool, conflicts, bids and the stored
assignments into an :class:`AssignmentProblem` and index maps, so the
operations can call the pure solver and check_pair.
"""
from dataclasses import dataclass

import numpy as np

from ..experts.queries import active_conflict_pairs, bids_for, pool_experts
from ..extensions import db
from ..recommendation.queries import review_pool
from .affinity import affinity
from .models import ReviewAssignment
from .solver import AssignmentProblem


@dataclass
class CampaignProblem:
    campaign: object
    cases: list
    experts: list            # (user, profile)
    rows: list               # every stored ReviewAssignment of the campaign
    problem: AssignmentProblem
    case_index: dict         # case id -> position
    expert_index: dict       # expert user id -> position

    def indexed(self, rows):
        """(case, expert) positions of `rows` whose case and expert are in the problem."""
        return [(self.case_index[r.case_id], self.expert_index[r.expert_id]) for r in rows
                if r.case_id in self.case_index and r.expert_id in self.expert_index]

    def affinity_of(self, case_id, expert_id):
        matrix = self.problem.affinity
        return int(matrix[self.case_index[case_id], self.expert_index[expert_id]])

    def is_conflict(self, case_id, expert_id):
        return bool(self.problem.conflicts[self.case_index[case_id], self.expert_index[expert_id]])


def stored_rows(campaign):
    return db.session.scalars(db.select(ReviewAssignment).filter_by(campaign_id=campaign.id)
                              .order_by(ReviewAssignment.case_id, ReviewAssignment.expert_id)).all()


def build(campaign, balance_weight=5):
    """The campaign's problem as it stands now; started reviews are locked."""
    cases = review_pool(campaign)
    rows = stored_rows(campaign)
    started = {r.expert_id for r in rows if r.started}
    experts = pool_experts(include_ids=started)
    case_index = {case.id: i for i, case in enumerate(cases)}
    expert_index = {user.id: j for j, (user, _profile) in enumerate(experts)}

    conflicts = np.zeros((len(cases), len(experts)), dtype=bool)
    for case_id, expert_id in active_conflict_pairs(cases, experts):
        conflicts[case_index[case_id], expert_index[expert_id]] = True
    bids = bids_for(list(case_index)) if campaign.bidding_enabled else {}
    matrix = np.zeros(conflicts.shape, dtype=np.int64)
    for case in cases:
        themes = [t.name_zh for t in case.themes]
        for user, profile in experts:
            matrix[case_index[case.id], expert_index[user.id]] = affinity(
                themes, profile.themes or [], bids.get((case.id, user.id)))

    locked_rows = [r for r in rows if r.started]
    caps = []
    for user, profile in experts:
        if user.active and profile.available:
            caps.append(profile.max_load)
        else:  # kept only for its started reviews: no new ones
            caps.append(sum(1 for r in locked_rows if r.expert_id == user.id))
    problem = AssignmentProblem(
        case_ids=[c.id for c in cases], expert_ids=[u.id for u, _p in experts], caps=caps,
        k=campaign.reviewers_per_case, conflicts=conflicts, affinity=matrix,
        locked=[], balance_weight=balance_weight)
    result = CampaignProblem(campaign, cases, experts, rows, problem, case_index, expert_index)
    problem.locked = result.indexed(locked_rows)
    return result
