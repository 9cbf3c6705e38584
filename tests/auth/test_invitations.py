"""Admins invite experts and unit users by e-mail link."""
import re

from reviewapp.auth.models import Role, User
from reviewapp.extensions import db
from reviewapp.mail.models import OutboxMessage
from reviewapp.units.loader import default_units_csv, load_units
from reviewapp.units.models import RecommendingUnit
from tests.factories import submit_form


def invitation_path():
    db.session.expire_all()
    body = db.session.scalars(db.select(OutboxMessage)).one().body
    return re.search(r"https://reviewapp\.example\.org(/auth/invitation/\S+)", body).group(1), body


def test_invited_expert_creates_an_account(app, login_as):
    admin, _ = login_as("admin")
    response = submit_form(admin, "/admin/invitations",
                           {"email": "prof@example.cn", "name": "赵教授", "role": "expert", "unit_id": "0"})
    assert response.status_code == 302
    path, body = invitation_path()
    assert "评审专家" in body and "Expert" in body  # both languages

    guest = app.test_client()
    response = submit_form(guest, path, {"name": "赵教授", "password": "expert password 1",
                                         "confirm": "expert password 1"})
    assert response.status_code == 302
    assert "Expert review" in guest.get("/dashboard").get_data(as_text=True)
    assert db.session.scalar(db.select(User).filter_by(email="prof@example.cn")).role is Role.EXPERT
    # The link works once.
    assert app.test_client().get(path).status_code == 302


def test_unit_invitation_needs_a_unit(app, login_as):
    load_units(default_units_csv())
    db.session.commit()
    admin, _ = login_as("admin")
    page = submit_form(admin, "/admin/invitations", {"email": "u@example.cn", "name": "处长", "role": "unit",
                                                     "unit_id": "0"}).get_data(as_text=True)
    assert "Choose the unit" in page
    unit = db.session.scalar(db.select(RecommendingUnit).filter_by(province="beijing"))
    submit_form(admin, "/admin/invitations", {"email": "u@example.cn", "name": "处长", "role": "unit",
                                              "unit_id": str(unit.id)})
    path, _ = invitation_path()
    guest = app.test_client()
    submit_form(guest, path, {"name": "处长", "password": "unit password 12", "confirm": "unit password 12"})
    user = db.session.scalar(db.select(User).filter_by(email="u@example.cn"))
    assert user.role is Role.UNIT and user.unit_id == unit.id


def test_only_admins_invite(app, login_as):
    expert, _ = login_as("expert")
    assert expert.get("/admin/invitations").status_code == 403
