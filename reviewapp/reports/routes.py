"""Admin statistics pages and their spreadsheets."""
from flask import Blueprint, abort, make_response, render_template, request

from ..access import allow
from ..auth.models import Role
from ..campaigns.models import Campaign
from ..extensions import db
from ..organizations.reference import province_choices
from ..security import DOWNLOAD_POLICY
from .charts import bar_chart
from .export import CASE_SETS, activity_log_xlsx, cases_for_log, statistics_xlsx
from .statistics import STAGE_LABELS, STAGES, campaign_statistics

bp = Blueprint("reports", __name__, url_prefix="/reports")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _campaign(campaign_id):
    return db.session.get(Campaign, campaign_id) or abort(404)


def _xlsx(data, name):
    response = make_response(data)
    response.headers["Content-Type"] = XLSX
    response.headers["Content-Disposition"] = f"attachment; filename={name}"
    response.headers["Content-Security-Policy"] = DOWNLOAD_POLICY
    return response


@bp.get("/")
@allow(Role.ADMIN)
def index():
    campaigns = db.session.scalars(db.select(Campaign).order_by(Campaign.year.desc(), Campaign.id.desc())).all()
    return render_template("reports/index.html", campaigns=campaigns)


@bp.get("/campaigns/<int:campaign_id>")
@allow(Role.ADMIN)
def campaign(campaign_id):
    item = _campaign(campaign_id)
    statistics = campaign_statistics(item)
    charts = {dimension: bar_chart(rows) for dimension, _label, rows in statistics["tables"]}
    return render_template("reports/campaign.html", campaign=item, statistics=statistics, charts=charts,
                           stages=STAGES, stage_labels=STAGE_LABELS, case_sets=CASE_SETS,
                           provinces=province_choices())


@bp.get("/campaigns/<int:campaign_id>/statistics.xlsx")
@allow(Role.ADMIN)
def statistics_export(campaign_id):
    item = _campaign(campaign_id)
    return _xlsx(statistics_xlsx(item, campaign_statistics(item)), f"statistics-{item.slug}.xlsx")


@bp.get("/campaigns/<int:campaign_id>/activities.xlsx")
@allow(Role.ADMIN)
def activities_export(campaign_id):
    item = _campaign(campaign_id)
    case_set = request.args.get("cases", "selected")
    case_set = case_set if case_set in CASE_SETS else "selected"
    cases = cases_for_log(item, case_set, request.args.get("province", "")[:32])
    # 单位名称 is left for the department to write and stamp: the roll-up is its own report.
    return _xlsx(activity_log_xlsx(cases, year=item.year), f"activities-{item.slug}-{case_set}.xlsx")
