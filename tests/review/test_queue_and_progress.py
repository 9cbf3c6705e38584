"""The expert's queue and access, declining, the admin's progress page, reminders and released feedback."""
from datetime import datetime, timedelta, timezone

from reviewapp.assignment.models import AssignmentStatus
from reviewapp.audit import AuditEntry
from reviewapp.experts.models import Conflict, ConflictSource
from reviewapp.extensions import db
from reviewapp.mail.models import OutboxMessage
from reviewapp.review.models import ReviewDecline
from tests.factories import csrf_from, make_user, sign_in_as, submit_form

from .conftest import token

SCORES = {"score-organization": "8", "score-regularity": "7", "score-innovation": "9", "score-influence": "6"}


def test_the_queue_lists_only_confirmed_assignments_with_status_and_progress(app, setup, expert_client):
    html = expert_client.get("/review/").get_data(as_text=True)
    assert "Done: 0 of 1 reviews." in html and "Not started" in html
    assert f"/review/{token(setup.assignments[0])}" in html
    assert f"/review/{token(setup.other_assignment)}" not in html
    assert "Next case: case 1" in expert_client.get("/dashboard").get_data(as_text=True)
    # #19.12: the deadline's zone is named for the reader, not by its database name.
    assert "(Beijing time)" in html and "Asia/Shanghai" not in html


def test_an_expert_reaches_only_assigned_cases(app, setup, expert_client):
    assert expert_client.get(f"/review/{token(setup.other_assignment)}").status_code == 404
    assert expert_client.get(f"/review/{token(setup.other_assignment)}/files/1/view").status_code == 404
    assert expert_client.get("/review/" + "0" * 32).status_code == 404
    # A proposed (not yet confirmed) assignment is not reachable either.
    setup.assignments[0].status = AssignmentStatus.PROPOSED
    db.session.commit()
    assert expert_client.get(f"/review/{token(setup.assignments[0])}").status_code == 404
    for role in ("admin", "unit", "organization"):
        client = sign_in_as(app.test_client(), make_user(role, email=f"x-{role}@example.cn")
                            if role != "organization" else setup.org_user)
        assert client.get("/review/").status_code == 403


def test_submitting_offers_the_next_case(app, setup):
    from .conftest import confirm
    confirm(setup.other_case, setup.experts[0])
    db.session.commit()
    client = sign_in_as(app.test_client(), setup.experts[0])
    url = f"/review/{token(setup.assignments[0])}"
    html = client.get(url).get_data(as_text=True)
    response = client.post(url, data={"csrf_token": csrf_from(html), "version": "0", "action": "submit",
                                      "confidence": "high", **SCORES}, follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "Your review is submitted" in page and "Next case: case" in page
    assert "Done: 1 of 2 reviews." in client.get("/review/").get_data(as_text=True)


def test_declining_for_a_conflict_gives_the_case_back(app, setup, expert_client):
    url = f"/review/{token(setup.assignments[0])}"
    response = submit_form(expert_client, url, {"kind": "conflict", "reason": "我认识申报单位"},
                           action=f"{url}/decline")
    assert response.status_code == 302 and response.headers["Location"] == "/review/"
    decline = db.session.scalar(db.select(ReviewDecline))
    assert decline.kind.value == "conflict" and decline.expert_id == setup.experts[0].id
    conflict = db.session.scalar(db.select(Conflict))
    assert conflict.source is ConflictSource.EXPERT and conflict.case_id == setup.case.id
    refused = expert_client.get(url)  # the expert knows the case: told why, not "not found"
    assert refused.status_code == 403 and "a conflict of interest was recorded" in refused.get_data(as_text=True)
    assert "No case is assigned to you" in expert_client.get("/review/").get_data(as_text=True)
    admin = sign_in_as(app.test_client(), make_user("admin"))
    progress = admin.get(f"/review/campaigns/{setup.campaign.id}/progress").get_data(as_text=True)
    assert "Conflict of interest declared" in progress and "我认识申报单位" in progress
    assert "review.conflict" in set(db.session.scalars(db.select(AuditEntry.action)))


def test_declining_needs_a_reason_unless_it_is_a_conflict(app, setup, expert_client):
    url = f"/review/{token(setup.assignments[0])}"
    response = submit_form(expert_client, url, {"kind": "declined", "reason": ""}, action=f"{url}/decline",
                           follow_redirects=True)
    assert "Please say briefly why" in response.get_data(as_text=True)
    assert db.session.scalar(db.select(ReviewDecline)) is None


def test_progress_and_reminders_without_case_identity(app, setup, expert_client):
    url = f"/review/{token(setup.assignments[0])}"
    html = expert_client.get(url).get_data(as_text=True)
    expert_client.post(url, data={"csrf_token": csrf_from(html), "version": "0", "action": "submit",
                                  "confidence": "high", **SCORES})
    setup.experts[1].locale, setup.experts[2].locale = "en", "zh"
    db.session.commit()
    admin = sign_in_as(app.test_client(), make_user("admin"))
    page = f"/review/campaigns/{setup.campaign.id}/progress"
    html = admin.get(page).get_data(as_text=True)
    assert "Per expert" in html and "1 / 1" in html and "0 / 1" in html
    response = submit_form(admin, page, {}, action=f"/review/campaigns/{setup.campaign.id}/reminders")
    assert response.status_code == 302
    mails = db.session.scalars(db.select(OutboxMessage).order_by(OutboxMessage.recipient)).all()
    assert [m.recipient for m in mails] == ["expert2@example.cn", "expert3@example.cn"]
    for mail in mails:
        assert setup.case.title not in mail.body and setup.other_case.title not in mail.body
        assert str(setup.case.id) not in mail.subject
    # Each in the expert's language (the campaign's title follows the locale of the mail).
    assert "2026 Excellent Cases" in mails[0].body and "2026年优秀案例征集" in mails[1].body
    assert "review.reminders_sent" in set(db.session.scalars(db.select(AuditEntry.action)))


def test_feedback_is_released_only_after_publication_and_anonymised(app, setup, expert_client):
    url = f"/review/{token(setup.assignments[0])}"
    html = expert_client.get(url).get_data(as_text=True)
    expert_client.post(url, data={"csrf_token": csrf_from(html), "version": "0", "action": "submit",
                                  "confidence": "high", "comment-innovation": "形式新颖，值得推广",
                                  "overall_comment": "整体优秀", **SCORES})
    org = sign_in_as(app.test_client(), setup.org_user)
    feedback = f"/review/feedback/{setup.case.id}"
    assert "not released" in org.get(feedback).get_data(as_text=True)
    setup.campaign.release_feedback = True
    db.session.commit()
    assert "not released" in org.get(feedback).get_data(as_text=True)
    setup.campaign.published_at = datetime.now(timezone.utc) - timedelta(minutes=1)
    db.session.commit()
    page = org.get(feedback).get_data(as_text=True)
    assert "Reviewer 1" in page and "形式新颖，值得推广" in page and "整体优秀" in page
    assert setup.experts[0].email not in page and "Test expert" not in page
    assert org.get(f"/review/feedback/{setup.other_case.id}").status_code == 404


def test_the_queue_rows_follow_every_change(app, setup, expert_client):
    """The rows are reused between requests; a draft, a submission and a passed
    deadline must each show at once."""
    import re

    def row_status():
        html = expert_client.get("/review/").get_data(as_text=True)
        return re.search(r'<tr class="status-([a-z_]+)">.*?</tr>', html, re.DOTALL)

    assert row_status().group(1) == "not_started"
    url = f"/review/{token(setup.assignments[0])}"
    submit_form(expert_client, url, {"version": "0", "action": "save", **SCORES})
    assert row_status().group(1) == "draft" and "Overdue" not in row_status().group(0)
    campaign = setup.assignments[0].case.campaign
    campaign.review_closes = datetime.now(timezone.utc) - timedelta(minutes=1)
    db.session.commit()
    assert "Overdue" in row_status().group(0)


def test_the_blind_case_follows_its_evidence(app, setup, expert_client):
    """The blind case's HTML is reused between requests; evidence that changes under
    it (a caption, a preview finished by a background job) shows at once."""
    from reviewapp.cases.models import Evidence
    url = f"/review/{token(setup.assignments[0])}"
    assert "晨练点" in expert_client.get(url).get_data(as_text=True)
    photo = db.session.scalar(db.select(Evidence).filter_by(case_id=setup.case.id, kind="photo"))
    photo.caption = "广场晨练"
    db.session.commit()
    page = expert_client.get(url).get_data(as_text=True)
    assert "广场晨练" in page and "晨练点" not in page


def test_the_rubric_follows_the_draft_and_the_criteria(app, setup, expert_client):
    """The rubric's HTML is reused between requests; a saved score and a renamed
    criterion each show at once."""
    import re
    url = f"/review/{token(setup.assignments[0])}"
    checked = lambda html: re.findall(r'name="score-organization" value="(\d+)"\s*checked', html)  # noqa: E731
    assert checked(expert_client.get(url).get_data(as_text=True)) == []
    submit_form(expert_client, url, {"version": "0", "action": "save", **SCORES})
    assert checked(expert_client.get(url).get_data(as_text=True)) == ["8"]
    english = {"Accept-Language": "en"}
    assert "Organisation and leadership" not in expert_client.get(url, headers=english).get_data(as_text=True)
    criterion = next(c for c in setup.assignments[0].case.campaign.criteria if c.key == "organization")
    criterion.name_en = criterion.name_zh = "Organisation and leadership"
    db.session.commit()
    assert "Organisation and leadership" in expert_client.get(url, headers=english).get_data(as_text=True)
