"""The cases blueprint and who may reach a case: its organization, and for reading the admins
and the recommending unit the case is routed to (which sees the version submitted)."""
from flask import Blueprint, abort

from ..auth.models import Role
from ..extensions import db
from .models import ActivityLogEntry, Case, Evidence

bp = Blueprint("cases", __name__, url_prefix="/cases")


def load_case(case_id):
    return db.session.get(Case, case_id) or abort(404)


def _owner(user, case):
    return (case is not None and user.role is Role.ORGANIZATION
            and user.organization_id is not None and case.organization_id == user.organization_id)


def in_an_organization(user, **_):
    """The signed-in user works for an organization (a removed colleague works for none)."""
    return user.organization_id is not None


def owns_case(user, case_id, **_):
    """The signed-in organization is the case's applicant."""
    return _owner(user, db.session.get(Case, case_id))


# Roles that read a case's pages: the applicant, the department, the screening unit.
READERS = (Role.ORGANIZATION, Role.ADMIN, Role.UNIT)


def screens_case(user, case):
    """`user` belongs to the recommending unit `case` is routed to."""
    return (case is not None and user.role is Role.UNIT and user.unit_id is not None
            and case.unit_id == user.unit_id)


def reads_case(user, case_id, **_):
    """The case's organization, an admin, or the unit that screens it. Any other unit gets 403
    for every case number, existing or not: a unit is refused cases outside its jurisdiction,
    as it was before it could read any (and learns nothing about which numbers exist)."""
    case = db.session.get(Case, case_id)
    if user.role is Role.UNIT:
        if not screens_case(user, case):
            abort(403)
        return True
    return case is not None and (user.role is Role.ADMIN or _owner(user, case))


def _evidence_of(case_id, evidence_id):
    evidence = db.session.get(Evidence, evidence_id)
    return evidence if evidence is not None and evidence.case_id == case_id else None


def owns_evidence(user, case_id, evidence_id, **_):
    return owns_case(user, case_id) and _evidence_of(case_id, evidence_id) is not None


def reads_evidence(user, case_id, evidence_id, **_):
    if not reads_case(user, case_id) or _evidence_of(case_id, evidence_id) is None:
        return False
    # The unit reads only the files of the submitted version, not ones added since a return.
    return user.role is not Role.UNIT or evidence_id in submitted_evidence_ids(db.session.get(Case, case_id))


def submitted_evidence_ids(case):
    from .snapshot import submitted_version
    shown = submitted_version(case)
    return {item.id for item in shown.evidence} if shown is not None else set()


def owns_activity(user, case_id, activity_id, **_):
    entry = db.session.get(ActivityLogEntry, activity_id)
    return owns_case(user, case_id) and entry is not None and entry.case_id == case_id


def load_evidence(case_id, evidence_id):
    return _evidence_of(case_id, evidence_id) or abort(404)
