"""What many views share: one unit of work that either commits with a success message
or rolls back and tells the user why it was refused."""
from contextlib import contextmanager
from dataclasses import dataclass

from flask import flash

from .extensions import db


@dataclass
class Outcome:
    ok: bool = False
    message: object = None     # the success message; the block may set it (e.g. with a count)


@contextmanager
def committed(success=None, *refusals):
    """Run the `with` block as one unit of work.

    It ends normally: commit, flash `success` (or `outcome.message` set in the
    block). It raises one of `refusals`: roll back everything it did and flash
    the refusal's `.reasons` (each) or its `.message`; the exception goes no
    further. `outcome.ok` tells the view which happened.
    """
    outcome = Outcome(message=success)
    try:
        yield outcome
    except refusals as refusal:
        db.session.rollback()
        for reason in getattr(refusal, "reasons", None) or [refusal.message]:
            flash(reason, "error")
        return
    db.session.commit()
    outcome.ok = True
    if outcome.message:
        flash(outcome.message, "success")
