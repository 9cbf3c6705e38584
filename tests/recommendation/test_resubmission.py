"""A case returned after the submission deadline (the recommendation window allows returning)
can be changed and submitted again until the recommendation window closes, and no later."""
from datetime import datetime, timedelta, timezone

from reviewapp.campaigns.models import Campaign
from reviewapp.cases.models import Case
from reviewapp.cases.workflow import CaseState
from reviewapp.extensions import db
from tests.factories import sign_in_as, submit_form
from tests.recommendation.data import submitted_case_with_evidence


def _state(case_id):
    db.session.expire_all()
    return db.session.get(Case, case_id).state


def _move_deadlines(campaign_id, submission_closed_ago, recommendation_closes_in):
    """Move the campaign's dates so that the submission window closed some time ago."""
    now = datetime.now(timezone.utc)
    campaign = db.session.get(Campaign, campaign_id)
    campaign.submission_closes = now - submission_closed_ago
    campaign.recommendation_closes = now + recommendation_closes_in
    campaign.review_opens = campaign.recommendation_closes + timedelta(days=1)
    db.session.commit()


def _return_after_the_deadline(app):
    case, org, unit_user = submitted_case_with_evidence(app)
    _move_deadlines(case.campaign_id, timedelta(days=2), timedelta(days=5))
    unit = sign_in_as(app.test_client(), unit_user)
    page = f"/recommendation/cases/{case.id}"
    reason = "请补充服务人次的统计依据。"
    assert submit_form(unit, page, {"reason": reason}, action=f"{page}/return").status_code == 302
    assert _state(case.id) is CaseState.RETURNED
    return case, org, reason


def test_a_case_returned_after_the_deadline_is_resubmitted_while_recommendation_is_open(app):
    case, org, reason = _return_after_the_deadline(app)
    html = org.get(f"/cases/{case.id}").get_data(as_text=True)
    assert f"Returned: {reason}" in html and "submit the case again before" in html
    submit_page = org.get(f"/cases/{case.id}/submit").get_data(as_text=True)
    assert "Recommendation is open from" in submit_page and "disabled" not in submit_page.split("<form")[-1]

    response = submit_form(org, f"/cases/{case.id}/submit", {}, follow_redirects=True)
    assert response.status_code == 200 and _state(case.id) is CaseState.SUBMITTED
    assert "Your case has been submitted" in response.get_data(as_text=True)
    assert "Submitted; waiting for" in org.get("/dashboard").get_data(as_text=True)


def test_a_draft_is_still_refused_after_the_submission_deadline(app):
    case, org, _unit = submitted_case_with_evidence(app)
    assert submit_form(org, f"/cases/{case.id}", {}, action=f"/cases/{case.id}/withdraw").status_code == 302
    assert _state(case.id) is CaseState.DRAFT
    _move_deadlines(case.campaign_id, timedelta(minutes=1), timedelta(days=5))
    response = submit_form(org, f"/cases/{case.id}/submit", {})
    assert response.status_code == 409 and "deadline has passed" in response.get_data(as_text=True)
    assert _state(case.id) is CaseState.DRAFT


def test_once_the_recommendation_window_closes_a_returned_case_stays_returned(app):
    case, org, _reason = _return_after_the_deadline(app)
    _move_deadlines(case.campaign_id, timedelta(days=3), -timedelta(seconds=1))
    assert "can no longer be submitted again" in org.get(f"/cases/{case.id}").get_data(as_text=True)
    response = submit_form(org, f"/cases/{case.id}/submit", {})
    assert response.status_code == 409 and "deadline has passed" in response.get_data(as_text=True)
    assert _state(case.id) is CaseState.RETURNED
