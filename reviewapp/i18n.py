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
