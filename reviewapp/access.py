"""Declared access: every view says who may reach it, or it is refused.

    @bp.get("/cases/<int:case_id>")
    @allow(Role.ORGANIZATION, check=owns_case)
    def show(case_id): ...

`allow(*roles, check=...)` admits signed-in users of those roles for whom
`check(user, **view_args)` is true (object-level rule); `public` admits
anyone. A before-request hook refuses any endpoint that declares nothing,
and a test walks the URL map to prove that every endpoint declares.
"""
from dataclasses import dataclass, field
from functools import wraps

from flask import abort, current_app, request
from flask_login import current_user
from sqlalchemy import event
from sqlalchemy.orm import Session

from .extensions import db, login_manager


@dataclass(frozen=True)
class Access:
    public: bool = False
    roles: frozenset = field(default_factory=frozenset)
    check: object = None


def public(view):
    """Anyone may reach this view, signed in or not."""
    view.access = Access(public=True)
    return view


def allow(*roles, check=None):
    """Signed-in users of `roles` (all roles if none given) passing `check`."""
    def decorator(view):
        @wraps(view)
        def guarded(*args, **kwargs):
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if roles and current_user.role not in roles:
                abort(403)
            # 404, not 403: another user's object should not even be
            # confirmed to exist.
            with _holding_loads() as loaded:
                allowed = check is None or check(current_user, **kwargs)
            if not allowed:
                abort(404)
            response = view(*args, **kwargs)
            del loaded  # held until the view has run
            return response

        guarded.access = Access(roles=frozenset(roles), check=check)
        return guarded

    return decorator


class _holding_loads:
    """What the check loads (the case, the review, ...) stays loaded for the view: the session
    holds its objects only weakly, so the view's own get() would otherwise read the row again
    (a case row with all its text, on nearly every case page)."""

    def __enter__(self):
        self.session = db.session()
        self.held = self.session.info["held_for_view"] = []
        return self.held

    def __exit__(self, *exc):
        self.session.info.pop("held_for_view", None)


@event.listens_for(Session, "loaded_as_persistent")
def _hold_for_view(session, instance):
    held = session.info.get("held_for_view")
    if held is not None:
        held.append(instance)


def declared_access(endpoint, app=None):
    app = app or current_app
    view = app.view_functions.get(endpoint)
    return getattr(view, "access", None)


def refuse_undeclared():
    """before_request: deny by default any endpoint without a declaration."""
    if request.endpoint is None or request.endpoint == "static":
        return None
    if declared_access(request.endpoint) is None:
        abort(403)
    return None
