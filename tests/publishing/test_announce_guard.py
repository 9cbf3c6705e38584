"""Announcing says what it will do and is refused while reviews are open or pending, unless
the administrator gives a reason (kept in the audit log)."""
from datetime import datetime, timedelta, timezone

from reviewapp.audit import AuditEntry
from reviewapp.cases.workflow import CaseState
from reviewapp.extensions import db
from reviewapp.mail.models import OutboxMessage
from tests.factories import submit_form
from tests.publishing.data import make_publishing_campaign
from tests.recommendation.data import make_expert
from tests.review.conftest import confirm


def _announce(client, data, **form):
    page = f"/publishing/campaigns/{data.campaign.id}"
    return submit_form(client, page, form, action=f"{page}/announce", follow_redirects=True).get_data(as_text=True)


def _published(data):
    db.session.refresh(data.selected_zh)
    return data.selected_zh.state is CaseState.PUBLISHED


def test_the_page_says_how_many_organizations_are_mailed(app, login_as):
    data = make_publishing_campaign()
    client, _admin = login_as("admin")
    page = client.get(f"/publishing/campaigns/{data.campaign.id}").get_data(as_text=True)
    # Selected: two cases; mailed: the three organizations with a submitted case, one account each.
    effects = "This publishes 2 cases and e-mails 3 organizations (3 messages). It cannot be undone."
    assert effects in page and f'data-confirm="{effects}"' in page
    assert "Publish the results and e-mail 3 organizations" in page
    assert "Reason to publish anyway" not in page


def test_refused_while_the_review_window_is_open_and_a_review_is_pending(app, login_as):
    data = make_publishing_campaign()
    now = datetime.now(timezone.utc)
    data.campaign.review_opens, data.campaign.review_closes = now - timedelta(days=1), now + timedelta(days=2)
    confirm(data.selected_zh, make_expert())          # an extra review asked for, not yet in
    db.session.commit()
    client, _admin = login_as("admin")
    page = client.get(f"/publishing/campaigns/{data.campaign.id}").get_data(as_text=True)
    assert "The review window is still open." in page and "1 reviews are not submitted yet." in page
    html = _announce(client, data)
    assert "Wait until every review is in, or give a reason to publish anyway." in html
    assert not _published(data) and db.session.scalar(db.select(db.func.count(OutboxMessage.id))) == 0

    html = _announce(client, data, override_reason="部里要求今天发布，迟到的评审不影响入选结果。")
    assert "The results are published" in html and _published(data)
    entry = db.session.scalar(db.select(AuditEntry).filter_by(action="campaign.published"))
    assert entry.reason == "部里要求今天发布，迟到的评审不影响入选结果。"
    assert entry.changes["despite"] == ["The review window is still open.", "1 reviews are not submitted yet."]


def test_without_blockers_no_reason_is_asked(app, login_as):
    data = make_publishing_campaign()
    client, _admin = login_as("admin")
    assert "The results are published" in _announce(client, data) and _published(data)
    entry = db.session.scalar(db.select(AuditEntry).filter_by(action="campaign.published"))
    assert entry.reason is None and "despite" not in entry.changes
