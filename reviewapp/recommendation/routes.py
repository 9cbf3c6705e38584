"""The recommending unit's screening pages and the admin's table of units."""
from io import BytesIO

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy.orm import joinedload

from ..access import allow
from ..cache import request_memo
from ..auth.models import Role
from ..campaigns.models import Campaign
from ..campaigns.phases import Window, describe_window, is_open
from ..campaigns.queries import latest_campaign
from ..cases.models import Case
from ..extensions import db
from ..input_limits import parse_id
from ..security import DOWNLOAD_POLICY
from ..views import committed
from . import listing, notes, operations, queries, screening
from .export import cases_workbook, units_workbook
from .forms import BulkForm, ConfirmForm, NoteForm, ReasonForm

bp = Blueprint("recommendation", __name__, url_prefix="/recommendation")


def in_jurisdiction(user, case_id):
    """A unit user may see the case only if their unit screens it."""
    case = db.session.get(Case, case_id, options=[joinedload(Case.organization), joinedload(Case.campaign)])
    # Held for the view: the session's identity map keeps objects only while they are referenced,
    # and the view would read the case (and its organization and campaign) again.
    request_memo("recommendation.case")[case_id] = case
    return case is not None and user.unit_id is not None and case.unit_id == user.unit_id


def _campaign_or_404(campaign_id):
    return db.session.get(Campaign, campaign_id) or abort(404)


@bp.get("/")
@allow(Role.UNIT)
def index():
    campaign = latest_campaign()
    if campaign is None or current_user.unit_id is None:
        return render_template("recommendation/index.html", campaign=campaign, page=None)
    rows = listing.unit_rows(current_user.unit_id, campaign)
    query = listing.Query.from_args(request.args)
    return render_template(
        "recommendation/index.html", campaign=campaign, query=query, all_rows=rows,
        page=listing.paginate(listing.select(rows, query), query.page),
        options=listing.filter_options(rows, campaign), reason_form=ReasonForm(formdata=None),
        quota_left=listing.quota_left(rows, campaign),
        window_open=is_open(campaign, Window.RECOMMENDATION),
        window=describe_window(campaign, Window.RECOMMENDATION))


@bp.get("/cases.xlsx")
@allow(Role.UNIT)
def export():
    """The list as filtered and sorted (all pages), as the unit reads it."""
    campaign = latest_campaign() or abort(404)
    if current_user.unit_id is None:
        abort(404)
    rows = listing.select(listing.unit_rows(current_user.unit_id, campaign), listing.Query.from_args(request.args))
    response = send_file(BytesIO(cases_workbook(campaign, rows)), as_attachment=True,
                         download_name=f"cases-{campaign.slug}.xlsx",
                         mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response.headers["Content-Security-Policy"] = DOWNLOAD_POLICY
    return response


@bp.get("/cases/<int:case_id>")
@allow(Role.UNIT, check=in_jurisdiction)
def show(case_id):
    # The submitted version: what the applicant writes after withdrawing or a return stays theirs.
    case = db.session.get(Case, case_id)
    rows = listing.unit_rows(case.unit_id, case.campaign)
    return screening.case_page(case, listing.neighbours(rows, case.id, listing.Query.from_args(request.args)),
                               number=next((row.number for row in rows if row.id == case.id), ""),
                               quota_left=listing.quota_left(rows, case.campaign))


def _act(case_id, action):
    case = db.session.get(Case, case_id)
    form = ReasonForm() if action != "recommend" else ConfirmForm()
    if not form.validate_on_submit():
        flash(_l("Please give a reason."), "error")
        return redirect(url_for("recommendation.show", case_id=case_id))
    done = {"recommend": _l("The case is recommended."), "unrecommend": _l("The recommendation is withdrawn."),
            "return": _l("The case was returned to the applicant.")}[action]
    with committed(done, operations.RecommendationRefused) as outcome:
        if action == "recommend":
            operations.recommend(current_user, case)
        elif action == "unrecommend":
            operations.unrecommend(current_user, case, form.reason.data)
        else:
            operations.return_to_applicant(current_user, case, form.reason.data)
    return redirect(url_for("recommendation.index") if outcome.ok else url_for("recommendation.show", case_id=case_id))


@bp.post("/cases/<int:case_id>/recommend")
@allow(Role.UNIT, check=in_jurisdiction)
def recommend(case_id):
    return _act(case_id, "recommend")


@bp.post("/cases/<int:case_id>/unrecommend")
@allow(Role.UNIT, check=in_jurisdiction)
def unrecommend(case_id):
    return _act(case_id, "unrecommend")


@bp.post("/cases/<int:case_id>/return")
@allow(Role.UNIT, check=in_jurisdiction)
def return_case(case_id):
    return _act(case_id, "return")


@bp.app_template_global()
def internal_notes(case):
    """The case's internal notes and an empty form, for the department's case page; None for
    anyone else (the applicant's pages never carry them)."""
    if not (current_user.is_authenticated and notes.may_read_notes(current_user, case)):
        return None
    return notes.notes_of(case), NoteForm(formdata=None)


def reads_notes(user, case_id):
    return notes.may_read_notes(user, db.session.get(Case, case_id))


@bp.route("/cases/<int:case_id>/notes", methods=["GET", "POST"])
@allow(Role.UNIT, Role.ADMIN, check=reads_notes)
def case_notes(case_id):
    """Internal notes for the unit and the department (never the applicant's or an expert's).
    A refused note is shown again in its field, with the reason."""
    case = db.session.get(Case, case_id)
    form = NoteForm()
    if request.method == "POST":
        if form.validate_on_submit():
            with committed(_l("Note added. Only your unit and the department see it."), notes.NoteRefused) as outcome:
                notes.add_note(current_user, case, form.body.data)
            if outcome.ok:
                return redirect(url_for("recommendation.case_notes", case_id=case_id))
        status = 422
    else:
        form, status = NoteForm(formdata=None), 200
    return render_template("recommendation/notes.html", case=case, notes=notes.notes_of(case), form=form,
                           shown=screening.submitted_version(case)), status


@bp.post("/bulk")
@allow(Role.UNIT)
def bulk():
    """Recommend or return the ticked cases: first a page that says what will happen (how many
    cases, the quota, how many people are e-mailed), then, confirmed, all of them or none."""
    form = BulkForm()
    back = url_for("recommendation.index", **{k: v for k, v in request.form.items() if k in _LIST_ARGS})
    ids = set(request.form.getlist("case_ids", type=int))
    cases = [case for case in (db.session.get(Case, case_id) for case_id in sorted(ids))
             if case is not None and case.unit_id == current_user.unit_id]
    action = request.form.get("action")
    if not form.validate_on_submit() or action not in ("recommend", "return"):
        flash(_l("The form had expired; please send it again."), "error")
        return redirect(back)
    if not cases:
        flash(_l("Choose at least one case in the list."), "error")
        return redirect(back)
    reason = (request.form.get("reason") or "").strip()
    if action == "return" and not reason:
        flash(_l("Please give a reason."), "error")
        return redirect(back)
    if request.form.get("confirmed") != "yes":
        campaign = cases[0].campaign
        return render_template("recommendation/confirm.html", action=action, cases=cases, reason=reason,
                               numbers=listing.case_numbers(campaign), form=form, campaign=campaign,
                               quota_left=queries.quota_left(current_user.unit_id, campaign),
                               recipients=operations.mail_recipients(cases), back=back,
                               list_args={k: v for k, v in request.form.items() if k in _LIST_ARGS})
    with committed(None, operations.RecommendationRefused) as outcome:
        if action == "recommend":
            operations.recommend_many(current_user, current_user.unit, cases)
            outcome.message = _l("%(n)d cases are recommended.", n=len(cases))
        else:
            operations.return_many(current_user, cases, reason)
            outcome.message = _l("%(n)d cases were returned to their applicants.", n=len(cases))
    return redirect(back)


_LIST_ARGS = ("q", "state", "theme", "org_type", "city", "sort", "order", "page")


@bp.get("/units")
@allow(Role.ADMIN)
def units():
    campaign_id = parse_id(request.args.get("campaign"))
    campaign = _campaign_or_404(campaign_id) if campaign_id else latest_campaign()
    rows = queries.units_table(campaign) if campaign else []
    return render_template("recommendation/units.html", campaign=campaign, rows=rows)


@bp.get("/campaigns/<int:campaign_id>/units.xlsx")
@allow(Role.ADMIN)
def units_xlsx(campaign_id):
    campaign = _campaign_or_404(campaign_id)
    data = units_workbook(campaign, queries.units_table(campaign))
    response = send_file(BytesIO(data), as_attachment=True, download_name=f"units-{campaign.slug}.xlsx",
                         mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response.headers["Content-Security-Policy"] = DOWNLOAD_POLICY
    return response
