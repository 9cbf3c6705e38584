"""Who may do what: one line per endpoint of the app, checked against behaviour by test_access_matrix.py.

A Rule says which roles pass the role gate (others get 403) and which
principals of the world (see world.py) also pass the object check on case A's
objects (the others of those roles get 404). `PUBLIC` endpoints admit anyone.

Every endpoint in app.url_map must have a line here: a new endpoint without
one fails the matrix, telling its developer to add it.
"""
from dataclasses import dataclass

from tests.security.world import PRINCIPALS, ROLE_OF

ORG, UNIT, EXPERT, ADMIN = "organization", "unit", "expert", "admin"


@dataclass(frozen=True)
class Rule:
    public: bool = False
    roles: frozenset = frozenset()      # empty: every signed-in role
    passes: frozenset | None = None     # principals passing the object check; None: all of those roles
    refused: frozenset = frozenset()    # principals of those roles the object check refuses with 403

    def outcome(self, principal):
        """'ok', 'sign-in', 'forbidden' (403) or 'not-found' (404)."""
        if self.public:
            return "ok"
        if principal == "anonymous":
            return "sign-in"
        if self.roles and ROLE_OF[principal] not in self.roles or principal in self.refused:
            return "forbidden"
        if self.passes is not None and principal not in self.passes:
            return "not-found"
        return "ok"

    def allowed(self):
        return [p for p in PRINCIPALS if self.outcome(p) == "ok"]


PUBLIC = Rule(public=True)
SIGNED_IN = Rule()


def only(*roles, passes=None, refused=()):
    return Rule(roles=frozenset(roles), passes=frozenset(passes) if passes is not None else None,
                refused=frozenset(refused))


ADMIN_ONLY = only(ADMIN)
# reads_case / reads_evidence: the applicant, the admins and the unit screening the case (which
# sees the submitted version); any other unit is refused with 403, whatever the case number.
CASE_READERS = only(ORG, ADMIN, UNIT, passes={"org_a", "admin", "unit_case"}, refused={"unit_other"})
CASE_OWNER = only(ORG, passes={"org_a"})                          # owns_case / owns_evidence / owns_activity
CASE_UNIT = only(UNIT, passes={"unit_case"})                      # in_jurisdiction
ASSIGNED_EXPERT = only(EXPERT, passes={"expert_assigned"})        # review token of a confirmed assignment

POLICY = {
    # public pages and the account flows
    "dashboard.home": PUBLIC,
    "dashboard.index": SIGNED_IN,
    "ops.health": PUBLIC,
    "auth.sign_in": PUBLIC,
    "auth.register": PUBLIC,
    "auth.forgot_password": PUBLIC,
    "auth.reset_password": PUBLIC,
    "auth.accept_invitation": PUBLIC,
    "auth.join_organization": only(ORG),      # the signed-in account must be the invited one (else refused)
    "auth.registration_sent": PUBLIC,
    "auth.confirm_email": PUBLIC,
    "auth.set_language": PUBLIC,
    "auth.sign_out": SIGNED_IN,
    "auth.confirm_password": SIGNED_IN,
    "accounts.profile": SIGNED_IN,
    "accounts.save_profile": SIGNED_IN,
    "accounts.change_password": SIGNED_IN,
    # An organization's colleagues: every member sees the page; its owner changes who is on it
    # (a colleague who is not the owner gets 403 from the steps; both principals are owners).
    "organizations.colleagues": only(ORG),
    "organizations.invite": only(ORG),
    "organizations.revoke_invitation": only(ORG, passes={"org_a"}),
    "organizations.remove": only(ORG, passes={"org_a"}),
    "organizations.make_owner": only(ORG, passes={"org_a"}),
    "organizations.leave": only(ORG),          # refused to the owners (both principals are)
    "campaigns.show": PUBLIC,
    # administration
    "campaigns.index": ADMIN_ONLY,
    "campaigns.create": ADMIN_ONLY,
    "campaigns.edit": ADMIN_ONLY,
    "admin.users": ADMIN_ONLY,
    "admin.organizations": ADMIN_ONLY,
    "admin.cases": ADMIN_ONLY,
    "admin.units": ADMIN_ONLY,
    "admin.units_xlsx": ADMIN_ONLY,
    "admin.invitations": ADMIN_ONLY,
    "accounts.manage_user": ADMIN_ONLY,
    "accounts.deactivate": ADMIN_ONLY,
    "accounts.reactivate": ADMIN_ONLY,
    "accounts.change_role": ADMIN_ONLY,
    "accounts.revoke_invitation": ADMIN_ONLY,
    "accounts.resend_invitation": ADMIN_ONLY,
    "admin.outbox": ADMIN_ONLY,
    "ops.audit_log": ADMIN_ONLY,
    "ops.audit_export": ADMIN_ONLY,
    "assignment.show": ADMIN_ONLY,
    "assignment.run": ADMIN_ONLY,
    "assignment.add": ADMIN_ONLY,
    "assignment.remove": ADMIN_ONLY,
    "assignment.confirm": ADMIN_ONLY,
    "assignment.bidding": ADMIN_ONLY,
    "experts.index": ADMIN_ONLY,
    "experts.new": ADMIN_ONLY,
    "experts.edit": ADMIN_ONLY,
    "experts.import_list": ADMIN_ONLY,
    "experts.conflicts": ADMIN_ONLY,
    "experts.waive": ADMIN_ONLY,
    "conflicts.show": ADMIN_ONLY,
    "conflicts.replacement": ADMIN_ONLY,
    "conflicts.decide": ADMIN_ONLY,
    "conflicts.declare": CASE_OWNER,
    "conflicts.withdraw": CASE_OWNER,
    "recommendation.units": ADMIN_ONLY,
    "recommendation.units_xlsx": ADMIN_ONLY,
    # the applicant's case
    "cases.start": only(ORG),
    "cases.show": CASE_READERS,
    "cases.edit": CASE_OWNER,
    "cases.autosave": CASE_OWNER,
    "cases.submit": CASE_OWNER,
    "cases.withdraw": CASE_OWNER,
    "cases.delete_draft": CASE_OWNER,
    "cases.receipt": CASE_READERS,
    "cases.blind_check": CASE_READERS,
    "cases.refresh_blind_check": CASE_OWNER,
    "cases.activities": CASE_READERS,
    "cases.add_activity": CASE_OWNER,
    "cases.delete_activity": CASE_OWNER,
    "cases.edit_activity": CASE_OWNER,
    "cases.import_activities": CASE_OWNER,
    "cases.export_activities": CASE_READERS,
    "cases.evidence": CASE_READERS,
    "cases.upload": CASE_OWNER,
    "cases.add_link": CASE_OWNER,
    "cases.caption": CASE_OWNER,
    "cases.delete": CASE_OWNER,
    "cases.make_preview": CASE_READERS,
    "cases.download": CASE_READERS,
    "cases.download_blind": CASE_READERS,
    "cases.view": CASE_READERS,
    "cases.thumbnail": CASE_READERS,
    "cases.processing_states": CASE_READERS,
    "cases.retry": CASE_OWNER,
    # background jobs: their starter and the admins
    "jobs.status": Rule(passes=frozenset({"org_a", "admin"})),
    # recommending units
    "recommendation.index": only(UNIT),
    "recommendation.export": only(UNIT),          # the unit's own list (its jurisdiction only)
    "recommendation.bulk": only(UNIT),            # acts only on the ticked cases of its jurisdiction
    "recommendation.case_notes": only(UNIT, ADMIN, passes={"unit_case", "admin"}),   # internal notes
    "recommendation.show": CASE_UNIT,
    "recommendation.recommend": CASE_UNIT,
    "recommendation.unrecommend": CASE_UNIT,
    "recommendation.return_case": CASE_UNIT,
    # experts: the pool's blind list and bids (every expert), the review (the assigned one)
    "experts.cases": only(EXPERT),
    "experts.bid": only(EXPERT),
    "experts.may_know": only(EXPERT),
    # --- in progress (review, results): from their @allow declarations in the working tree ---
    "review.queue": only(EXPERT),
    "review.show": ASSIGNED_EXPERT,
    "review.save": ASSIGNED_EXPERT,
    "review.autosave": ASSIGNED_EXPERT,
    "review.reopen": ASSIGNED_EXPERT,
    "review.decline": ASSIGNED_EXPERT,
    "review.view_file": ASSIGNED_EXPERT,
    "review.download_file": ASSIGNED_EXPERT,
    "review.thumbnail": ASSIGNED_EXPERT,
    "review.progress": ADMIN_ONLY,
    "review.reminders": ADMIN_ONLY,
    "review.settings": ADMIN_ONLY,
    "review.feedback": CASE_OWNER,
    "results.show": ADMIN_ONLY,
    "results.reviewers": ADMIN_ONLY,
    "results.export": ADMIN_ONLY,
    "results.selection": ADMIN_ONLY,
    "results.record": ADMIN_ONLY,
    "results.extra_reviewer": ADMIN_ONLY,
    # --- in progress (publishing, gallery, reports), likewise ---
    "publishing.index": ADMIN_ONLY,
    "publishing.campaign": ADMIN_ONLY,
    "publishing.build": ADMIN_ONLY,
    "publishing.download_build": ADMIN_ONLY,
    "publishing.foreword": ADMIN_ONLY,
    "publishing.announce": ADMIN_ONLY,
    "publishing.certificate_settings": ADMIN_ONLY,
    "publishing.revoke": ADMIN_ONLY,
    "publishing.article": ADMIN_ONLY,
    "publishing.article_archive": ADMIN_ONLY,
    "publishing.case_page_pdf": only(ADMIN, ORG, passes={"org_a", "admin"}),   # published case, own
    "publishing.certificate": only(ADMIN, ORG, passes={"org_a", "admin"}),     # own certificate
    "publishing.verify": PUBLIC,
    "gallery.index": PUBLIC,
    "gallery.case": PUBLIC,          # published cases only
    "gallery.qr": PUBLIC,            # the QR code of a published case's page
    "gallery.photo": PUBLIC,         # photos of published cases only
    "gallery.thumbnail": PUBLIC,
    "reports.index": ADMIN_ONLY,
    "reports.campaign": ADMIN_ONLY,
    "reports.statistics_export": ADMIN_ONLY,
    "reports.activities_export": ADMIN_ONLY,
    # messages: a case's thread (its applicant, its screening unit, the department; never experts,
    # since a thread names the organization), the administrator's templates and group mail
    "messages.thread": only(ORG, UNIT, ADMIN, passes={"org_a", "unit_case", "admin"}),
    "messages.templates": ADMIN_ONLY,
    "messages.edit_template": ADMIN_ONLY,
    "messages.compose": ADMIN_ONLY,
    "messages.preview": ADMIN_ONLY,
    "messages.send": ADMIN_ONLY,
    "messages.mailing": ADMIN_ONLY,
    # units: a unit's own roll-up (its unit is the user's, so no object in the URL), the department's pages
    "units.home": only(UNIT),
    "units.report": only(UNIT),
    "units.activities_xlsx": only(UNIT),
    "units.filing_csv": only(UNIT),
    "units.filing_xlsx": only(UNIT),
    "units.campaign": ADMIN_ONLY,
    "units.deadlines": ADMIN_ONLY,
    "units.campaign_activities_xlsx": ADMIN_ONLY,
    "units.campaign_filing_csv": ADMIN_ONLY,
    "units.campaign_filing_xlsx": ADMIN_ONLY,
    "units.filing_columns": ADMIN_ONLY,
    "units.tree": ADMIN_ONLY,
}

# Requests that end the probing principal's session: probed last.
ENDS_SESSION = {"auth.sign_out"}


def rule_for(endpoint):
    rule = POLICY.get(endpoint)
    if rule is None:
        raise LookupError(
            f"Endpoint {endpoint!r} has no line in the access policy. Add one to POLICY in "
            f"tests/security/policy.py saying who may use it (PUBLIC, SIGNED_IN, ADMIN_ONLY, only(...) with "
            f"passes=... for an object check), and a filler in tests/security/world.py for any new URL argument.")
    return rule
