"""The expert pool (admin), conflicts of interest, and the experts' blind case list."""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from ..access import allow
from ..auth.models import Role, User
from ..campaigns.models import Campaign
from ..campaigns.queries import latest_campaign
from ..cases.models import Case
from ..extensions import db
from ..recommendation.queries import review_pool
from ..views import committed
from . import operations, queries
from .conflicts import RULE_LABELS
from .forms import BidForm, DeclareConflictForm, ExpertForm, ImportForm, MayKnowForm, WaiveForm
from .importer import ImportRefused, import_experts
from .models import BID_LABELS, ExpertProfile
from .pool_tokens import pool_case_by_token, pool_token

bp = Blueprint("experts", __name__, url_prefix="/experts")


def _theme_names():
    campaign = latest_campaign()
    return [t.name_zh for t in campaign.themes] if campaign else []


def in_current_pool(user, token, **_):
    """Experts see only the blind summaries of the latest campaign's review pool, each named by
    an opaque token (pool_tokens), never by its case id."""
    return pool_case_by_token(token) is not None


@bp.get("/")
@allow(Role.ADMIN)
def index():
    return render_template("experts/index.html", profiles=queries.all_profiles())


@bp.route("/new", methods=["GET", "POST"])
@allow(Role.ADMIN)
def new():
    form = ExpertForm(theme_names=_theme_names())
    if form.validate_on_submit():
        try:
            operations.add_expert(current_user, form.values())
        except operations.ExpertError as error:
            db.session.rollback()
            getattr(form, error.field or "email").errors.append(error.message)
        else:
            db.session.commit()
            flash(_l("%(name)s was added to the expert pool.", name=form.name.data), "success")
            return redirect(url_for("experts.index"))
    return render_template("experts/edit.html", form=form, profile=None)


@bp.route("/<int:profile_id>/edit", methods=["GET", "POST"])
@allow(Role.ADMIN)
def edit(profile_id):
    profile = db.session.get(ExpertProfile, profile_id) or abort(404)
    form = ExpertForm(obj=profile if request.method == "GET" else None, theme_names=_theme_names())
    form.email.data = profile.email
    if form.validate_on_submit():
        operations.update_expert(current_user, profile, form.values())
        db.session.commit()
        flash(_l("The expert's profile is saved."), "success")
        return redirect(url_for("experts.index"))
    return render_template("experts/edit.html", form=form, profile=profile)


@bp.route("/import", methods=["GET", "POST"])
@allow(Role.ADMIN)
def import_list():
    form = ImportForm()
    errors = []
    if form.validate_on_submit():
        upload = form.file.data
        try:
            added = import_experts(current_user, upload.filename or "", upload.read())
        except ImportRefused as refused:
            db.session.rollback()
            errors = refused.errors
        else:
            db.session.commit()
            flash(_l("%(count)d experts imported and invited.", count=len(added)), "success")
            return redirect(url_for("experts.index"))
    return render_template("experts/import.html", form=form, errors=errors)


def _campaign_or_404(campaign_id):
    return db.session.get(Campaign, campaign_id) or abort(404)


@bp.route("/campaigns/<int:campaign_id>/conflicts", methods=["GET", "POST"])
@allow(Role.ADMIN)
def conflicts(campaign_id):
    campaign = _campaign_or_404(campaign_id)
    cases, experts = review_pool(campaign), queries.pool_experts()
    form = DeclareConflictForm()
    form.expert_id.choices = [(user.id, f"{profile.name} <{user.email}>") for user, profile in experts]
    if form.validate_on_submit():
        case = db.session.get(Case, form.case_id.data)
        if case is None or case not in cases:
            form.case_id.errors.append(_l("No case with this number is in the review pool."))
        else:
            operations.declare_conflict(current_user, case, db.session.get(User, form.expert_id.data),
                                        form.note.data)
            db.session.commit()
            flash(_l("The conflict of interest is recorded."), "success")
            return redirect(url_for("experts.conflicts", campaign_id=campaign.id))
    table = queries.campaign_conflicts(cases, experts)
    names = {user.id: profile.name for user, profile in experts}
    titles = {case.id: case.title for case in cases}
    return render_template("experts/conflicts.html", campaign=campaign, form=form, waive_form=WaiveForm(),
                           rows=sorted(table.values(), key=lambda r: (r.case_id, r.expert_id)),
                           names=names, titles=titles, rule_labels=RULE_LABELS)


@bp.post("/campaigns/<int:campaign_id>/conflicts/<int:case_id>/<int:expert_id>/waive")
@allow(Role.ADMIN)
def waive(campaign_id, case_id, expert_id):
    case = db.session.get(Case, case_id)
    expert = db.session.get(User, expert_id)
    if case is None or expert is None or case.campaign_id != campaign_id:
        abort(404)
    form = WaiveForm()
    with committed(_l("The conflict of interest is waived; the reason is in the audit log."), operations.ExpertError):
        operations.waive_conflict(current_user, case, expert, form.reason.data if form.validate_on_submit() else "")
    return redirect(url_for("experts.conflicts", campaign_id=campaign_id))


@bp.get("/cases")
@allow(Role.EXPERT)
def cases():
    campaign = latest_campaign()
    pool = review_pool(campaign) if campaign else []
    ids = [c.id for c in pool]
    # Titles and summaries may still name the applicant: show them redacted, as on the review page.
    from ..organizations.people import preload
    preload(case.organization_id for case in pool)  # two queries, not two per case
    blind = {case.id: _blind_summary(case) for case in pool}
    return render_template("experts/cases.html", campaign=campaign, cases=pool, blind=blind,
                           bid_labels=BID_LABELS,
                           bids=queries.bids_for(ids, [current_user.id]),
                           declared=queries.declared_by(current_user.id, ids),
                           tokens={case.id: pool_token(case) for case in pool},
                           may_know_form=MayKnowForm(), bid_form=BidForm())


def _blind_summary(case):
    from ..review.blind_view import redactor
    redact = redactor(case)
    return {"title": redact(case.title), "summary": redact(case.summary)}


@bp.post("/cases/<token>/may-know")
@allow(Role.EXPERT, check=in_current_pool)
def may_know(token):
    if MayKnowForm().validate_on_submit():
        operations.declare_conflict(current_user, pool_case_by_token(token), current_user)
        db.session.commit()
        flash(_l("Thank you. You will not be asked to review this case."), "success")
    return redirect(url_for("experts.cases"))


@bp.post("/cases/<token>/bid")
@allow(Role.EXPERT, check=in_current_pool)
def bid(token):
    form = BidForm()
    if not form.validate_on_submit():
        flash(_l("Choose one of the answers."), "error")
        return redirect(url_for("experts.cases"))
    with committed(_l("Your bid is saved."), operations.ExpertError):
        operations.place_bid(current_user, pool_case_by_token(token), form.level.data)
    return redirect(url_for("experts.cases"))
