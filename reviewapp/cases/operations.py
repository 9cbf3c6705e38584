"""Operations that change a case. Each takes the actor, writes the audit entry and flushes;
the request or command that calls it commits once."""
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import InvalidRequestError

from ..audit import record
from ..campaigns.phases import Window, describe_window, is_open, require_open
from ..extensions import db
from ..locking import lock_for_write
from ..ops.arrival import arrived_at
from ..recommendation.routing import RoutingError, route_case
from ..timezones import utcnow
from .activity_log import held_on_datetime, match_rows
from .checks import file_identity_flags, identity_of, missing_items, redactor_of
from .evidence import LINK, delete_evidence, ensure_blind_copy, read_stored
from .models import ActivityLogEntry, Case
from .processing import require_ready
from .snapshot import take_snapshot
from .workflow import EDITABLE_STATES, CaseState, transition

TEXT_FIELDS = ("title", "summary", "organization_text", "activities_text", "innovation_text",
               "influence_text", "experience_text", "contact_person", "contact_phone")
NUMBER_FIELDS = ("volunteers", "service_hours", "activities_held", "people_served", "start_year")
LIST_FIELDS = ("service_places", "volunteer_categories")


class CaseError(Exception):
    """An operation was refused; ``message`` is shown to the person."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


class EditConflict(CaseError):
    """The case was saved elsewhere since this form was opened."""


class CaseDeleted(CaseError):
    """Another request deleted the case first (the same "Delete" sent twice at once)."""


class SubmissionIncomplete(CaseError):
    def __init__(self, missing):
        super().__init__(_l("The case cannot be submitted yet; it still needs: %(items)s.",
                            items="; ".join(str(m) for m in missing)))
        self.missing = missing


def is_editable(case):
    return case.state in EDITABLE_STATES


def require_editable(case):
    if not is_editable(case):
        raise CaseError(_l("This case has been submitted and can no longer be changed."))


def case_started_with(actor, token):
    """The draft the actor's organization created with this start token, or None."""
    return db.session.scalar(db.select(Case).filter_by(organization_id=actor.organization_id, start_token=token))


def start_case(actor, campaign, token):
    """A new empty draft of the actor's organization for `campaign` (its submission window must
    be open), created once per start token: the same token again returns the draft it made.
    Two requests with one token at the same moment: the database's unique constraint lets one
    insert, the other's flush or commit raises IntegrityError (then use case_started_with)."""
    existing = case_started_with(actor, token)
    if existing is not None:
        return existing
    require_open(campaign, Window.SUBMISSION)
    organization = actor.organization
    case = Case(campaign=campaign, organization=organization, language="zh", start_token=token,
                contact_person=organization.contact_person, contact_phone=organization.mobile)
    db.session.add(case)
    db.session.flush()
    record(actor, "case.created", case, changes={"campaign": campaign.id})
    return case


def save_draft(actor, case, values, expected_version):
    """Apply form `values` to a draft, refusing with EditConflict if it changed since `expected_version`."""
    require_editable(case)
    if expected_version != case.version:
        raise EditConflict(_l(
            "This case was saved in another tab or by another person after you opened it, so your "
            "changes were not saved. Your text is still below and kept in this browser: open the "
            "saved version to compare the two and choose what to keep."))
    changes = {}
    # One UPDATE (one version step) per save: no autoflush while the values are applied.
    with db.session.no_autoflush:
        for name in TEXT_FIELDS + NUMBER_FIELDS + LIST_FIELDS:
            if name in values and values[name] != getattr(case, name):
                changes[name] = True
                setattr(case, name, values[name])
        if "theme_ids" in values:
            wanted = set(values["theme_ids"])
            themes = [t for t in case.campaign.themes if t.id in wanted]
            if [t.id for t in themes] != [t.id for t in case.themes]:
                changes["themes"] = [t.id for t in themes]
                case.themes = themes
    if changes:
        case.updated_at = utcnow()
        db.session.flush()
        record(actor, "case.saved", case, changes={"fields": sorted(changes)})
    return case


def add_activity(actor, case, row):
    require_editable(case)
    entry = ActivityLogEntry(case=case, position=len(case.activities) + 1, **_entry_values(row))
    db.session.add(entry)
    db.session.flush()
    record(actor, "case.activity_added", case, changes={"activity": entry.id})
    return entry


def _entry_values(row):
    return dict(host_unit=row.get("host_unit", ""), name=row["name"], summary=row.get("summary", ""),
                mode=row["mode"], held_on=held_on_datetime(row.get("held_on")),
                held_on_text=row.get("held_on_text", ""), contact_person=row.get("contact_person", ""),
                contact_details=row.get("contact_details", ""), remarks=row.get("remarks", ""))


@dataclass(frozen=True)
class ImportCounts:
    added: int
    updated: int
    unchanged: int


def _changed_fields(entry, values):
    return sorted(name for name, value in values.items() if getattr(entry, name) != value)


def import_activities(actor, case, rows):
    """Merge checked rows of the statistics table into the log (all or nothing: call only without
    errors). A row that is a stored activity (activity_log.match_rows) updates it, the others are
    added after the last; importing a corrected copy of the table therefore adds no duplicates."""
    require_editable(case)
    added = updated = unchanged = 0
    start = len(case.activities)
    for entry, row in match_rows(list(case.activities), rows):
        values = _entry_values(row)
        if entry is None:
            added += 1
            db.session.add(ActivityLogEntry(case=case, position=start + added, **values))
        elif _changed_fields(entry, values):
            updated += 1
            for name, value in values.items():
                setattr(entry, name, value)
        else:
            unchanged += 1
    db.session.flush()
    record(actor, "case.activities_imported", case,
           changes={"rows": len(rows), "added": added, "updated": updated})
    return ImportCounts(added, updated, unchanged)


def edit_activity(actor, entry, row):
    """Change one row of the log; saving it unchanged writes nothing."""
    require_editable(entry.case)
    values = _entry_values(row)
    changed = _changed_fields(entry, values)
    if changed:
        for name in changed:
            setattr(entry, name, values[name])
        db.session.flush()
        record(actor, "case.activity_edited", entry.case, changes={"activity": entry.id, "fields": changed})
    return changed


def delete_activity(actor, entry):
    case = entry.case
    require_editable(case)
    case.activities.remove(entry)
    for position, other in enumerate(case.activities, start=1):
        other.position = position
    db.session.flush()
    record(actor, "case.activity_deleted", case, changes={"activity": entry.id})


def refresh_blind_copy(actor, case):
    """Build missing blind copies and recompute the identity flags of every evidence item."""
    identity, redact = identity_of(case), redactor_of(case)
    extra = case.organization.contact_person
    for item in case.evidence:
        data = None
        if item.kind != LINK and not item.ready:
            continue  # its job makes the blind copy and judges it (cases/processing.py)
        if item.kind != LINK:
            ensure_blind_copy(item)
            # What experts get: the blind copy, not the original (its metadata is not theirs to see).
            data = read_stored(item.blind_storage_name) if item.kind in ("pdf", "office") else None
        item.identity_flags = file_identity_flags(item, identity, data, extra, redact=redact)
    db.session.flush()
    record(actor, "case.blind_checked", case,
           changes={"flagged_files": sum(1 for item in case.evidence if item.identity_flags)})
    return case


def submit_case(actor, case, now=None):
    """Submit a draft: window open, checklist complete, routed to its unit, blind copy built.
    Decided under the case's lock, so a photo removed in another tab at the same moment is
    either still there when the checklist is read or already gone (and the checklist says so);
    the case is stamped with the moment the request arrived, as the window was judged."""
    lock_for_write(case)
    now = now or arrived_at()
    require_open(case.campaign, submission_window(case), now)
    missing = missing_items(case)
    if missing:
        raise SubmissionIncomplete(missing)
    require_ready(case)  # every file's blind copy exists (made in the job queue)
    try:
        route_case(case)
    except RoutingError as error:
        raise CaseError(error.message) from error
    refresh_blind_copy(actor, case)
    transition(case, "submit", actor)
    case.submitted_at = now
    case.first_submitted_at = case.first_submitted_at or case.submitted_at
    case.submitted_snapshot = take_snapshot(case, case.submitted_at)
    db.session.flush()
    return case


def submission_window(case):
    """The window `case` is submitted in: a returned case may be sent again until the
    recommendation window closes (its unit may return it after the submission deadline)."""
    return Window.RECOMMENDATION if case.state is CaseState.RETURNED else Window.SUBMISSION


def may_withdraw(case, now=None):
    return (case.state is CaseState.SUBMITTED and case.campaign.allow_withdraw
            and is_open(case.campaign, Window.SUBMISSION, now))


def withdraw_case(actor, case, now=None):
    """Take a submitted case back to draft so it can be edited (before the deadline, if allowed)."""
    if not case.campaign.allow_withdraw:
        raise CaseError(_l("This campaign does not allow withdrawing a submitted case."))
    require_open(case.campaign, Window.SUBMISSION, now)
    transition(case, "withdraw", actor)
    case.submitted_at = None
    db.session.flush()
    return case


def deletion_refusal(case):
    """Why `case` cannot be deleted (translated), or None: only a draft never submitted can be.
    A case once submitted (even withdrawn or returned since) stays on record: its unit or the
    organizers have seen it and its history refers to it."""
    if not is_editable(case):
        return _l("This case has been submitted, so it cannot be deleted.")
    if case.first_submitted_at is not None:
        return _l("This case was submitted before and stays on record, so it cannot be deleted. "
                  "If you do not submit it again, it is not part of the collection.")
    return None


def delete_case(actor, case):
    """Delete a never-submitted draft with its activity rows and evidence (the files through
    delete_evidence: removed after the storage grace period). Raises CaseError otherwise."""
    try:
        lock_for_write(case)
    except InvalidRequestError as gone:  # the row is gone: another request deleted it first
        raise CaseDeleted(_l("The draft was deleted.")) from gone
    refusal = deletion_refusal(case)
    if refusal is not None:
        raise CaseError(refusal)
    for item in list(case.evidence):
        delete_evidence(actor, item)
    record(actor, "case.deleted", case, changes={
        "organization": case.organization_id, "campaign": case.campaign_id, "title": case.title,
        "activities": len(case.activities)})
    db.session.delete(case)
    db.session.flush()


def deadline_text(campaign, case=None):
    return describe_window(campaign, submission_window(case) if case is not None else Window.SUBMISSION)
