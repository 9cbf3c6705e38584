"""Which phase a campaign is in, and whether an action's window is open.

Pure functions of the campaign's dates and a moment, so that the edges of
every window can be tested exactly. Windows are half-open: [opens, closes).
Without a moment, the moment is when the current request arrived (ops/arrival.py):
a submission sent before the deadline is on time even if it is processed after it.
"""
import enum
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from ..ops.arrival import arrived_at
from ..timezones import format_local, zone_label


class Phase(enum.StrEnum):
    UPCOMING = "upcoming"
    SUBMISSION = "submission"
    RECOMMENDATION = "recommendation"
    BETWEEN = "between"          # recommendation over, review not yet open
    REVIEW = "review"
    SELECTION = "selection"      # review over, results not yet published
    PUBLISHED = "published"

    @property
    def label(self):
        return PHASE_LABELS[self]


PHASE_LABELS = {
    Phase.UPCOMING: _l("Not yet open"),
    Phase.SUBMISSION: _l("Open for submissions"),
    Phase.RECOMMENDATION: _l("Recommendation by units"),
    Phase.BETWEEN: _l("Preparing the review"),
    Phase.REVIEW: _l("Expert review"),
    Phase.SELECTION: _l("Selection"),
    Phase.PUBLISHED: _l("Published"),
}


class Window(enum.StrEnum):
    SUBMISSION = "submission"
    RECOMMENDATION = "recommendation"
    REVIEW = "review"

    @property
    def label(self):
        return {
            Window.SUBMISSION: _l("Submission"),
            Window.RECOMMENDATION: _l("Recommendation"),
            Window.REVIEW: _l("Review"),
        }[self]


def window_bounds(campaign, window):
    """(opens, closes) in UTC for a window of the campaign."""
    if window is Window.SUBMISSION:
        return campaign.submission_opens, campaign.submission_closes
    if window is Window.RECOMMENDATION:
        return campaign.submission_opens, campaign.recommendation_closes
    return campaign.review_opens, campaign.review_closes


def phase_at(campaign, now=None):
    """The phase the campaign is in at `now` (UTC, aware; default: the request's arrival)."""
    now = now or arrived_at()
    if campaign.published_at is not None and campaign.published_at <= now:
        return Phase.PUBLISHED
    if now < campaign.submission_opens:
        return Phase.UPCOMING
    if now < campaign.submission_closes:
        return Phase.SUBMISSION
    if now < campaign.recommendation_closes:
        return Phase.RECOMMENDATION
    if now < campaign.review_opens:
        return Phase.BETWEEN
    if now < campaign.review_closes:
        return Phase.REVIEW
    return Phase.SELECTION


def is_open(campaign, window, now=None):
    opens, closes = window_bounds(campaign, window)
    now = now or arrived_at()
    return opens <= now < closes


@dataclass
class WindowClosed(Exception):
    """Raised by require_open(); `message` says when the window is."""

    message: str

    def __str__(self):
        return self.message


def describe_window(campaign, window):
    """'from <opens> to <closes> (<zone>)' in the campaign's own time zone."""
    opens, closes = window_bounds(campaign, window)
    return _l(
        "%(window)s is open from %(opens)s to %(closes)s (%(zone)s).",
        window=window.label,
        opens=format_local(opens, campaign.timezone),
        closes=format_local(closes, campaign.timezone),
        zone=zone_label(campaign.timezone),
    )


def require_open(campaign, window, now=None):
    """Raise WindowClosed with a message naming the window's dates unless open."""
    now = now or arrived_at()
    if is_open(campaign, window, now):
        return
    opens, _closes = window_bounds(campaign, window)
    if now < opens:
        lead = _l("This is not possible yet.")
    else:
        lead = _l("This is no longer possible: the deadline has passed.")
    raise WindowClosed(f"{lead} {describe_window(campaign, window)}")

