"""The words users see, in either language, taken from the app's own catalogues."""
from flask_babel import force_locale, gettext

LANGUAGE_BUTTONS = {"zh": "简体中文", "en": "English"}
HTML_LANG = {"zh": "zh-CN", "en": "en"}


def translator(app, lang):
    """t("Sign in") -> the text a `lang` reader sees for that message (or lazy label)."""
    def t(message, **values):
        with app.test_request_context(), force_locale(lang):
            return gettext(message, **values) if isinstance(message, str) else str(message)
    return t
