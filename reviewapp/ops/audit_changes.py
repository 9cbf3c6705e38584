"""An audit entry's changes as a reader reads them: each key under its field label, a change
as old → new, lists and records in words instead of raw JSON (#19.12: the log showed keys and
JSON and was 2,433 px wide)."""
from datetime import datetime

from flask_babel import get_locale, lazy_gettext as _l

from ..cases.workflow import CaseState

# Keys the code records, under the labels the forms use. An unknown key shows as written.
FIELD_LABELS = {
    "state": _l("Status"), "status": _l("Status"), "name": _l("Name"), "email": _l("E-mail"),
    "phone": _l("Telephone"), "role": _l("Role"), "caption": _l("Caption"), "case": _l("Case"),
    "case_id": _l("Case"), "expert_id": _l("Expert"), "assignment": _l("Assignment"),
    "campaign": _l("Campaign"), "campaign_id": _l("Campaign"), "activity": _l("Activity"),
    "fields": _l("Fields changed"), "scores": _l("Scores"), "added": _l("Added"), "updated": _l("Updated"),
    "rows": _l("Rows"), "experts": _l("Experts"), "confirmed": _l("Confirmed"), "slug": _l("Short name in addresses"),
    "credit_code": _l("Credit code"), "kind": _l("Kind"), "size": _l("Size"), "note": _l("Note"),
    "entry": _l("Entry"), "level": _l("Level"), "source": _l("Source"), "language": _l("Language"),
    "pages": _l("Number of pages"), "cases": _l("Number of cases"), "year": _l("Year"), "title_zh": _l("Title (Chinese)"),
    "title_en": _l("Title (English)"), "call_text_zh": _l("Call text (Chinese)"),
    "call_text_en": _l("Call text (English)"), "timezone": _l("Time zone"), "themes": _l("Themes"),
    "criteria": _l("Scoring criteria"), "province": _l("Province"), "affiliation": _l("Affiliation"),
    "max_load": _l("Maximum load"), "available": _l("Available"), "unit_quota": _l("Recommendations per unit"),
    "selection_quota": _l("Cases to select"), "reviewers_per_case": _l("Reviewers per case"),
    "bidding_enabled": _l("Expert bidding"), "submission_opens": _l("Submission opens"),
    "submission_closes": _l("Submission closes"), "recommendation_closes": _l("Recommendation closes"),
    "review_opens": _l("Review opens"), "review_closes": _l("Review closes"),
    "title": _l("Title of the case"), "summary": _l("Summary"), "contact_person": _l("Contact person"),
    "contact_phone": _l("Contact phone"),
    "message": _l("Message"), "organizations": _l("Organizations"), "subject_zh": _l("Subject (Chinese)"),
    "subject_en": _l("Subject (English)"),
}
ARROW = " → "
EMPTY = "—"
# Keys whose two-item list is a list, not a before/after pair.
LISTS = {"fields", "refused_urls"}


def _chinese():
    locale = get_locale()
    return locale is not None and locale.language == "zh"


def _state(value):
    try:
        return str(CaseState(value).label)
    except ValueError:
        return _value(value)


def field_label(key):
    return str(FIELD_LABELS.get(key, key))


def _value(value):
    if value is None or value == "" or value == [] or value == {}:
        return EMPTY
    if isinstance(value, bool):
        return str(_l("Yes") if value else _l("No"))
    if isinstance(value, str):
        try:    # ISO times the windows record: shown without seconds and zone suffix
            return datetime.fromisoformat(value).strftime("%Y-%m-%d %H:%M") if "T" in value[:11] else value
        except ValueError:
            return value
    if isinstance(value, dict):
        colon, semicolon = ("：", "；") if _chinese() else (": ", "; ")
        return semicolon.join(f"{field_label(k)}{colon}{_value(v)}" for k, v in value.items())
    if isinstance(value, (list, tuple)):
        comma, (opening, closing) = ("、", "（）") if _chinese() else (", ", "()")
        return comma.join(_value(item) if not isinstance(item, dict) else f"{opening}{_value(item)}{closing}"
                          for item in value)
    return str(value)


def describe(changes):
    """[(label, text)] for an entry's changes; a before/after pair reads 'old → new'."""
    if not changes:
        return []
    if not isinstance(changes, dict):
        return [("", _value(changes))]
    rows = []
    for key, value in changes.items():
        if key == "fields" and isinstance(value, list):
            rows.append((field_label(key), ("、" if _chinese() else ", ").join(map(field_label, value)) or EMPTY))
        elif isinstance(value, (list, tuple)) and len(value) == 2 and key not in LISTS:
            show = _state if key == "state" else _value
            rows.append((field_label(key), show(value[0]) + ARROW + show(value[1])))
        elif isinstance(value, dict) and set(value) == {"before", "after"}:
            rows.append((field_label(key), _value(value["before"]) + ARROW + _value(value["after"])))
        else:
            rows.append((field_label(key), _value(value)))
    return rows
