"""The units' activity roll-up: a unit's own page (report up, downloads, who below has not reported)
and the department's pages (deadlines per level, every unit's status, the filing columns)."""
from flask import Blueprint, abort, flash, make_response, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm

from ..access import allow
from ..auth.models import Role
from ..campaigns.models import Campaign
from ..campaigns.queries import latest_campaign
from ..extensions import db
from ..input_limits import parse_id
from ..security import DOWNLOAD_POLICY
from ..timezones import zone_label
from . import filing, hierarchy, reporting
from .forms import DeadlinesForm, FilingColumnsForm, LocalUnitForm
from .models import LEVELS, RecommendingUnit, UnitLevel
from .rollup import issued_xlsx, rollup_counts, rollup_rows

bp = Blueprint("units", __name__, url_prefix="/units")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _download(data, name, mimetype):
    response = make_response(data)
    response.headers["Content-Type"] = mimetype
    response.headers["Content-Disposition"] = f"attachment; filename={name}"
    response.headers["Content-Security-Policy"] = DOWNLOAD_POLICY
    return response


def _own_unit():
    return current_user.unit or abort(404)


def _filing(campaign, unit, extension):
    units = {u.id: u for u in db.session.scalars(db.select(RecommendingUnit))}
    table = list(filing.filing_rows(rollup_rows(campaign, unit), units, filing.current_mapping()))
    name = f"filing-{campaign.slug}-{unit.id if unit else 'all'}.{extension}"
    if extension == "csv":
        return _download(filing.filing_csv(table), name, "text/csv; charset=utf-8")
    return _download(filing.filing_xlsx(table), name, XLSX)


def _overview(campaign, unit):
    """What a unit page and the department's page both show about the units under `unit`."""
    below = reporting.subordinate_units(unit)
    counts = rollup_counts(campaign, unit)
    return dict(statuses=reporting.statuses(campaign, below), counts=counts,
                missing=reporting.not_reported(campaign, unit), total_rows=sum(counts.values()),
                zone=zone_label(campaign.timezone))


# ---- a unit's own page ------------------------------------------------------------

@bp.get("/")
@allow(Role.UNIT)
def home():
    campaign, unit = latest_campaign(), current_user.unit
    if campaign is None or unit is None:
        return render_template("units/home.html", campaign=campaign, unit=unit)
    own = reporting.statuses(campaign, [unit])[0]
    return render_template("units/home.html", campaign=campaign, unit=unit, own=own,
                           chain=hierarchy.ancestors(unit), **_overview(campaign, unit))


@bp.post("/report")
@allow(Role.UNIT)
def report():
    campaign = latest_campaign() or abort(404)
    if FlaskForm().validate_on_submit():
        try:
            done = reporting.report_up(current_user, _own_unit(), campaign)
        except reporting.ReportRefused as refusal:
            db.session.rollback()
            flash(refusal.message, "error")
        else:
            db.session.commit()
            flash(_l("Reported: %(n)d activity rows forwarded.", n=done.rows), "success")
    return redirect(url_for("units.home"))


@bp.get("/activities.xlsx")
@allow(Role.UNIT)
def activities_xlsx():
    campaign, unit = latest_campaign() or abort(404), _own_unit()
    return _download(issued_xlsx(campaign, unit), f"activities-{campaign.slug}-{unit.id}.xlsx", XLSX)


@bp.get("/filing.csv")
@allow(Role.UNIT)
def filing_csv():
    return _filing(latest_campaign() or abort(404), _own_unit(), "csv")


@bp.get("/filing.xlsx")
@allow(Role.UNIT)
def filing_xlsx():
    return _filing(latest_campaign() or abort(404), _own_unit(), "xlsx")


# ---- the department ---------------------------------------------------------------

def _campaign(campaign_id):
    return db.session.get(Campaign, campaign_id) or abort(404)


def _unit_arg():
    """The ?unit= of a department download: that unit's roll-up; none, every unit's rows."""
    unit_id = parse_id(request.args.get("unit", ""))
    return (db.session.get(RecommendingUnit, unit_id) or abort(404)) if unit_id else None


@bp.get("/campaigns/<int:campaign_id>")
@allow(Role.ADMIN)
def campaign(campaign_id):
    item = _campaign(campaign_id)
    due = reporting.deadlines(item)
    form = DeadlinesForm(formdata=None, data={level.value: due.get(level) for level in LEVELS})
    return render_template("units/campaign.html", campaign=item, form=form, **_overview(item, None))


@bp.post("/campaigns/<int:campaign_id>/deadlines")
@allow(Role.ADMIN)
def deadlines(campaign_id):
    item = _campaign(campaign_id)
    form = DeadlinesForm()
    if not form.validate_on_submit():
        return render_template("units/campaign.html", campaign=item, form=form, **_overview(item, None)), 422
    changed = reporting.set_deadlines(current_user, item, form.due_dates())
    db.session.commit()
    flash(_l("Deadlines saved.") if changed else _l("Nothing was changed."), "success")
    return redirect(url_for("units.campaign", campaign_id=campaign_id))


@bp.get("/campaigns/<int:campaign_id>/activities.xlsx")
@allow(Role.ADMIN)
def campaign_activities_xlsx(campaign_id):
    item, unit = _campaign(campaign_id), _unit_arg()
    return _download(issued_xlsx(item, unit), f"activities-{item.slug}-{unit.id if unit else 'all'}.xlsx", XLSX)


@bp.get("/campaigns/<int:campaign_id>/filing.csv")
@allow(Role.ADMIN)
def campaign_filing_csv(campaign_id):
    return _filing(_campaign(campaign_id), _unit_arg(), "csv")


@bp.get("/campaigns/<int:campaign_id>/filing.xlsx")
@allow(Role.ADMIN)
def campaign_filing_xlsx(campaign_id):
    return _filing(_campaign(campaign_id), _unit_arg(), "xlsx")


@bp.route("/filing-columns", methods=["GET", "POST"])
@allow(Role.ADMIN)
def filing_columns():
    form = FilingColumnsForm(formdata=None, data={"mapping": filing.mapping_text(filing.current_mapping())}) \
        if request.method == "GET" else FilingColumnsForm()
    errors = []
    if request.method == "POST" and form.validate_on_submit():
        try:
            changed = filing.save_mapping(current_user, filing.parse_mapping(form.mapping.data))
        except filing.MappingRefused as refusal:
            errors = refusal.messages
        else:
            db.session.commit()
            flash(_l("Filing columns saved.") if changed else _l("Nothing was changed."), "success")
            return redirect(url_for("units.filing_columns"))
    status = 422 if request.method == "POST" else 200
    return render_template("units/filing_columns.html", form=form, errors=errors, fields=filing.FIELDS), status


@bp.route("/tree", methods=["GET", "POST"])
@allow(Role.ADMIN)
def tree():
    """Every unit under its parent, and a form to add a city or county bureau."""
    units = db.session.scalars(db.select(RecommendingUnit).order_by(RecommendingUnit.registration_order)).all()
    form = LocalUnitForm() if request.method == "POST" else LocalUnitForm(formdata=None)
    form.parent_id.choices = [(u.id, f"{u.name} · {u.level.label}") for u in units
                              if u.level in (UnitLevel.PROVINCE, UnitLevel.CITY)]
    if request.method == "POST" and form.validate_on_submit():
        parent = db.session.get(RecommendingUnit, form.parent_id.data)
        try:
            unit = hierarchy.add_local_unit(current_user, form.name_zh.data.strip(), UnitLevel(form.level.data),
                                            parent, (form.name_en.data or "").strip())
        except hierarchy.HierarchyError as refusal:
            db.session.rollback()
            form.parent_id.errors.append(refusal.message)
        else:
            db.session.commit()
            flash(_l("%(unit)s added.", unit=unit.name), "success")
            return redirect(url_for("units.tree"))
    children = {}  # built from the one list: no query per unit
    for unit in sorted(units, key=lambda u: u.name_zh):
        children.setdefault(unit.parent_id, []).append(unit)
    children[None] = [u for u in units if u.parent_id is None]
    status = 422 if request.method == "POST" else 200
    return render_template("units/tree.html", children=children, form=form), status
