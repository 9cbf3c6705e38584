"""The per-account limit on sign-in attempts, whatever address they come from.

Every attempt is claimed before its password is checked, in its own short transaction under
a lock on the address's row: simultaneous attempts are counted one at a time, so none of them
slips past the limit. A correct password clears the count. After ACCOUNT_LOCK_THRESHOLD failures
the address is locked for ACCOUNT_LOCK_MINUTES, doubling with each failure after that up to
ACCOUNT_LOCK_MAX_MINUTES. Unknown addresses are counted and locked alike, so a lock says
nothing about whether an account exists.
"""
import hashlib
import hmac
from datetime import timedelta

from flask import current_app
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from ..extensions import db
from ..locking import lock_for_write
from ..timezones import utcnow
from .models import SignInThrottle


def email_key(email):
    """A keyed hash of the normalised address: the table never holds what strangers typed."""
    secret = current_app.config["SECRET_KEY"].encode()
    return hmac.new(secret, (email or "").strip().lower().encode(), hashlib.sha256).hexdigest()


def lock_delay(failures, config):
    """How long the address stays locked after its `failures`-th failure in a row (or None)."""
    over = failures - config["ACCOUNT_LOCK_THRESHOLD"]
    if over < 0:
        return None
    minutes = min(config["ACCOUNT_LOCK_MINUTES"] * 2 ** min(over, 20), config["ACCOUNT_LOCK_MAX_MINUTES"])
    return timedelta(minutes=minutes)


def _locked_row(key):
    lock_for_write()  # SQLite: BEGIN IMMEDIATE, one claim at a time
    insert = postgresql_insert if db.session.get_bind().dialect.name == "postgresql" else sqlite_insert
    db.session.execute(insert(SignInThrottle).values(email_key=key, failures=0)
                       .on_conflict_do_nothing(index_elements=["email_key"]))
    return db.session.scalars(db.select(SignInThrottle).filter_by(email_key=key)
                              .with_for_update().execution_options(populate_existing=True)).one()


def claim_attempt(email):
    """Count one attempt for `email` and commit. Returns the time the lock ends if the address is
    locked (the attempt is then refused and not counted), else None."""
    config, now = current_app.config, utcnow()
    row = _locked_row(email_key(email))
    window = timedelta(hours=config["ACCOUNT_FAILURE_WINDOW_HOURS"])
    if row.last_failure_at is not None and now - row.last_failure_at > window:
        row.failures, row.locked_until, row.alerted_at = 0, None, None
    if row.locked_until is not None and row.locked_until > now:
        locked_until = row.locked_until
        db.session.commit()
        return locked_until
    row.failures += 1
    row.last_failure_at = now
    delay = lock_delay(row.failures, config)
    row.locked_until = now + delay if delay else None
    db.session.commit()
    return None


def clear(email):
    """A correct password: the address starts again from no failures."""
    db.session.execute(db.delete(SignInThrottle).filter_by(email_key=email_key(email)))


def should_alert(email):
    """True once per lock: the failures reached the threshold and the owner was not told yet.
    Marks the alert as sent (in the caller's transaction)."""
    row = db.session.scalar(db.select(SignInThrottle).filter_by(email_key=email_key(email)))
    if row is None or row.failures < current_app.config["ACCOUNT_LOCK_THRESHOLD"] or row.alerted_at:
        return False
    row.alerted_at = utcnow()
    return True
