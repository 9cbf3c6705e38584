"""`flask remind-drafts`: organizations with drafts are mailed before the submission deadline,
once per case and deadline, with the deadline in Beijing time."""
from datetime import datetime, timedelta, timezone

import pytest

from reviewapp.cases.workflow import CaseState
from reviewapp.extensions import db
from reviewapp.messages.reminders import remind_drafts
from tests.factories import make_campaign
from tests.messages.data import outbox
from tests.recommendation.data import make_case, make_org


def _draft(campaign, organization, title):
    case = make_case(campaign, organization, state=CaseState.DRAFT)
    case.submitted_at, case.title = None, title
    db.session.commit()
    return case


@pytest.fixture
def closing(app):
    """A campaign closing in two days with two drafts of one organization and a submitted case of
    another; a campaign closing in ten days with a draft."""
    now = datetime.now(timezone.utc)
    soon = make_campaign(submission_opens=now - timedelta(days=20), submission_closes=now + timedelta(days=2))
    later = make_campaign(year=2027, slug="2027", submission_opens=now - timedelta(days=1),
                          submission_closes=now + timedelta(days=10))
    org = make_org("北京市朝阳区健身志愿者协会", email="drafts@example.cn")
    done = make_org("上海市徐汇区体育协会", province="shanghai", email="done@example.cn")
    drafts = [_draft(soon, org, "八段锦进社区"), _draft(soon, org, "")]
    make_case(soon, done, title="已提交的案例")
    _draft(later, done, "明年的草稿")
    return soon, org, drafts


def test_the_command_mails_drafts_once_and_says_how_many(app, closing):
    soon, _org, drafts = closing
    runner = app.test_cli_runner()
    first = runner.invoke(args=["remind-drafts"])
    assert first.exit_code == 0, first.output
    assert "1 e-mails sent about 2 drafts (deadlines within 3 days)" in first.output
    [mail] = outbox()
    assert mail.recipient == "drafts@example.cn", mail.body
    assert "八段锦进社区" in mail.body and "（无标题）" in mail.body and "(untitled)" in mail.body
    assert f"https://reviewapp.example.org/cases/{drafts[0].id}" in mail.body
    local = (soon.submission_closes + timedelta(hours=8)).strftime("%Y-%m-%d %H:%M")
    assert f"{local}（北京时间）" in mail.body and f"{local} (Beijing time)" in mail.body
    assert "已提交的案例" not in mail.body and "明年的草稿" not in mail.body
    # From cron again: nothing new.
    second = runner.invoke(args=["remind-drafts"])
    assert "0 e-mails sent about 0 drafts" in second.output and len(outbox()) == 1
    # A wider window reaches the later campaign's draft, once.
    wider = runner.invoke(args=["remind-drafts", "--days", "12"])
    assert "1 e-mails sent about 1 drafts (deadlines within 12 days)" in wider.output
    assert outbox()[-1].recipient == "done@example.cn" and "明年的草稿" in outbox()[-1].body


def test_days_are_counted_on_beijing_clocks(app):
    """At 17:00 UTC on 4 December it is already 5 December in Beijing: three days reach the end of
    8 December there (15:59 UTC), not a minute further."""
    now = datetime(2026, 12, 4, 17, 0, tzinfo=timezone.utc)
    inside = make_campaign(now=now, submission_opens=now - timedelta(days=5),
                           submission_closes=datetime(2026, 12, 8, 15, 0, tzinfo=timezone.utc))
    outside = make_campaign(now=now, year=2027, slug="2027", submission_opens=now - timedelta(days=5),
                            submission_closes=datetime(2026, 12, 8, 16, 30, tzinfo=timezone.utc))
    org = make_org(email="a@example.cn")
    _draft(inside, org, "截止当天的草稿")
    _draft(outside, org, "次日零点半截止的草稿")
    assert remind_drafts(now=now, days=3) == (1, 1)
    db.session.commit()
    [mail] = outbox()
    assert "截止当天的草稿" in mail.body and "2026-12-08 23:00" in mail.body


def test_a_later_deadline_reminds_again_and_a_submitted_case_never(app, closing):
    soon, _org, drafts = closing
    assert remind_drafts(days=3) == (1, 2)
    db.session.commit()
    soon.submission_closes += timedelta(hours=12)   # the department extends the deadline
    drafts[1].state = CaseState.SUBMITTED
    db.session.commit()
    assert remind_drafts(days=3) == (1, 1)
    db.session.commit()
    assert "八段锦进社区" in outbox()[-1].body


def test_the_recipients_language_is_used_when_recorded(app, closing):
    _soon, org, _drafts = closing
    org.users[0].locale = "en"
    db.session.commit()
    remind_drafts(days=3)
    db.session.commit()
    [mail] = outbox()
    assert mail.subject == "Reminder: your draft is not submitted yet" and "北京时间" not in mail.body


def test_two_runs_at_the_same_moment_remind_once(app, closing):
    """Two crons overlapping: the second waits for the first's lock on the campaign, then finds its rows."""
    from tests.races import at_once

    def run():
        with app.app_context():
            result = remind_drafts(days=3)
            db.session.commit()
            return result
    assert sorted(at_once(run, run)) == [(0, 0), (1, 2)]
    assert len(outbox()) == 1
