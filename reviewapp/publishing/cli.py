"""`flask publish [CAMPAIGN] --out book.pdf`: build the showcase book from the terminal."""
from pathlib import Path

import click

from .model import GROUP_KEYS, LANGUAGES


@click.command("publish")
@click.argument("campaign", required=False)
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, writable=True),
              help="Where to write the PDF.")
@click.option("--language", type=click.Choice(LANGUAGES), default="zh", show_default=True)
@click.option("--group-by", "group_by", type=click.Choice(GROUP_KEYS), default="theme", show_default=True)
@click.option("--statistics/--no-statistics", default=False, help="Add the statistics appendix.")
def publish_command(campaign, out, language, group_by, statistics):
    """Build the book of CAMPAIGN (id, slug or year; the latest campaign by default).

    The build is the same versioned build the admin page makes (kept, listed,
    one at a time per campaign); this command runs it here with a progress bar
    and copies the PDF to --out."""
    from flask import current_app

    from ..extensions import db
    from ..jobs import JobAlreadyRunning
    from ..jobs.models import JobStatus
    from ..jobs.runner import run_job
    from .models import BookBuild
    from .operations import PublishingError, request_build
    from .sources import find_campaign
    from .storage import build_path

    found = find_campaign(campaign)
    if found is None:
        raise click.ClickException(f"No campaign {campaign!r}." if campaign else "There is no campaign yet.")
    backend = current_app.config["JOB_BACKEND"]
    current_app.config["JOB_BACKEND"] = "manual"
    try:
        build = request_build(None, found, language, group_by, statistics)
        db.session.commit()
    except JobAlreadyRunning:
        db.session.rollback()
        raise click.ClickException(f"A build of {found.slug} is already under way; wait for it to finish.")
    except PublishingError as error:
        db.session.rollback()
        raise click.ClickException(f"Campaign {found.slug}: {error.message}")
    finally:
        current_app.config["JOB_BACKEND"] = backend
    build_id, job_id, total = build.id, build.job_id, build.cases
    click.echo(f"Building the book of {found.slug} ({total} cases, {language}, grouped by {group_by}), "
               f"version {build.number}")
    with click.progressbar(length=total, label="Cases rendered") as bar:
        shown = [0]

        def progress(done, _total):
            bar.update(done - shown[0])
            shown[0] = done

        job = run_job(job_id, on_progress=progress)
    if job.status is not JobStatus.DONE:
        raise click.ClickException(job.error or "The build failed.")
    build = db.session.get(BookBuild, build_id)
    Path(out).write_bytes(build_path(build.storage_name).read_bytes())
    click.echo(f"Wrote {out}: {build.pages} pages (version {build.number}).")
