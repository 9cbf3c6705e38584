"""Password reset by e-mailed token; links come from the configured base URL."""
import re

from reviewapp.extensions import db
from reviewapp.mail.models import OutboxMessage
from tests.factories import PASSWORD, csrf_from, make_user, submit_form


def last_mail():
    db.session.expire_all()
    return db.session.scalars(db.select(OutboxMessage).order_by(OutboxMessage.id.desc())).first()


def test_reset_link_uses_public_base_url_not_host(app, client):
    make_user("expert", email="expert@example.cn")
    spoofed = "http://evil.example"
    html = client.get("/auth/forgot-password", base_url=spoofed).get_data(as_text=True)
    client.post("/auth/forgot-password", base_url=spoofed,
                data={"csrf_token": csrf_from(html), "email": "expert@example.cn"})
    mail = last_mail()
    assert mail.recipient == "expert@example.cn"
    assert "https://reviewapp.example.org/auth/reset-password/" in mail.body
    assert "evil.example" not in mail.body


def test_reset_changes_the_password_once(app, client):
    make_user("expert", email="expert@example.cn")
    submit_form(client, "/auth/forgot-password", {"email": "expert@example.cn"})
    path = re.search(r"https://reviewapp\.example\.org(/auth/reset-password/\S+)", last_mail().body).group(1)
    response = submit_form(client, path, {"password": "a brand new password", "confirm": "a brand new password"})
    assert response.status_code == 302

    ok = submit_form(app.test_client(), "/auth/sign-in",
                     {"email": "expert@example.cn", "password": "a brand new password"})
    assert ok.status_code == 302
    old = submit_form(app.test_client(), "/auth/sign-in", {"email": "expert@example.cn", "password": PASSWORD})
    assert "Wrong e-mail or password." in old.get_data(as_text=True)
    again = client.get(path)
    assert again.status_code == 302 and "forgot-password" in again.headers["Location"]


def test_unknown_address_gets_the_same_answer_and_no_mail(app, client):
    response = submit_form(client, "/auth/forgot-password", {"email": "nobody@example.cn"})
    assert response.status_code == 302
    assert last_mail() is None


def test_forged_token_is_refused(app, client):
    response = client.get("/auth/reset-password/forged.token.value")
    assert response.status_code == 302
