"""The expert demo seeding is idempotent, and the demo campaign can be assigned: the demo experts
mail from their own domain, so only the real rules (province, affiliation) put a pair in conflict."""
from reviewapp.campaigns.models import Campaign
from reviewapp.demo import seed_demo
from reviewapp.experts.demo import seed_experts_demo
from reviewapp.experts.models import ExpertProfile
from reviewapp.experts.queries import active_conflict_pairs, campaign_conflicts, pool_experts
from reviewapp.extensions import db
from reviewapp.cases.models import Case
from reviewapp.cases.workflow import CaseState


def test_seed_experts_demo_is_idempotent(app):
    seed_demo()
    assert seed_experts_demo() == 3
    assert seed_experts_demo() == 3
    emails = set(db.session.scalars(db.select(ExpertProfile.email)))
    assert emails == {f"expert{n}@experts.demo.reviewapp.cn" for n in (1, 2, 3)}


def test_the_demo_campaign_has_eligible_experts_for_every_case(app, login_as):
    seed_demo()
    db.session.commit()
    campaign = db.session.scalar(db.select(Campaign).filter_by(slug="2026"))
    # Every case the demo sent to review (by now most are selected), not only today's pool.
    cases = db.session.scalars(db.select(Case).filter(Case.campaign_id == campaign.id,
                                                      Case.state != CaseState.DRAFT)).all()
    experts = pool_experts()
    assert len(cases) >= 4 and len(experts) == 3
    conflicts = active_conflict_pairs(cases, experts)
    for case in cases:
        eligible = [user for user, _profile in experts if (case.id, user.id) not in conflicts]
        assert len(eligible) >= 2, (case.title, [str(r) for r in campaign_conflicts([case], experts).values()])
    assert not any("mail_domain" in item.rules for item in campaign_conflicts(cases, experts).values())
    admin, _user = login_as("admin")
    page = admin.get(f"/assignment/campaigns/{campaign.id}").get_data(as_text=True)
    assert "only 0 experts are eligible" not in page
