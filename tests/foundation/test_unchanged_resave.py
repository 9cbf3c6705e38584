"""Unchanged re-save: for every edit form of every role, opening the form and sending it back
untouched changes no row of any table (version counters, automatic timestamps and audit
entries aside).

The forms are discovered, not listed: every GET page of the URL map is opened (URL values from
a rich world, see resave_world.py) by a user of each role allowed to reach it, and each
<form method="post"> on it is sent back as a browser would (html_forms.py), to its action and,
where a script autosaves it, to its data-autosave-url as well. Every endpoint that takes a POST
must then have been exercised or be listed in NOT_EDIT_FORMS with the reason.
"""
from reviewapp.access import declared_access
from reviewapp.auth.models import Role
from tests.foundation.html_forms import post_forms
from tests.foundation.resave_world import build_resave_world, differences, snapshot, url_variants
from tests.security import world as security

PRINCIPAL_OF = {Role.ADMIN: "admin", Role.UNIT: "unit_case", Role.EXPERT: "expert_assigned",
                Role.ORGANIZATION: "org_a"}

# Endpoints that take a POST but are actions, not edit forms: sending them is meant to change
# something (or to do something that is not a save). Every other POST endpoint must be exercised.
NOT_EDIT_FORMS = {
    # Accounts: signing in and out, registering, passwords, invitations, the language buttons.
    "auth.sign_in": "signs in", "auth.sign_out": "signs out", "auth.register": "creates an account",
    "auth.forgot_password": "sends a reset mail", "auth.reset_password": "sets a new password",
    "auth.accept_invitation": "creates an account", "auth.set_language": "each button chooses a language",
    "admin.invitations": "creates an invitation",
    "auth.confirm_password": "confirms the password", "accounts.change_password": "sets a new password",
    "accounts.deactivate": "deactivates an account", "accounts.reactivate": "reactivates an account",
    "accounts.change_role": "changes a role (the same role is refused)",
    "accounts.revoke_invitation": "revokes an invitation", "accounts.resend_invitation": "sends a new link",
    "auth.confirm_email": "confirms an e-mail address", "auth.join_organization": "joins an organization",
    "organizations.invite": "invites a colleague", "organizations.revoke_invitation": "revokes an invitation",
    "organizations.remove": "removes a colleague", "organizations.make_owner": "hands over the ownership",
    "organizations.leave": "leaves the organization",
    # Creating new rows.
    "campaigns.create": "creates a campaign", "experts.new": "creates an expert",
    "experts.import_list": "imports a spreadsheet", "experts.conflicts": "declares a new conflict",
    "cases.start": "starts a case", "cases.upload": "uploads a file", "cases.add_link": "adds a link",
    "cases.add_activity": "adds an activity", "cases.import_activities": "imports activities",
    # The case's workflow and files.
    "cases.submit": "submits the case", "cases.withdraw": "withdraws the case",
    "cases.delete": "deletes a file", "cases.delete_activity": "deletes an activity",
    "cases.delete_draft": "deletes the draft", "cases.make_preview": "renders a preview",
    "cases.refresh_blind_check": "checks the blind copies again",
    "cases.retry": "processes a failed file again",
    # Screening, assignment, review and results decisions.
    "recommendation.recommend": "recommends the case", "recommendation.return_case": "returns the case",
    "recommendation.unrecommend": "takes a recommendation back",
    "recommendation.case_notes": "adds an internal note",
    "assignment.run": "proposes an assignment", "assignment.confirm": "confirms the assignment",
    "assignment.add": "adds a reviewer", "assignment.remove": "removes a reviewer",
    "experts.waive": "waives a conflict", "conflicts.replacement": "adds a replacement reviewer",
    "conflicts.decide": "accepts or rejects a declared conflict", "conflicts.declare": "declares conflicts",
    "conflicts.withdraw": "withdraws a declared conflict", "experts.may_know": "declares the expert may know the case",
    "review.decline": "declines the assignment", "review.reopen": "reopens a submitted review",
    "review.reminders": "sends reminders", "results.extra_reviewer": "asks for one more reviewer",
    # The selection form records decisions only once results exist (submitted reviews); its own
    # tests (tests/results) cover re-recording the same selection.
    "results.record": "records the selection",
    "publishing.build": "builds the book", "publishing.announce": "announces the results",
    "publishing.revoke": "revokes a certificate (an empty reason is refused)",
    # Messages: a post on a case's thread, a new template, a group mail (previewed, then sent).
    "messages.thread": "posts a message (an empty one is refused)", "messages.templates": "creates a template",
    "messages.preview": "previews a group mail (saves nothing; its texts are required)",
    "messages.send": "sends a group mail",
    "units.report": "reports the unit's roll-up up", "units.tree": "adds a city or county unit",
}


def _principals(access):
    if access.public:
        return ["anonymous"]
    return [PRINCIPAL_OF[role] for role in (access.roles or PRINCIPAL_OF)]


def _pages(app, world):
    """(principal, path) of every GET page, once per role allowed and per URL variant."""
    for rule in security.probed_rules(app):
        access = declared_access(rule.endpoint, app)
        if "GET" not in rule.methods or access is None:
            continue
        for values in url_variants(world, rule):
            path = security.build_path(app, rule, values)
            for principal in _principals(access):
                yield principal, path


def _endpoint(app, path):
    endpoint, _values = app.url_map.bind("localhost").match(path.split("?")[0], method="POST")
    return endpoint


def _resave(client, form, target):
    before = snapshot()
    response = client.post(target, data=form.data())
    after = snapshot()
    return response, differences(before, after)


def test_unchanged_resave_changes_nothing(app):
    world = build_resave_world(app)
    clients = {p: security.client_for(app, world, p) for p in ("anonymous", *PRINCIPAL_OF.values())}
    exercised, seen, failures = {}, set(), []
    for principal, page in _pages(app, world):
        response = clients[principal].get(page)
        if response.status_code != 200 or "html" not in response.content_type:
            continue
        for form in post_forms(response.get_data(as_text=True), page):
            for target in filter(None, (form.action, form.autosave)):
                endpoint = _endpoint(app, target)
                if endpoint in NOT_EDIT_FORMS or (principal, target) in seen:
                    continue
                seen.add((principal, target))
                posted, changes = _resave(clients[principal], form, target)
                exercised.setdefault(endpoint, []).append((principal, page, posted.status_code))
                if posted.status_code >= 400:
                    failures.append(f"{principal} {target} (from {page}): refused with {posted.status_code}")
                failures += [f"{principal} {target} (from {page}): {line}" for line in changes]
    assert not failures, "An unchanged re-save changed data:\n" + "\n".join(failures)

    post_endpoints = {rule.endpoint for rule in app.url_map.iter_rules() if "POST" in rule.methods}
    forgotten = sorted(post_endpoints - exercised.keys() - NOT_EDIT_FORMS.keys())
    assert not forgotten, (f"POST endpoints neither exercised by an unchanged re-save nor listed in NOT_EDIT_FORMS "
                           f"(teach resave_world.py to reach their form, or list them with the reason): {forgotten}")
    stale = sorted(NOT_EDIT_FORMS.keys() - post_endpoints)
    assert not stale, f"NOT_EDIT_FORMS names endpoints that no longer take a POST: {stale}"
    # The walk is not vacuous: the main edit forms of every role were sent back.
    assert {"campaigns.edit", "cases.edit", "cases.autosave", "cases.caption", "experts.edit", "experts.bid",
            "review.save", "review.autosave", "review.settings", "publishing.foreword",
            "assignment.bidding"} <= exercised.keys()
