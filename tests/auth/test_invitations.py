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


def _invite(admin, email="prof@example.cn", role="expert", unit_id="0"):
    return submit_form(admin, "/admin/invitations", {"email": email, "name": "赵教授", "role": role,
                                                     "unit_id": unit_id})


def _links(email="prof@example.cn"):
    db.session.expire_all()
    bodies = db.session.scalars(db.select(OutboxMessage.body).filter_by(recipient=email)
                                .order_by(OutboxMessage.id)).all()
    return [re.search(r"https://reviewapp\.example\.org(/auth/invitation/\S+)", body).group(1) for body in bodies]


def _accept(app, path):
    """The invitee opens the link and, if it works, sets a password: the response of the last step."""
    guest = app.test_client()
    opened = guest.get(path)
    if opened.status_code != 200:
        return opened
    return submit_form(guest, path, {"name": "赵教授", "password": "expert password 1",
                                     "confirm": "expert password 1"})


def test_an_expert_invited_with_a_unit_is_refused(app, login_as):
    load_units(default_units_csv())
    db.session.commit()
    admin, _ = login_as("admin")
    unit = db.session.scalar(db.select(RecommendingUnit).filter_by(province="beijing"))
    response = _invite(admin, unit_id=str(unit.id))
    assert response.status_code == 200
    assert "leave the unit empty for Expert" in response.get_data(as_text=True)
    assert _links() == []


def test_a_second_invitation_to_the_same_address_replaces_the_first(app, login_as):
    admin, _ = login_as("admin")
    _invite(admin)
    _invite(admin, email="Prof@Example.cn", role="admin")
    first, second = _links()
    assert _accept(app, first).headers["Location"] == "/auth/sign-in"       # the first link is dead
    assert _accept(app, second).headers["Location"] == "/dashboard"
    assert db.session.scalar(db.select(User).filter_by(email="prof@example.cn")).role is Role.ADMIN
    page = admin.get("/admin/invitations").get_data(as_text=True)
    assert "Revoked or replaced" in page and "Accepted" in page


def test_a_revoked_invitation_no_longer_works(app, login_as):
    from reviewapp.auth.models import Invitation
    admin, _ = login_as("admin")
    _invite(admin)
    invitation = db.session.scalars(db.select(Invitation)).one()
    response = submit_form(admin, "/admin/invitations", {}, action=f"/admin/invitations/{invitation.id}/revoke",
                           follow_redirects=True)
    assert "The invitation is revoked" in response.get_data(as_text=True)
    assert _accept(app, _links()[0]).headers["Location"] == "/auth/sign-in"
    assert db.session.scalar(db.select(User).filter_by(email="prof@example.cn")) is None


def test_resending_gives_a_new_link_and_kills_the_old_one(app, login_as):
    from reviewapp.auth.models import Invitation
    admin, _ = login_as("admin")
    _invite(admin)
    invitation = db.session.scalars(db.select(Invitation)).one()
    submit_form(admin, "/admin/invitations", {}, action=f"/admin/invitations/{invitation.id}/resend")
    old, new = _links()
    assert old != new
    assert _accept(app, old).headers["Location"] == "/auth/sign-in"
    assert _accept(app, new).headers["Location"] == "/dashboard"


def test_an_expired_invitation_is_refused_and_can_be_sent_again(app, login_as):
    from datetime import timedelta

    from reviewapp.auth.models import Invitation
    from reviewapp.timezones import utcnow
    admin, _ = login_as("admin")
    _invite(admin)
    invitation = db.session.scalars(db.select(Invitation)).one()
    invitation.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    assert "Expired" in admin.get("/admin/invitations").get_data(as_text=True)
    assert _accept(app, _links()[0]).headers["Location"] == "/auth/sign-in"
    submit_form(admin, "/admin/invitations", {}, action=f"/admin/invitations/{invitation.id}/resend")
    assert _accept(app, _links()[1]).headers["Location"] == "/dashboard"


def test_an_accepted_invitation_cannot_be_revoked_or_resent(app, login_as):
    from reviewapp.auth.models import Invitation
    admin, _ = login_as("admin")
    _invite(admin)
    _accept(app, _links()[0])
    invitation = db.session.scalars(db.select(Invitation)).one()
    for step, text in (("revoke", "Only a pending invitation can be revoked."),
                       ("resend", "This invitation was accepted")):
        response = submit_form(admin, "/admin/invitations", {}, action=f"/admin/invitations/{invitation.id}/{step}",
                               follow_redirects=True)
        assert text in response.get_data(as_text=True)
    assert len(_links()) == 1
