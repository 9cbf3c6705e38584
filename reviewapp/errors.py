"""Friendly, translated error pages that never show internals."""
import logging

from flask import render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from .extensions import db

log = logging.getLogger(__name__)

MESSAGES = {
    400: (_l("Bad request"), _l("The request could not be understood. Please go back and try again.")),
    403: (_l("Not allowed"), _l("You do not have permission to see this page.")),
    404: (_l("Page not found"), _l("There is nothing at this address, or you may not see it.")),
    405: (_l("Not allowed"), _l("This action cannot be done this way.")),
    413: (_l("Too large"), _l("What you sent is larger than the limit. Please send smaller files.")),
    429: (_l("Too many attempts"), _l("Too many attempts in a short time. Please wait a minute and try again.")),
    500: (_l("Something went wrong"), _l("An unexpected error occurred. It has been logged; please try again later.")),
}


def render_error(code, detail=None):
    title, message = MESSAGES.get(code, MESSAGES[500])
    return render_template("errors/error.html", code=code, title=title,
                           message=message, detail=detail), code


def handle_http_exception(error):
    code = error.code if error.code in MESSAGES else (500 if error.code >= 500 else 400)
    return render_error(code)


def handle_csrf_error(error):
    return render_error(400, detail=_l(
        "The form had expired or was sent from elsewhere. Nothing was changed; "
        "please reload the page and send it again."))


def handle_unexpected(error):
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
