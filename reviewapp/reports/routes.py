"""Admin statistics pages and their spreadsheets."""
from flask import Blueprint, abort, make_response, render_template, request
from markupsafe import Markup

from ..access import allow
from ..auth.models import Role
from ..cache import app_cache
from ..campaigns.models import Campaign
from ..extensions import db
from ..i18n import current_language
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
    return render_template("reports/campaign.html", campaign=item, body=_body(item, campaign_statistics(item)))


def _body(campaign, statistics):
    """The page's content (charts, tables, the export form), drawn again only when something it
    shows changes: the key holds every count and label as read in this request, the title and
    the language (drawing the four charts and tables was most of the page's time)."""
    key = (campaign.id, campaign.title, current_language(), tuple(statistics["totals"].items()),
           tuple((dimension, tuple((row.key, row.label, tuple(row.counts.values())) for row in rows))
                 for dimension, _label, rows in statistics["tables"]))

    def draw():
        charts = {dimension: bar_chart(rows) for dimension, _label, rows in statistics["tables"]}
        return Markup(render_template("reports/_campaign_body.html", campaign=campaign, statistics=statistics,
                                      charts=charts, stages=STAGES, stage_labels=STAGE_LABELS, case_sets=CASE_SETS,
                                      provinces=province_choices()))
    return app_cache("reports-campaign", size=16, max_age=900).get(key, draw)


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
