"""Friendly, translated error pages that never show internals.

When the database is down or does not answer in time (connect and statement timeouts,
extensions.engine_options) the user gets a translated 503 "busy, nothing you saved is
lost" that is drawn without the database: the signed-in user is not loaded again (the
page is drawn as for a visitor) and the language comes from the session or the browser.
"""
import logging

from flask import current_app, g, jsonify, render_template, request
from flask.globals import request_ctx
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from sqlalchemy import exc
from werkzeug.exceptions import BadHost, HTTPException, InternalServerError

from .extensions import db, login_manager

log = logging.getLogger(__name__)

MESSAGES = {
    400: (_l("Bad request"), _l("The request could not be understood. Please go back and try again.")),
    403: (_l("Not allowed"), _l("You do not have permission to see this page.")),
    404: (_l("Page not found"), _l("There is nothing at this address, or you may not see it.")),
    405: (_l("Not allowed"), _l("This action cannot be done this way.")),
    413: (_l("Too large"), _l("What you sent is larger than the limit. Please send smaller files.")),
    429: (_l("Too many attempts"), _l("Too many attempts in a short time. Please wait a minute and try again.")),
    500: (_l("Something went wrong"), _l("An unexpected error occurred. It has been logged; please try again later.")),
    503: (_l("Busy"), _l("The service is busy at this moment. Please try again shortly.")),
}


BAD_HOST = _l("The server name this request was sent to is not valid. Open the site from its usual address.")
UNAVAILABLE = _l("What you just sent could not be saved because the database did not answer in time. "
                 "Nothing you saved before is lost: please try again in a few minutes.")
# PostgreSQL SQLSTATE classes: connection exception, insufficient resources, operator
# intervention (57014 statement timeout, 57P01 shutdown, 57P03 starting up).
_UNAVAILABLE_SQLSTATE_CLASSES = ("08", "53", "57")
_UNAVAILABLE_SQLITE = ("SQLITE_CANTOPEN", "SQLITE_IOERR", "SQLITE_FULL", "SQLITE_NOMEM", "SQLITE_BUSY",
                       "SQLITE_LOCKED")


def database_unavailable(error):
    """The database could not be reached or did not answer in time (not a bug in a query)."""
    if isinstance(error, exc.TimeoutError):  # no pooled connection came free in time
        return True
    if not isinstance(error, (exc.OperationalError, exc.InterfaceError)):
        return False
    if error.connection_invalidated:
        return True
    original = error.orig
    errorname = getattr(original, "sqlite_errorname", None)
    if errorname is not None:
        return errorname.startswith(_UNAVAILABLE_SQLITE)
    sqlstate = getattr(original, "sqlstate", None)
    # No SQLSTATE: the driver itself failed (refused, connect timeout, connection lost).
    return sqlstate is None or sqlstate.startswith(_UNAVAILABLE_SQLSTATE_CLASSES)


def wants_json():
    return request.accept_mimetypes.best == "application/json"


def error_response(code, detail=None):
    """The error page, or for a script that asked for JSON (autosave, uploads) a JSON body
    whose `message` the page shows."""
    if wants_json():
        text = str(detail or MESSAGES.get(code, MESSAGES[500])[1])
        return jsonify(ok=False, message=text, accepted=[], refused=[{"name": "", "message": text}]), code
    return render_error(code, detail)


def render_error(code, detail=None):
    title, message = MESSAGES.get(code, MESSAGES[500])
    if request_ctx.url_adapter is None:
        # A Host header werkzeug refuses (a label past 63 characters) leaves no URL building;
        # the page links by path only, so any server name does.
        request_ctx.url_adapter = current_app.url_map.bind("localhost", script_name=request.root_path or None,
                                                           url_scheme=request.scheme)
    try:
        return render_template("errors/error.html", code=code, title=title, message=message, detail=detail,
                               database_unavailable=g.get("database_unavailable", False)), code
    except (exc.OperationalError, exc.InterfaceError, exc.TimeoutError) as error:
        # The page itself needed the database (the signed-in user, the navigation).
        if g.get("database_unavailable") or not database_unavailable(error):
            raise
        return handle_unavailable(error)


def handle_unavailable(error):
    """503, drawn without the database: roll back without asking it anything more."""
    g.database_unavailable = True
    g._login_user = login_manager.anonymous_user()  # Flask-Login's slot: do not load the user again
    try:
        db.session.rollback()
    except exc.SQLAlchemyError:
        db.session.invalidate()
    log.error("database unavailable on %s %s: %s", request.method, request.path, error)
    return error_response(503, UNAVAILABLE)


def handle_http_exception(error):
    code = error.code if error.code in MESSAGES else (500 if error.code >= 500 else 400)
    return render_error(code, BAD_HOST if isinstance(error, BadHost) else None)


def handle_csrf_error(error):
    return render_error(400, detail=_l(
        "The form had expired or was sent from elsewhere. Nothing was changed; "
        "please reload the page and send it again."))


def handle_unexpected(error):
    original = getattr(error, "original_exception", None) or error  # a 500 wraps what was raised
    if database_unavailable(original):
        return handle_unavailable(original)
    if isinstance(error, HTTPException):
        return handle_http_exception(error)
    db.session.rollback()
    log.exception("unhandled error on %s %s", request.method, request.path)
    return render_error(500)


def register_error_handlers(app):
    app.register_error_handler(CSRFError, handle_csrf_error)
    app.register_error_handler(HTTPException, handle_http_exception)
    app.register_error_handler(InternalServerError, handle_unexpected)
    app.register_error_handler(Exception, handle_unexpected)
