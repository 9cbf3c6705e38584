"""Signing in and out, wrong passwords, the rate limit and session handling."""
from reviewapp.auth.models import User
from reviewapp.extensions import db
from tests.factories import PASSWORD, csrf_from, make_user, submit_form


def sign_in(client, email, password, next_=None):
    page = "/auth/sign-in" + (f"?next={next_}" if next_ else "")
    return submit_form(client, page, {"email": email, "password": password})


def test_sign_in_and_out(app, client):
    make_user("expert", email="expert@example.cn")
    response = sign_in(client, "expert@example.cn", PASSWORD)
    assert response.status_code == 302 and response.headers["Location"] == "/dashboard"
    assert "Expert review" in client.get("/dashboard").get_data(as_text=True)

    html = client.get("/dashboard").get_data(as_text=True)
    from tests.factories import csrf_from
    response = client.post("/auth/sign-out", data={"csrf_token": csrf_from(html)})
    assert response.status_code == 302
    assert client.get("/dashboard").status_code == 302


def test_email_is_case_insensitive(app, client):
    make_user("expert", email="expert@example.cn")
    assert sign_in(client, "Expert@Example.CN", PASSWORD).status_code == 302


def test_wrong_password_says_so_and_keeps_the_email(app, client):
    make_user("expert", email="expert@example.cn")
    response = sign_in(client, "expert@example.cn", "not the password")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Wrong e-mail or password." in page
    assert 'value="expert@example.cn"' in page
    assert "not the password" not in page


def test_unknown_account_gets_the_same_message(app, client):
    page = sign_in(client, "nobody@example.cn", PASSWORD).get_data(as_text=True)
    assert "Wrong e-mail or password." in page


def test_sign_in_is_rate_limited(app, client):
    make_user("expert", email="expert@example.cn")
    for _ in range(5):
        assert sign_in(client, "expert@example.cn", "wrong").status_code == 200
    response = sign_in(client, "expert@example.cn", PASSWORD)
    assert response.status_code == 429
    assert "Please wait a minute" in response.get_data(as_text=True)


def test_rate_limit_ignores_forged_forwarded_for(app, client):
    """With no trusted proxy, X-Forwarded-For cannot buy fresh attempts."""
    make_user("expert", email="expert@example.cn")
    for n in range(5):
        submit_form(client, "/auth/sign-in", {"email": "expert@example.cn", "password": "x"},
                    headers={"X-Forwarded-For": f"10.0.0.{n}"})
    response = submit_form(client, "/auth/sign-in", {"email": "expert@example.cn", "password": "x"},
                           headers={"X-Forwarded-For": "10.0.0.99"})
    assert response.status_code == 429


def test_next_goes_only_to_local_paths(app, client):
    make_user("admin", email="admin@example.cn")
    response = sign_in(client, "admin@example.cn", PASSWORD, next_="https://evil.example/")
    assert response.headers["Location"] == "/dashboard"
    client2 = app.test_client()
    response = sign_in(client2, "admin@example.cn", PASSWORD, next_="/campaigns/")
    assert response.headers["Location"] == "/campaigns/"


def test_sign_in_renews_the_session(app, client):
    make_user("expert", email="expert@example.cn")
    with client.session_transaction() as session:
        session["planted"] = "by an attacker"
    sign_in(client, "expert@example.cn", PASSWORD)
    with client.session_transaction() as session:
        assert "planted" not in session


def test_sign_out_invalidates_copies_of_the_cookie(app, client):
    make_user("expert", email="expert@example.cn")
    sign_in(client, "expert@example.cn", PASSWORD)
    with client.session_transaction() as session:
        stolen = dict(session)
    html = client.get("/dashboard").get_data(as_text=True)
    from tests.factories import csrf_from
    client.post("/auth/sign-out", data={"csrf_token": csrf_from(html)})

    thief = app.test_client()
    with thief.session_transaction() as session:
        session.update(stolen)
    assert thief.get("/dashboard").status_code == 302


def test_passwords_are_hashed_with_argon2(app):
    user = make_user("expert", email="expert@example.cn")
    stored = db.session.get(User, user.id).password_hash
    assert stored.startswith("$argon2id$") and PASSWORD not in stored


def test_rate_limit_uses_the_trusted_proxys_client_address(migrated, tmp_path):
    """Behind one trusted proxy, each client address has its own budget."""
    from reviewapp import create_app
    from reviewapp.extensions import db as database
    from reviewapp.extensions import limiter
    proxied = create_app("testing", SQLALCHEMY_DATABASE_URI=migrated, INSTANCE_DIR=tmp_path,
                         TRUSTED_PROXIES=1)
    limiter.reset()
    client = proxied.test_client()
    with proxied.app_context():
        for _ in range(5):
            submit_form(client, "/auth/sign-in", {"email": "x@example.cn", "password": "x"},
                        headers={"X-Forwarded-For": "203.0.113.5"})
        blocked = submit_form(client, "/auth/sign-in", {"email": "x@example.cn", "password": "x"},
                              headers={"X-Forwarded-For": "203.0.113.5"})
        other = submit_form(client, "/auth/sign-in", {"email": "x@example.cn", "password": "x"},
                            headers={"X-Forwarded-For": "203.0.113.6"})
        database.engine.dispose()
    assert blocked.status_code == 429
    assert other.status_code == 200


def test_outside_tests_passwords_use_owasps_argon2id_costs(app):
    app.config.update(ARGON2_TIME_COST=None, ARGON2_MEMORY_COST=None, ARGON2_PARALLELISM=None)
    user = User(email="x@example.cn", name="x")
    user.set_password(PASSWORD)
    assert user.password_hash.startswith("$argon2id$") and "m=19456,t=2,p=1" in user.password_hash


def test_signing_in_stores_the_password_again_at_raised_costs(app, client):
    """A hash made at older (cheaper) costs is replaced by one at the current settings on the
    next sign-in, so raising ARGON2_* reaches every account that signs in."""
    user = make_user("expert", email="old@example.cn")
    assert "m=1024,t=1,p=1" in user.password_hash
    app.config.update(ARGON2_TIME_COST=2, ARGON2_MEMORY_COST=2048)
    response = sign_in(client, "old@example.cn", PASSWORD)
    assert response.status_code == 302
    db.session.expire_all()
    rehashed = db.session.get(User, user.id).password_hash
    assert "m=2048,t=2,p=1" in rehashed
    client.post("/auth/sign-out", data={"csrf_token": csrf_from(client.get("/dashboard").get_data(as_text=True))})
    assert sign_in(client, "old@example.cn", PASSWORD).status_code == 302  # the new hash verifies
    db.session.expire_all()
    assert db.session.get(User, user.id).password_hash == rehashed  # and is not made again


def test_signing_out_keeps_the_chosen_language(app, client):
    from tests.factories import csrf_from
    make_user("expert", email="expert@example.cn")
    sign_in(client, "expert@example.cn", PASSWORD)
    html = client.get("/dashboard").get_data(as_text=True)
    client.post("/auth/language", data={"csrf_token": csrf_from(html), "locale": "zh", "next": "/dashboard"})
    html = client.get("/dashboard").get_data(as_text=True)
    response = client.post("/auth/sign-out", data={"csrf_token": csrf_from(html)}, follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "您已退出登录。" in page and 'lang="zh-CN"' in page
