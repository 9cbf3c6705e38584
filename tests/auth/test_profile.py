"""Every user's profile page: name, telephone, password (with the current one), recent sign-ins."""
from reviewapp.audit import AuditEntry
from reviewapp.auth.models import User
from reviewapp.extensions import db
from reviewapp.mail.models import OutboxMessage
from tests.factories import PASSWORD, make_user, submit_form


def sign_in(app, email, password=PASSWORD, agent="Firefox/140.0", address="192.0.2.10"):
    client = app.test_client()
    response = submit_form(client, "/auth/sign-in", {"email": email, "password": password},
                           headers={"User-Agent": agent}, environ_base={"REMOTE_ADDR": address})
    assert response.status_code == 302
    return client


def test_every_role_reaches_its_profile_from_the_header(app):
    for role in ("admin", "unit", "expert", "organization"):
        make_user(role, email=f"{role}@example.cn")
        page = sign_in(app, f"{role}@example.cn").get("/dashboard").get_data(as_text=True)
        assert 'href="/account"' in page
        profile = sign_in(app, f"{role}@example.cn").get("/account").get_data(as_text=True)
        assert "My account" in profile and f"{role}@example.cn" in profile


def test_name_and_telephone_are_saved_and_audited(app):
    user = make_user("expert", email="expert@example.cn")
    client = sign_in(app, "expert@example.cn")
    response = submit_form(client, "/account", {"name": "王教授", "phone": "010-6512 3456"}, follow_redirects=True)
    assert "Your details are saved." in response.get_data(as_text=True)
    db.session.expire_all()
    saved = db.session.get(User, user.id)
    assert (saved.name, saved.phone) == ("王教授", "010-6512 3456")
    entry = db.session.scalar(db.select(AuditEntry).filter_by(action="account.profile_changed"))
    assert entry.changes["name"] == ["Test expert", "王教授"]
    # The header shows the new name.
    assert "王教授" in client.get("/dashboard").get_data(as_text=True)


def test_a_bad_telephone_is_refused_and_the_name_kept(app):
    make_user("expert", email="expert@example.cn")
    client = sign_in(app, "expert@example.cn")
    response = submit_form(client, "/account", {"name": "王教授", "phone": "call me maybe"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "Enter a telephone number" in page and 'value="王教授"' in page


def test_the_password_changes_only_with_the_current_one(app):
    make_user("organization", email="org@example.cn")
    client = sign_in(app, "org@example.cn")
    refused = submit_form(client, "/account", {"current": "not it", "password": "a brand new passphrase",
                                               "confirm": "a brand new passphrase"}, action="/account/password")
    assert refused.status_code == 422 and "This is not your current password." in refused.get_data(as_text=True)
    sign_in(app, "org@example.cn")  # the old password still works


def test_changing_the_password_ends_every_other_session_but_this_one(app):
    make_user("organization", email="org@example.cn")
    laptop, phone = sign_in(app, "org@example.cn"), sign_in(app, "org@example.cn")
    response = submit_form(laptop, "/account", {"current": PASSWORD, "password": "a brand new passphrase",
                                                "confirm": "a brand new passphrase"},
                           action="/account/password", follow_redirects=True)
    assert "Every other session of your account has ended." in response.get_data(as_text=True)
    assert laptop.get("/dashboard").status_code == 200
    assert phone.get("/dashboard").status_code == 302
    sign_in(app, "org@example.cn", "a brand new passphrase")
    mail = db.session.scalars(db.select(OutboxMessage).filter_by(recipient="org@example.cn")).one()
    assert "password of your account was changed" in mail.body and "密码已修改" in mail.body


def test_recent_sign_ins_show_time_address_and_browser(app):
    make_user("expert", email="expert@example.cn")
    sign_in(app, "expert@example.cn", agent="Mozilla/5.0 (X11; Linux) Chrome/141.0", address="203.0.113.8")
    submit_form(app.test_client(), "/auth/sign-in", {"email": "expert@example.cn", "password": "wrong"},
                environ_base={"REMOTE_ADDR": "198.51.100.66"})
    page = sign_in(app, "expert@example.cn").get("/account").get_data(as_text=True)
    assert "203.0.113.8" in page and "Chrome/141.0" in page
    assert "198.51.100.66" in page and "Wrong password" in page
    assert page.index("192.0.2.10") < page.index("198.51.100.66") < page.index("203.0.113.8")  # newest first


def test_nobody_sees_anothers_sign_ins(app):
    make_user("expert", email="one@example.cn")
    make_user("expert", email="two@example.cn")
    sign_in(app, "one@example.cn", address="203.0.113.77")
    assert "203.0.113.77" not in sign_in(app, "two@example.cn").get("/account").get_data(as_text=True)


def test_the_profile_page_works_in_chinese(app):
    make_user("unit", email="unit@example.cn")
    client = sign_in(app, "unit@example.cn")
    page = client.get("/account", headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)
    assert "我的账号" in page and "最近登录" in page and "修改密码" in page
