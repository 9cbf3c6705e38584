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
