"""A job that only reports progress: `flask jobs-check` uses it to prove that
the queue and its workers are alive, and the tests use it to exercise them."""
import time

from .runner import JobFailed


def echo(job, progress):
    """Count to params["steps"], reporting each step after params["sleep"] seconds without a
    word (a long step); fail on params["fail"]."""
    steps = int(job.params.get("steps", 3))
    for step in range(1, steps + 1):
        time.sleep(float(job.params.get("sleep", 0)))
        progress(step, steps)
    if job.params.get("fail"):
        raise JobFailed(job.params["fail"])
    return {"echo": job.params.get("message", "ok"), "steps": steps}
