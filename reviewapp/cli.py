"""Command-line tasks: `flask create-admin`, `flask load-units`, `flask seed-demo`."""
import click
from flask import current_app

from .extensions import db


def register_commands(app):
    app.cli.add_command(create_admin)
    app.cli.add_command(load_units_command)
    app.cli.add_command(seed_demo_command)
    from .jobs.cli import check_command, recover_command, worker_command
    from .backup.cli import backup_group
    from .storage.cli import storage_group
    from .units.reminders import remind_units_command
    app.cli.add_command(remind_units_command)
    for command in (worker_command, recover_command, check_command, backup_group, storage_group):
        app.cli.add_command(command)


@click.command("create-admin")
@click.option("--email", prompt=True)
@click.option("--name", prompt=True)
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
def create_admin(email, name, password):
    """Create an administrator account (or reset its password)."""
    from .auth.operations import create_or_update_admin
    try:
        user, created = create_or_update_admin(email, name, password)
    except ValueError as error:
        db.session.rollback()
        raise click.ClickException(str(error))
    db.session.commit()
    click.echo(f"{'Created' if created else 'Updated'} administrator {user.email}.")


@click.command("load-units")
@click.argument("csv_path", required=False)
def load_units_command(csv_path):
    """Load the recommending units reference list (CSV: order,kind,name_zh,name_en)."""
    from .units.loader import default_units_csv, load_units
    path = csv_path or current_app.config.get("RECOMMENDING_UNITS_CSV") or default_units_csv()
    added, updated = load_units(path)
    db.session.commit()
    click.echo(f"Recommending units: {added} added, {updated} updated (from {path}).")


@click.command("seed-demo")
def seed_demo_command():
    """Load a realistic demo campaign (idempotent: running it again changes nothing)."""
    from .demo import seed_demo
    summary = seed_demo()
    db.session.commit()
    click.echo("Demo data ready: " + ", ".join(f"{k} {v}" for k, v in summary.items()))
