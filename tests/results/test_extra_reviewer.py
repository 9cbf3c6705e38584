"""One click adds a reviewer to a case the panel disagrees on."""
import re

from reviewapp.assignment.models import AssignmentStatus, ReviewAssignment
from reviewapp.audit import AuditEntry
from reviewapp.experts.models import ExpertProfile
from reviewapp.extensions import db
from reviewapp.mail.models import OutboxMessage
from tests.factories import csrf_from, make_user


def _profile(user, **extra):
    db.session.add(ExpertProfile(email=user.email, name=user.name, province="sichuan", **extra))


def test_add_a_reviewer_to_a_disputed_case(example):
    for expert in example.experts:
        _profile(expert)
    third = make_user("expert", email="judge3@sport-university.edu.cn")  # no shared e-mail domain
    _profile(third)
    db.session.commit()
    case_b = example.cases["B"]
    page = example.admin.get(f"/results/campaigns/{example.campaign.id}").get_data(as_text=True)
    assert f'/results/campaigns/{example.campaign.id}/cases/{case_b.id}/extra-reviewer' in page
    response = example.admin.post(f"/results/campaigns/{example.campaign.id}/cases/{case_b.id}/extra-reviewer",
                                  data={"csrf_token": csrf_from(page)}, follow_redirects=True)
    html = response.get_data(as_text=True)
    assert "now reviews case" in html, re.findall(r"class=\"flash[^\"]*\">([^<]*)<", html)
    db.session.expire_all()
    rows = db.session.scalars(db.select(ReviewAssignment).filter_by(case_id=case_b.id)).all()
    added = [r for r in rows if r.expert_id == third.id]
    assert len(rows) == 3 and len(added) == 1 and added[0].status is AssignmentStatus.CONFIRMED
    mail = db.session.scalars(db.select(OutboxMessage).filter_by(recipient=third.email)).one()
    assert case_b.title not in mail.body and case_b.organization.name not in mail.body
    assert db.session.scalar(db.select(AuditEntry).filter_by(action="assignment.extra_reviewer")) is not None


def test_no_eligible_expert_is_explained(example):
    for expert in example.experts:
        _profile(expert)
    db.session.commit()
    case_b = example.cases["B"]
    page = example.admin.get(f"/results/campaigns/{example.campaign.id}").get_data(as_text=True)
    response = example.admin.post(f"/results/campaigns/{example.campaign.id}/cases/{case_b.id}/extra-reviewer",
                                  data={"csrf_token": csrf_from(page)}, follow_redirects=True)
    assert "No expert can take this case" in response.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count(ReviewAssignment.id)).filter_by(case_id=case_b.id)) == 2


def test_equally_suited_experts_share_extra_reviews_by_lot_not_by_registration_order(app, example):
    from reviewapp.assignment.operations import add_extra_reviewer
    from reviewapp.auth.models import User

    for expert in example.experts:
        _profile(expert)
    spare = [make_user("expert", email=f"spare{n}@sport-university.edu.cn") for n in range(6)]
    for expert in spare:
        _profile(expert)
    db.session.commit()
    admin = db.session.scalars(db.select(User).filter_by(role="admin")).first()
    chosen = []
    for label in "ABC":
        with app.test_request_context():
            row = add_extra_reviewer(admin, example.campaign, example.cases[label])
            db.session.commit()
            chosen.append(row.expert_id)
    # Same affinity (no themes) and the same load for all six: the first registered one used to get
    # the first case every time; now the lot picks, and each case goes to a different expert.
    assert len(set(chosen)) == 3
    assert chosen[0] != min(e.id for e in spare)
