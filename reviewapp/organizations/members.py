"""Colleagues: the users of one organization, who all work on its cases. Its owner (at first the
person who registered it) invites colleagues by e-mail, revokes invitations, removes colleagues
and may hand the ownership to one of them. The operations flush and audit; the request commits.
"""
from datetime import timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l

from ..audit import record
from ..auth.models import Invitation, Role, User
from ..auth.operations import AccountError, find_user
from ..auth.tokens import new_invitation_token
from ..extensions import db
from ..locking import lock_for_write
from ..mail import in_both_languages, send_mail
from ..security import external_url
from ..timezones import utcnow
from . import people


def is_owner(user):
    return bool(user.role is Role.ORGANIZATION and user.organization_id is not None and user.organization_owner)


def colleagues(organization):
    """The organization's users: owners first, then by name."""
    return db.session.scalars(db.select(User).filter_by(organization_id=organization.id).order_by(
        User.organization_owner.desc(), User.name, User.id)).all()


def pending_invitations(organization):
    return db.session.scalars(db.select(Invitation).filter(
        Invitation.organization_id == organization.id, Invitation.accepted_at.is_(None),
        Invitation.revoked_at.is_(None), Invitation.expires_at > utcnow()).order_by(Invitation.created_at)).all()


def _require_owner(actor):
    if not is_owner(actor):
        raise AccountError(_l("Only the owner of the organization may do this."))
    return actor.organization


def invite_colleague(actor, email, name):
    """Mail a colleague a link to join the actor's organization. A pending invitation of the same
    address to this organization is replaced (its link stops working)."""
    organization = _require_owner(actor)
    email, name = email.strip().lower(), name.strip()
    if any(user.email.lower() == email for user in organization.users):
        raise AccountError(_l("This person is already a colleague."), field="email")
    now = utcnow()
    for earlier in pending_invitations(organization):
        if earlier.email == email:
            earlier.revoked_at = now
            record(actor, "invitation.replaced", earlier)
    token, token_hash = new_invitation_token()
    invitation = Invitation(email=email, name=name, role=Role.ORGANIZATION, organization=organization,
                            token_hash=token_hash, invited_by_id=actor.id,
                            expires_at=now + timedelta(days=current_app.config["INVITATION_MAX_AGE_DAYS"]))
    db.session.add(invitation)
    db.session.flush()
    # The colleague's language is unknown: the message carries both.
    send_mail(email, in_both_languages(_l("%(organization)s invites you to work on its cases",
                                          organization=organization.name), " / "),
              in_both_languages(_l(
                  "Hello %(name)s,\n\n%(inviter)s invites you to join %(organization)s in the national fitness "
                  "volunteer-service excellent case collection, to work on the organization's cases with "
                  "its colleagues.\nOpen this link to accept (valid for %(days)d days, once):\n%(link)s\n\n"
                  "If you do not know %(inviter)s, ignore this message.",
                  name=name, inviter=actor.name, organization=organization.name,
                  days=current_app.config["INVITATION_MAX_AGE_DAYS"],
                  link=external_url("auth.accept_invitation", token=token))))
    record(actor, "organization.colleague_invited", invitation,
           changes={"organization": organization.id, "email": email})
    return invitation


def revoke_colleague_invitation(actor, invitation):
    organization = _require_owner(actor)
    if invitation.organization_id != organization.id or not invitation.is_pending:
        raise AccountError(_l("Only a pending invitation can be revoked."))
    invitation.revoked_at = utcnow()
    record(actor, "invitation.revoked", invitation, changes={"organization": organization.id})


def _refuse_if_closed(invitation):
    if not invitation.is_pending:
        raise AccountError(_l("This invitation is invalid, already used or expired. Ask the person who invited "
                              "you for a new one."))


def accept_as_new_account(invitation, name, password):
    """The invited address has no account: make one in the organization (the link proved the address)."""
    lock_for_write(invitation)
    _refuse_if_closed(invitation)
    if find_user(invitation.email):
        raise AccountError(_l("An account with this e-mail already exists."))
    user = User(email=invitation.email, name=name.strip(), role=Role.ORGANIZATION,
                organization=invitation.organization, organization_owner=False)
    user.set_password(password)
    invitation.accepted_at = utcnow()
    db.session.add(user)
    db.session.flush()
    _joined(user, invitation)
    return user


def join_problem(invitation, user):
    """Why the signed-in `user` cannot accept this colleague invitation (None when they can)."""
    if user.email.lower() != invitation.email:
        return _l("This invitation is for %(email)s. Sign out, then open the link again and sign in with that "
                  "address.", email=invitation.email)
    if user.role is not Role.ORGANIZATION or user.organization_id is not None:
        # An expert or unit user joining an applicant would review or screen its own cases.
        return _l("Your account already works for an organization or has another role, so it cannot join "
                  "%(organization)s. Ask %(inviter)s to invite another e-mail address.",
                  organization=invitation.organization.name,
                  inviter=invitation.invited_by.name if invitation.invited_by else "")
    return None


def join_with_existing_account(invitation, user):
    """A signed-in user of no organization (a former colleague elsewhere) joins this one."""
    lock_for_write(invitation, user)
    _refuse_if_closed(invitation)
    problem = join_problem(invitation, user)
    if problem:
        raise AccountError(problem)
    user.organization, user.organization_owner = invitation.organization, False
    invitation.accepted_at = utcnow()
    db.session.flush()
    _joined(user, invitation)


def _joined(user, invitation):
    people.forget()
    record(user, "invitation.accepted", invitation, changes={"organization": invitation.organization_id})
    record(user, "organization.colleague_joined", invitation.organization, changes={"user": user.id})


def _lock(actor, member):
    """Decided under the locks of the organization and both people, read again: an ownership handed
    over in another tab at the same moment is seen (the former owner then removes nobody)."""
    if actor.organization is None:
        raise AccountError(_l("Only the owner of the organization may do this."))
    lock_for_write(actor.organization, *({actor.id: actor, member.id: member}.values()))


def _colleague_of(organization, member):
    if member.organization_id != organization.id:
        raise AccountError(_l("This person is not a colleague."))


def remove_colleague(actor, member):
    """`member` leaves the organization: from the next request on they see none of its cases,
    and every session of theirs ends. An owner is never removed (the organization would have
    none): hand the ownership on first."""
    _lock(actor, member)
    organization = _require_owner(actor)
    _colleague_of(organization, member)
    if member.organization_owner:
        raise AccountError(_l("The owner cannot be removed. Hand the ownership to a colleague first."))
    member.organization, member.organization_owner = None, False
    member.rotate_session()
    db.session.flush()
    people.forget()
    record(actor, "organization.colleague_removed", organization, changes={"user": member.id,
                                                                          "email": member.email})
    send_mail(member.email, in_both_languages(_l("You no longer work for %(organization)s here",
                                                 organization=organization.name), " / "),
              in_both_languages(_l(
                  "Hello %(name)s,\n\n%(owner)s removed you from %(organization)s in the excellent case "
                  "collection: you can no longer see or change its cases. Your account stays; another "
                  "organization's owner may invite you.", name=member.name, owner=actor.name,
                  organization=organization.name)))


def leave(user):
    """A colleague who is not the owner leaves the organization on their own; they stay signed in,
    with no organization's cases (as a removed colleague, see remove_colleague)."""
    organization = user.organization
    if organization is None:
        raise AccountError(_l("Your account does not work for an organization."))
    lock_for_write(organization, user)
    if user.organization_owner:
        raise AccountError(_l("The owner cannot leave. Hand the ownership to a colleague first."))
    user.organization = None
    db.session.flush()
    people.forget()
    record(user, people.LEFT, organization, changes={"user": user.id, "email": user.email})


def hand_ownership(actor, member):
    """`member` becomes the owner and `actor` an ordinary colleague."""
    _lock(actor, member)
    organization = _require_owner(actor)
    _colleague_of(organization, member)
    if member.id == actor.id or member.organization_owner:
        raise AccountError(_l("This person is already the owner."))
    if not member.active:
        raise AccountError(_l("A deactivated account cannot become the owner."))
    member.organization_owner, actor.organization_owner = True, False
    db.session.flush()
    record(actor, "organization.ownership_handed", organization,
           changes={"owner": [actor.id, member.id]})
    send_mail(member.email, in_both_languages(_l("You are now the owner of %(organization)s",
                                                 organization=organization.name), " / "),
              in_both_languages(_l(
                  "Hello %(name)s,\n\n%(owner)s handed you the ownership of %(organization)s in the excellent "
                  "case collection: you now invite and remove its colleagues on the page “Colleagues”.",
                  name=member.name, owner=actor.name, organization=organization.name)))
