"""The expert demo seeding is idempotent."""
from reviewapp.demo import seed_demo
from reviewapp.experts.demo import seed_experts_demo
from reviewapp.experts.models import ExpertProfile
from reviewapp.extensions import db


def test_seed_experts_demo_is_idempotent(app):
    seed_demo()
    assert seed_experts_demo() == 3
    assert seed_experts_demo() == 3
    emails = set(db.session.scalars(db.select(ExpertProfile.email)))
    assert emails == {f"expert{n}@demo.reviewapp.cn" for n in (1, 2, 3)}
