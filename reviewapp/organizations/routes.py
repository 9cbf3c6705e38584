"""The page "Colleagues": an organization's users and pending invitations, and what its owner does there."""
from functools import wraps

from flask import Blueprint, abort, current_app, flash, g, redirect, render_template, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm

from ..access import allow
from ..auth.models import Invitation, Role, User
from ..auth.operations import AccountError
from ..auth.sessions import recent_auth_required
from ..extensions import db, limiter
from . import members
from .forms import ColleagueInvitationForm

bp = Blueprint("organizations", __name__, url_prefix="/organization")


def colleague(user, member_id, **_):
    """`member_id` is a user of the signed-in user's organization."""
    member = db.session.get(User, member_id)
    return member is not None and user.organization_id is not None and member.organization_id == user.organization_id


def own_invitation(user, colleague_invitation_id, **_):
    """The invitation is to the signed-in user's organization."""
    invitation = db.session.get(Invitation, colleague_invitation_id)
    return (invitation is not None and user.organization_id is not None
            and invitation.organization_id == user.organization_id)


def owner_only(view):
    """Colleagues see the page; only the owner changes who is on it (403 for the others)."""
    @wraps(view)
    def guarded(*args, **kwargs):
        if not members.is_owner(current_user):
            abort(403)
        return view(*args, **kwargs)
    return guarded


def _page(form=None, status=200):
    organization = current_user.organization
    return render_template(
        "organizations/colleagues.html", organization=organization, form=form or ColleagueInvitationForm(),
        people=members.colleagues(organization) if organization else [],
        invitations=members.pending_invitations(organization) if organization else [],
        is_owner=members.is_owner(current_user), action_form=FlaskForm()), status


@bp.get("/colleagues")
@allow(Role.ORGANIZATION)
def colleagues():
    return _page()


def _invitation_limit():
    return current_app.config["COLLEAGUE_INVITATION_RATE_LIMIT"]


@bp.post("/colleagues/invite")
@allow(Role.ORGANIZATION)
@owner_only
@limiter.limit(_invitation_limit, key_func=lambda: f"colleague-invitations:{current_user.id}",
               deduct_when=lambda response: g.get("invitation_sent"))
def invite():
    form = ColleagueInvitationForm()
    if not form.validate_on_submit():
        return _page(form, status=400)
    try:
        members.invite_colleague(current_user, form.email.data, form.name.data)
    except AccountError as error:
        db.session.rollback()
        getattr(form, error.field or "email").errors.append(error.message)
        return _page(form, status=422)
    db.session.commit()
    g.invitation_sent = True  # only sent invitations count against the owner's limit
    flash(_l("The invitation is sent to %(email)s.", email=form.email.data.strip()), "success")
    return redirect(url_for(".colleagues"))


def _step(operation, obj, done):
    if not FlaskForm().validate_on_submit():
        abort(400)
    try:
        operation(current_user, obj)
    except AccountError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        db.session.commit()
        flash(done, "success")
    return redirect(url_for(".colleagues"))


@bp.post("/invitations/<int:colleague_invitation_id>/revoke")
@allow(Role.ORGANIZATION, check=own_invitation)
@owner_only
def revoke_invitation(colleague_invitation_id):
    return _step(members.revoke_colleague_invitation, db.session.get(Invitation, colleague_invitation_id),
                 _l("The invitation is revoked; its link no longer works."))


@bp.post("/colleagues/<int:member_id>/remove")
@allow(Role.ORGANIZATION, check=colleague)
@owner_only
@recent_auth_required
def remove(member_id):
    return _step(members.remove_colleague, db.session.get(User, member_id),
                 _l("The colleague is removed: they no longer see the organization's cases."))


@bp.post("/leave")
@allow(Role.ORGANIZATION)
def leave():
    if not FlaskForm().validate_on_submit():
        abort(400)
    name = current_user.organization.name if current_user.organization else ""
    try:
        members.leave(current_user._get_current_object())
    except AccountError as error:
        db.session.rollback()
        flash(error.message, "error")
        return redirect(url_for(".colleagues"))
    db.session.commit()
    flash(_l("You have left %(organization)s; you no longer see its cases.", organization=name), "success")
    return redirect(url_for("dashboard.index"))


@bp.post("/colleagues/<int:member_id>/owner")
@allow(Role.ORGANIZATION, check=colleague)
@owner_only
@recent_auth_required
def make_owner(member_id):
    return _step(members.hand_ownership, db.session.get(User, member_id),
                 _l("The ownership is handed over: your colleague now invites and removes colleagues."))
