"""Security headers on every GET response each principal can reach (the URL map, filled from the world).

Pages: a CSP whose script-src has no 'unsafe-inline', frame-ancestors 'none', nosniff, a referrer policy.
Files (attachments, images, spreadsheets, CSV): additionally `sandbox` in their CSP. The inline PDF
viewer is the documented exception (no sandbox: Chromium's viewer does not run sandboxed), and it must
still forbid everything else (default-src 'none').
"""
from tests.security.policy import rule_for
from tests.security.world import PRINCIPALS, build_path, build_world, client_for, probed_rules, url_values

REFERRER_POLICIES = {"no-referrer", "same-origin", "strict-origin", "strict-origin-when-cross-origin"}


def directives(policy):
    out = {}
    for part in (policy or "").split(";"):
        words = part.split()
        if words:
            out[words[0].lower()] = words[1:]
    return out


def header_problems(response):
    headers = response.headers
    csp = directives(headers.get("Content-Security-Policy"))
    problems = []
    if not csp:
        return ["no Content-Security-Policy"]
    scripts = csp.get("script-src", csp.get("default-src", []))
    if "'unsafe-inline'" in scripts or "'unsafe-eval'" in scripts or not scripts and "sandbox" not in csp:
        problems.append(f"script-src allows inline scripts: {scripts}")
    if headers.get("X-Content-Type-Options") != "nosniff":
        problems.append("no X-Content-Type-Options: nosniff")
    if headers.get("Referrer-Policy") not in REFERRER_POLICIES:
        problems.append(f"Referrer-Policy {headers.get('Referrer-Policy')!r}")
    is_file = (response.mimetype != "text/html" and response.mimetype != "application/json") or \
        headers.get("Content-Disposition", "").startswith("attachment")
    inline_pdf = response.mimetype == "application/pdf" and not headers.get(
        "Content-Disposition", "").startswith("attachment")
    if response.mimetype == "text/html" and not is_file:
        if csp.get("frame-ancestors") != ["'none'"]:
            problems.append(f"frame-ancestors {csp.get('frame-ancestors')}")
    elif inline_pdf:
        if csp.get("default-src") != ["'none'"]:
            problems.append("inline PDF without default-src 'none'")
    elif is_file and "sandbox" not in csp:
        problems.append(f"a file ({response.mimetype}) served without sandbox: {headers.get('Content-Security-Policy')}")
    if is_file and csp.get("frame-ancestors") is None and headers.get("X-Frame-Options") not in ("DENY", "SAMEORIGIN"):
        problems.append("a file that any site may frame")
    return problems


def test_every_reachable_get_response_carries_the_security_headers(app):
    world = build_world(app)
    problems, checked, files = [], 0, 0
    for principal in PRINCIPALS:
        client = client_for(app, world, principal)
        for rule in probed_rules(app):
            if "GET" not in rule.methods or rule_for(rule.endpoint).outcome(principal) != "ok":
                continue
            path = build_path(app, rule, url_values(world, rule))
            response = client.get(path)
            checked += 1
            files += response.mimetype not in ("text/html", "application/json")
            problems += [f"{principal} GET {path} ({response.status_code}): {p}" for p in header_problems(response)]
    print(f"headers: {checked} responses, {files} files")
    assert checked >= 150 and files >= 15
    assert not problems, "\n".join(problems)


def test_error_pages_and_redirects_carry_them_too(app, client):
    for response in (client.get("/no-such-page"), client.get("/dashboard"), client.post("/auth/sign-in")):
        assert header_problems(response) == [], response.status_code
