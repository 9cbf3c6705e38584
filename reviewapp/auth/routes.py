"""Sign-in and sign-out, self-registration, password reset, invitations, language."""
import math

from flask import Blueprint, current_app, flash, g, redirect, render_template, request, session, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm

from ..access import allow, public
from ..extensions import db, limiter
from ..i18n import current_language
from ..security import safe_next_path
from ..units.models import RecommendingUnit
from ..timezones import utcnow
from ..organizations import members
from . import operations, sessions, throttle
from .models import Role
from .forms import (AcceptInvitationForm, ConfirmPasswordForm, ForgotPasswordForm, RegistrationForm,
                    ResetPasswordForm, SignInForm)

bp = Blueprint("auth", __name__, url_prefix="/auth")


def _login_limit():
    return current_app.config["LOGIN_RATE_LIMIT"]


def _locked_message(locked_until):
    minutes = max(1, math.ceil((locked_until - utcnow()).total_seconds() / 60))
    return _l("Too many wrong passwords were entered for this e-mail address, so signing in with it is "
              "paused: try again in %(n)d minutes, or choose a new password with “Forgot your password?”.",
              n=minutes)


def _failed(response):
    """Only failures use up an address's sign-in budget: a busy office signing in at a deadline
    is not blocked by its own successes."""
    return not g.get("signed_in")


@bp.route("/sign-in", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"], deduct_when=_failed)
@public
def sign_in():
    if current_user.is_authenticated:
        return redirect(url_for("dashboard.index"))
    form = SignInForm()
    if form.validate_on_submit():
        attempt = operations.authenticate(form.email.data, form.password.data)
        if attempt.locked_until is not None:
            form.password.errors.append(_locked_message(attempt.locked_until))
        elif attempt.unconfirmed is not None:
            # Only someone who knows the password learns that the address awaits confirmation.
            operations.send_confirmation(attempt.unconfirmed)
            db.session.commit()
            form.email.errors.append(_l(
                "This e-mail address is not confirmed yet. We have sent the confirmation link to it again: "
                "open it, then sign in."))
        elif attempt.user is None:
            operations.note_failed_sign_in(form.email.data)
            db.session.commit()
            form.password.errors.append(_l("Wrong e-mail or password."))
        else:
            operations.sign_in(attempt.user, remember=form.remember.data)
            db.session.commit()
            g.signed_in = True
            return redirect(safe_next_path(request.args.get("next")))
    return render_template("auth/sign_in.html", form=form)


@bp.route("/confirm-password", methods=["GET", "POST"])
@allow()
def confirm_password():
    """The password again, before a step that needs a recent one (sessions.recent_auth_required)."""
    form = ConfirmPasswordForm()
    if form.validate_on_submit():
        attempt = operations.authenticate(current_user.email, form.password.data)
        if attempt.user is not None and attempt.user.id == current_user.id:
            throttle.clear(current_user.email)
            sessions.confirm()
            db.session.commit()
            return redirect(safe_next_path(request.args.get("next")))
        if attempt.locked_until is not None:
            form.password.errors.append(_locked_message(attempt.locked_until))
        else:
            operations.note_failed_sign_in(current_user.email)
            db.session.commit()
            form.password.errors.append(_l("This is not your password."))
    return render_template("auth/confirm_password.html", form=form)


@bp.post("/sign-out")
@allow()
def sign_out():
    operations.sign_out(current_user._get_current_object())
    db.session.commit()
    flash(_l("You have signed out."), "info")
    return redirect(url_for("auth.sign_in"))


def _unit_choices():
    units = db.session.scalars(db.select(RecommendingUnit).order_by(
        RecommendingUnit.registration_order)).all()
    return [(u.id, u.name) for u in units if u.province is None]


def _registration_limit():
    return current_app.config["REGISTRATION_RATE_LIMIT"]


@bp.route("/register", methods=["GET", "POST"])
@limiter.limit(_registration_limit, methods=["POST"], deduct_when=lambda response: g.get("registering"))
@public
def register():
    form = RegistrationForm(unit_choices=_unit_choices())
    if form.validate_on_submit():
        g.registering = True  # a complete form counts against the address; typos do not
        data = dict(form.data, locale=current_language())
        try:
            operations.register_organization(data)
        except operations.AccountError as error:
            getattr(form, error.field).errors.append(error.message)
        else:
            # A new address and one that has an account see the same page (the owner of an
            # existing account was mailed instead): nobody learns here which addresses have one.
            db.session.commit()
            session["registered_email"] = form.email.data.strip()
            return redirect(url_for("auth.registration_sent"))
    return render_template("auth/register.html", form=form)


@bp.get("/register/sent")
@public
def registration_sent():
    """"Check your inbox", after every complete registration form."""
    return render_template("auth/registration_sent.html", email=session.get("registered_email"),
                           days=current_app.config["EMAIL_CONFIRMATION_MAX_AGE_DAYS"])


@bp.route("/confirm/<token>", methods=["GET", "POST"])
@public
def confirm_email(token):
    """The link of the confirmation mail. Opening it shows a button: a mail scanner that follows
    links does not confirm an address by itself."""
    user = operations.user_for_confirmation_token(token)
    if user is None:
        flash(_l("This confirmation link is invalid or expired. Sign in with your e-mail address and "
                 "password to be sent a new one."), "error")
        return redirect(url_for("auth.sign_in"))
    form = FlaskForm()
    if request.method == "POST" and form.validate_on_submit():
        confirmed = operations.confirm_email(user)
        db.session.commit()
        flash(_l("Your e-mail address is confirmed. Sign in with it and your password.") if confirmed else
              _l("Your e-mail address was already confirmed. Please sign in."), "success")
        return redirect(url_for("auth.sign_in"))
    return render_template("auth/confirm_email.html", form=form, person=user)


@bp.route("/forgot-password", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
@public
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        operations.request_password_reset(form.email.data)
        db.session.commit()
        flash(_l("If an account exists for that address, we have sent it a link to reset the password."),
              "info")
        return redirect(url_for("auth.sign_in"))
    return render_template("auth/forgot_password.html", form=form)


@bp.route("/reset-password/<token>", methods=["GET", "POST"])
@public
def reset_password(token):
    user = operations.user_for_reset_token(token)
    if user is None:
        flash(_l("This link is invalid, already used or expired. Ask for a new one."), "error")
        return redirect(url_for("auth.forgot_password"))
    form = ResetPasswordForm(owner=user)
    if form.validate_on_submit():
        operations.reset_password(user, form.password.data)
        db.session.commit()
        flash(_l("Your password has been changed. Please sign in."), "success")
        return redirect(url_for("auth.sign_in"))
    return render_template("auth/reset_password.html", form=form)


@bp.route("/invitation/<token>", methods=["GET", "POST"])
@public
def accept_invitation(token):
    invitation = operations.invitation_for_token(token)
    if invitation is None:
        flash(_l("This invitation is invalid, already used or expired. Ask the person who invited you for a "
                 "new one."), "error")
        return redirect(url_for("auth.sign_in"))
    if invitation.organization_id is not None and operations.find_user(invitation.email) is not None:
        return _join_page(invitation, token)
    form = AcceptInvitationForm(name=invitation.name, owner=invitation)
    if form.validate_on_submit():
        try:
            if invitation.organization_id is not None:
                user = members.accept_as_new_account(invitation, form.name.data, form.password.data)
            else:
                user = operations.accept_invitation(invitation, form.name.data, form.password.data)
        except operations.AccountError as error:
            flash(error.message, "error")
        else:
            operations.sign_in(user)
            db.session.commit()
            return redirect(url_for("dashboard.index"))
    return render_template("auth/accept_invitation.html", form=form, invitation=invitation)


def _join_page(invitation, token):
    """A colleague invitation to an address that has an account: its owner signs in and joins."""
    if not current_user.is_authenticated:
        flash(_l("This e-mail address has an account: sign in with it to accept the invitation."), "info")
        return redirect(url_for("auth.sign_in", next=url_for("auth.accept_invitation", token=token)))
    problem = members.join_problem(invitation, current_user)
    return render_template("auth/join_organization.html", invitation=invitation, token=token, problem=problem,
                           form=FlaskForm())


@bp.post("/invitation/<token>/join")
@allow(Role.ORGANIZATION)
def join_organization(token):
    invitation = operations.invitation_for_token(token)
    if invitation is None or invitation.organization_id is None or not FlaskForm().validate_on_submit():
        flash(_l("This invitation is invalid, already used or expired. Ask the person who invited you for a "
                 "new one."), "error")
        return redirect(url_for("dashboard.index"))
    try:
        members.join_with_existing_account(invitation, current_user._get_current_object())
    except operations.AccountError as error:
        db.session.rollback()
        flash(error.message, "error")
        return redirect(url_for("dashboard.index"))
    db.session.commit()
    flash(_l("You now work on the cases of %(organization)s.", organization=invitation.organization.name),
          "success")
    return redirect(url_for("dashboard.index"))


@bp.post("/language")
@public
def set_language():
    locale = request.form.get("locale")
    if locale in current_app.config["LANGUAGES"]:
        user = current_user if current_user.is_authenticated else None
        operations.set_locale(user, locale)
        db.session.commit()
    return redirect(safe_next_path(request.form.get("next")))
