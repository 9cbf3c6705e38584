"""Sessions: fixation, stolen cookies after a password reset, the sign-in rate limit in both languages.
(The sign-in renewing the session and sign-out invalidating copies are in tests/auth/test_sign_in.py.)"""
from reviewapp.auth.tokens import make_reset_token
from reviewapp.extensions import db
from tests.factories import PASSWORD, csrf_from, make_user, submit_form


def sign_in(client, email, password=PASSWORD, **kwargs):
    return submit_form(client, "/auth/sign-in", {"email": email, "password": password}, **kwargs)


def session_cookie(client):
    cookie = client.get_cookie("session")
    return cookie.value if cookie else None


def test_a_cookie_from_before_sign_in_is_not_the_session_after(app, client):
    make_user("expert", email="expert@example.cn")
    planted_page = client.get("/auth/sign-in").get_data(as_text=True)
    planted_cookie, planted_token = session_cookie(client), csrf_from(planted_page)
    assert sign_in(client, "expert@example.cn").status_code == 302
    assert session_cookie(client) != planted_cookie
    # Whoever holds the pre-sign-in cookie (and its CSRF token) holds nothing.
    attacker = app.test_client()
    attacker.set_cookie("session", planted_cookie)
    assert attacker.get("/dashboard").status_code == 302
    # The victim's new session no longer accepts the CSRF token the attacker knew.
    response = client.post("/auth/sign-out", data={"csrf_token": planted_token})
    assert response.status_code == 400
    assert client.get("/dashboard").status_code == 200


def test_a_password_reset_signs_out_every_other_session(app):
    user = make_user("organization", email="org@example.cn")
    laptop, phone, thief = app.test_client(), app.test_client(), app.test_client()
    for client in (laptop, phone):
        assert sign_in(client, "org@example.cn").status_code == 302
    thief.set_cookie("session", session_cookie(phone))
    assert thief.get("/dashboard").status_code == 200
    token = make_reset_token(user)
    response = submit_form(app.test_client(), f"/auth/reset-password/{token}",
                           {"password": "a new long passphrase", "confirm": "a new long passphrase"})
    assert response.status_code == 302 and response.headers["Location"] == "/auth/sign-in"
    for client in (laptop, phone, thief):
        assert client.get("/dashboard").status_code == 302
    # The old password is gone, the link was single-use.
    assert sign_in(app.test_client(), "org@example.cn").status_code == 200
    assert app.test_client().get(f"/auth/reset-password/{token}").status_code == 302


def test_signing_in_again_elsewhere_keeps_other_sessions_but_sign_out_ends_all(app):
    make_user("admin", email="admin@example.cn")
    first, second = app.test_client(), app.test_client()
    sign_in(first, "admin@example.cn")
    sign_in(second, "admin@example.cn")
    assert first.get("/dashboard").status_code == 200
    second.post("/auth/sign-out", data={"csrf_token": csrf_from(second.get("/dashboard").get_data(as_text=True))})
    assert first.get("/dashboard").status_code == 302


def test_the_rate_limit_answers_429_with_a_clear_message_in_both_languages(app):
    make_user("expert", email="expert@example.cn")
    for language, text, title in (("en", "Please wait a minute and try again.", "Too many attempts"),
                                  ("zh-CN", "短时间内尝试次数过多，请等待一分钟后再试。", "尝试次数过多")):
        from reviewapp.extensions import limiter
        limiter.reset()
        client = app.test_client()
        headers = {"Accept-Language": language}
        for _ in range(5):
            assert sign_in(client, "expert@example.cn", "wrong", headers=headers).status_code == 200
        blocked = sign_in(client, "expert@example.cn", headers=headers)
        page = blocked.get_data(as_text=True)
        assert blocked.status_code == 429 and text in page and title in page
        assert "Retry-After" in blocked.headers or "X-RateLimit-Reset" in blocked.headers
        # Even the right password gets no session while blocked.
        assert client.get("/dashboard").status_code == 302


def test_password_reset_requests_are_rate_limited_too(app, client):
    for n in range(5):
        submit_form(client, "/auth/forgot-password", {"email": f"x{n}@example.cn"})
    response = submit_form(client, "/auth/forgot-password", {"email": "x9@example.cn"})
    assert response.status_code == 429
    assert "Please wait a minute" in response.get_data(as_text=True)
    from reviewapp.mail.models import OutboxMessage
    assert db.session.scalar(db.select(db.func.count(OutboxMessage.id))) == 0
