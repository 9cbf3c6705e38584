"""An expert's two tabs saving the first draft of a review at the same instant make one review;
the other tab is told that the review was saved elsewhere, not shown an error."""
from functools import partial

from reviewapp.extensions import db
from reviewapp.review.models import Review
from tests.factories import csrf_from, sign_in_as
from tests.races import TRIALS, at_once

from .conftest import token

SAVED_ELSEWHERE = "该评审在此期间已在其他地方（另一个标签页或设备）保存"


def _autosave(client, url, csrf, score):
    response = client.post(f"{url}/autosave", headers={"Accept": "application/json"},
                           data={"csrf_token": csrf, "version": "0", "score-innovation": score})
    return response.status_code, response.get_json()


def test_two_tabs_saving_a_first_draft_at_once_make_one_review(app, setup):
    expert, assignment = setup.experts[0], setup.assignments[0]
    expert.locale = "zh"
    db.session.commit()
    url = f"/review/{token(assignment)}"
    for trial in range(TRIALS):
        db.session.execute(db.delete(Review))
        assignment.started_at = None
        db.session.commit()
        tabs = [sign_in_as(app.test_client(), expert) for _ in range(2)]
        tokens = [csrf_from(tab.get(url).get_data(as_text=True)) for tab in tabs]
        results = at_once(*(partial(_autosave, tab, url, csrf, score)
                            for tab, csrf, score in zip(tabs, tokens, ("7", "8"))))
        assert sorted(status for status, _body in results) == [200, 409], f"trial {trial}: {results}"
        refused = next(body for status, body in results if status == 409)
        assert refused["conflict"] and SAVED_ELSEWHERE in refused["message"]
        kept = next(body for status, body in results if status == 200)
        db.session.expire_all()
        review = db.session.scalar(db.select(Review))
        assert review.version == kept["version"] and review.scores["innovation"] in (7, 8)
