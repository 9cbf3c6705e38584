"""Changing the expert pool: profiles, conflicts, waivers and bids. They flush;
the request or CLI command commits."""
from flask_babel import lazy_gettext as _l

from ..assignment.affinity import Bid as BidLevel
from ..assignment.models import ReviewAssignment
from ..audit import record
from ..auth.models import Invitation, Role
from ..auth.operations import AccountError, find_user, invite
from ..conflicts.ending import end_assignment, end_conflicted_assignments
from ..extensions import db
from ..timezones import utcnow
from .models import Bid, Conflict, ConflictSource, ExpertProfile

PROFILE_FIELDS = ("name", "province", "affiliation", "themes", "max_load", "available")


class ExpertError(Exception):
    def __init__(self, message, field=None):
        super().__init__(str(message))
        self.message = message
        self.field = field


def _snapshot(profile):
    return {name: getattr(profile, name) for name in PROFILE_FIELDS}


def add_expert(actor, values):
    """Create a profile and, if the expert has no account yet, invite them."""
    email = values["email"].strip().lower()
    if db.session.scalar(db.select(ExpertProfile.id).filter_by(email=email)):
        raise ExpertError(_l("An expert with this e-mail is already in the pool."), field="email")
    user = find_user(email)
    if user is not None and user.role is not Role.EXPERT:
        raise ExpertError(_l("This e-mail belongs to an account that is not an expert's."), field="email")
    profile = ExpertProfile(email=email, **{k: values[k] for k in PROFILE_FIELDS})
    db.session.add(profile)
    db.session.flush()
    record(actor, "expert.added", profile, changes={"email": email, **_snapshot(profile)})
    pending = db.session.scalar(db.select(Invitation.id).filter(
        Invitation.email == email, Invitation.accepted_at.is_(None), Invitation.expires_at > utcnow()))
    if user is None and pending is None:
        try:
            invite(actor, email, profile.name, Role.EXPERT)
        except AccountError as error:
            raise ExpertError(error.message, field="email")
    return profile


def update_expert(actor, profile, values):
    before = _snapshot(profile)
    for name in PROFILE_FIELDS:
        setattr(profile, name, values[name])
    db.session.flush()
    after = _snapshot(profile)
    record(actor, "expert.updated", profile,
           changes={k: [before[k], after[k]] for k in after if before[k] != after[k]})
    moved = (before["province"], before["affiliation"]) != (after["province"], after["affiliation"])
    if profile.user is not None and moved:
        # A new province or affiliation may put the expert in conflict with cases they review.
        assignments = db.session.scalars(db.select(ReviewAssignment).filter_by(expert_id=profile.user.id)).all()
        end_conflicted_assignments(actor, assignments, str(_l("The expert's profile changed.")))
    return profile


def declare_conflict(actor, case, expert, note=""):
    """Record that `expert` must not review `case` (declared by the expert or an admin);
    an assignment of the pair ends at once (conflicts/ending.py)."""
    source = ConflictSource.EXPERT if actor.id == expert.id else ConflictSource.ADMIN
    conflict = db.session.scalar(db.select(Conflict).filter_by(case_id=case.id, expert_id=expert.id))
    if conflict is None:
        conflict = Conflict(case_id=case.id, expert_id=expert.id)
        db.session.add(conflict)
    # A new declaration also cancels an earlier waiver.
    conflict.source, conflict.note, conflict.declared_by_id = source, (note or "").strip(), actor.id
    conflict.waived_at = conflict.waived_by_id = conflict.waiver_reason = None
    db.session.flush()
    record(actor, "conflict.declared", conflict,
           changes={"case_id": case.id, "expert_id": expert.id, "source": source.value})
    end_assignment(actor, case, expert.id, conflict.note or str(source.label))
    return conflict


def waive_conflict(actor, case, expert, reason):
    """Let `expert` review `case` despite a conflict; only with an admin's reason."""
    if actor.role is not Role.ADMIN:
        raise ExpertError(_l("Only an administrator may waive a conflict of interest."))
    if not (reason or "").strip():
        raise ExpertError(_l("Please give the reason for waiving this conflict of interest."), field="reason")
    conflict = db.session.scalar(db.select(Conflict).filter_by(case_id=case.id, expert_id=expert.id))
    if conflict is None:
        conflict = Conflict(case_id=case.id, expert_id=expert.id, source=ConflictSource.AUTOMATIC,
                            declared_by_id=actor.id)
        db.session.add(conflict)
    conflict.waived_at, conflict.waived_by_id, conflict.waiver_reason = utcnow(), actor.id, reason.strip()
    db.session.flush()
    record(actor, "conflict.waived", conflict,
           changes={"case_id": case.id, "expert_id": expert.id}, reason=reason.strip())
    return conflict


def place_bid(actor, case, level):
    """The expert's wish about reviewing `case`; refused unless the campaign takes bids."""
    if not case.campaign.bidding_enabled:
        raise ExpertError(_l("This campaign does not take bids."))
    level = BidLevel(level)
    bid = db.session.scalar(db.select(Bid).filter_by(case_id=case.id, expert_id=actor.id))
    if bid is None:
        bid = Bid(case_id=case.id, expert_id=actor.id, level=level)
        db.session.add(bid)
    bid.level = level
    db.session.flush()
    record(actor, "bid.placed", bid, changes={"case_id": case.id, "level": level.value})
    return bid


def set_bidding(actor, campaign, enabled):
    campaign.bidding_enabled = bool(enabled)
    db.session.flush()
    record(actor, "campaign.bidding", campaign, changes={"bidding_enabled": bool(enabled)})
