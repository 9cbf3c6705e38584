"""`flask backup create DIR`, `flask backup verify DIR`, `flask backup restore DIR`."""
import click

from .archive import BackupError, create_backup, restore_backup, verify_backup

backup_group = click.Group("backup", help="Consistent backups of the database and stored files.")


@backup_group.command("create")
@click.argument("target")
def create_command(target):
    """Write a backup into the new folder TARGET."""
    try:
        manifest = create_backup(target)
    except BackupError as error:
        raise click.ClickException(str(error))
    files = sum(1 for name in manifest["sha256"] if name.startswith("files/"))
    click.echo(f"Backup written to {target}: {sum(manifest['rows'].values())} rows and the {files} "
               "stored files they name, checksummed.")


@backup_group.command("verify")
@click.argument("source")
def verify_command(source):
    """Check a backup: every checksum, every row count, exactly the files its rows name."""
    try:
        manifest = verify_backup(source)
    except BackupError as error:
        raise click.ClickException(str(error))
    click.echo(f"Backup {source} is intact ({manifest['created_at']}).")


@backup_group.command("restore")
@click.argument("source")
def restore_command(source):
    """Restore a backup into this instance (migrated, and empty)."""
    try:
        manifest = restore_backup(source)
    except BackupError as error:
        raise click.ClickException(str(error))
    click.echo(f"Restored {sum(manifest['rows'].values())} rows from {source}.")
