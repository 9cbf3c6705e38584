"""Starting a draft (once per click, however often the form is sent) and deleting one."""
import re
import secrets

from flask import flash, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy.exc import IntegrityError

from ..access import allow
from ..audit import AuditEntry
from ..auth.models import Role
from ..campaigns.models import Campaign
from ..campaigns.phases import WindowClosed
from ..extensions import db
from . import operations
from .blueprint import bp, in_an_organization, load_case, owns_case
from .models import Case

_TOKEN = re.compile(r"[A-Za-z0-9_-]{16,64}")


@bp.app_template_global()
def start_token():
    """A fresh one-time token for a "start a case" form (see operations.start_case)."""
    return secrets.token_urlsafe(24)


@bp.app_template_global()
def may_delete(case):
    """Whether to offer "Delete" for `case` (the page then asks to confirm)."""
    return operations.deletion_refusal(case) is None


@bp.post("/start/<int:campaign_id>")
@allow(Role.ORGANIZATION, check=in_an_organization)
def start(campaign_id):
    campaign = db.session.get(Campaign, campaign_id)
    token = request.form.get("start_token", "")
    if campaign is None:
        return redirect(url_for("dashboard.index"))
    if not _TOKEN.fullmatch(token):
        # A page from before start tokens existed, or a hand-made request: nothing was created.
        flash(_l("The page was out of date, so no case was started. Please press the button again."), "error")
        return redirect(url_for("dashboard.index"))
    try:
        case = operations.start_case(current_user, campaign, token)
        db.session.commit()
    except WindowClosed as error:
        db.session.rollback()
        flash(error.message, "error")
        return redirect(url_for("dashboard.index"))
    except IntegrityError:
        # The same form sent twice at once: the other request created the draft; open it.
        db.session.rollback()
        case = operations.case_started_with(current_user, token)
        if case is None:
            raise
    return redirect(url_for("cases.edit", case_id=case.id))


def _deleted_by_own_organization(user, case_id):
    entries = db.session.scalars(db.select(AuditEntry).filter_by(
        action="case.deleted", object_type="Case", object_id=case_id))
    return any((entry.changes or {}).get("organization") == user.organization_id for entry in entries)


def owns_or_deleted(user, case_id, **_):
    """The applicant's case, or one it has deleted (a second click on "Delete" is answered
    "already deleted", not "not found")."""
    return owns_case(user, case_id) or (
        user.role is Role.ORGANIZATION and user.organization_id is not None
        and _deleted_by_own_organization(user, case_id))


def _already_deleted():
    flash(_l("The draft was deleted."), "success")
    return redirect(url_for("dashboard.index"))


@bp.route("/<int:case_id>/delete", methods=["GET", "POST"])
@allow(Role.ORGANIZATION, check=owns_or_deleted)
def delete_draft(case_id):
    case = db.session.get(Case, case_id)
    if case is None:
        return _already_deleted()
    refusal, status = operations.deletion_refusal(case), 200
    if request.method == "POST":
        status = 409
        if not FlaskForm().validate_on_submit():
            refusal = refusal or _l("The form had expired; please send it again.")
        elif refusal is None:
            try:
                operations.delete_case(current_user, case)
                db.session.commit()
            except operations.CaseDeleted:
                db.session.rollback()
                return _already_deleted()
            except operations.CaseError as error:
                db.session.rollback()
                case, refusal = load_case(case_id), error.message
            else:
                return _already_deleted()
    return render_template("cases/delete.html", case=case, refusal=refusal, form=FlaskForm()), status
