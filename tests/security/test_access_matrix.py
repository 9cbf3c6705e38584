"""Every route of the URL map × every principal × case A's objects, against the policy table.

anonymous -> 302 to sign-in; wrong role -> 403; right role, someone else's
object -> 404 (never 200); right role, own object -> success. GET and POST
(POST with a valid CSRF token and an empty body). A refused request changes
nothing: not a row of any table (audit log included), not a file.
"""
import pytest

from tests.security.policy import ENDS_SESSION, POLICY, rule_for
from tests.security.world import (
    PRINCIPALS,
    build_path,
    build_world,
    changed,
    client_for,
    csrf_token,
    fingerprint,
    foreign_variants,
    methods_of,
    probed_rules,
    row_counts,
    url_values,
)

CSRF_PAGE_TEXT = "The form had expired or was sent from elsewhere"
# Statuses a granted POST with an empty body may answer: success, or the form's own validation refusal.
GRANTED_POST = {200, 201, 204, 302, 303, 400, 409, 422}


def test_every_endpoint_has_a_line_in_the_policy(app):
    endpoints = {rule.endpoint for rule in probed_rules(app)}
    missing = sorted(endpoints - POLICY.keys())
    assert not missing, (
        f"Endpoints without an access policy: {missing}. Add each to POLICY in tests/security/policy.py "
        f"(who may use it, and on whose objects).")
    stale = sorted(POLICY.keys() - endpoints)
    assert not stale, f"POLICY lists endpoints the app no longer has: {stale}; remove them."


def _problem(principal, method, path, expected, response):
    status, location = response.status_code, response.headers.get("Location", "")
    body = response.get_data(as_text=True) if response.mimetype == "text/html" else ""
    if expected == "sign-in":
        ok = status == 302 and "/auth/sign-in" in location
    elif expected == "forbidden":
        ok = status == 403
    elif expected == "not-found":
        ok = status == 404
    elif method == "GET":
        ok = 200 <= status < 400 and "/auth/sign-in?next" not in location
    else:
        ok = status in GRANTED_POST and "/auth/sign-in?next" not in location and CSRF_PAGE_TEXT not in body
    if ok:
        return None
    return f"{principal:16} {method:4} {path}: expected {expected}, got {status} {location}"


def _probe(app, client, token, method, path):
    if method == "GET":
        return client.get(path)
    return client.open(path, method=method, data={"csrf_token": token})


def _plan(app, world):
    """(order, endpoint, method, path, policy, still-allowed) for every probe; still-allowed is None for
    case A's own objects, else the principals who may see the swapped-in foreign object."""
    plan = []
    for rule in probed_rules(app):
        policy = rule_for(rule.endpoint)
        for method in methods_of(rule):
            order = 2 if rule.endpoint in ENDS_SESSION else (0 if method == "GET" else 1)
            plan.append((order, rule.endpoint, method, build_path(app, rule, url_values(world, rule)), policy,
                         None))
            for values, still_allowed in foreign_variants(world, rule):
                plan.append((-1, rule.endpoint, method, build_path(app, rule, values), policy, still_allowed))
    return sorted(plan, key=lambda p: (p[0], p[1], p[2], p[3]))


def _expectations(app, world, principal):
    """[(method, path, expected)]: every refusal first, then the granted probes, session-ending ones last."""
    probes = []
    for order, _endpoint, method, path, policy, still_allowed in _plan(app, world):
        expected = policy.outcome(principal)
        if still_allowed is not None:
            if expected != "ok":
                continue  # a refused principal is refused whatever the child object
            expected = "ok" if principal in still_allowed else "not-found"
        probes.append((expected == "ok", order, method, path, expected))
    return [(method, path, expected) for _granted, _order, method, path, expected in sorted(
        probes, key=lambda p: (p[0], p[1]))]


@pytest.mark.parametrize("principal", PRINCIPALS)
def test_access_matrix(app, principal):
    world = build_world(app)
    client = client_for(app, world, principal)
    token = csrf_token(client)
    folder = app.config["UPLOAD_FOLDER"]
    problems, probes = [], 0
    before_refusals = fingerprint(folder)
    checked_refusals = False
    for method, path, expected in _expectations(app, world, principal):
        refused = expected != "ok"
        if not refused and not checked_refusals:
            checked_refusals = True
            tables = changed(before_refusals, fingerprint(folder))
            if tables:
                problems.append(f"refused requests changed rows in place in: {tables}")
        counts = row_counts(folder) if refused else None
        response = _probe(app, client, token, method, path)
        probes += 1
        problem = _problem(principal, method, path, expected, response)
        if problem:
            problems.append(problem)
        elif response.status_code >= 500:
            problems.append(f"{principal} {method} {path}: server error {response.status_code}")
        if refused and row_counts(folder) != counts:
            problems.append(f"{principal:16} {method:4} {path}: refused ({response.status_code}) but rows "
                            f"or files were added or removed")
    if not checked_refusals:
        tables = changed(before_refusals, fingerprint(folder))
        if tables:
            problems.append(f"refused requests changed rows in place in: {tables}")
    print(f"access matrix ({principal}): {probes} probes")
    assert probes >= 100
    assert not problems, "\n".join([f"{len(problems)} access problems:"] + problems)
