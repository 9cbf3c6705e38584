"""Placeholders of mail templates: {organization}, {case_title}, ... (pure; no app needed).

Filled by plain substitution, never by str.format, so a template cannot reach attributes
({case.__class__}); every {...} in a saved template is a known placeholder.
"""
import re

from flask_babel import lazy_gettext as _l

PLACEHOLDERS = {
    "organization": _l("the organization's name"),
    "case_title": _l("the case's title"),
    "campaign": _l("the campaign's name"),
    "deadline": _l("the submission deadline (Beijing time)"),
    "link": _l("the address of the case"),
}
_BRACED = re.compile(r"\{([^{}]*)\}")


def unknown_placeholders(text):
    """The names in braces that are not placeholders, in order, each once."""
    found = []
    for name in _BRACED.findall(text or ""):
        if name not in PLACEHOLDERS and name not in found:
            found.append(name)
    return found


def placeholder_problem(text):
    """A translated sentence naming the unknown placeholders of `text`, or None."""
    unknown = unknown_placeholders(text)
    if not unknown:
        return None
    return _l("Unknown placeholder %(names)s. Use only %(known)s.", names=listed(unknown), known=listed(PLACEHOLDERS))


def listed(names):
    from ..i18n import current_language
    return ("、" if current_language() == "zh" else ", ").join("{%s}" % name for name in names)


def fill(text, values):
    """`text` with each known placeholder replaced by its value (str)."""
    return _BRACED.sub(lambda m: str(values[m.group(1)]) if m.group(1) in values else m.group(0), text or "")
