"""Security headers, safe redirects, links from the configured base URL, error pages."""
import re
from pathlib import Path

import pytest

from reviewapp.security import safe_next_path

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


def test_security_headers_on_pages(client):
    for path in ["/", "/auth/sign-in", "/auth/register", "/no-such-page"]:
        headers = client.get(path).headers
        csp = headers["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp, path
        assert "frame-ancestors 'none'" in csp, path
        assert headers["X-Content-Type-Options"] == "nosniff", path
        assert headers["Referrer-Policy"] == "same-origin", path


def test_templates_have_no_inline_scripts_or_handlers():
    offenders = []
    for template in TEMPLATES.rglob("*.html"):
        text = template.read_text(encoding="utf-8")
        if re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text) or re.search(r"\son[a-z]+\s*=", text):
            offenders.append(template.name)
    assert offenders == []


@pytest.mark.parametrize("target", [
    "https://evil.example/", "//evil.example/x", "/\\evil.example", "javascript:alert(1)",
    "http:/evil.example", "", None, "/ok\r\nSet-Cookie: x=1",
])
def test_next_never_leaves_the_app(app, target):
    with app.test_request_context():
        assert safe_next_path(target) == "/dashboard"


def test_next_keeps_local_paths(app):
    with app.test_request_context():
        assert safe_next_path("/campaigns/3?tab=rubric") == "/campaigns/3?tab=rubric"


def test_session_cookie_is_httponly_and_samesite(client):
    response = client.get("/auth/sign-in")
    cookie = response.headers.get("Set-Cookie", "")
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_production_refuses_to_start_without_secret_key(monkeypatch):
    import config
    from reviewapp import create_app
    monkeypatch.setattr(config.ProductionConfig, "SECRET_KEY", None)
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app("production")


def test_production_cookies_are_secure():
    import config
    assert config.ProductionConfig.SESSION_COOKIE_SECURE is True


def test_error_page_shows_no_internals(app, client):
    def explode():
        raise RuntimeError("internal detail: password=hunter2 at /srv/reviewapp")
    from reviewapp.access import public
    app.add_url_rule("/explode", "explode", public(explode))
    response = client.get("/explode")
    body = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "Something went wrong" in body
    assert "hunter2" not in body and "Traceback" not in body and "RuntimeError" not in body


@pytest.mark.parametrize("code,text", [(403, "You do not have permission"), (404, "There is nothing"),
                                        (413, "larger than the limit"), (429, "Please wait a minute")])
def test_error_pages_are_friendly_and_translated(app, client, code, text):
    from flask import abort
    from reviewapp.access import public
    app.add_url_rule(f"/fail{code}", f"fail{code}", public(lambda: abort(code)))
    assert text in client.get(f"/fail{code}").get_data(as_text=True)
    page = client.get(f"/fail{code}", headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)
    assert 'lang="zh-CN"' in page and "错误代码" in page


def test_csrf_is_required_on_forms(client):
    response = client.post("/auth/sign-in", data={"email": "a@b.cn", "password": "x"})
    assert response.status_code == 400
    assert "reload the page" in response.get_data(as_text=True)
