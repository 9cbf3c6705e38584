"""The case workflow as data: its states and the only transitions allowed.

Every state change of a case goes through `transition()`, which refuses a
move the table does not list, writes the audit entry and flushes. There is
deliberately no way to force a transition the table does not allow.
"""
import enum
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from ..audit import record


class CaseState(enum.StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    RETURNED = "returned"
    RECOMMENDED = "recommended"
    UNDER_REVIEW = "under_review"
    REVIEWED = "reviewed"
    SELECTED = "selected"
    NOT_SELECTED = "not_selected"
    PUBLISHED = "published"

    @property
    def label(self):
        return STATE_LABELS[self]


# The applicant may change the case (and nobody screens it) only in these states.
EDITABLE_STATES = frozenset({CaseState.DRAFT, CaseState.RETURNED})

STATE_LABELS = {
    CaseState.DRAFT: _l("Draft"),
    CaseState.SUBMITTED: _l("Submitted"),
    CaseState.RETURNED: _l("Returned for changes"),
    CaseState.RECOMMENDED: _l("Recommended"),
    CaseState.UNDER_REVIEW: _l("Under review"),
    CaseState.REVIEWED: _l("Reviewed"),
    CaseState.SELECTED: _l("Selected"),
    CaseState.NOT_SELECTED: _l("Not selected"),
    CaseState.PUBLISHED: _l("Published"),
}


@dataclass(frozen=True)
class Transition:
    action: str
    sources: frozenset
    target: CaseState
    label: object
    needs_reason: bool = False


S = CaseState
TRANSITIONS = {
    t.action: t for t in [
        Transition("submit", frozenset({S.DRAFT, S.RETURNED}), S.SUBMITTED, _l("Submit")),
        Transition("withdraw", frozenset({S.SUBMITTED}), S.DRAFT, _l("Withdraw to edit")),
        Transition("return", frozenset({S.SUBMITTED, S.RECOMMENDED}), S.RETURNED,
                   _l("Return to the applicant"), needs_reason=True),
        Transition("recommend", frozenset({S.SUBMITTED}), S.RECOMMENDED, _l("Recommend")),
        Transition("unrecommend", frozenset({S.RECOMMENDED}), S.SUBMITTED,
                   _l("Withdraw the recommendation"), needs_reason=True),
        # Direct submission (no unit) goes from submitted straight to review.
        Transition("start_review", frozenset({S.RECOMMENDED, S.SUBMITTED}), S.UNDER_REVIEW,
                   _l("Send to review")),
        Transition("complete_review", frozenset({S.UNDER_REVIEW}), S.REVIEWED,
                   _l("Close the review")),
        Transition("reopen_review", frozenset({S.REVIEWED}), S.UNDER_REVIEW,
                   _l("Reopen the review"), needs_reason=True),
        Transition("select", frozenset({S.REVIEWED, S.NOT_SELECTED}), S.SELECTED, _l("Select")),
        Transition("reject", frozenset({S.REVIEWED, S.SELECTED}), S.NOT_SELECTED,
                   _l("Do not select")),
        Transition("publish", frozenset({S.SELECTED}), S.PUBLISHED, _l("Publish")),
    ]
}


class TransitionRefused(Exception):
    """The case is not in a state from which the action is allowed."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


def allowed_actions(state):
    """The transitions possible from `state`, in table order."""
    return [t for t in TRANSITIONS.values() if state in t.sources]


def can(case, action):
    transition = TRANSITIONS.get(action)
    return transition is not None and case.state in transition.sources


def transition(case, action, actor, reason=None):
    """Move `case` by `action`, record it in the audit log and flush.

    Raises TransitionRefused (with a translated message) if the action is
    unknown, not allowed from the case's current state, or needs a reason
    that was not given.
    """
    rule = TRANSITIONS.get(action)
    if rule is None:
        raise TransitionRefused(_l("Unknown action “%(action)s”.", action=action))
    if case.state not in rule.sources:
        raise TransitionRefused(_l(
            "“%(action)s” is not possible for a case that is “%(state)s”.",
            action=rule.label, state=case.state.label))
    if rule.needs_reason and not (reason or "").strip():
        raise TransitionRefused(_l("Please give a reason for “%(action)s”.", action=rule.label))
    before = case.state
    case.state = rule.target
    record(actor, f"case.{action}", case,
           changes={"state": [before.value, rule.target.value]}, reason=reason)
    return case
