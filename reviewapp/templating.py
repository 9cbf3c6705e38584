"""Names every template may use."""
from flask import current_app, request

from .auth.models import Role
from .i18n import current_language, localized
from .timezones import format_local


def register_template_helpers(app):
    @app.context_processor
    def inject():
        return {
            "Role": Role,
            "localized": localized,
            "current_language": current_language(),
            "languages": current_app.config["LANGUAGES"],
            "current_path": request.full_path.rstrip("?") if request else "/",
        }

    @app.template_filter("local_time")
    def local_time(moment, zone=None):
        return format_local(moment, zone or current_app.config["BABEL_DEFAULT_TIMEZONE"])
