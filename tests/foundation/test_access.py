"""Access is declared on every route, denied by default, and enforced per role."""
import pytest

from reviewapp.access import declared_access
from reviewapp.auth.models import Role
from tests.factories import make_campaign, sign_in_as

# Endpoints that Flask itself provides.
FRAMEWORK_ENDPOINTS = {"static"}


def test_every_endpoint_declares_its_access(app):
    undeclared = [rule.endpoint for rule in app.url_map.iter_rules()
                  if rule.endpoint not in FRAMEWORK_ENDPOINTS
                  and declared_access(rule.endpoint, app) is None]
    assert undeclared == []
    # The walk is not vacuous.
    assert len(list(app.url_map.iter_rules())) > 15


def test_an_undeclared_route_is_refused(app, login_as):
    app.add_url_rule("/forgotten", "forgotten", lambda: "secret")
    client, _admin = login_as("admin")
    response = client.get("/forgotten")
    assert response.status_code == 403
    assert b"secret" not in response.data


def _get_routes_for(app, role):
    """Argument-free GET routes restricted to `role` alone."""
    for rule in app.url_map.iter_rules():
        access = declared_access(rule.endpoint, app)
        if access and not access.public and access.roles == frozenset({role}) \
                and "GET" in rule.methods and not rule.arguments:
            yield rule.rule


@pytest.mark.parametrize("other", [Role.UNIT, Role.EXPERT, Role.ORGANIZATION])
def test_other_roles_get_403_on_admin_pages(app, login_as, other):
    admin_paths = list(_get_routes_for(app, Role.ADMIN))
    assert "/admin/users" in admin_paths and "/campaigns/new" in admin_paths
    client, _user = login_as(other.value)
    for path in admin_paths:
        assert client.get(path).status_code == 403, path


def test_admin_reaches_admin_pages(app, login_as):
    client, _admin = login_as("admin")
    for path in _get_routes_for(app, Role.ADMIN):
        assert client.get(path).status_code == 200, path


def test_anonymous_users_are_sent_to_sign_in(app, client):
    make_campaign()
    for rule in app.url_map.iter_rules():
        access = declared_access(rule.endpoint, app)
        if access is None or access.public or "GET" not in rule.methods or rule.arguments:
            continue
        response = client.get(rule.rule)
        assert response.status_code == 302, rule.rule
        assert "/auth/sign-in?next=" in response.headers["Location"], rule.rule


def test_each_role_sees_its_own_dashboard(app):
    from tests.factories import make_user
    make_campaign()
    expectations = {"admin": "Registered organizations", "unit": "Screen the cases",
                    "expert": "Expert review", "organization": "Your cases"}
    for role, text in expectations.items():
        client = sign_in_as(app.test_client(), make_user(role))
        page = client.get("/dashboard").get_data(as_text=True)
        assert text in page, role


def test_a_deactivated_user_is_signed_out(app, login_as):
    from reviewapp.extensions import db
    client, user = login_as("expert")
    user.active = False
    db.session.commit()
    assert client.get("/dashboard").status_code == 302


def test_admin_dashboard_links_to_review_progress_and_results(app, login_as):
    campaign = make_campaign()
    client, _ = login_as("admin")
    page = client.get("/dashboard").get_data(as_text=True)
    from flask import url_for
    with app.test_request_context():
        progress = url_for("review.progress", campaign_id=campaign.id)
        results = url_for("results.show", campaign_id=campaign.id)
    assert f'href="{progress}"' in page and f'href="{results}"' in page
