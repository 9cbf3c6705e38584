"""Administration pages; each is a thin view over a feature's queries or operations."""
from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from ..access import allow
from ..auth import operations as account_operations
from ..auth.models import Invitation, Role, User
from ..campaigns.queries import all_campaigns
from ..cases.workflow import CaseState
from ..extensions import db
from ..input_limits import MAX_PAGE, int_arg
from ..mail.models import OutboxMessage
from ..organizations.models import Organization
from ..organizations.reference import province_choices
from ..security import DOWNLOAD_POLICY
from ..units.models import RecommendingUnit
from ..units.registration import creation_order, registration_table, registration_xlsx
from .forms import InvitationForm
from .queries import case_list_page

bp = Blueprint("admin", __name__, url_prefix="/admin")


def _units():
    return db.session.scalars(db.select(RecommendingUnit).order_by(*creation_order())).all()


@bp.get("/users")
@allow(Role.ADMIN)
def users():
    people = db.session.scalars(db.select(User).order_by(User.role, User.created_at)).all()
    return render_template("admin/users.html", users=people)


@bp.get("/organizations")
@allow(Role.ADMIN)
def organizations():
    rows = db.session.scalars(db.select(Organization).order_by(Organization.created_at.desc())).all()
    return render_template("admin/organizations.html", organizations=rows)


@bp.get("/cases")
@allow(Role.ADMIN)
def cases():
    filters = {key: request.args.get(key, "") for key in ("campaign", "state", "province")}
    rows = case_list_page(filters, int_arg("page", 1, low=1, high=MAX_PAGE))
    return render_template("admin/cases.html", cases=rows, filters=filters, campaigns=all_campaigns(),
                           states=list(CaseState), provinces=province_choices())


@bp.get("/units")
@allow(Role.ADMIN)
def units():
    return render_template("admin/units.html", groups=registration_table())


@bp.get("/units.xlsx")
@allow(Role.ADMIN)
def units_xlsx():
    response = current_app.response_class(
        registration_xlsx(registration_table()),
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response.headers["Content-Disposition"] = "attachment; filename=recommending-units.xlsx"
    response.headers["Content-Security-Policy"] = DOWNLOAD_POLICY
    return response


@bp.route("/invitations", methods=["GET", "POST"])
@allow(Role.ADMIN)
def invitations():
    form = InvitationForm(unit_choices=[(u.id, u.name) for u in _units()])
    if form.validate_on_submit():
        unit = db.session.get(RecommendingUnit, form.unit_id.data) if form.unit_id.data else None
        try:
            account_operations.invite(current_user, form.email.data, form.name.data,
                                      Role(form.role.data), unit)
        except account_operations.AccountError as error:
            getattr(form, error.field or "email").errors.append(error.message)
        else:
            db.session.commit()
            flash(_l("Invitation sent to %(email)s.", email=form.email.data), "success")
            return redirect(url_for("admin.invitations"))
    # Colleague invitations are the organizations' own (their page "Colleagues").
    rows = db.session.scalars(db.select(Invitation).filter(Invitation.organization_id.is_(None))
                              .order_by(Invitation.created_at.desc())).all()
    return render_template("admin/invitations.html", form=form, invitations=rows)


@bp.get("/outbox")
@allow(Role.ADMIN)
def outbox():
    messages = db.session.scalars(db.select(OutboxMessage).order_by(
        OutboxMessage.created_at.desc()).limit(200)).all()
    return render_template("admin/outbox.html", messages=messages,
                           backend=current_app.config["MAIL_BACKEND"])
