"""What a recommending unit does to a case: return it, recommend it, withdraw that.

Each operation locks the case (recommending also its unit first, so that the
quota is counted under the lock), checks the recommendation window, writes the
audit entry through workflow.transition() and flushes; the caller commits.
"""
from flask import current_app
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from ..campaigns.phases import Window, WindowClosed, require_open
from ..cases.workflow import TransitionRefused, transition
from ..locking import lock_for_write
from ..mail import send_mail
from ..quoting import quoted
from ..security import external_url
from .queries import recommended_count


class RecommendationRefused(Exception):
    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


def _check_window(case):
    try:
        require_open(case.campaign, Window.RECOMMENDATION)
    except WindowClosed as closed:
        raise RecommendationRefused(closed.message)


def _apply(case, action, actor, reason=None):
    try:
        transition(case, action, actor, reason=reason)
    except TransitionRefused as refused:
        raise RecommendationRefused(refused.message)


def recommend(actor, case):
    """Recommend `case` upward, within the campaign's per-unit quota."""
    # Two users of one unit must not both take the last place of the quota, nor both
    # recommend one case: count and check the state under the unit's lock.
    lock_for_write(case.unit, case)
    _check_window(case)
    if recommended_count(case.unit_id, case.campaign) >= case.campaign.unit_quota:
        raise RecommendationRefused(_l(
            "Your unit has already recommended %(quota)d cases, the most this campaign allows. "
            "Withdraw a recommendation first.", quota=case.campaign.unit_quota))
    _apply(case, "recommend", actor)


def unrecommend(actor, case, reason):
    """Withdraw the recommendation of `case`; it frees a place of the quota."""
    lock_for_write(case)
    _check_window(case)
    _apply(case, "unrecommend", actor, reason)


def return_to_applicant(actor, case, reason):
    """Send `case` back to its organization with a reason, and tell them by mail."""
    lock_for_write(case)
    _check_window(case)
    _apply(case, "return", actor, reason)
    link = external_url("dashboard.index")
    for user in case.organization.users:
        with force_locale(user.locale or current_app.config["BABEL_DEFAULT_LOCALE"]):
            send_mail(user.email, _l("Your case was returned for changes"), _l(
                "Hello %(name)s,\n\nYour recommending unit returned the case %(title)s for changes. "
                "Their reason:\n\n%(reason)s\n\nYou can change the case and submit it again before "
                "the deadline:\n%(link)s", name=user.name, title=quoted(case.title), reason=reason, link=link))


def recommend_many(actor, unit, cases):
    """Recommend all of `cases` or none: refused at once when they do not fit in what is left
    of the quota, and if any one of them cannot be recommended (the caller rolls back)."""
    lock_for_write(unit)
    campaign = cases[0].campaign if cases else None
    if campaign is not None:
        left = campaign.unit_quota - recommended_count(unit.id, campaign)
        if len(cases) > left:
            raise RecommendationRefused(_l(
                "You chose %(n)d cases, but your unit may recommend only %(left)d more (quota %(quota)d). "
                "Nothing was recommended.", n=len(cases), left=max(left, 0), quota=campaign.unit_quota))
    for case in cases:
        try:
            recommend(actor, case)
        except RecommendationRefused as refused:
            raise RecommendationRefused(_l("%(title)s: %(reason)s Nothing was recommended.",
                                           title=case.title or case.id, reason=refused.message)) from refused


def return_many(actor, cases, reason):
    """Return every one of `cases` with the same reason (all or none), mailing each applicant."""
    for case in cases:
        try:
            return_to_applicant(actor, case, reason)
        except RecommendationRefused as refused:
            raise RecommendationRefused(_l("%(title)s: %(reason)s Nothing was returned.",
                                           title=case.title or case.id, reason=refused.message)) from refused


def mail_recipients(cases):
    """How many people a return of `cases` e-mails (every user of each applicant)."""
    return len({user.id for case in cases for user in case.organization.users})
