"""Recording the selection of a campaign: a decision per reviewed case, a reason per deviation.

The caller passes the candidates and the proposal it computed with
selection.select_cases (the route recomputes both from the submitted limits,
so a tampered form cannot change what counts as a deviation). Every case
still under review is closed ("complete_review") and then selected or
rejected through the workflow; nothing changes once the campaign is published.
"""
from flask_babel import lazy_gettext as _l

from ..audit import record
from ..cases.models import Case
from ..cases.workflow import CaseState, transition
from ..extensions import db
from ..locking import lock_for_write
from ..timezones import utcnow
from .models import SelectionDecision
from .selection import check_selection, compare_selection


class SelectionRefused(Exception):
    """Nothing was recorded; `reasons` are messages a person reads."""

    def __init__(self, reasons):
        self.reasons = list(reasons)
        super().__init__("; ".join(str(r) for r in self.reasons))


def require_unpublished(campaign):
    if campaign.published_at is not None:
        raise SelectionRefused([_l("The results are published: the selection can no longer be changed.")])


def _target_state(case, selected):
    """Move `case` to selected / not selected through the workflow, whatever review state it is in."""
    if case.state is CaseState.UNDER_REVIEW:
        return ["complete_review", "select" if selected else "reject"]
    if selected and case.state in (CaseState.REVIEWED, CaseState.NOT_SELECTED):
        return ["select"]
    if not selected and case.state in (CaseState.REVIEWED, CaseState.SELECTED):
        return ["reject"]
    return []


def record_selection(actor, campaign, candidates, proposed, final, reasons, limits=()):
    """Record `final` (case ids) as the selection among `candidates`.

    `proposed` is the exact proposal; each deviation from it (compare_selection)
    needs a non-empty reason in `reasons` (case id -> text). Refused while the
    final set breaks the quota or a group limit, or once published.
    Returns the deviations.
    """
    lock_for_write(campaign)  # two admins recording at once: one after the other, each checked
    require_unpublished(campaign)
    final = set(final)
    problems = list(check_selection(final, candidates, campaign.selection_quota, limits))
    deviations = compare_selection(proposed, final, candidates)
    for deviation in deviations:
        if not (reasons.get(deviation.case_id) or "").strip():
            problems.append(_l("Give a reason: %(deviation)s", deviation=deviation.message))
    if problems:
        raise SelectionRefused(problems)
    by_deviation = {d.case_id: d for d in deviations}
    existing = {d.case_id: d for d in db.session.scalars(
        db.select(SelectionDecision).filter_by(campaign_id=campaign.id))}
    cases = {c.id: c for c in db.session.scalars(
        db.select(Case).filter(Case.id.in_([c.case_id for c in candidates])))}
    now, proposed_set = utcnow(), set(proposed)
    for candidate in candidates:
        case, selected = cases[candidate.case_id], candidate.case_id in final
        for action in _target_state(case, selected):
            transition(case, action, actor)
        deviation = by_deviation.get(candidate.case_id)
        decision = existing.get(candidate.case_id) or SelectionDecision(campaign_id=campaign.id,
                                                                        case_id=candidate.case_id)
        decision.decision = "selected" if selected else "not_selected"
        decision.rank, decision.score = candidate.rank, float(candidate.score)
        decision.proposed = candidate.case_id in proposed_set
        decision.deviation = deviation.kind if deviation else None
        decision.reason = reasons[candidate.case_id].strip() if deviation else None
        decision.decided_by_id, decision.decided_at = actor.id, now
        db.session.add(decision)
    db.session.flush()
    record(actor, "selection.recorded", campaign, changes={
        "selected": sorted(final), "proposed": sorted(proposed_set),
        "limits": [[lim.dimension, str(lim.value), lim.minimum, lim.maximum] for lim in limits],
        "deviations": [{"case": d.case_id, "kind": d.kind, "rank": d.rank,
                        "reason": reasons[d.case_id].strip()} for d in deviations]})
    return deviations
