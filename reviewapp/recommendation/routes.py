"""The recommending unit's screening pages and the admin's table of units."""
from io import BytesIO

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from ..access import allow
from ..auth.models import Role
from ..campaigns.models import Campaign
from ..campaigns.phases import Window, describe_window, is_open
from ..campaigns.queries import latest_campaign
from ..cases.models import Case
from ..cases.snapshot import submitted_version
from ..cases.workflow import can
from ..extensions import db
from ..security import DOWNLOAD_POLICY
from ..views import committed
from . import operations, queries, screening
from .export import units_workbook
from .forms import ConfirmForm, ReasonForm

bp = Blueprint("recommendation", __name__, url_prefix="/recommendation")


def in_jurisdiction(user, case_id):
    """A unit user may see the case only if their unit screens it."""
    case = db.session.get(Case, case_id)
    return case is not None and user.unit_id is not None and case.unit_id == user.unit_id


def _campaign_or_404(campaign_id):
    return db.session.get(Campaign, campaign_id) or abort(404)


@bp.get("/")
@allow(Role.UNIT)
def index():
    campaign = latest_campaign()
    if campaign is None or current_user.unit_id is None:
        return render_template("recommendation/index.html", campaign=campaign, cases=[])
    cases = queries.unit_cases(current_user.unit_id, campaign)
    return render_template(
        "recommendation/index.html", campaign=campaign, cases=[(case, submitted_version(case)) for case in cases],
        quota_left=queries.quota_left(current_user.unit_id, campaign),
        window_open=is_open(campaign, Window.RECOMMENDATION),
        window=describe_window(campaign, Window.RECOMMENDATION))


@bp.get("/cases/<int:case_id>")
@allow(Role.UNIT, check=in_jurisdiction)
def show(case_id):
    # The submitted version: what the applicant writes after withdrawing or a return stays theirs.
    return screening.case_page(db.session.get(Case, case_id))


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


@bp.get("/units")
@allow(Role.ADMIN)
def units():
    campaign_id = request.args.get("campaign", type=int)
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
