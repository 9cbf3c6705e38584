"""Where an applicant's case stands, said in words, with the next step and its deadline.

`case_status()` is a pure function of the case, its campaign's dates, the last return
(reason, unit, time) and a moment, so every state and edge is tested without a request.
The outcome of the review is said only once the campaign's results are announced.
"""
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l

from ..campaigns.phases import Window, is_open, window_bounds
from ..cases.workflow import CaseState
from ..timezones import format_local, zone_label


@dataclass(frozen=True)
class CaseStatus:
    text: str                      # one sentence: 已提交，待……审核，推荐截止 ……
    next_step: str = ""            # what the applicant does now, if anything
    tone: str = "info"             # info / action / done
    returned: object = None        # recommendation.queries.ReturnNote
    actions: list = field(default_factory=list)    # [(endpoint, label)] for the case's links


def deadline(moment, zone):
    """'2026-06-30 23:59 Beijing time' (北京时间 2026-06-30 23:59) in the campaign's zone."""
    if zone == "Asia/Shanghai":
        return _l("%(time)s Beijing time", time=format_local(moment, zone))
    return _l("%(time)s (%(zone)s)", time=format_local(moment, zone), zone=zone_label(zone))


def case_status(case, returned=None, now=None):
    """The applicant's view of `case` (see the module's docstring); `returned` is its ReturnNote."""
    campaign, state, zone = case.campaign, case.state, case.campaign.timezone
    submit_by = deadline(window_bounds(campaign, Window.SUBMISSION)[1], zone)
    recommend_by = deadline(window_bounds(campaign, Window.RECOMMENDATION)[1], zone)
    announced = campaign.published_at is not None and (now is None or campaign.published_at <= now)
    if state is CaseState.DRAFT:
        if not is_open(campaign, Window.SUBMISSION, now):
            return CaseStatus(_l("Draft: the submission deadline has passed, so it can no longer be submitted."))
        if case.first_submitted_at is not None:
            return CaseStatus(_l("Withdrawn to edit: submit it again before %(deadline)s.", deadline=submit_by),
                              _l("Until it is submitted again, your unit does not screen it."), "action",
                              actions=[("cases.edit", _l("Change the case")), ("cases.submit", _l("Submit again"))])
        return CaseStatus(_l("Draft: submit it before %(deadline)s.", deadline=submit_by),
                          _l("Prepare the case and its evidence, then submit it."), "action",
                          actions=[("cases.edit", _l("Change the case")), ("cases.submit", _l("Submit"))])
    if state is CaseState.RETURNED:
        reason = returned.reason if returned else ""
        if not is_open(campaign, Window.RECOMMENDATION, now):
            return CaseStatus(_l("Returned: %(reason)s", reason=reason),
                              _l("The recommendation deadline has passed, so the case can no longer be "
                                 "submitted again."), "info", returned)
        return CaseStatus(
            _l("Returned: %(reason)s", reason=reason),
            _l("Change what the reason asks for and submit the case again before %(deadline)s (the "
               "recommendation deadline).", deadline=recommend_by), "action", returned,
            actions=[("cases.edit", _l("Change the case")), ("cases.submit", _l("Submit again"))])
    if state is CaseState.SUBMITTED:
        if case.unit is None:
            return CaseStatus(_l("Submitted; it goes straight to the expert review."))
        if not is_open(campaign, Window.RECOMMENDATION, now):
            return CaseStatus(_l("Submitted; %(unit)s did not recommend it before the recommendation deadline.",
                                 unit=case.unit.name))
        return CaseStatus(_l("Submitted; waiting for %(unit)s to screen it. Recommendation closes %(deadline)s.",
                             unit=case.unit.name, deadline=recommend_by))
    if state in (CaseState.RECOMMENDED, CaseState.UNDER_REVIEW):
        return CaseStatus(_l("Recommended; under expert review."), tone="done")
    if state is CaseState.PUBLISHED:
        return CaseStatus(_l("Selected as an excellent case and published."), tone="done")
    if announced and state is CaseState.SELECTED:
        return CaseStatus(_l("Selected as an excellent case."), tone="done")
    if announced and state is CaseState.NOT_SELECTED:
        return CaseStatus(_l("Not selected this time."), tone="done")
    # Reviewed, selected or not: the outcome stays the department's until it is announced.
    return CaseStatus(_l("The expert review is finished; the results will be announced."), tone="done")
