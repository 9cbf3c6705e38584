"""Send mail without ever mailing about something that was rolled back.

`send_mail()` queues a message on the current database session. In "outbox"
mode the message is stored in the same transaction; in "smtp" mode it is
handed to the SMTP server once the session commits, and dropped on rollback.
"""
import logging
import smtplib
from email.message import EmailMessage

from flask import current_app
from flask_babel import force_locale
from sqlalchemy import event
from sqlalchemy.orm import Session

from ..extensions import db
from .models import OutboxMessage

log = logging.getLogger(__name__)
_QUEUE_KEY = "outgoing_mail"


def send_mail(recipient, subject, body):
    """Queue a plain-text message; it leaves only if the transaction commits."""
    subject, body = str(subject), str(body)
    if current_app.config["MAIL_BACKEND"] == "outbox":
        db.session.add(OutboxMessage(recipient=recipient, subject=subject, body=body))
        return
    message = EmailMessage()
    message["From"] = current_app.config["MAIL_DEFAULT_SENDER"]
    message["To"] = recipient
    message["Subject"] = subject
    message.set_content(body)
    # Begin the transaction now, so that its rollback drops the message.
    db.session.connection()
    queue = db.session.info.setdefault(_QUEUE_KEY, [])
    queue.append((current_app._get_current_object(), message))


def in_both_languages(text, separator="\n\n----------\n\n"):
    """A lazy string (or a function that returns text) rendered in Chinese, then in English."""
    parts = []
    for locale in ("zh", "en"):
        with force_locale(locale):
            parts.append(str(text() if callable(text) else text))
    return separator.join(parts)


def send_in_language(email, locale, subject, body):
    """Queue a mail in the recipient's recorded `locale`, or in both languages (Chinese first)
    where none is recorded. `subject` and `body` are functions, called under the language forced."""
    if locale in ("zh", "en"):
        with force_locale(locale):
            send_mail(email, str(subject()), str(body()))
        return
    send_mail(email, in_both_languages(subject, separator=" / "), in_both_languages(body))


def _deliver(app, message):
    config = app.config
    smtp_class = smtplib.SMTP_SSL if config["MAIL_USE_SSL"] else smtplib.SMTP
    with smtp_class(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=30) as smtp:
        if config["MAIL_USE_TLS"]:
            smtp.starttls()
        if config["MAIL_USERNAME"]:
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
        smtp.send_message(message)


@event.listens_for(Session, "after_commit")
def _send_after_commit(session):
    for app, message in session.info.pop(_QUEUE_KEY, []):
        try:
            _deliver(app, message)
        except (OSError, smtplib.SMTPException):
            # The data is committed; a mail failure must not turn the
            # request into an error page. It is logged for the operator.
            log.exception("could not send mail to %s", message["To"])


@event.listens_for(Session, "after_rollback")
def _drop_after_rollback(session):
    session.info.pop(_QUEUE_KEY, None)

