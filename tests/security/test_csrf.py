"""Every state-changing rule of the URL map refuses a missing or wrong CSRF token, and changes nothing.

Each rule is sent by a principal the access policy lets use it (so the refusal
is the CSRF check's, not the access check's).
"""
from tests.security.policy import rule_for
from tests.security.world import (
    build_path,
    build_world,
    changed,
    client_for,
    csrf_token,
    fingerprint,
    probed_rules,
    row_counts,
    url_values,
)

STATE_CHANGING = {"POST", "PUT", "PATCH", "DELETE"}
PREFERENCE = ("org_a", "admin", "unit_case", "expert_assigned", "expert_other", "org_b", "unit_other",
              "anonymous")
CSRF_TEXT = "The form had expired or was sent from elsewhere. Nothing was changed"


def test_state_changing_routes_refuse_missing_and_wrong_csrf_tokens(app):
    world = build_world(app)
    folder = app.config["UPLOAD_FOLDER"]
    clients = {}
    # A token that is valid, but for another visitor's session.
    foreign_token = csrf_token(client_for(app, world, "org_b"))
    before = fingerprint(folder)
    problems, probes, routes = [], 0, 0
    for rule in probed_rules(app):
        for method in sorted(rule.methods & STATE_CHANGING):
            routes += 1
            allowed = rule_for(rule.endpoint).allowed()
            principal = next(p for p in PREFERENCE if p in allowed)
            client = clients.setdefault(principal, client_for(app, world, principal))
            path = build_path(app, rule, url_values(world, rule))
            for label, data in (("missing", {}), ("wrong", {"csrf_token": "forged-token"}),
                                ("other session's", {"csrf_token": foreign_token})):
                counts = row_counts(folder)
                response = client.open(path, method=method, data=data)
                probes += 1
                page = response.get_data(as_text=True)
                if response.status_code != 400 or CSRF_TEXT not in page:
                    problems.append(f"{principal} {method} {path} with a {label} token: {response.status_code}")
                if row_counts(folder) != counts:
                    problems.append(f"{principal} {method} {path} with a {label} token: rows or files changed")
    tables = changed(before, fingerprint(folder))
    print(f"CSRF: {routes} state-changing routes, {probes} probes")
    assert routes >= 40
    assert not tables, f"requests refused for their CSRF token changed: {tables}"
    assert not problems, "\n".join(problems)


def test_json_requests_need_the_token_too(app):
    """The autosave endpoints are called by scripts: no token in the body or the header -> 400."""
    world = build_world(app)
    client = client_for(app, world, "org_a")
    case_id = world.case_a.id
    response = client.post(f"/cases/{case_id}/autosave", json={"title": "x"},
                           headers={"X-CSRFToken": "forged"})
    assert response.status_code == 400
    token = csrf_token(client)
    granted = client.post(f"/cases/{case_id}/autosave", data={"title": "x"}, headers={"X-CSRFToken": token})
    assert granted.status_code != 400  # the header is accepted (409: the case is under review)
