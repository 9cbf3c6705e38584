"""Conflict pages: the administrator's ended assignments (with a replacement in one click) and
applicants' declarations to accept or reject; the applicant's own declarations on the submit page."""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from ..access import allow
from ..assignment.operations import AssignmentRefused, add_extra_reviewer
from ..auth.models import Role
from ..campaigns.models import Campaign
from ..cases.blueprint import owns_case
from ..cases.models import Case
from ..cases.workflow import EDITABLE_STATES
from ..experts.queries import pool_experts
from ..extensions import db
from ..input_limits import parse_id
from ..views import committed
from . import operations, queries
from .forms import ActionForm, DeclareForm
from .models import ApplicantConflict

bp = Blueprint("conflicts", __name__, url_prefix="/conflicts")


@bp.app_template_global()
def applicant_declarations(case):
    """For the case's submit page: the applicant's declarations and the forms to change them."""
    return {"rows": queries.declarations_of(case.id), "form": DeclareForm(), "action_form": ActionForm(),
            "editable": case.state in EDITABLE_STATES}


def _campaign_or_404(campaign_id):
    return db.session.get(Campaign, campaign_id) or abort(404)


@bp.get("/campaigns/<int:campaign_id>")
@allow(Role.ADMIN)
def show(campaign_id):
    campaign = _campaign_or_404(campaign_id)
    declarations = queries.campaign_declarations(campaign)
    experts = pool_experts()
    matches = {row.id: [profile.name for _user, profile in queries.matched_experts(row.entry, experts)]
               for row in declarations}
    return render_template("conflicts/show.html", campaign=campaign, ended=queries.ended_in_campaign(campaign),
                           declarations=declarations, matches=matches, action_form=ActionForm())


@bp.post("/campaigns/<int:campaign_id>/cases/<int:case_id>/replacement")
@allow(Role.ADMIN)
def replacement(campaign_id, case_id):
    """One more confirmed reviewer for a case that lost one to a conflict of interest."""
    campaign = _campaign_or_404(campaign_id)
    case = db.session.get(Case, case_id)
    if case is None or case.campaign_id != campaign.id:
        abort(404)
    if ActionForm().validate_on_submit():
        with committed(None, AssignmentRefused) as outcome:
            row = add_extra_reviewer(current_user, campaign, case)
            outcome.message = _l("%(name)s now reviews case %(case)d in place of the expert in conflict.",
                                 name=row.expert.name, case=case.id)
    return redirect(url_for("conflicts.show", campaign_id=campaign.id))


def _declaration(case_ids_allowed):
    """The declaration the form names (field `declaration`), if it belongs to an allowed case."""
    number = parse_id(request.form.get("declaration", ""))
    declaration = db.session.get(ApplicantConflict, number) if number else None
    return declaration if declaration is not None and case_ids_allowed(declaration) else None


@bp.post("/campaigns/<int:campaign_id>/declarations")
@allow(Role.ADMIN)
def decide(campaign_id):
    """Accept or reject one declaration (fields `declaration` and `decision`)."""
    campaign = _campaign_or_404(campaign_id)
    declaration = _declaration(lambda d: d.case.campaign_id == campaign.id)
    decision = request.form.get("decision")
    if not ActionForm().validate_on_submit():
        flash(_l("The form had expired; please send it again."), "error")
    elif declaration is None or decision not in ("accept", "reject"):
        flash(_l("Choose a declared conflict and accept or reject it."), "error")
    else:
        accept = decision == "accept"
        with committed(None, operations.DeclarationRefused) as outcome:
            ended = operations.decide(current_user, declaration, accept)
            outcome.message = (_l("The declared conflict is accepted; %(count)d assignments to the case ended.",
                                  count=ended) if accept else _l("The declared conflict is rejected."))
    return redirect(url_for("conflicts.show", campaign_id=campaign.id, _anchor="declarations"))


@bp.post("/cases/<int:case_id>/declare")
@allow(Role.ORGANIZATION, check=owns_case)
def declare(case_id):
    case = db.session.get(Case, case_id)
    form = DeclareForm()
    if form.validate_on_submit():
        with committed(None, operations.DeclarationRefused) as outcome:
            rows = operations.declare(current_user, case, form.entries.data, form.reason.data)
            outcome.message = _l("%(count)d conflicts of interest declared.", count=len(rows))
    else:
        for errors in form.errors.values():
            for error in errors:
                flash(error, "error")
    return redirect(url_for("cases.submit", case_id=case_id, _anchor="conflicts"))


@bp.post("/cases/<int:case_id>/withdraw")
@allow(Role.ORGANIZATION, check=owns_case)
def withdraw(case_id):
    """The applicant takes back one of its case's declarations (field `declaration`)."""
    declaration = _declaration(lambda d: d.case_id == case_id)
    if not ActionForm().validate_on_submit() or declaration is None:
        flash(_l("Choose a declared conflict to withdraw."), "error")
    else:
        with committed(_l("The declared conflict is withdrawn."), operations.DeclarationRefused):
            operations.withdraw(current_user, declaration)
    return redirect(url_for("cases.submit", case_id=case_id, _anchor="conflicts"))
