"""Health check for load balancers, and the administrators' audit log."""
from flask import Blueprint, Response, jsonify, render_template, request
from sqlalchemy import text

from ..access import allow, public
from ..auth.models import Role
from ..extensions import db
from ..input_limits import MAX_PAGE, int_arg
from ..security import DOWNLOAD_POLICY
from .audit_log import AUDIT_PAGE_SIZE, audit_csv, audit_filters, audit_query, date_problems

bp = Blueprint("ops", __name__)


@bp.get("/healthz")
@public
def health():
    """200 when the database answers; 503 otherwise. Says nothing else."""
    try:
        db.session.execute(text("SELECT 1"))
    except Exception:  # any database failure means "not healthy"
        db.session.rollback()
        return jsonify(status="unavailable"), 503
    return jsonify(status="ok")


@bp.get("/admin/audit")
@allow(Role.ADMIN)
def audit_log():
    filters = audit_filters(request.args)
    page = int_arg("page", 1, low=1, high=MAX_PAGE)
    entries = db.paginate(audit_query(filters), page=page, per_page=AUDIT_PAGE_SIZE, error_out=False)
    return render_template("ops/audit_log.html", entries=entries, filters=filters, problems=date_problems(filters))


@bp.get("/admin/audit.csv")
@allow(Role.ADMIN)
def audit_export():
    filters = audit_filters(request.args)
    return Response(audit_csv(filters), mimetype="text/csv; charset=utf-8",
                    headers={"Content-Disposition": "attachment; filename=audit-log.csv",
                             "Content-Security-Policy": DOWNLOAD_POLICY})
