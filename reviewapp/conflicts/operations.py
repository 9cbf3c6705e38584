"""Applicants' declared conflicts: declaring, withdrawing, and the administrator's decision.
They flush; the request commits."""
from flask_babel import lazy_gettext as _l

from ..audit import record
from ..auth.models import Role
from ..cases.workflow import EDITABLE_STATES
from ..extensions import db
from ..timezones import utcnow
from .ending import end_conflicted_assignments
from .matching import clean_entry
from .models import ApplicantConflict, DeclarationStatus

MAX_ENTRIES = 30


class DeclarationRefused(Exception):
    """Refused; `reasons` are messages a person reads."""

    def __init__(self, reasons):
        self.reasons = list(reasons)
        super().__init__("; ".join(str(r) for r in self.reasons))


def _require_editable(case):
    if case.state not in EDITABLE_STATES:
        raise DeclarationRefused([_l("The case is submitted: its declared conflicts can no longer be changed.")])


def declare(actor, case, text, reason=""):
    """Add one entry per line of `text` (names, organizations, addresses, mail domains), all
    or none; lines already declared are skipped. Returns the new rows."""
    _require_editable(case)
    lines = [line for line in (text or "").splitlines() if line.strip()]
    if not lines:
        raise DeclarationRefused([_l("Write a name, an organization, an e-mail address or a mail domain.")])
    existing = {row.entry.lower() for row in db.session.scalars(
        db.select(ApplicantConflict).filter_by(case_id=case.id))}
    entries, errors = [], []
    for number, line in enumerate(lines, start=1):
        try:
            entry = clean_entry(line)
        except ValueError as error:
            errors.append(_l("Line %(n)d (%(text)s): %(problem)s", n=number, text=line.strip()[:40],
                             problem=error.args[0]))
            continue
        if entry.lower() not in existing:
            existing.add(entry.lower())
            entries.append(entry)
    if len(existing) > MAX_ENTRIES:
        errors.append(_l("A case may declare at most %(n)d conflicts.", n=MAX_ENTRIES))
    if errors:
        raise DeclarationRefused(errors)
    rows = [ApplicantConflict(case_id=case.id, entry=entry, reason=(reason or "").strip()[:1000])
            for entry in entries]
    db.session.add_all(rows)
    db.session.flush()
    for row in rows:
        record(actor, "conflict.applicant_declared", row, changes={"case_id": case.id, "entry": row.entry})
    return rows


def withdraw(actor, declaration):
    """The applicant takes an entry back while the case can still be edited."""
    _require_editable(declaration.case)
    record(actor, "conflict.applicant_withdrawn", declaration,
           changes={"case_id": declaration.case_id, "entry": declaration.entry})
    db.session.delete(declaration)
    db.session.flush()


def decide(actor, declaration, accept):
    """Accept (the named experts are in conflict with the case; their assignments to it
    end) or reject a declared conflict. Returns how many assignments ended."""
    if actor.role is not Role.ADMIN:
        raise DeclarationRefused([_l("Only an administrator may decide on a declared conflict.")])
    status = DeclarationStatus.ACCEPTED if accept else DeclarationStatus.REJECTED
    before = declaration.status
    declaration.status, declaration.decided_at, declaration.decided_by_id = status, utcnow(), actor.id
    db.session.flush()
    record(actor, "conflict.applicant_decided", declaration, changes={
        "case_id": declaration.case_id, "entry": declaration.entry, "status": [before.value, status.value]})
    if not accept:
        return 0
    from ..assignment.models import ReviewAssignment
    assignments = db.session.scalars(db.select(ReviewAssignment).filter_by(case_id=declaration.case_id)).all()
    return end_conflicted_assignments(actor, assignments, str(_l("Declared by the applicant: %(entry)s",
                                                                  entry=declaration.entry)))
