"""The profile page of every user, and administrators managing people and invitations."""
from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm

from ..access import allow
from ..auth import operations as auth_operations
from ..auth import sessions, throttle
from ..auth.models import Invitation, Role, User
from ..extensions import db
from ..units.models import RecommendingUnit
from . import operations
from .forms import PasswordChangeForm, ProfileForm, ReasonForm, RoleForm

bp = Blueprint("accounts", __name__)


def _profile_page(profile_form=None, password_form=None, status=200):
    user = current_user._get_current_object()
    profile_form = profile_form or ProfileForm(obj=user)
    password_form = password_form or PasswordChangeForm(owner=user)
    return render_template("accounts/profile.html", profile_form=profile_form, password_form=password_form,
                           sign_ins=auth_operations.recent_sign_ins(user)), status


@bp.get("/account")
@allow()
def profile():
    return _profile_page()


@bp.post("/account")
@allow()
def save_profile():
    form = ProfileForm()
    if not form.validate_on_submit():
        return _profile_page(profile_form=form, status=400)
    try:
        changed = operations.update_profile(current_user, form.name.data, form.phone.data)
    except auth_operations.AccountError as error:
        getattr(form, error.field).errors.append(error.message)
        return _profile_page(profile_form=form, status=422)
    db.session.commit()
    flash(_l("Your details are saved.") if changed else _l("Nothing was changed."), "success")
    return redirect(url_for(".profile"))


@bp.post("/account/password")
@allow()
def change_password():
    user = current_user._get_current_object()
    form = PasswordChangeForm(owner=user)
    if not form.validate_on_submit():
        return _profile_page(password_form=form, status=400)
    attempt = auth_operations.authenticate(user.email, form.current.data)
    if attempt.user is None or attempt.user.id != user.id:
        if attempt.locked_until is None:
            auth_operations.note_failed_sign_in(user.email)
            db.session.commit()
        form.current.errors.append(_l("This is not your current password."))
        return _profile_page(password_form=form, status=422)
    operations.change_password(user, form.password.data)
    throttle.clear(user.email)
    sessions.start(user, remember=user.auth_state[1])  # this browser stays signed in, the others end
    sessions.confirm()
    db.session.commit()
    flash(_l("Your password has been changed. Every other session of your account has ended."), "success")
    return redirect(url_for(".profile"))


# ---- administrators: people ------------------------------------------------------------------

def _user(user_id):
    return db.session.get(User, user_id) or abort(404)


def _units():
    return db.session.scalars(db.select(RecommendingUnit).order_by(RecommendingUnit.registration_order)).all()


def _manage_page(user, reason_form=None, role_form=None, status=200):
    role_form = role_form or RoleForm(unit_choices=[(u.id, u.name) for u in _units()],
                                      data={"role": user.role.value, "unit_id": user.unit_id or 0})
    return render_template("accounts/manage_user.html", person=user, reason_form=reason_form or ReasonForm(),
                           role_form=role_form, sign_ins=auth_operations.recent_sign_ins(user)), status


@bp.get("/admin/users/<int:user_id>")
@allow(Role.ADMIN)
def manage_user(user_id):
    return _manage_page(_user(user_id))


def _reasoned(user_id, operation, done):
    user = _user(user_id)
    form = ReasonForm()
    if not form.validate_on_submit():
        return _manage_page(user, reason_form=form, status=400)
    try:
        operation(current_user, user, form.reason.data)
    except auth_operations.AccountError as error:
        db.session.rollback()
        flash(error.message, "error")
        return _manage_page(user, reason_form=form, status=422)
    db.session.commit()
    flash(done, "success")
    return redirect(url_for(".manage_user", user_id=user_id))


@bp.post("/admin/users/<int:user_id>/deactivate")
@allow(Role.ADMIN)
def deactivate(user_id):
    return _reasoned(user_id, operations.deactivate,
                     _l("The account is deactivated; its sessions have ended."))


@bp.post("/admin/users/<int:user_id>/reactivate")
@allow(Role.ADMIN)
def reactivate(user_id):
    return _reasoned(user_id, operations.reactivate, _l("The account is active again."))


@bp.post("/admin/users/<int:user_id>/role")
@allow(Role.ADMIN)
@sessions.recent_auth_required
def change_role(user_id):
    user = _user(user_id)
    form = RoleForm(unit_choices=[(u.id, u.name) for u in _units()])
    if not form.validate_on_submit():
        return _manage_page(user, role_form=form, status=400)
    unit = db.session.get(RecommendingUnit, form.unit_id.data) if form.unit_id.data else None
    try:
        operations.change_role(current_user, user, Role(form.role.data), unit, form.reason.data)
    except auth_operations.AccountError as error:
        db.session.rollback()
        if error.field:
            getattr(form, error.field).errors.append(error.message)
        else:  # not about the form's values (the page may not even show the form)
            flash(error.message, "error")
        return _manage_page(user, role_form=form, status=422)
    db.session.commit()
    flash(_l("The role is changed; the person signs in again to use it."), "success")
    return redirect(url_for(".manage_user", user_id=user_id))


# ---- administrators: invitations -------------------------------------------------------------

def _invitation(invitation_id):
    return db.session.get(Invitation, invitation_id) or abort(404)


@bp.post("/admin/invitations/<int:invitation_id>/revoke")
@allow(Role.ADMIN)
def revoke_invitation(invitation_id):
    return _invitation_step(auth_operations.revoke_invitation, invitation_id,
                            _l("The invitation is revoked; its link no longer works."))


@bp.post("/admin/invitations/<int:invitation_id>/resend")
@allow(Role.ADMIN)
def resend_invitation(invitation_id):
    return _invitation_step(auth_operations.resend_invitation, invitation_id,
                            _l("A new invitation is sent; the earlier link no longer works."))


def _invitation_step(operation, invitation_id, done):
    invitation = _invitation(invitation_id)
    if not FlaskForm().validate_on_submit():
        abort(400)
    try:
        operation(current_user, invitation)
    except auth_operations.AccountError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        db.session.commit()
        flash(done, "success")
    return redirect(url_for("admin.invitations"))

