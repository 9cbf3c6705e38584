"""`flask remind-drafts`: run from cron (daily, say); running it again sends nothing new."""
import click

from ..extensions import db
from .reminders import DEFAULT_DAYS, remind_drafts


@click.command("remind-drafts")
@click.option("--days", default=DEFAULT_DAYS, show_default=True, type=click.IntRange(0, 60),
              help="Remind of submission deadlines within this many days (campaign time, Beijing by default).")
def remind_drafts_command(days):
    """E-mail organizations whose drafts are not submitted and whose deadline is near."""
    try:
        mails, drafts = remind_drafts(days=days)
    except Exception:
        db.session.rollback()
        raise
    db.session.commit()
    click.echo(f"Draft reminders: {mails} e-mails sent about {drafts} drafts (deadlines within {days} days).")
