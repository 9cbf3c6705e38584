"""Read the campaign's submitted reviews into the pure results maths, and what the pages show.

The pure modules (aggregation, reliability, selection) work on plain data;
this module builds that data from the database and nothing else.
"""
from collections import Counter
from dataclasses import dataclass, field
from functools import cached_property, lru_cache

from flask_babel import lazy_gettext as _l
from sqlalchemy import Integer, any_, bindparam
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import joinedload

from ..assignment.models import ReviewAssignment
from ..auth.models import User
from ..cache import app_cache
from ..cases.models import Case
from ..conflicts.queries import counted_review
from ..extensions import db
from ..i18n import current_language
from ..organizations.reference import ORG_TYPE_LABELS, province_label
from ..review.models import Review, ReviewStatus
from ..review.queries import active_assignment_ids
from . import aggregation, reliability
from .models import SelectionDecision
from .selection import candidates_from_results, select_cases

DIMENSIONS = {"theme": _l("Theme"), "org_type": _l("Organization type"), "province": _l("Province")}


def rubric_of(campaign):
    """The campaign's rubric as the pure aggregation wants it."""
    return aggregation.Rubric(
        tuple(aggregation.Criterion(c.key, float(c.weight)) for c in campaign.criteria),
        scale_min=float(campaign.score_min), scale_max=float(campaign.score_max))


def submitted_rows(campaign, counted=True):
    """[(ReviewAssignment, Review)] of the campaign's submitted reviews, by case then expert: those
    the results count, or (counted=False) those a conflict of interest keeps out of them."""
    return db.session.execute(
        db.select(ReviewAssignment, Review).join(Review, Review.assignment_id == ReviewAssignment.id)
        .filter(ReviewAssignment.campaign_id == campaign.id, Review.status == ReviewStatus.SUBMITTED,
                counted_review() if counted else ~counted_review())
        .order_by(ReviewAssignment.case_id, ReviewAssignment.expert_id)).all()


def plain_reviews(campaign):
    """The campaign's submitted reviews as the pure maths wants them (three columns, no ORM objects)."""
    rows = db.session.execute(
        db.select(ReviewAssignment.case_id, ReviewAssignment.expert_id, Review.scores)
        .join(Review, Review.assignment_id == ReviewAssignment.id)
        # A review in conflict of interest (reviewapp/conflicts) is never counted.
        .filter(ReviewAssignment.campaign_id == campaign.id, Review.status == ReviewStatus.SUBMITTED,
                counted_review())
        .order_by(ReviewAssignment.case_id, ReviewAssignment.expert_id))
    return [aggregation.Review(case_id, expert_id, dict(scores)) for case_id, expert_id, scores in rows]


@dataclass(frozen=True)
class Ranking:
    """The computed part of the results: plain data, shared between requests (see `ranking`)."""
    aggregation: object          # aggregation.Aggregation, None without reviews
    reliability: object          # reliability.Reliability, None without reviews
    expert_stats: list
    expert_ids: frozenset        # every expert with an active assignment or a submitted review

    @property
    def results(self):
        return self.aggregation.results if self.aggregation else []

    @cached_property
    def disagreements(self):
        """The results whose experts disagree, in rank order (counted once, not per page view)."""
        return [r for r in self.results if r.disagreement]


def ranking(campaign, threshold=None):
    """The campaign's Ranking; `threshold` is the disagreement range in rubric points.

    Aggregating 15,000 reviews takes seconds; pages reuse it while the campaign's
    results_stamp (renewed by every change that matters, see freshness.py) is unchanged.
    A few entries only: one ranking of 5,000 cases holds a few MB in every worker."""
    key = (campaign.id, campaign.results_stamp, campaign.version, threshold)
    return app_cache("results", size=4, max_age=900).get(key, lambda: _compute_ranking(campaign, threshold))


def _compute_ranking(campaign, threshold):
    rubric = rubric_of(campaign)
    assigned = Counter(dict(db.session.execute(
        db.select(ReviewAssignment.expert_id, db.func.count(ReviewAssignment.id))
        .filter(ReviewAssignment.id.in_(active_assignment_ids(campaign.id)))
        .group_by(ReviewAssignment.expert_id)).all()))
    reviews = plain_reviews(campaign)
    if not reviews:
        return Ranking(None, None, reliability.expert_stats([], assigned, rubric), frozenset(assigned))
    submitted_at = dict(db.session.execute(db.select(Case.id, Case.submitted_at).filter(
        Case.campaign_id == campaign.id)).all())
    ranked = aggregation.aggregate(reviews, rubric, disagreement_threshold=threshold, submitted_at=submitted_at)
    return Ranking(
        ranked, reliability.campaign_reliability(reviews, rubric),
        reliability.expert_stats(reviews, assigned, rubric, calibration=ranked.calibration),
        frozenset(assigned) | {r.expert_id for r in reviews})


@dataclass
class CampaignResults:
    """What the results pages show: the Ranking, with the cases and experts it names."""
    campaign: object
    ranking: Ranking
    cases: dict = field(default_factory=dict)    # case id -> Case (a page's: (id, title, state) rows)
    expert_names: dict = field(default_factory=dict)  # expert id -> name

    @property
    def aggregation(self):
        return self.ranking.aggregation

    @property
    def results(self):
        return self.ranking.results

    @property
    def reliability(self):
        return self.ranking.reliability

    @property
    def expert_stats(self):
        return self.ranking.expert_stats

    @cached_property
    def rubric(self):
        return rubric_of(self.campaign)

    @cached_property
    def rows(self):
        """[(ReviewAssignment, Review)] of the submitted reviews, for the export."""
        return submitted_rows(self.campaign)

    @cached_property
    def excluded_rows(self):
        """[(ReviewAssignment, Review)] of submitted reviews a conflict of interest excluded (their
        experts' names join expert_names: the ranking does not name them)."""
        rows = submitted_rows(self.campaign, counted=False)
        missing = {assignment.expert_id for assignment, _review in rows} - self.expert_names.keys()
        if missing:
            names = _page_statements(db.engine.dialect.name)[1]
            self.expert_names.update(db.session.execute(names, {"ids": list(missing)}).all())
        return rows


def campaign_results(campaign, threshold=None, case_ids=None, expert_ids=None):
    """The results with the cases and the experts' names they show: every ranked case and
    every expert, or only `case_ids` and `expert_ids`."""
    out = CampaignResults(campaign, ranking(campaign, threshold))
    titles, names = _page_statements(db.engine.dialect.name)
    if case_ids is None:  # the export reads whole cases with their organizations
        wanted = {r.case_id for r in out.results}
        if wanted:
            # The campaign's cases (not IN with 5,000 ids, which the driver parses each time),
            # with their organizations in the same query instead of one query each.
            out.cases = {c.id: c for c in db.session.scalars(db.select(Case).filter(
                Case.campaign_id == campaign.id).options(joinedload(Case.organization))) if c.id in wanted}
    elif case_ids:  # a page of the table shows only titles and states
        out.cases = {row.id: row for row in db.session.execute(titles, {"ids": list(case_ids)})}
    experts = out.ranking.expert_ids if expert_ids is None else expert_ids
    if experts:
        out.expert_names = dict(db.session.execute(names, {"ids": list(experts)}).all())
    return out


@lru_cache(maxsize=2)
def _page_statements(dialect):
    """Built once (building them cost more than running them): the titles and states of
    some cases, and the names of some experts. On PostgreSQL the ids travel as one array,
    so the SQL text is the same for any number of ids and the driver prepares it once;
    IN (...) would be written out again for each count."""
    if dialect == "postgresql":
        def among(column):
            return column == any_(bindparam("ids", type_=ARRAY(Integer)))
    else:
        def among(column):
            return column.in_(bindparam("ids", expanding=True))
    return (db.select(Case.id, Case.title, Case.state).filter(among(Case.id)),
            db.select(User.id, User.name).filter(among(User.id)))


def group_label(campaign, dimension, value):
    if dimension == "theme":
        theme = next((t for t in campaign.themes if t.id == value), None)
        return theme.name if theme else str(value)
    if dimension == "org_type":
        return str(ORG_TYPE_LABELS.get(value, value))
    return province_label(value) or str(value)


def groups_key(campaign):
    """What the candidates' groups depend on: the ranking (results_stamp, version) and the
    campaign's themes. A reviewed case's themes change only when a theme is merged into
    another, which removes the merged theme (an organization's type and province are fixed)."""
    return (campaign.id, campaign.results_stamp, campaign.version,
            tuple((t.id, t.position, t.name_zh, t.name_en) for t in campaign.themes))


def case_groups(campaign):
    """{case id: {"theme": frozenset of theme ids, "org_type": .., "province": ..}}: the selection
    dimensions of the campaign's cases, from plain columns, two queries, kept while
    the ranking is (the selection page read 5,000 cases as objects on every view: 0.5 s)."""
    return app_cache("selection-groups", size=4, max_age=900).get(groups_key(campaign),
                                                                  lambda: _case_groups(campaign))


def _case_groups(campaign):
    from ..cases.models import case_themes
    from ..organizations.models import Organization

    themes = {}
    for case_id, theme_id in db.session.execute(
            db.select(case_themes.c.case_id, case_themes.c.theme_id).join(Case, Case.id == case_themes.c.case_id)
            .filter(Case.campaign_id == campaign.id)):
        themes.setdefault(case_id, set()).add(theme_id)
    return {case_id: {"theme": frozenset(themes.get(case_id, ())), "org_type": org_type, "province": province}
            for case_id, org_type, province in db.session.execute(
                db.select(Case.id, Organization.org_type, Organization.province)
                .join(Organization, Case.organization_id == Organization.id).filter(Case.campaign_id == campaign.id))}


def candidates(results):
    """Selection candidates from the ranked results, with their groups; kept with the groups
    (5,000 of them cost a third of the selection page's time). Ranks and calibrated scores do
    not depend on the disagreement threshold, so one list serves every threshold."""
    def build():
        groups = case_groups(results.campaign)
        return candidates_from_results(results.results, {r.case_id: groups[r.case_id] for r in results.results})
    return app_cache("selection-candidates", size=4, max_age=900).get(groups_key(results.campaign), build)


def case_rows(case_ids):
    """{id: (id, title, state) row} of some cases: what a page of the selection table shows."""
    titles, _names = _page_statements(db.engine.dialect.name)
    return {row.id: row for row in db.session.execute(titles, {"ids": list(case_ids)})} if case_ids else {}


def groups_present(results):
    """[(dimension, value, label)] of every group the candidates belong to, per dimension by label;
    kept with the groups, by language (the labels)."""
    return app_cache("selection-groups-present", size=8, max_age=900).get(
        (groups_key(results.campaign), current_language()), lambda: _groups_present(results))


def _groups_present(results):
    groups = case_groups(results.campaign)
    seen = set()
    for result in results.results or ():
        for dimension, value in groups[result.case_id].items():
            for v in (value if isinstance(value, frozenset) else (value,)):
                seen.add((dimension, v))
    labelled = [(d, v, group_label(results.campaign, d, v)) for d, v in seen]
    order = list(DIMENSIONS)
    return sorted(labelled, key=lambda g: (order.index(g[0]), str(g[2])))


def proposal(campaign, candidates, limits):
    """select_cases for the selection page, kept while the ranking is: the exact solve takes
    about half a second for 5,000 cases and the page is opened again and again unchanged.
    By language too: the proposal's messages name the groups."""
    key = (groups_key(campaign), campaign.selection_quota, current_language(),
           tuple((limit.dimension, limit.value, limit.minimum, limit.maximum) for limit in limits))
    return app_cache("selection-proposals", size=8, max_age=900).get(
        key, lambda: select_cases(candidates, campaign.selection_quota, limits))


def decisions_of(campaign):
    """{case id: SelectionDecision} recorded for the campaign."""
    return {d.case_id: d for d in db.session.scalars(
        db.select(SelectionDecision).filter_by(campaign_id=campaign.id))}
