"""A case's thread: the department or the unit screening the case asks, the applicant replies.

Only those three read it; experts never do (a thread names the organization, review is blind).
Threads exist on cases submitted at least once: a case on record is never deleted, and a
draft is the applicant's alone. Each post mails the other side a notice with a link, without
the message itself (mail may be read by whoever shares the mailbox).
"""
from flask_babel import lazy_gettext as _l

from ..audit import record
from ..auth.models import Role, User
from ..cases.models import Case
from ..extensions import db
from ..mail import send_in_language
from ..organizations.people import recipients
from ..publishing.sources import public_url as external_url
from ..quoting import quoted
from .models import APPLICANT, DEPARTMENT, MESSAGE_MAX, UNIT, CaseMessage, MessageRead


class MessageRefused(Exception):
    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


def on_record(case):
    return case is not None and (case.first_submitted_at is not None or case.submitted_at is not None)


def side_of(user, case):
    """DEPARTMENT, UNIT or APPLICANT: the side `user` takes in `case`'s thread; None: not theirs."""
    if not on_record(case) or user is None:
        return None
    if user.role is Role.ADMIN:
        return DEPARTMENT
    if user.role is Role.UNIT and user.unit_id is not None and case.unit_id == user.unit_id:
        return UNIT
    if (user.role is Role.ORGANIZATION and user.organization_id is not None
            and case.organization_id == user.organization_id):
        return APPLICANT
    return None


def reads_thread(user, case_id, **_):
    return side_of(user, db.session.get(Case, case_id)) is not None


def messages_of(case):
    return db.session.scalars(db.select(CaseMessage).filter_by(case_id=case.id).order_by(
        CaseMessage.id)).all()


def post_message(actor, case, body):
    """Add `actor`'s post to `case`'s thread, mail the other side a notice, flush. The applicant
    only replies: its first post must follow a question."""
    side = side_of(actor, case)
    if side is None:
        raise MessageRefused(_l("You cannot write on this case."))
    body = (body or "").strip()
    if not body:
        raise MessageRefused(_l("Write the message first."))
    if len(body) > MESSAGE_MAX:
        raise MessageRefused(_l("The message is too long: at most %(n)d characters (it has %(m)d). Nothing was "
                                "sent; shorten it and send it again.", n=MESSAGE_MAX, m=len(body)))
    earlier = messages_of(case)
    if side == APPLICANT and not any(m.side != APPLICANT for m in earlier):
        raise MessageRefused(_l("You can reply once the department or your recommending unit has asked a question."))
    message = CaseMessage(case_id=case.id, author_id=actor.id, side=side, body=body)
    db.session.add(message)
    db.session.flush()
    record(actor, "case.message_posted", case, changes={"message": message.id})
    mark_read(actor, case, message.id)
    if side == APPLICANT:
        _notify_askers(case, earlier)
    else:
        _notify_applicant(case, side, actor)
    return message


def asker_label(side, actor):
    """Who asked, as the applicant reads it: the department, or the unit by name."""
    if side == UNIT and actor is not None and actor.unit is not None:
        return actor.unit.name
    return _l("the Group Department (the organizers)")


def _notify_applicant(case, side, actor):
    link = external_url("messages.thread", case_id=case.id)
    for email, locale in recipients(case.organization):
        send_in_language(email, locale, lambda: _l("A question about your case %(title)s", title=quoted(case.title)),
                         lambda: _l("Hello,\n\n%(who)s asked a question about your case %(title)s (%(campaign)s). "
                                    "Read it and reply on the case page:\n%(link)s\n\nThe question is not repeated "
                                    "in this e-mail; sign in to read it.", who=str(asker_label(side, actor)),
                                    title=quoted(case.title), campaign=case.campaign.title, link=link))


def _notify_askers(case, earlier):
    """The people who asked on this thread and may still read it."""
    askers = {m.author_id for m in earlier if m.side != APPLICANT and m.author_id is not None}
    users = db.session.scalars(db.select(User).filter(User.id.in_(askers), User.active.is_(True)).order_by(
        User.id)).all() if askers else []
    link = external_url("messages.thread", case_id=case.id)
    organization = case.organization.name
    for user in users:
        if side_of(user, case) in (None, APPLICANT):
            continue
        send_in_language(user.email, user.locale,
                         lambda: _l("%(organization)s replied on the case %(title)s", organization=organization,
                                    title=quoted(case.title)),
                         lambda: _l("Hello %(name)s,\n\n%(organization)s replied to the question on the case "
                                    "%(title)s (%(campaign)s). Read the reply:\n%(link)s", name=user.name,
                                    organization=organization, title=quoted(case.title),
                                    campaign=case.campaign.title, link=link))


def mark_read(user, case, last_id=None):
    """Remember that `user` has read `case`'s thread up to `last_id` (default: its newest)."""
    if last_id is None:
        last_id = db.session.scalar(db.select(db.func.max(CaseMessage.id)).filter_by(case_id=case.id))
    if not last_id:
        return
    seen = db.session.scalar(db.select(MessageRead).filter_by(user_id=user.id, case_id=case.id))
    if seen is None:
        db.session.add(MessageRead(user_id=user.id, case_id=case.id, last_read_id=last_id))
    elif seen.last_read_id < last_id:
        seen.last_read_id = last_id
    db.session.flush()


def unread_counts(user):
    """{case id: messages from the other side that `user` has not read yet}, for the applicant."""
    if user.role is not Role.ORGANIZATION or user.organization_id is None:
        return {}
    seen = db.select(MessageRead.last_read_id).filter(
        MessageRead.user_id == user.id, MessageRead.case_id == CaseMessage.case_id).scalar_subquery()
    rows = db.session.execute(db.select(CaseMessage.case_id, db.func.count(CaseMessage.id)).join(
        Case, Case.id == CaseMessage.case_id).filter(
        Case.organization_id == user.organization_id, CaseMessage.side != APPLICANT,
        CaseMessage.id > db.func.coalesce(seen, 0)).group_by(CaseMessage.case_id)).all()
    return dict(rows)
