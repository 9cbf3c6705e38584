"""The admin's assignment page: run, preview, adjust by hand, confirm."""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from markupsafe import Markup

from ..access import allow
from ..auth.models import Role
from ..cache import app_cache
from ..campaigns.models import Campaign
from ..experts.operations import set_bidding
from ..extensions import db
from ..i18n import current_language
from ..jobs import JobAlreadyRunning
from ..views import committed
from . import operations
from .cli import register
from .forms import ActionForm, AddReviewerForm, BiddingForm, RunForm
from ..cases.workflow import CaseState
from .models import AssignmentStatus, ReviewAssignment

bp = Blueprint("assignment", __name__, url_prefix="/assignment", cli_group=None)
register(bp)


def _campaign_or_404(campaign_id):
    return db.session.get(Campaign, campaign_id) or abort(404)


def _back(campaign_id):
    return redirect(url_for("assignment.show", campaign_id=campaign_id))


@bp.get("/campaigns/<int:campaign_id>")
@allow(Role.ADMIN)
def show(campaign_id):
    campaign = _campaign_or_404(campaign_id)
    summary = operations.preview(campaign, page=request.args.get("page", 1, type=int))
    run = summary.run
    run_form = RunForm(evenness=run.evenness, balance_weight=run.balance_weight or 5,
                       fairness=run.fairness) if run else RunForm()
    action_form, tables = ActionForm(), _tables(summary)
    cases_html = Markup(tables["cases"].replace(Markup(CSRF_MARKER), action_form.hidden_tag()))
    return render_template("assignment/show.html", campaign=campaign, summary=summary, tables=tables,
                           cases_html=cases_html, in_pool=sum(1 for e, _load, _cap in summary.load if e.in_pool),
                           add_form=AddReviewerForm(), action_form=action_form, run_form=run_form,
                           bidding_form=BiddingForm(enabled=campaign.bidding_enabled))


CSRF_MARKER = "<!-- csrf -->"


def _tables(summary):
    """The long parts of the page (100 cases with their reviewers, the expert list of the
    add form, every expert's load), reused while the stored assignment, the pool, the
    experts and the language are the same (summary.key, see operations.preview_key).
    They hold no CSRF token: the Remove forms hold CSRF_MARKER, replaced on every view."""
    def render():
        add_form = AddReviewerForm(formdata=None)
        add_form.expert_id.choices = [(e.id, e.name) for e, _load, _cap in summary.load if e.in_pool]
        context = dict(summary=summary, campaign_id=summary.key[0], csrf_marker=Markup(CSRF_MARKER),
                       names={e.id: e.name for e, _load, _cap in summary.load},
                       # Translated once, not once per row: a page lists hundreds of reviewers.
                       labels={state: str(state.label) for state in (*AssignmentStatus, *CaseState)})
        return {"cases": Markup(render_template("assignment/_cases.html", **context)),
                "add_fields": Markup(render_template("assignment/_add_fields.html", add_form=add_form)),
                "load": Markup(render_template("assignment/_load.html", **context))}
    key = (summary.key, summary.page, current_language())
    return app_cache("assignment-html", size=32, max_age=600).get(key, render)


@bp.post("/campaigns/<int:campaign_id>/run")
@allow(Role.ADMIN)
def run(campaign_id):
    campaign = _campaign_or_404(campaign_id)
    form = RunForm()
    if not form.validate_on_submit():
        for errors in form.errors.values():
            for error in errors:
                flash(error, "error")
        return _back(campaign_id)
    options = operations.RunOptions(evenness=form.evenness.data, fairness=bool(form.fairness.data),
                                    balance_weight=float(form.balance_weight.data or 0)
                                    if form.evenness.data == "tradeoff" else 0.0)
    try:
        stored = operations.request_run(current_user, campaign, options)
    except (operations.AssignmentRefused, JobAlreadyRunning) as refused:
        db.session.rollback()
        flash(_l("Nothing was changed."), "error")
        for reason in getattr(refused, "reasons", None) or [refused.message]:
            flash(reason, "error")
        return _back(campaign_id)
    db.session.commit()
    if not stored.finished:
        flash(_l("The assignment is being computed; this page shows its progress."), "success")
    elif stored.short_cases:
        flash(_l("The assignment is incomplete: %(count)d cases are short of reviewers. See why below.",
                 count=stored.short_cases), "error")
    else:
        flash(_l("Every case has its reviewers. Check the proposal, then confirm it."), "success")
    return _back(campaign_id)


@bp.post("/campaigns/<int:campaign_id>/add")
@allow(Role.ADMIN)
def add(campaign_id):
    campaign = _campaign_or_404(campaign_id)
    form = AddReviewerForm()
    form.expert_id.choices = None
    form.expert_id.validate_choice = False
    if form.validate_on_submit():
        with committed(_l("The reviewer is added to the proposal."), operations.AssignmentRefused):
            operations.add_reviewer(current_user, campaign, form.case_id.data, form.expert_id.data)
    return _back(campaign_id)


@bp.post("/campaigns/<int:campaign_id>/assignments/<int:assignment_id>/remove")
@allow(Role.ADMIN)
def remove(campaign_id, assignment_id):
    assignment = db.session.get(ReviewAssignment, assignment_id)
    if assignment is None or assignment.campaign_id != campaign_id:
        abort(404)
    if ActionForm().validate_on_submit():
        with committed(_l("The reviewer is removed."), operations.AssignmentRefused):
            operations.remove_reviewer(current_user, assignment)
    return _back(campaign_id)


@bp.post("/campaigns/<int:campaign_id>/confirm")
@allow(Role.ADMIN)
def confirm(campaign_id):
    campaign = _campaign_or_404(campaign_id)
    if ActionForm().validate_on_submit():
        try:
            count = operations.confirm_assignment(current_user, campaign)
        except operations.AssignmentRefused as refused:
            db.session.rollback()
            flash(_l("Nothing was confirmed."), "error")
            for reason in refused.reasons:
                flash(reason, "error")
        else:
            db.session.commit()
            flash(_l("%(count)d assignments confirmed; the experts have been told by e-mail.", count=count),
                  "success")
    return _back(campaign_id)


@bp.post("/campaigns/<int:campaign_id>/bidding")
@allow(Role.ADMIN)
def bidding(campaign_id):
    campaign = _campaign_or_404(campaign_id)
    form = BiddingForm()
    if form.validate_on_submit():
        set_bidding(current_user, campaign, form.enabled.data)
        db.session.commit()
        flash(_l("Bidding is on.") if form.enabled.data else _l("Bidding is off."), "success")
    return _back(campaign_id)
