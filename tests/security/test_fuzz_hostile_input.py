"""Hostile input never gives a server error, and every refusal is said in the user's language.

Generated, not listed: every route of the URL map is probed as each role that may reach it (an
anonymous visitor for public ones), in the rich world of the unchanged re-save test. Every GET page
is opened and its forms read (tests/foundation/html_forms.py): each POST form is sent back with its
fields replaced by hostile values (tests/security/hostile.py: control characters, lone
surrogates, bytes that are not UTF-8, very long text, integers past every column, extreme dates,
formulas, odd Unicode, a file in place of the text), one field at a time, and its file inputs
with hostile files; each GET page with hostile query values (its GET forms' fields, its links'
query keys, `page`, `q`); each address with hostile text in its text arguments and ids past the
integer columns; POST endpoints no page offers get a bare hostile POST; each page and the sign-in
a hostile header the app reads (hostile.HEADERS: Host, the language, a trusted proxy's address
and stamps, the browser).

Hypothesis draws the values with a fixed seed; every class of value reaches every field of every
form (FUZZ_EXAMPLES times, 1 by default: about a minute and a half per database). The property:
no answer is a 5xx, and every message shown (field errors, flashes, the error page, a JSON
message) contains Chinese, since every request asks for Chinese.
"""
import os
from urllib.parse import parse_qs, urljoin, urlsplit

import lxml.html
import pytest
from hypothesis import HealthCheck, Phase, example, given, seed, settings
from hypothesis import strategies as st
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import PathConverter, UnicodeConverter

from reviewapp.access import declared_access
from reviewapp.auth.models import Role
from reviewapp.input_limits import BoundedIntConverter
from tests.foundation.html_forms import post_forms
from tests.foundation.resave_world import build_resave_world, url_variants
from tests.security import hostile
from tests.security import world as security

PRINCIPAL_OF = {Role.ADMIN: "admin", Role.UNIT: "unit_case", Role.EXPERT: "expert_assigned",
                Role.ORGANIZATION: "org_a"}
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "1"))  # per form and class of value (CI budget: ~60 s)
ZH = {"Accept-Language": "zh"}
# Probed last, in this order: they may end the principal's session or change its language.
LAST = ("auth.reset_password", "auth.set_language", "auth.sign_out")
KEPT = {"csrf_token"}  # a forged token is refused first (tests/security/test_csrf.py)
# What a page's query parsing meets (control characters and bad encodings are refused before any view).
QUERY_CLASSES = ("huge integer", "extreme date", "long", "odd unicode")
# Query keys any page may read without offering them in a form or link.
QUERY_NAMES = ("page", "q", "campaign", "case", "theme", "year", "state", "sort", "next")


def _principals(access):
    if access.public:
        return ["anonymous"]
    return [PRINCIPAL_OF[role] for role in (access.roles or PRINCIPAL_OF)]


def _endpoint(app, path, method):
    try:
        endpoint, _values = app.url_map.bind("localhost").match(urlsplit(path).path, method=method)
    except Exception:
        return None
    return endpoint


def _get_fields(html, page):
    """Names the page's query may carry: its GET forms' controls (filters) and the query keys of
    its links back to itself (pages, sorting, thresholds)."""
    document = lxml.html.fromstring(html)
    names = set()
    for form in document.iter("form"):
        if (form.get("method") or "get").lower() == "get":
            names |= {c.get("name") for c in form.iter("input", "select", "textarea") if c.get("name")}
    for link in document.iter("a"):
        target = urlsplit(urljoin(page, link.get("href") or ""))
        if target.path == urlsplit(page).path and target.query:
            names |= set(parse_qs(target.query, keep_blank_values=True))
    return names


def _file_inputs(html, page, action):
    document = lxml.html.fromstring(html)
    return sorted({c.get("name") for form in document.iter("form")
                   if urlsplit(urljoin(page, form.get("action") or page)).path == urlsplit(action).path
                   for c in form.iter("input") if (c.get("type") or "").lower() == "file" and c.get("name")})


class Target:
    def __init__(self, principal, method, path, fields=(), files=(), endpoint=None, json=False, page=True):
        self.principal, self.method, self.path, self.endpoint = principal, method, path, endpoint
        self.page = page  # a page (or form action), not a file download
        self.headers = {**ZH, "Accept": "application/json"} if json else ZH
        self.fields, self.files = list(fields), list(files)

    def __repr__(self):
        return f"{self.principal} {self.method} {self.path}"


def discover(app, world, clients):
    """Every (principal, method, path) the URL map offers, with the fields its pages show."""
    gets, posts, seen_posts = [], [], set()
    for rule in security.probed_rules(app):
        access = declared_access(rule.endpoint, app)
        if access is None:
            continue
        for principal in _principals(access):
            for values in url_variants(world, rule)[:1]:
                path = security.build_path(app, rule, values)
                if "GET" not in rule.methods:
                    continue
                response = clients[principal].get(path, headers=ZH)
                html = response.get_data(as_text=True) if "html" in response.content_type else ""
                names = (_get_fields(html, path) if html else set()) | set(QUERY_NAMES)
                gets.append(Target(principal, "GET", path, [(n, "") for n in sorted(names)], endpoint=rule.endpoint,
                                   page=bool(html)))
                if response.status_code != 200 or not html:
                    continue
                for form in post_forms(html, path):
                    for action in filter(None, (form.action, form.autosave)):
                        if (principal, action) in seen_posts:
                            continue
                        seen_posts.add((principal, action))
                        posts.append(Target(principal, "POST", action, form.fields, _file_inputs(html, path, action),
                                            endpoint=_endpoint(app, action, "POST"), json=action == form.autosave))
    offered = {target.endpoint for target in posts}
    for rule in security.probed_rules(app):
        access = declared_access(rule.endpoint, app)
        if "POST" in rule.methods and rule.endpoint not in offered and access is not None:
            path = security.build_path(app, rule, url_variants(world, rule)[0])
            for principal in _principals(access):
                posts.append(Target(principal, "POST", path, [("csrf_token", ""), ("value", "")],
                                    endpoint=rule.endpoint))
    order = {endpoint: index + 1 for index, endpoint in enumerate(LAST)}
    return sorted(gets + posts, key=lambda t: (order.get(t.endpoint, 0), t.method != "GET"))


def _fields_strategy(target, values, hostile_field=None):
    """A query: each key takes a value drawn from `values`. A form: one field (`hostile_field`,
    each of its occurrences) takes one and the others keep theirs, since a form may stop at its
    first refusal; with no `values`, its file inputs take hostile files. (Hypothesis draws the
    simplest example first: a roll per field would keep every field as it was.)"""
    def field(name, value):
        if name in KEPT or (target.method == "POST" and name != hostile_field):
            return st.just(value)
        return values
    if values is None:
        return st.tuples(st.just(tuple(value for _name, value in target.fields)),
                         st.lists(st.tuples(st.sampled_from(target.files), hostile.FILES), min_size=1, max_size=2))
    fields = st.tuples(*(field(name, value) for name, value in target.fields)) if target.fields else st.just(())
    return st.tuples(fields, st.just([]))


def hostile_fields(target):
    return list(dict.fromkeys(name for name, _value in target.fields if name not in KEPT))


def _send(client, target, values, files, token):
    pairs = [(name, token if name == "csrf_token" else value)
             for (name, _original), value in zip(target.fields, values)]
    if target.method == "GET":
        query = hostile.encode_form(pairs)
        return client.get(f"{target.path}{'&' if '?' in target.path else '?'}{query}", headers=target.headers)
    if files or any(isinstance(value, tuple) for _name, value in pairs):
        from io import BytesIO
        data = {}
        for name, value in pairs:
            if isinstance(value, tuple):  # a file in place of the field's text
                value = (BytesIO(value[1]), value[0])
            data.setdefault(name, []).append(value.decode("utf-8", "replace") if isinstance(value, bytes) else value)
        for name, (filename, content) in files:
            data.setdefault(name, []).append((BytesIO(content), filename))
        try:
            return client.post(target.path, data=data, headers=target.headers, content_type="multipart/form-data")
        except UnicodeEncodeError:  # a lone surrogate cannot go into a multipart body
            return None
    return client.post(target.path, data=hostile.encode_form(pairs), headers=target.headers,
                       content_type="application/x-www-form-urlencoded")


def _problems(client, target, response):
    problems = []
    if response.status_code >= 500:
        problems.append(f"{response.status_code}")
    problems += [f"untranslated message {m[:120]!r}" for m in hostile.untranslated(response)]
    if response.status_code in (301, 302, 303) and not problems:
        location = response.headers.get("Location", "")
        if location.startswith("/") or "localhost" in location:
            followed = client.get(location, headers=ZH)
            if followed.status_code >= 500:
                problems.append(f"then {location}: {followed.status_code}")
            problems += [f"then {location}: untranslated {m[:120]!r}" for m in hostile.untranslated(followed)]
    return problems


def probe(client, target, token, failures, values, examples, hostile_field=None, edges=()):
    """`examples` requests with values drawn from `values`, after one with each of `edges` in
    `hostile_field`; an accepted form is sent again at once (a double click)."""
    @seed(20261203)
    @settings(max_examples=examples, database=None, deadline=None, phases=(Phase.explicit, Phase.generate),
              suppress_health_check=list(HealthCheck))
    @given(_fields_strategy(target, values, hostile_field))
    def run(drawn):
        values, files = drawn
        response = _send(client, target, values, files, token)
        if response is None:
            return
        problems = _problems(client, target, response)
        if response.status_code in (302, 303) and target.method == "POST":
            problems += [f"sent again: {p}" for p in _problems(client, target,
                                                               _send(client, target, values, files, token))]
        if problems:
            shown = [(n, v[0] if isinstance(v, tuple) else v[:60] if isinstance(v, (str, bytes)) else v)
                     for (n, _o), v in zip(target.fields, values) if v != _o]
            failures.append(f"{target} ({target.endpoint}): {'; '.join(problems)}; sent {shown} "
                            f"files {[(n, f[0]) for n, f in files]}")
    for edge in edges:
        run = example((tuple(edge if name == hostile_field else value for name, value in target.fields), []))(run)
    run()


def _path_value(converter):
    if isinstance(converter, BoundedIntConverter):
        return hostile.HUGE_ID
    return hostile.PATH_VALUE if isinstance(converter, (UnicodeConverter, PathConverter)) else None


def path_targets(app, world):
    """Each rule with arguments, for one principal that may reach it: (principal, rule, values, strategies)."""
    for rule in security.probed_rules(app):
        access = declared_access(rule.endpoint, app)
        strategies = {name: _path_value(converter) for name, converter in rule._converters.items()}
        strategies = {name: strategy for name, strategy in strategies.items() if strategy is not None}
        if access is None or not strategies:
            continue
        yield _principals(access)[0], rule, url_variants(world, rule)[0], strategies


def probe_path(app, client, rule, values, strategies, failures):
    @seed(20261203)
    @settings(max_examples=4 * EXAMPLES, database=None, deadline=None, phases=(Phase.explicit, Phase.generate),
              suppress_health_check=list(HealthCheck))
    @given(st.fixed_dictionaries(strategies))
    def run(hostile_values):
        path = security.build_path(app, rule, {**values, **hostile_values})
        method = "GET" if "GET" in rule.methods else "POST"
        response = client.open(path, method=method, headers=ZH)
        if response.status_code >= 500 or hostile.untranslated(response):
            failures.append(f"{method} {path[:160]} ({rule.endpoint}): {response.status_code} "
                            f"{hostile.untranslated(response)[:2]}")
    run()


def _header_value(value):
    """As a server hands a header to the app: UTF-8 bytes read as Latin-1, no line breaks."""
    text = value.decode("latin-1") if isinstance(value, bytes) else value.encode("utf-8", "replace").decode("latin-1")
    return text.replace("\r", "").replace("\n", "")


def probe_headers(client, target, failures, name, data=None):
    """The target with hostile values in the header `name`."""
    @seed(20261203)
    @settings(max_examples=EXAMPLES, database=None, deadline=None, phases=(Phase.explicit, Phase.generate),
              suppress_health_check=list(HealthCheck))
    @given(hostile.HEADERS[name])
    def run(value):
        response = client.open(target.path, method=target.method, data=data,
                               headers={**target.headers, name: _header_value(value)})
        if response.status_code >= 500 or hostile.untranslated(response):
            failures.append(f"{target} ({target.endpoint}) with {name}: {value[:60]!r}: {response.status_code} "
                            f"{hostile.untranslated(response)[:2]}")
    run()


def probe_all_headers(app, world, targets, failures):
    """Each page with one hostile header (in turn, so each header meets every kind of page), behind
    a trusted proxy so that its headers are read; the sign-in with each, with an existing account
    and a wrong password, since a failed attempt stores the client's address and browser."""
    names = list(hostile.HEADERS)
    wsgi_app, trusted = app.wsgi_app, app.config["TRUSTED_PROXIES"]
    app.wsgi_app, app.config["TRUSTED_PROXIES"] = ProxyFix(wsgi_app, x_for=1, x_proto=1), 1
    try:
        pages = [target for target in targets if target.method == "GET" and target.page]
        for index, target in enumerate(pages):
            client = security.client_for(app, world, target.principal)
            probe_headers(client, target, failures, names[index % len(names)])
        anonymous = security.client_for(app, world, "anonymous")
        sign_in = Target("anonymous", "POST", "/auth/sign-in", endpoint="auth.sign_in")
        attempt = {"csrf_token": security.csrf_token(anonymous), "email": world.users["expert_other"].email,
                   "password": "not-the-password"}
        for name in names:
            probe_headers(anonymous, sign_in, failures, name, data=attempt)
    finally:
        app.wsgi_app, app.config["TRUSTED_PROXIES"] = wsgi_app, trusted


def test_hostile_input_never_gives_a_server_error_and_is_refused_in_the_users_language(app):
    world = build_resave_world(app)
    clients = {p: security.client_for(app, world, p) for p in ("anonymous", *PRINCIPAL_OF.values())}
    tokens = {p: security.csrf_token(client) for p, client in clients.items()}
    targets = discover(app, world, clients)
    failures = []
    for principal, rule, values, strategies in path_targets(app, world):
        probe_path(app, clients[principal], rule, values, strategies, failures)
    probe_all_headers(app, world, targets, failures)
    for target in targets:
        # Every class of value reaches every field of every form (and hostile files its file
        # inputs), the classes a query parser meets every page's query, and a download (a PDF,
        # a spreadsheet) one request of mixed values.
        if target.method == "POST":
            client, token = clients[target.principal], tokens[target.principal]
            for name in hostile_fields(target):
                for kind, values in hostile.CLASSES.items():
                    probe(client, target, token, failures, values, EXAMPLES, hostile_field=name,
                          edges=hostile.EDGES.get(kind, ()))
            if target.files:
                probe(client, target, token, failures, None, EXAMPLES)
        elif target.page:
            for name in QUERY_CLASSES:
                probe(clients[target.principal], target, None, failures, hostile.CLASSES[name], EXAMPLES)
        else:
            probe(clients[target.principal], target, None, failures, hostile.VALUE, EXAMPLES)
    assert not failures, f"{len(failures)} hostile requests were not answered properly:\n" + "\n".join(failures)

    # The walk is not vacuous: the main forms of every role and the anonymous pages were reached.
    endpoints = {target.endpoint for target in targets}
    assert {"cases.edit", "cases.autosave", "auth.register", "gallery.index", "ops.audit_log", "experts.edit",
            "review.save", "campaigns.edit", "cases.import_activities", "experts.import_list"} <= endpoints, \
        sorted(endpoints)
    assert {"anonymous", "org_a", "unit_case", "expert_assigned", "admin"} == {t.principal for t in targets}


@pytest.mark.parametrize("path", ["/gallery/cases/99999999999", "/gallery/?q=%00",
                                  "/gallery/?page=99999999999999999999", "/gallery/?year=9223372036854775808"])
def test_the_issue_examples_are_answered_in_chinese_without_a_server_error(client, path):
    response = client.get(path, headers=ZH)
    assert response.status_code < 500
    assert not hostile.untranslated(response)
