"""Operations on existing accounts. They flush and audit; the request commits."""
import re

from flask_babel import lazy_gettext as _l

from ..audit import record
from ..auth.models import Role
from ..auth.operations import ASSIGNABLE_ROLES, AccountError, role_problem
from ..extensions import db
from ..mail import in_both_languages, send_mail

_PHONE = re.compile(r"^\+?[\d\s\-()]{5,32}$")


def update_profile(user, name, phone):
    """Change a user's own name and telephone; nothing is written when nothing changed."""
    name, phone = name.strip(), (phone or "").strip() or None
    if phone and not _PHONE.match(phone):
        raise AccountError(_l("Enter a telephone number of digits, spaces, “-”, “(”, “)” and an optional “+”."),
                           field="phone")
    changes = {key: [getattr(user, key), value] for key, value in (("name", name), ("phone", phone))
               if getattr(user, key) != value}
    if not changes:
        return False
    user.name, user.phone = name, phone
    record(user, "account.profile_changed", user, changes=changes)
    return True


def change_password(user, new_password):
    """Set a new password (the current one was checked by the caller): every other session of the
    user ends, and the owner is told by mail."""
    user.set_password(new_password)
    user.rotate_session()
    record(user, "account.password_changed", user)
    send_mail(user.email, in_both_languages(_l("Your password was changed"), " / "), in_both_languages(_l(
        "Hello %(name)s,\n\nThe password of your account was changed, and every other session of it "
        "has ended. If you did not do this, choose a new password at once with “Forgot your password?” "
        "on the sign-in page and tell the administrator.", name=user.name)))


def _reason(reason):
    reason = (reason or "").strip()
    if not reason:
        raise AccountError(_l("Give the reason; it is kept in the audit log."), field="reason")
    return reason


def deactivate(actor, user, reason):
    """The user can no longer sign in, and every session of theirs ends at the next request.
    (An administrator never deactivates or demotes themselves, so one always remains.)"""
    reason = _reason(reason)
    if user.id == actor.id:
        raise AccountError(_l("You cannot deactivate your own account."))
    if not user.active:
        raise AccountError(_l("This account is already deactivated."))
    user.active = False
    user.rotate_session()
    record(actor, "account.deactivated", user, reason=reason)


def reactivate(actor, user, reason):
    reason = _reason(reason)
    if user.active:
        raise AccountError(_l("This account is already active."))
    user.active = True
    record(actor, "account.reactivated", user, reason=reason)


def change_role(actor, user, role, unit, reason):
    """Give `user` another role (and unit); their sessions end so that they start again in it."""
    reason = _reason(reason)
    if user.role is Role.ORGANIZATION:
        raise AccountError(_l("An organization's account keeps its role; invite the person separately."))
    problem = role_problem(role, unit)
    if problem:
        raise AccountError(problem, field="unit_id" if role in ASSIGNABLE_ROLES else "role")
    if user.id == actor.id and role is not Role.ADMIN:
        raise AccountError(_l("You cannot take the administrator role from yourself."), field="role")
    if role is user.role and unit is user.unit:
        raise AccountError(_l("This user already has this role."), field="role")
    changes = {"role": [user.role.value, role.value],
               "unit_id": [user.unit_id, unit.id if unit is not None else None]}
    user.role, user.unit = role, unit
    user.rotate_session()
    db.session.flush()
    record(actor, "account.role_changed", user, changes=changes, reason=reason)
