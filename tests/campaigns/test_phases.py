"""Campaign phases follow the dates, at the exact window edges, in the campaign's zone."""
from datetime import datetime, timedelta, timezone

import pytest

from reviewapp.campaigns.models import Campaign
from reviewapp.campaigns.phases import Phase, Window, WindowClosed, is_open, phase_at, require_open
from reviewapp.timezones import local_to_utc

SHANGHAI = "Asia/Shanghai"


def campaign_closing_at_midnight_shanghai():
    """Submission closes 2026-06-30 24:00 Shanghai = 2026-06-30 16:00 UTC."""
    at = lambda *args: local_to_utc(datetime(*args), SHANGHAI)  # noqa: E731
    return Campaign(timezone=SHANGHAI, submission_opens=at(2026, 5, 1, 0, 0),
                    submission_closes=at(2026, 7, 1, 0, 0), recommendation_closes=at(2026, 7, 15, 0, 0),
                    review_opens=at(2026, 7, 20, 9, 0), review_closes=at(2026, 8, 20, 18, 0))


def utc(*args):
    return datetime(*args, tzinfo=timezone.utc)


def test_local_deadline_is_stored_in_utc():
    campaign = campaign_closing_at_midnight_shanghai()
    assert campaign.submission_closes == utc(2026, 6, 30, 16, 0)


@pytest.mark.parametrize("moment,phase", [
    (utc(2026, 4, 30, 15, 59, 59), Phase.UPCOMING),
    (utc(2026, 4, 30, 16, 0, 0), Phase.SUBMISSION),          # 00:00 Shanghai, May 1
    (utc(2026, 6, 30, 15, 59, 59), Phase.SUBMISSION),        # 23:59:59 Shanghai, June 30
    (utc(2026, 6, 30, 16, 0, 0), Phase.RECOMMENDATION),      # midnight: submission is over
    (utc(2026, 7, 14, 16, 0, 0), Phase.BETWEEN),
    (utc(2026, 7, 20, 1, 0, 0), Phase.REVIEW),
    (utc(2026, 8, 20, 10, 0, 0), Phase.SELECTION),
])
def test_phase_at_window_edges(moment, phase):
    assert phase_at(campaign_closing_at_midnight_shanghai(), moment) is phase


def test_published_campaign_is_published():
    campaign = campaign_closing_at_midnight_shanghai()
    campaign.published_at = utc(2026, 9, 1)
    assert phase_at(campaign, utc(2026, 9, 1)) is Phase.PUBLISHED
    assert phase_at(campaign, utc(2026, 8, 31)) is Phase.SELECTION


def test_submission_window_is_half_open():
    campaign = campaign_closing_at_midnight_shanghai()
    last_second = utc(2026, 6, 30, 15, 59, 59)
    assert is_open(campaign, Window.SUBMISSION, last_second)
    assert not is_open(campaign, Window.SUBMISSION, last_second + timedelta(seconds=1))


def test_refusal_says_when_the_window_is_in_local_time(app):
    campaign = campaign_closing_at_midnight_shanghai()
    with pytest.raises(WindowClosed) as refused:
        require_open(campaign, Window.SUBMISSION, utc(2026, 6, 30, 16, 0, 0))
    message = str(refused.value)
    assert "deadline has passed" in message
    assert "2026-05-01 00:00" in message and "2026-07-01 00:00" in message
    assert "(Beijing time)" in message and "Asia/Shanghai" not in message


def test_refusal_before_opening(app):
    with pytest.raises(WindowClosed, match="not possible yet"):
        require_open(campaign_closing_at_midnight_shanghai(), Window.REVIEW, utc(2026, 7, 1))


def test_refusal_is_translated(app):
    from flask_babel import force_locale
    with force_locale("zh"):
        with pytest.raises(WindowClosed) as refused:
            require_open(campaign_closing_at_midnight_shanghai(), Window.SUBMISSION, utc(2026, 7, 2))
        assert "已超过截止时间" in str(refused.value)
