"""Everyone who works or worked for an organization: its users now, and those removed from it or
who left it (they wrote its evidence too). The blind check treats all their names, e-mails and telephones as
identifying (cases/checks.identity_of).

Read once per organization per request: the experts' pool list builds the blind text of every
case of the pool, and preloads the people of all their organizations in two queries.
"""
from flask import g, has_request_context

from ..audit import AuditEntry
from ..auth.models import User
from ..extensions import db

REMOVED = "organization.colleague_removed"
LEFT = "organization.colleague_left"


def recipients(organization):
    """(e-mail, locale or None) of the organization's active accounts, by id; its registered
    address otherwise: who is mailed about its cases (results, questions, reminders, group mail).
    Reads organization.users, so a caller can preload them for many organizations at once."""
    from ..auth.models import Role
    users = sorted((user for user in organization.users if user.role is Role.ORGANIZATION and user.active),
                   key=lambda user: user.id)
    if users:
        return [(user.email, user.locale) for user in users]
    return [(organization.email, None)]


def _cache():
    return g.setdefault("_organization_people", {}) if has_request_context() else None


def forget():
    """After a change of membership in this request."""
    if has_request_context():
        g.pop("_organization_people", None)


def _load(organization_ids):
    ids = set(organization_ids)
    out = {i: [] for i in ids}
    if not ids:
        return out
    removed = [(entry.object_id, (entry.changes or {}).get("user")) for entry in db.session.scalars(
        db.select(AuditEntry).filter(AuditEntry.action.in_((REMOVED, LEFT)), AuditEntry.object_type == "Organization",
                                     AuditEntry.object_id.in_(ids)))]
    removed_ids = {user_id for _org, user_id in removed if user_id}
    users = {user.id: user for user in db.session.scalars(db.select(User).filter(
        User.organization_id.in_(ids) | User.id.in_(removed_ids)).order_by(User.id))}
    for user in users.values():
        if user.organization_id in out:
            out[user.organization_id].append(user)
    for organization_id, user_id in removed:
        if user_id in users and users[user_id] not in out[organization_id]:
            out[organization_id].append(users[user_id])
    return out


def organization_people(organization):
    cache = _cache()
    if cache is not None and organization.id in cache:
        return cache[organization.id]
    people = _load([organization.id])[organization.id]
    if cache is not None:
        cache[organization.id] = people
    return people


def preload(organization_ids):
    cache = _cache()
    if cache is not None:
        cache.update(_load([i for i in set(organization_ids) if i not in cache]))
