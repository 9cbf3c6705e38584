"""The cases blueprint and who may reach a case: its organization, and admins for reading."""
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


def owns_case(user, case_id, **_):
    """The signed-in organization is the case's applicant."""
    return _owner(user, db.session.get(Case, case_id))


def reads_case(user, case_id, **_):
    """The case's organization, or an admin."""
    case = db.session.get(Case, case_id)
    return case is not None and (user.role is Role.ADMIN or _owner(user, case))


def _evidence_of(case_id, evidence_id):
    evidence = db.session.get(Evidence, evidence_id)
    return evidence if evidence is not None and evidence.case_id == case_id else None


def owns_evidence(user, case_id, evidence_id, **_):
    return owns_case(user, case_id) and _evidence_of(case_id, evidence_id) is not None


def reads_evidence(user, case_id, evidence_id, **_):
    return reads_case(user, case_id) and _evidence_of(case_id, evidence_id) is not None


def owns_activity(user, case_id, activity_id, **_):
    entry = db.session.get(ActivityLogEntry, activity_id)
    return owns_case(user, case_id) and entry is not None and entry.case_id == case_id


def load_evidence(case_id, evidence_id):
    return _evidence_of(case_id, evidence_id) or abort(404)
