"""An administrator records a conflict while the expert's tab autosaves the draft, at the same
instant: never a 500, the review always ends excluded, and what the audit entry of the exclusion
recorded is what the review holds (no save lands after the exclusion unrecorded). Both databases."""
from functools import partial

from reviewapp.audit import AuditEntry
from reviewapp.experts.models import Conflict
from reviewapp.extensions import db
from reviewapp.review import operations as review_ops
from reviewapp.review.models import Review, ReviewDecline
from tests.factories import csrf_from, make_user, sign_in_as
from tests.races import TRIALS, at_once

from .conftest import token
from .test_conflict_ends_assignment import _profiles


def _autosave(client, url, csrf, version, score):
    response = client.post(f"{url}/autosave", headers={"Accept": "application/json"},
                           data={"csrf_token": csrf, "version": str(version), "score-innovation": score})
    return response.status_code


def _declare(client, path, csrf, case_id, expert_id):
    return client.post(path, data={"csrf_token": csrf, "case_id": case_id, "expert_id": expert_id}).status_code


def test_a_conflict_recorded_during_an_autosave(app, setup):
    _profiles(setup)
    expert, assignment = setup.experts[0], setup.assignments[0]
    review_ops.save_draft(expert, assignment, {"scores": {"innovation": 5}}, None)
    db.session.commit()
    admin = sign_in_as(app.test_client(), make_user("admin"))
    path = f"/experts/campaigns/{setup.campaign.id}/conflicts"
    url = f"/review/{token(assignment)}"
    outcomes = set()
    for trial in range(TRIALS):
        db.session.execute(db.delete(ReviewDecline))
        db.session.execute(db.delete(Conflict))
        db.session.execute(db.delete(AuditEntry).where(AuditEntry.action == "review.excluded"))
        review = db.session.scalar(db.select(Review).filter_by(assignment_id=assignment.id))
        review.excluded_at = review.excluded_reason = None
        review.scores = {"innovation": 5}
        db.session.commit()
        tab = sign_in_as(app.test_client(), expert)
        tab_csrf = csrf_from(tab.get(url).get_data(as_text=True))
        admin_csrf = csrf_from(admin.get(path).get_data(as_text=True))
        saved, declared = at_once(partial(_autosave, tab, url, tab_csrf, review.version, str(6 + trial % 4)),
                                  partial(_declare, admin, path, admin_csrf, setup.case.id, expert.id))
        assert declared == 302 and saved in (200, 403, 409), f"trial {trial}: {saved}, {declared}"
        outcomes.add(saved)
        db.session.expire_all()
        review = db.session.scalar(db.select(Review).filter_by(assignment_id=assignment.id))
        entry = db.session.scalar(db.select(AuditEntry).filter_by(action="review.excluded"))
        assert review.excluded_at is not None
        assert entry.changes["scores"] == review.scores, f"trial {trial}: saved after the exclusion"
        assert tab.get(url).status_code == 403
    assert outcomes  # which order won varies from trial to trial
