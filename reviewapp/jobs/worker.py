"""The RQ worker of `flask worker`: RQ's forking worker, which also looks for dead jobs.

Between jobs, and every job-monitoring round while a work horse runs, it marks
jobs whose heartbeat stopped as interrupted (liveness.reap_dead_jobs), so a
build killed with its work horse is released within about a minute even when
nobody looks at it.
"""
import gc
import os
import time

from rq import Worker

from ..extensions import db
from .liveness import beat_interval, heartbeat_timeout, reap_dead_jobs
from .runner import _function

# What the jobs load, loaded once in the worker so that every work horse inherits it: what a
# work horse loads for itself is thrown away with it (the regions: 26 ms a job; Pillow's format
# plugins and the storage backend: about 8 ms a photo job).
PRELOADED = ["reviewapp.cases.regions:load_tables", "reviewapp.jobs.worker:load_image_plugins",
             "reviewapp.storage:storage"]


def load_image_plugins():
    import fractions  # noqa: F401 (Pillow's EXIF reading imports it on first use)

    from PIL import Image

    Image.preinit()


class JobWorker(Worker):
    """Runs inside the app context of the `flask worker` command. Only the worker process
    looks for dead jobs, never its work horses."""

    def __init__(self, queues, **kwargs):
        # Look at the jobs at least twice per heartbeat timeout while a work horse runs, too.
        kwargs.setdefault("job_monitoring_interval",
                          max(1, min(30, int(heartbeat_timeout().total_seconds() / 2))))
        super().__init__(queues, **kwargs)
        for loader in PRELOADED:
            _function(loader)()

    _reaped_at = 0.0

    @property
    def dequeue_timeout(self):
        # Wake from waiting on an empty queue often enough to notice a dead job in time.
        return max(1, min(super().dequeue_timeout, int(heartbeat_timeout().total_seconds() / 2)))

    def heartbeat(self, *args, **kwargs):
        super().heartbeat(*args, **kwargs)
        if os.getpid() == self.pid and time.monotonic() - self._reaped_at >= beat_interval():
            self._reaped_at = time.monotonic()
            reap_dead_jobs()
            db.session.remove()  # hold no connection or transaction while waiting

    def fork_work_horse(self, job, queue):
        # The worker's objects move out of the collector's reach, so a work horse's collections
        # never write to (and so copy) the memory pages it shares with the worker.
        gc.freeze()
        return super().fork_work_horse(job, queue)

    def main_work_horse(self, job, queue):
        # A forked child must not share the parent's database connections: open its own.
        db.engine.dispose(close=False)
        return super().main_work_horse(job, queue)
