"""Rubric scoring: drafts autosave with optimistic locking, submission locks, reopening until the deadline."""
from datetime import datetime, timedelta, timezone
from pathlib import Path

from reviewapp.audit import AuditEntry
from reviewapp.extensions import db
from reviewapp.review.models import Review, ReviewStatus
from tests.factories import csrf_from

from .conftest import token

ROOT = Path(__file__).resolve().parents[2]
ALL_SCORES = {"score-organization": "8", "score-regularity": "7", "score-innovation": "9", "score-influence": "6"}


def _page(client, setup, n=0):
    url = f"/review/{token(setup.assignments[n])}"
    return url, client.get(url).get_data(as_text=True)


def _review(setup, n=0):
    db.session.expire_all()
    return db.session.scalar(db.select(Review).filter_by(assignment_id=setup.assignments[n].id))


def test_the_rubric_shows_radios_per_criterion_with_level_descriptors(app, setup, expert_client):
    _url, html = _page(expert_client, setup)
    assert html.count('<fieldset class="criterion"') == 4
    assert html.count('name="score-innovation"') == 11           # 0..10
    assert "Excellent: a model others can replicate" in html
    assert '<script src="/static/js/review.js"></script>' in html


def test_keyboard_scoring_script_exists(app):
    script = (ROOT / "reviewapp" / "static" / "js" / "review.js").read_text()
    assert 'addEventListener("keydown"' in script and "fieldset.criterion" in script
    assert "data-autosave-url" in script or "autosave" in script


def test_autosave_keeps_a_draft_and_refuses_a_stale_version(app, setup, expert_client):
    url, html = _page(expert_client, setup)
    csrf = csrf_from(html)
    first = expert_client.post(f"{url}/autosave", data={"csrf_token": csrf, "version": "0",
                                                        "score-innovation": "7", "comment-innovation": "新颖"})
    assert first.status_code == 200 and first.json["ok"]
    version = first.json["version"]
    review = _review(setup)
    assert review.status is ReviewStatus.DRAFT and review.scores == {"innovation": 7}
    assert review.comments == {"innovation": "新颖"}
    db.session.refresh(setup.assignments[0])
    assert setup.assignments[0].started_at is not None
    second = expert_client.post(f"{url}/autosave", data={"csrf_token": csrf, "version": str(version),
                                                         "score-innovation": "8"})
    assert second.json["ok"] and second.json["version"] == version + 1
    stale = expert_client.post(f"{url}/autosave", data={"csrf_token": csrf, "version": str(version),
                                                        "score-innovation": "2"})
    assert stale.status_code == 409 and stale.json["conflict"]
    assert "saved elsewhere" in stale.json["message"]
    assert _review(setup).scores == {"innovation": 8}
    # The non-JS save with a stale version shows the message and keeps the text typed.
    page = expert_client.post(url, data={"csrf_token": csrf, "version": str(version), "action": "save",
                                         "overall_comment": "我的长篇评语"})
    assert page.status_code == 409 and "我的长篇评语" in page.get_data(as_text=True)


def test_scores_outside_the_scale_are_refused(app, setup, expert_client):
    url, html = _page(expert_client, setup)
    response = expert_client.post(f"{url}/autosave", data={"csrf_token": csrf_from(html), "version": "0",
                                                           "score-innovation": "11"})
    assert response.status_code == 409 and "between 0 and 10" in response.json["message"]


def test_submit_needs_every_score_then_locks(app, setup, expert_client):
    url, html = _page(expert_client, setup)
    csrf = csrf_from(html)
    partial = expert_client.post(url, data={"csrf_token": csrf, "version": "0", "action": "submit",
                                            "score-innovation": "9", "confidence": "high"})
    assert partial.status_code == 409
    assert "Give a score for every criterion" in partial.get_data(as_text=True)
    assert _review(setup) is None                       # the refused submit saved nothing
    done = expert_client.post(url, data={"csrf_token": csrf, "version": "0", "action": "submit",
                                         "confidence": "high", **ALL_SCORES})
    assert done.status_code == 302
    review = _review(setup)
    assert review.status is ReviewStatus.SUBMITTED and review.submitted_at is not None
    page = expert_client.get(url).get_data(as_text=True)
    assert "submitted and locked" in page and "Reopen to change it" in page
    assert "Next case" in page or "All done" in page
    locked = expert_client.post(f"{url}/autosave", data={"csrf_token": csrf, "version": str(review.version),
                                                         "score-innovation": "1"})
    assert locked.status_code == 409 and "locked" in locked.json["message"]
    actions = set(db.session.scalars(db.select(AuditEntry.action)))
    assert {"review.started", "review.submitted"} <= actions


def test_reopen_until_the_deadline_only(app, setup, expert_client):
    url, html = _page(expert_client, setup)
    csrf = csrf_from(html)
    expert_client.post(url, data={"csrf_token": csrf, "version": "0", "action": "submit", "confidence": "low",
                                  **ALL_SCORES})
    expert_client.post(f"{url}/reopen", data={"csrf_token": csrf})
    assert _review(setup).status is ReviewStatus.DRAFT
    version = _review(setup).version
    expert_client.post(url, data={"csrf_token": csrf, "version": str(version), "action": "submit",
                                  "confidence": "low", **ALL_SCORES})
    assert _review(setup).status is ReviewStatus.SUBMITTED
    campaign = setup.campaign
    campaign.review_closes = datetime.now(timezone.utc) - timedelta(minutes=1)
    db.session.commit()
    refused = expert_client.post(f"{url}/reopen", data={"csrf_token": csrf}, follow_redirects=True)
    text = refused.get_data(as_text=True)
    assert "no longer possible: the deadline has passed" in text and "Review is open from" in text
    assert _review(setup).status is ReviewStatus.SUBMITTED
    assert "review.reopened" in set(db.session.scalars(db.select(AuditEntry.action)))


def test_the_spread_is_shown_after_the_deadline_only_when_allowed(app, setup):
    from tests.factories import sign_in_as
    clients = [sign_in_as(app.test_client(), e) for e in setup.experts[:2]]
    for n, (client, score) in enumerate(zip(clients, ("4", "8"))):
        url, html = _page(client, setup, n)
        client.post(url, data={"csrf_token": csrf_from(html), "version": "0", "action": "submit",
                               "confidence": "medium", **{k: score for k in ALL_SCORES}})
    url, _html = _page(clients[0], setup)
    setup.campaign.review_closes = datetime.now(timezone.utc) - timedelta(minutes=1)
    db.session.commit()
    assert "Anonymised weighted totals" not in clients[0].get(url).get_data(as_text=True)
    setup.campaign.show_spread_to_experts = True
    db.session.commit()
    page = clients[0].get(url).get_data(as_text=True)
    assert "Anonymised weighted totals of all reviews of this case: 4.0 · 8.0." in page
