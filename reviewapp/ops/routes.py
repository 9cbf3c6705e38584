"""Health check for load balancers, and the administrators' audit log."""
from flask import Blueprint, Response, current_app, jsonify, render_template, request
from sqlalchemy import text

from ..access import allow, public
from ..auth.models import Role
from ..extensions import db
from ..input_limits import MAX_PAGE, int_arg
from ..security import DOWNLOAD_POLICY
from .audit_actions import action_label
from .audit_changes import describe as describe_changes
from .audit_log import AUDIT_PAGE_SIZE, audit_csv, audit_filters, audit_query, date_problems

bp = Blueprint("ops", __name__)


@bp.record_once
def _announce_office_sandbox(state):
    from ..cases.office_sandbox import announce
    announce(state.app)


@bp.get("/healthz")
@public
def health():
    """200 when the database answers; 503 otherwise. `office_previews` tells how LibreOffice is
    isolated ("refused" when it cannot be): previews are optional (files are still accepted and
    downloadable), so a refusal does not take the machine out of the load balancer; monitor it."""
    from ..cases.office_sandbox import isolation
    try:
        db.session.execute(text("SELECT 1"))
    except Exception:  # any database failure means "not healthy"
        db.session.rollback()
        return jsonify(status="unavailable"), 503
    sandbox = isolation(current_app.config)
    return jsonify(status="ok", office_previews=sandbox.level if sandbox.allowed else "refused")


@bp.get("/admin/audit")
@allow(Role.ADMIN)
def audit_log():
    filters = audit_filters(request.args)
    page = int_arg("page", 1, low=1, high=MAX_PAGE)
    entries = db.paginate(audit_query(filters), page=page, per_page=AUDIT_PAGE_SIZE, error_out=False)
    return render_template("ops/audit_log.html", entries=entries, filters=filters, problems=date_problems(filters),
                           describe_changes=describe_changes, action_label=action_label)


@bp.get("/admin/audit.csv")
@allow(Role.ADMIN)
def audit_export():
    filters = audit_filters(request.args)
    return Response(audit_csv(filters), mimetype="text/csv; charset=utf-8",
                    headers={"Content-Disposition": "attachment; filename=audit-log.csv",
                             "Content-Security-Policy": DOWNLOAD_POLICY})
