"""Read the campaign's submitted reviews into the pure results maths, and what the pages show.

The pure modules (aggregation, reliability, selection) work on plain data;
this module builds that data from the database and nothing else.
"""
from collections import Counter
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from ..assignment.models import ReviewAssignment
from ..cases.models import Case
from ..extensions import db
from ..organizations.reference import ORG_TYPE_LABELS, province_label
from ..review.models import Review, ReviewStatus
from ..review.queries import active_assignments
from . import aggregation, reliability
from .models import SelectionDecision
from .selection import candidates_from_results

DIMENSIONS = {"theme": _l("Theme"), "org_type": _l("Organization type"), "province": _l("Province")}


def rubric_of(campaign):
    """The campaign's rubric as the pure aggregation wants it."""
    return aggregation.Rubric(
        tuple(aggregation.Criterion(c.key, float(c.weight)) for c in campaign.criteria),
        scale_min=float(campaign.score_min), scale_max=float(campaign.score_max))


def submitted_rows(campaign):
    """[(ReviewAssignment, Review)] of the campaign's submitted reviews, by case then expert."""
    return db.session.execute(
        db.select(ReviewAssignment, Review).join(Review, Review.assignment_id == ReviewAssignment.id)
        .filter(ReviewAssignment.campaign_id == campaign.id, Review.status == ReviewStatus.SUBMITTED)
        .order_by(ReviewAssignment.case_id, ReviewAssignment.expert_id)).all()


def plain_reviews(rows):
    return [aggregation.Review(a.case_id, a.expert_id, dict(r.scores)) for a, r in rows]


@dataclass
class CampaignResults:
    campaign: object
    rubric: object
    rows: list                                  # (ReviewAssignment, Review)
    aggregation: object = None                  # aggregation.Aggregation, None without reviews
    cases: dict = field(default_factory=dict)   # case id -> Case
    experts: dict = field(default_factory=dict)  # expert id -> User
    reliability: object = None
    expert_stats: list = field(default_factory=list)

    @property
    def results(self):
        return self.aggregation.results if self.aggregation else []

    def expert_order(self):
        """Expert ids in a stable order for the columns of the table."""
        return sorted(self.experts, key=lambda i: (self.experts[i].name, i))


def campaign_results(campaign, threshold=None):
    """Everything the results pages show; `threshold` is the disagreement range in rubric points."""
    rubric = rubric_of(campaign)
    rows = submitted_rows(campaign)
    out = CampaignResults(campaign, rubric, rows)
    active = active_assignments(campaign_id=campaign.id, load=[selectinload(ReviewAssignment.expert)])
    assigned = Counter(a.expert_id for a in active)
    for assignment in active:
        out.experts[assignment.expert_id] = assignment.expert
    if not rows:
        out.expert_stats = reliability.expert_stats([], assigned, rubric)
        return out
    reviews = plain_reviews(rows)
    cases = {c.id: c for c in db.session.scalars(db.select(Case).filter(
        Case.id.in_({a.case_id for a, _r in rows})))}
    out.cases = cases
    for assignment, _review in rows:
        out.experts[assignment.expert_id] = assignment.expert
    out.aggregation = aggregation.aggregate(
        reviews, rubric, disagreement_threshold=threshold,
        submitted_at={case_id: case.submitted_at for case_id, case in cases.items()})
    out.reliability = reliability.campaign_reliability(reviews, rubric)
    out.expert_stats = reliability.expert_stats(reviews, assigned, rubric)
    return out


def groups_of(case):
    """The selection dimensions of a case: its themes, organization type and province."""
    return {"theme": frozenset(theme.id for theme in case.themes),
            "org_type": case.organization.org_type, "province": case.organization.province}


def group_label(campaign, dimension, value):
    if dimension == "theme":
        theme = next((t for t in campaign.themes if t.id == value), None)
        return theme.name if theme else str(value)
    if dimension == "org_type":
        return str(ORG_TYPE_LABELS.get(value, value))
    return province_label(value) or str(value)


def candidates(results):
    """Selection candidates from the ranked results, with their groups."""
    return candidates_from_results(results.results, {i: groups_of(c) for i, c in results.cases.items()})


def groups_present(results):
    """[(dimension, value, label)] of every group the candidates belong to, per dimension by label."""
    seen = set()
    for case in results.cases.values():
        for dimension, value in groups_of(case).items():
            for v in (value if isinstance(value, frozenset) else (value,)):
                seen.add((dimension, v))
    labelled = [(d, v, group_label(results.campaign, d, v)) for d, v in seen]
    order = list(DIMENSIONS)
    return sorted(labelled, key=lambda g: (order.index(g[0]), str(g[2])))


def decisions_of(campaign):
    """{case id: SelectionDecision} recorded for the campaign."""
    return {d.case_id: d for d in db.session.scalars(
        db.select(SelectionDecision).filter_by(campaign_id=campaign.id))}
