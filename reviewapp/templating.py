"""Names every template may use."""
from flask import current_app, request
from flask_babel import get_translations
from flask_login import current_user
from jinja2 import pass_context

from .auth.models import Role
from .cache import rendered
from .i18n import current_language, localized
from .quoting import quoted
from .timezones import format_local, zone_label


def register_template_helpers(app):
    @app.context_processor
    def inject():
        return {
            "Role": Role,
            "localized": localized,
            "current_language": current_language(),
            "languages": current_app.config["LANGUAGES"],
            "current_path": request.full_path.rstrip("?") if request else "/",
            "_translations": get_translations(),
        }

    # Flask-Babel finds the translations through several context proxies on every
    # `_()`; a long table calls it hundreds of times per page. These read the
    # translations the context processor put in the page's context once per render
    # (macros imported without context fall back to the lookup).
    app.jinja_env.install_gettext_callables(
        gettext=_gettext, ngettext=_ngettext, pgettext=_pgettext, npgettext=_npgettext, newstyle=True)

    app.jinja_env.globals["main_nav"] = main_nav

    @app.template_filter("num")
    def num(value, digits=2):
        """A figure with `digits` decimals; a dash when there is none."""
        return "—" if value is None else f"{value:.{digits}f}"

    app.jinja_env.filters["zone_label"] = zone_label
    app.jinja_env.filters["quoted"] = quoted
    app.jinja_env.filters["error_texts"] = error_texts

    @app.template_filter("local_time")
    def local_time(moment, zone=None):
        return format_local(moment, zone or current_app.config["BABEL_DEFAULT_TIMEZONE"])


def error_texts(errors):
    """A field's errors as text, also those of nested forms and lists (WTForms nests them)."""
    if isinstance(errors, dict):
        errors = list(errors.values())
    if isinstance(errors, (list, tuple)):
        return [text for error in errors for text in error_texts(error)]
    return [str(errors)]


def main_nav():
    """The main navigation of the signed-in user's role (or of visitors), rendered once per
    role, language and mount point: an administrator's has thirteen links to build."""
    role = current_user.role if current_user.is_authenticated else None
    return rendered("main-nav", (role, current_language(), request.script_root), "_main_nav.html", size=32,
                    role=role)


def _translations_of(context):
    translations = context.get("_translations")
    return translations if translations is not None else get_translations()


@pass_context
def _gettext(context, message):
    return _translations_of(context).ugettext(message)


@pass_context
def _ngettext(context, singular, plural, n):
    return _translations_of(context).ungettext(singular, plural, n)


@pass_context
def _pgettext(context, message_context, message):
    return _translations_of(context).upgettext(message_context, message)


@pass_context
def _npgettext(context, message_context, singular, plural, n):
    return _translations_of(context).unpgettext(message_context, singular, plural, n)
