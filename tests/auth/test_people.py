"""Administrators deactivate and reactivate people and change their roles, each with a reason in
the audit log; a deactivated person's sessions end at once."""
import pytest

from reviewapp.audit import AuditEntry
from reviewapp.auth.models import Role, User
from reviewapp.extensions import db
from reviewapp.units.loader import default_units_csv, load_units
from reviewapp.units.models import RecommendingUnit
from tests.factories import PASSWORD, make_user, submit_form


def sign_in(app, email):
    client = app.test_client()
    assert submit_form(client, "/auth/sign-in", {"email": email, "password": PASSWORD}).status_code == 302
    return client


@pytest.fixture
def admin(app):
    make_user("admin", email="admin@example.cn")
    return sign_in(app, "admin@example.cn")


def manage(admin, user, step, data):
    return submit_form(admin, f"/admin/users/{user.id}", data, action=f"/admin/users/{user.id}/{step}")


def fresh(user):
    db.session.expire_all()
    return db.session.get(User, user.id)


def test_the_people_list_links_each_person_and_shows_their_status(app, admin):
    expert = make_user("expert", email="expert@example.cn")
    page = admin.get("/admin/users").get_data(as_text=True)
    assert f'href="/admin/users/{expert.id}"' in page and "Active" in page


def test_deactivating_ends_the_persons_sessions_at_once(app, admin):
    expert = make_user("expert", email="expert@example.cn")
    laptop, phone = sign_in(app, "expert@example.cn"), sign_in(app, "expert@example.cn")
    assert laptop.get("/dashboard").status_code == 200
    response = manage(admin, expert, "deactivate", {"reason": "Left the expert pool in 2026."})
    assert response.status_code == 302
    for client in (laptop, phone):
        assert client.get("/dashboard").status_code == 302
    # And no new sign-in: the same neutral message as a wrong password.
    page = submit_form(app.test_client(), "/auth/sign-in", {"email": "expert@example.cn", "password": PASSWORD})
    assert "Wrong e-mail or password." in page.get_data(as_text=True)
    entry = db.session.scalar(db.select(AuditEntry).filter_by(action="account.deactivated"))
    assert entry.reason == "Left the expert pool in 2026." and entry.object_id == expert.id
    assert "Deactivated" in admin.get(f"/admin/users/{expert.id}").get_data(as_text=True)


def test_reactivating_lets_the_person_sign_in_again(app, admin):
    expert = make_user("expert", email="expert@example.cn", active=False)
    manage(admin, expert, "reactivate", {"reason": "Back for the 2027 campaign."})
    assert fresh(expert).active
    sign_in(app, "expert@example.cn")
    assert db.session.scalar(db.select(AuditEntry).filter_by(action="account.reactivated")).reason


def test_a_reason_is_required_and_nothing_changes_without_it(app, admin):
    expert = make_user("expert", email="expert@example.cn")
    response = manage(admin, expert, "deactivate", {"reason": "  "})
    assert response.status_code == 400 and "This field is required." in response.get_data(as_text=True)
    assert fresh(expert).active


def test_an_administrator_cannot_deactivate_themselves_or_the_last_administrator(app, admin):
    me = db.session.scalar(db.select(User).filter_by(email="admin@example.cn"))
    response = manage(admin, me, "deactivate", {"reason": "oops"})
    assert "You cannot deactivate your own account." in response.get_data(as_text=True)
    assert fresh(me).active


def test_changing_a_role_is_audited_and_takes_effect_at_the_next_sign_in(app, admin):
    load_units(default_units_csv())
    db.session.commit()
    unit = db.session.scalar(db.select(RecommendingUnit).filter_by(province="beijing"))
    expert = make_user("expert", email="expert@example.cn")
    old_session = sign_in(app, "expert@example.cn")
    response = manage(admin, expert, "role", {"change-role": "unit", "change-unit_id": str(unit.id),
                                              "change-reason": "Moved to the Beijing bureau."})
    assert response.status_code == 302
    assert (fresh(expert).role, fresh(expert).unit_id) == (Role.UNIT, unit.id)
    assert old_session.get("/dashboard").status_code == 302
    entry = db.session.scalar(db.select(AuditEntry).filter_by(action="account.role_changed"))
    assert entry.changes == {"role": ["expert", "unit"], "unit_id": [None, unit.id]}
    assert entry.reason == "Moved to the Beijing bureau."


@pytest.mark.parametrize("role, unit, message", [
    ("expert", True, "leave the unit empty for Expert"),
    ("admin", True, "leave the unit empty for Administrator"),
    ("unit", False, "Choose the unit this user works for."),
])
def test_a_role_that_contradicts_its_unit_is_refused(app, admin, role, unit, message):
    load_units(default_units_csv())
    db.session.commit()
    unit_id = db.session.scalar(db.select(RecommendingUnit.id).filter_by(province="beijing")) if unit else 0
    person = make_user("expert" if role != "expert" else "admin", email="person@example.cn")
    response = manage(admin, person, "role", {"change-role": role, "change-unit_id": str(unit_id),
                                              "change-reason": "test"})
    assert response.status_code == 422 and message in response.get_data(as_text=True)
    assert fresh(person).role is person.role


def test_an_organizations_role_does_not_change(app, admin):
    org = make_user("organization", email="org@example.cn")
    response = manage(admin, org, "role", {"change-role": "expert", "change-unit_id": "0", "change-reason": "x"})
    assert response.status_code == 422 and "keeps its role" in response.get_data(as_text=True)


def test_changing_a_role_asks_for_the_password_again_after_ten_minutes(app, admin, monkeypatch):
    import time
    from reviewapp.auth import sessions
    expert = make_user("expert", email="expert@example.cn")

    class Later:
        @staticmethod
        def time():
            return time.time() + 11 * 60
    monkeypatch.setattr(sessions, "time", Later)
    response = manage(admin, expert, "role", {"change-role": "admin", "change-unit_id": "0",
                                              "change-reason": "New colleague."})
    assert response.headers["Location"].startswith("/auth/confirm-password")
    assert fresh(expert).role is Role.EXPERT


def test_only_administrators_manage_people(app, login_as):
    expert, _ = login_as("expert")
    other = make_user("expert", email="other@example.cn")
    assert expert.get(f"/admin/users/{other.id}").status_code == 403
