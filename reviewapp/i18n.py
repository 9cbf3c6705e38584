"""Locale choice and bilingual content helpers."""
from flask import current_app, has_request_context, request, session
from flask_babel import get_locale
from flask_login import current_user


def select_locale():
    """The user's saved choice, then the session's, then the browser's."""
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():  # CLI commands and background jobs
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    if current_user and current_user.is_authenticated and current_user.locale in languages:
        if session.get("locale") != current_user.locale:
            # Kept in the session too, so that pages drawn without the database (errors.py)
            # speak the user's language.
            session["locale"] = current_user.locale
        return current_user.locale
    if session.get("locale") in languages:
        return session["locale"]
    return request.accept_languages.best_match(
        list(languages), default=current_app.config["BABEL_DEFAULT_LOCALE"])


def current_language():
    """'zh' or 'en'."""
    return "zh" if str(get_locale()).startswith("zh") else "en"


def localized(obj, field):
    """obj.<field>_zh or obj.<field>_en by the current language, the other as fallback."""
    first, second = ("zh", "en") if current_language() == "zh" else ("en", "zh")
    return getattr(obj, f"{field}_{first}", None) or getattr(obj, f"{field}_{second}", None) or ""


def pick(zh, en):
    """The text in the current language, falling back to the other one."""
    return (zh or en) if current_language() == "zh" else (en or zh)


def cache_wtforms_catalogues():
    """Flask-WTF reads WTForms' own message catalogue from disk on every request
    that renders a form (flask_wtf.i18n._get_translations, ~0.5 ms); the catalogue
    never changes while the app runs, so it is loaded once per language."""
    from functools import lru_cache

    import flask_wtf.i18n
    from babel import support
    from wtforms.i18n import messages_path

    @lru_cache(maxsize=8)
    def catalogue(locale):
        return support.Translations.load(messages_path(), [locale], domain="wtforms")

    def cached_translations():
        if not has_request_context() or "babel" not in current_app.extensions:
            return None
        return catalogue(str(get_locale()))

    if hasattr(flask_wtf.i18n, "_get_translations"):
        flask_wtf.i18n._get_translations = cached_translations
