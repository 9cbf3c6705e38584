"""Who is signed in, for how long: idle and absolute limits per role, "keep me signed in",
and the recent password that publishing, announcing and role changes ask for.

The session id that Flask-Login keeps (in the session and in the remember cookie, both signed)
is "user id:session nonce:time the password was entered:remembered". The loader checks it on
every request against the database row (deactivated users and rotated nonces end at once) and
against the limits of the user's role, so a copied cookie cannot outlive them either.
"""
import functools
import time
from datetime import timedelta
from functools import wraps

from flask import current_app, flash, redirect, request, session, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_user

from ..extensions import db
from ..security import safe_next_path

# A session's last-seen time is written back at most this often (each write re-sends the cookie).
_SEEN_RESOLUTION = 60


def limits(role, config):
    """(idle, absolute, remembered) timedeltas for a role."""
    role = str(role)
    absolute = timedelta(hours=config["SESSION_MAX_HOURS"][role])
    remembered = timedelta(hours=config["REMEMBER_HOURS"][role])
    if role == "admin":  # never beyond a working day, whatever the setting
        remembered = min(remembered, absolute)
    return timedelta(minutes=config["SESSION_IDLE_MINUTES"][role]), absolute, remembered


def session_id(user):
    """The id Flask-Login stores for `user`: a completed sign-in sets `user.auth_state`."""
    signed_in_at, remembered = getattr(user, "auth_state", None) or (int(time.time()), False)
    user.auth_state = (signed_in_at, remembered)
    return f"{user.id}:{user.session_nonce}:{signed_in_at}:{int(remembered)}"


def start(user, remember):
    """Sign `user` in on this browser now (the caller has cleared the old session)."""
    now = int(time.time())
    user.auth_state = (now, bool(remember))
    duration = limits(user.role, current_app.config)[2] if remember else None
    login_user(user, remember=bool(remember), duration=duration)
    session["seen_at"] = now


def load_user(value):
    """Flask-Login's user loader: the user, or None when the session has ended."""
    parts = (value or "").split(":")
    if len(parts) != 4 or not parts[0].isdigit() or not parts[2].isdigit():
        return None
    user = db.session.execute(_user_statement(), {"id": int(parts[0])}).scalar_one_or_none()
    if user is None or not user.active or user.session_nonce != parts[1]:
        return None
    signed_in_at, remembered, now = int(parts[2]), parts[3] == "1", time.time()
    idle, absolute, remember_for = limits(user.role, current_app.config)
    seen_at = session.get("seen_at") or now
    if now - signed_in_at > (remember_for if remembered else absolute).total_seconds():
        return _ended(_l("You were signed in for the longest time allowed. Please sign in again."))
    if not remembered and now - seen_at > idle.total_seconds():
        return _ended(_l("You were signed out after %(n)d minutes without activity. Please sign in again.",
                         n=int(idle.total_seconds() // 60)))
    if now - seen_at >= _SEEN_RESOLUTION or "seen_at" not in session:
        session["seen_at"] = int(now)
    user.auth_state = (signed_in_at, remembered)
    return user


def _ended(message):
    session.pop("_user_id", None)
    session.pop("seen_at", None)
    session["_remember"] = "clear"  # Flask-Login deletes the remember cookie
    flash(message, "info")
    return None


@functools.lru_cache(maxsize=1)
def _user_statement():
    """Built once: every signed-in request runs it (session.get builds its query each time)."""
    from sqlalchemy import bindparam, select

    from .models import User
    return select(User).where(User.id == bindparam("id"))


def confirmed_at():
    """When the password was last entered on this browser: at sign-in or since, on the
    confirmation page."""
    signed_in_at = (getattr(current_user, "auth_state", None) or (0,))[0]
    return max(session.get("confirmed_at") or 0, signed_in_at) or None


def confirm():
    """The password was just entered again on this browser."""
    session["confirmed_at"] = int(time.time())


def has_recent_password():
    at = confirmed_at()
    return at is not None and time.time() - at <= current_app.config["REAUTH_MINUTES"] * 60


def recent_auth_required(view):
    """For steps that cannot be undone or change who may do what: the password must have been
    entered in the last REAUTH_MINUTES, else the person confirms it first and comes back."""
    @wraps(view)
    def guarded(*args, **kwargs):
        if has_recent_password():
            return view(*args, **kwargs)
        back = request.referrer if request.method != "GET" else request.full_path
        back = safe_next_path(_local_path(back))
        flash(_l("For this step, please enter your password again."), "info")
        return redirect(url_for("auth.confirm_password", next=back))

    return guarded


def _local_path(url):
    """The path and query of a referrer on this site (safe_next_path refuses other hosts)."""
    if not url:
        return None
    host = request.host_url
    return url[len(host) - 1:] if url.startswith(host) else url
