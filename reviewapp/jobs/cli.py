"""`flask worker` serves the Redis job queue; `flask jobs-recover` releases dead jobs."""
import click
from flask import current_app

from .liveness import reap_dead_jobs, remove_work_folders


@click.command("worker")
@click.option("--burst", is_flag=True, help="Stop when the queue is empty.")
def worker_command(burst):
    """Run a worker for the job queue (JOB_BACKEND=rq)."""
    from redis import Redis
    from rq import Queue

    from .worker import JobWorker

    interrupted = reap_dead_jobs()
    remove_work_folders()  # of jobs that ended or died while no worker ran here
    if interrupted:
        click.echo(f"{len(interrupted)} interrupted jobs released.")
    connection = Redis.from_url(current_app.config["REDIS_URL"])
    queue = Queue(current_app.config["JOB_QUEUE"], connection=connection)
    # The worker runs jobs inside this command's app context.
    JobWorker([queue], connection=connection).work(burst=burst)


@click.command("jobs-check")
@click.option("--timeout", default=30, help="Seconds to wait for a worker.")
def check_command(timeout):
    """Queue a small job and wait until a worker has run it."""
    import time

    from ..extensions import db
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
              help="Minutes without a change before a stored file counts as abandoned; jobs count as "
                   "dead after JOB_HEARTBEAT_TIMEOUT seconds without a heartbeat, or this, if shorter.")
def recover_command(minutes):
    """After a crash: mark jobs whose worker died as interrupted, so they can be run again, and
    remove stored files that interrupted uploads or builds left behind (no row names them).
    Pages and workers release dead jobs by themselves within a minute; this does it now."""
    from datetime import timedelta

    from ..storage.sweep import remove_unreferenced
    from .liveness import heartbeat_timeout

    interrupted = reap_dead_jobs(older_than=min(timedelta(minutes=minutes), heartbeat_timeout()))
    remove_work_folders()
    click.echo(f"{len(interrupted)} interrupted jobs released.")
    removed = remove_unreferenced(older_than=timedelta(minutes=minutes))
    click.echo(f"{len(removed)} unreferenced stored files removed.")
