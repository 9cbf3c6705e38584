"""The review demo gives the demo campaign reviewed cases and a selection, and can run twice."""
from reviewapp.cases.models import Case
from reviewapp.cases.workflow import CaseState
from reviewapp.demo import seed_demo
from reviewapp.experts.demo import seed_experts_demo
from reviewapp.extensions import db
from reviewapp.results.models import SelectionDecision
from reviewapp.review.demo import seed_review_demo
from reviewapp.review.models import Review


def test_seed_review_demo_is_idempotent(app):
    seed_demo()
    seed_experts_demo()
    selected = seed_review_demo()
    db.session.commit()
    reviews = db.session.scalar(db.select(db.func.count(Review.id)))
    assert selected >= 1 and reviews >= 6
    states = set(db.session.scalars(db.select(Case.state)))
    assert CaseState.SELECTED in states and CaseState.NOT_SELECTED in states
    assert seed_review_demo() == selected
    db.session.commit()
    assert db.session.scalar(db.select(db.func.count(Review.id))) == reviews
    assert db.session.scalar(db.select(db.func.count(SelectionDecision.id))) >= 2
