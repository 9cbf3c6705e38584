"""Internal notes on a case, kept between its recommending unit and the department.

The applicant and the experts never see them: only the unit the case is routed to and
the administrators read and add notes, on a case that has been submitted at least once
(a case on record: never deleted, so its notes are never orphaned).
"""
from flask_babel import lazy_gettext as _l

from ..audit import record
from ..auth.models import Role
from ..extensions import db
from .models import NOTE_MAX, CaseNote


class NoteRefused(Exception):
    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


def may_read_notes(user, case):
    """The department, or a user of the unit the case is routed to."""
    if case is None or case.first_submitted_at is None and case.submitted_at is None:
        return False
    if user.role is Role.ADMIN:
        return True
    return user.role is Role.UNIT and user.unit_id is not None and case.unit_id == user.unit_id


def notes_of(case):
    return db.session.scalars(db.select(CaseNote).filter_by(case_id=case.id).order_by(
        CaseNote.created_at, CaseNote.id)).all()


def add_note(actor, case, body):
    """Add an internal note by `actor` (who may read the case's notes) and flush."""
    body = (body or "").strip()
    if not body:
        raise NoteRefused(_l("Write the note first."))
    if len(body) > NOTE_MAX:
        raise NoteRefused(_l("The note is too long: at most %(n)d characters (it has %(m)d). Nothing was "
                             "saved; shorten it and add it again.", n=NOTE_MAX, m=len(body)))
    note = CaseNote(case_id=case.id, author_id=actor.id, body=body)
    db.session.add(note)
    db.session.flush()
    record(actor, "case.note_added", case, changes={"note": note.id})
    return note
