"""`flask storage sweep`: remove the stored files deleted longer ago than the grace period."""
from datetime import timedelta

import click

from ..extensions import db
from .tombstones import sweep_deleted

storage_group = click.Group("storage", help="Stored files (evidence, previews, book builds).")


@storage_group.command("sweep")
@click.option("--grace-hours", type=click.FloatRange(min=0), default=None,
              help="Hours a deleted file is kept (default: STORAGE_DELETE_GRACE_HOURS).")
def sweep_command(grace_hours):
    """Remove deleted files once no running backup can still need them (run it daily)."""
    removed = sweep_deleted(None if grace_hours is None else timedelta(hours=grace_hours))
    db.session.commit()
    click.echo(f"{len(removed)} deleted stored files removed.")
