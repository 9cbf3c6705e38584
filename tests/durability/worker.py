"""`flask worker` (the RQ forking worker) in its own process, for the durability tests.

    python tests/durability/worker.py   (settings from DUR_* environment variables)

Prints "ready" once its app is built, then serves the queue DUR_JOB_QUEUE until it is killed.
"""
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from reviewapp import create_app


def main():
    from reviewapp.jobs.cli import worker_command

    app = create_app("testing", SQLALCHEMY_DATABASE_URI=os.environ["DUR_DATABASE_URL"],
                     UPLOAD_FOLDER=Path(os.environ["DUR_UPLOAD_FOLDER"]),
                     INSTANCE_DIR=Path(os.environ["DUR_INSTANCE_DIR"]), JOB_BACKEND="rq",
                     JOB_QUEUE=os.environ["DUR_JOB_QUEUE"])
    with app.app_context():
        print("ready", flush=True)
        worker_command.callback(burst=False)


if __name__ == "__main__":
    main()
