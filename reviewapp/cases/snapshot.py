"""The submitted version of a case: a copy of its content taken at each submission.

A case that was withdrawn to a draft, or returned for changes, is editable again; what the
applicant writes then lives in the case's columns and stays the applicant's until they submit
again. Whoever screens the case (its recommending unit) meanwhile sees `submitted_version()`:
the copy taken at the last submission.
"""
from datetime import datetime
from types import SimpleNamespace

from ..i18n import localized
from .workflow import EDITABLE_STATES

# Columns that are bookkeeping, not what the applicant wrote: every other column is copied,
# so a content column added later is part of the submitted version without anyone remembering.
_NOT_CONTENT = frozenset({"id", "campaign_id", "organization_id", "unit_id", "state", "created_at",
                          "updated_at", "submitted_at", "first_submitted_at", "submitted_snapshot",
                          "start_token", "version"})
_ACTIVITY = ("position", "host_unit", "name", "summary", "mode", "held_on_text", "contact_person",
             "contact_details", "remarks")
_EVIDENCE = ("id", "position", "kind", "caption", "original_name", "url", "size")


def take_snapshot(case, now):
    """A JSON-able copy of what `case` holds at submission (texts, figures, themes, activity
    rows, the evidence list), stamped with the submission time `now`."""
    data = {column.key: getattr(case, column.key) for column in case.__table__.columns
            if column.key not in _NOT_CONTENT}
    data["themes"] = [{"id": t.id, "name_zh": t.name_zh, "name_en": t.name_en} for t in case.themes]
    data["activities"] = [{key: getattr(row, key) for key in _ACTIVITY} for row in case.activities]
    data["evidence"] = [{key: getattr(item, key) for key in _EVIDENCE} for item in case.evidence]
    data["submitted_at"] = now.isoformat()
    return data


class _Theme(SimpleNamespace):
    @property
    def name(self):
        return localized(self, "name")


class SubmittedVersion(SimpleNamespace):
    """A snapshot read back with the attribute names of a Case (title, summary, themes, ...)."""

    def __init__(self, data):
        values = dict(data)
        values["themes"] = [_Theme(**theme) for theme in data.get("themes", [])]
        values["activities"] = [SimpleNamespace(**row) for row in data.get("activities", [])]
        values["evidence"] = [SimpleNamespace(**item) for item in data.get("evidence", [])]
        values["submitted_at"] = datetime.fromisoformat(data["submitted_at"])
        super().__init__(**values)


def submitted_version(case):
    """What a screener sees of `case`: the case itself while it cannot change; while it is
    editable again, the copy taken at its last submission (None if it has none: cases
    submitted before copies were kept, whose new text must not show either)."""
    if case.state not in EDITABLE_STATES:
        return case
    return SubmittedVersion(case.submitted_snapshot) if case.submitted_snapshot else None
