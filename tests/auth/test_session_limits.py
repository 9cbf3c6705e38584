"""Sessions end after the idle and absolute limits of the role; "keep me signed in" lasts per
role and never beyond a working day for administrators; some steps ask for the password again."""
import time as real_time
from datetime import datetime, timedelta, timezone

import pytest

from reviewapp.auth import sessions
from tests.factories import PASSWORD, csrf_from, make_user, submit_form


class Clock:
    """sessions.time, moved forward by the test."""

    def __init__(self):
        self.offset = 0

    def time(self):
        return real_time.time() + self.offset

    def advance(self, **delta):
        self.offset += timedelta(**delta).total_seconds()


@pytest.fixture
def clock(monkeypatch):
    clock = Clock()
    monkeypatch.setattr(sessions, "time", clock)
    return clock


def sign_in(app, email, remember=False):
    client = app.test_client()
    data = {"email": email, "password": PASSWORD, **({"remember": "y"} if remember else {})}
    assert submit_form(client, "/auth/sign-in", data).status_code == 302
    return client


def signed_in(client):
    return client.get("/dashboard").status_code == 200


@pytest.mark.parametrize("role, idle", [("admin", 30), ("expert", 60), ("unit", 120), ("organization", 120)])
def test_a_session_ends_after_the_idle_limit_of_its_role(app, clock, role, idle):
    make_user(role, email=f"{role}@example.cn")
    client = sign_in(app, f"{role}@example.cn")
    clock.advance(minutes=idle - 1)
    assert signed_in(client)                 # activity keeps it alive...
    clock.advance(minutes=idle - 1)
    assert signed_in(client)
    clock.advance(minutes=idle + 1)          # ...silence does not
    response = client.get("/dashboard", follow_redirects=True)
    assert f"signed out after {idle} minutes without activity" in response.get_data(as_text=True)
    assert not signed_in(client)


def test_a_busy_session_still_ends_at_the_absolute_limit(app, clock):
    make_user("expert", email="expert@example.cn")
    client = sign_in(app, "expert@example.cn")
    for _ in range(25):                      # 12.5 hours of steady work
        clock.advance(minutes=30)
        if not signed_in(client):
            break
    assert clock.offset <= 12 * 3600
    assert "longest time allowed" in client.get("/auth/sign-in").get_data(as_text=True)


def _remember_cookie_expiry(client):
    cookie = client.get_cookie("remember_token")
    return datetime.fromtimestamp(cookie.expires.timestamp(), timezone.utc) if cookie else None


def test_keep_me_signed_in_lasts_per_role_and_an_administrator_only_a_working_day(app):
    make_user("admin", email="admin@example.cn")
    make_user("organization", email="org@example.cn")
    now = datetime.now(timezone.utc)
    admin_until = _remember_cookie_expiry(sign_in(app, "admin@example.cn", remember=True))
    org_until = _remember_cookie_expiry(sign_in(app, "org@example.cn", remember=True))
    assert timedelta(hours=8) < admin_until - now <= timedelta(hours=9, minutes=1)
    assert timedelta(days=29) < org_until - now <= timedelta(days=30, minutes=1)
    assert _remember_cookie_expiry(sign_in(app, "org@example.cn")) is None


def test_an_administrator_setting_cannot_remember_beyond_the_working_day(app):
    app.config["REMEMBER_HOURS"] = {**app.config["REMEMBER_HOURS"], "admin": 24 * 365}
    assert sessions.limits("admin", app.config)[2] == timedelta(hours=9)


def test_a_remembered_browser_comes_back_without_the_idle_limit_but_not_beyond_its_days(app, clock):
    make_user("organization", email="org@example.cn")
    client = sign_in(app, "org@example.cn", remember=True)
    client.delete_cookie("session")          # the browser was closed
    clock.advance(days=3)
    assert signed_in(client)
    clock.advance(days=28)
    assert not signed_in(client)


def test_a_copied_remember_cookie_of_an_administrator_dies_after_the_working_day(app, clock):
    make_user("admin", email="admin@example.cn")
    client = sign_in(app, "admin@example.cn", remember=True)
    stolen = client.get_cookie("remember_token").value
    thief = app.test_client()
    thief.set_cookie("remember_token", stolen)
    assert signed_in(thief)
    clock.advance(hours=9, minutes=1)
    thief = app.test_client()
    thief.set_cookie("remember_token", stolen)   # the cookie's own expiry is the browser's to honour
    assert not signed_in(thief)


def _campaign_page(data):
    return f"/publishing/campaigns/{data.campaign.id}"


def test_announcing_asks_for_the_password_again_after_ten_minutes(app, clock):
    from reviewapp.cases.workflow import CaseState
    from reviewapp.extensions import db
    from tests.publishing.data import make_publishing_campaign
    data = make_publishing_campaign()
    make_user("admin", email="admin@example.cn")
    client = sign_in(app, "admin@example.cn")
    page = _campaign_page(data)
    clock.advance(minutes=11)
    response = submit_form(client, page, {}, action=f"{page}/announce", headers={"Referer": f"http://localhost{page}"})
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/auth/confirm-password?next=/publishing/campaigns/")
    db.session.refresh(data.selected_zh)
    assert data.selected_zh.state is CaseState.SELECTED          # nothing was announced
    confirm = response.headers["Location"]
    wrong = submit_form(client, confirm, {"password": "not it"})
    assert "This is not your password." in wrong.get_data(as_text=True)
    back = submit_form(client, confirm, {"password": PASSWORD})
    assert back.status_code == 302 and back.headers["Location"] == page
    response = submit_form(client, page, {}, action=f"{page}/announce")
    assert response.status_code == 302 and response.headers["Location"] == page
    db.session.refresh(data.selected_zh)
    assert data.selected_zh.state is CaseState.PUBLISHED


def test_building_the_book_asks_for_the_password_again_too(app, clock):
    from tests.publishing.data import make_publishing_campaign
    data = make_publishing_campaign()
    make_user("admin", email="admin@example.cn")
    client = sign_in(app, "admin@example.cn")
    clock.advance(minutes=11)
    page = _campaign_page(data)
    response = submit_form(client, page, {"language": "zh", "group_by": "theme"}, action=f"{page}/builds")
    assert response.headers["Location"].startswith("/auth/confirm-password")


def test_the_confirmation_page_goes_only_to_local_pages(app):
    make_user("admin", email="admin@example.cn")
    client = sign_in(app, "admin@example.cn")
    response = submit_form(client, "/auth/confirm-password?next=https://evil.example/", {"password": PASSWORD})
    assert response.headers["Location"] == "/dashboard"


def test_sign_out_still_works_with_the_new_session_ids(app):
    make_user("expert", email="expert@example.cn")
    client = sign_in(app, "expert@example.cn")
    client.post("/auth/sign-out", data={"csrf_token": csrf_from(client.get("/dashboard").get_data(as_text=True))})
    assert not signed_in(client)


def test_the_sign_in_page_says_how_long_keep_me_signed_in_lasts(app, client):
    for headers, text in (({}, "one working day at most"), ({"Accept-Language": "zh-CN"}, "最长保持登录一个工作日")):
        assert text in client.get("/auth/sign-in", headers=headers).get_data(as_text=True)
