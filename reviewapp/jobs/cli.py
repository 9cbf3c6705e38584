"""`flask worker` serves the Redis job queue; `flask jobs-recover` fails dead jobs."""
import click
from flask import current_app

from ..extensions import db
from .runner import fail_interrupted_jobs


@click.command("worker")
@click.option("--burst", is_flag=True, help="Stop when the queue is empty.")
def worker_command(burst):
    """Run a worker for the job queue (JOB_BACKEND=rq)."""
    from redis import Redis
    from rq import Queue, Worker

    failed = fail_interrupted_jobs()
    db.session.commit()
    if failed:
        click.echo(f"{failed} interrupted jobs marked failed.")
    connection = Redis.from_url(current_app.config["REDIS_URL"])
    queue = Queue(current_app.config["JOB_QUEUE"], connection=connection)
    # The worker runs jobs inside this command's app context.
    Worker([queue], connection=connection).work(burst=burst)


@click.command("jobs-check")
@click.option("--timeout", default=30, help="Seconds to wait for a worker.")
def check_command(timeout):
    """Queue a small job and wait until a worker has run it."""
    import time

    from .models import Job
    from .operations import enqueue
    job = enqueue("reviewapp.jobs.checks:echo", {"steps": 2, "message": "alive"})
    db.session.commit()
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        db.session.expire_all()
        job = db.session.get(Job, job.id)
        if job.finished:
            click.echo(f"job {job.id}: {job.status.value} {job.result or job.error}")
            return
        time.sleep(0.5)
    raise click.ClickException(f"job {job.id} is still {job.status.value} after {timeout} s: is a worker running?")


@click.command("jobs-recover")
@click.option("--older-than", "minutes", default=10.0, show_default=True,
              help="Minutes without a heartbeat (jobs) or a change (files) before they count as abandoned.")
def recover_command(minutes):
    """After a crash: mark jobs whose worker died as failed, so they can be run again, and
    remove stored files that interrupted uploads or builds left behind (no row names them)."""
    from datetime import timedelta

    from ..storage.sweep import remove_unreferenced

    failed = fail_interrupted_jobs(older_than=timedelta(minutes=minutes))
    db.session.commit()
    click.echo(f"{failed} interrupted jobs marked failed.")
    removed = remove_unreferenced(older_than=timedelta(minutes=minutes))
    click.echo(f"{len(removed)} unreferenced stored files removed.")
