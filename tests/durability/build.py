"""Request a book build of a campaign and run its job in this process, as the app's
job runner does (for the durability tests; settings from DUR_* variables).

    python tests/durability/build.py CAMPAIGN_ID ADMIN_ID [--die-before-start]

With --die-before-start the process SIGKILLs itself right after the request commits,
before the job is handed to the backend (the window a crash can hit with the thread backend).
"""
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from reviewapp import create_app


def main(campaign_id, admin_id, die_before_start=False):
    from reviewapp.auth.models import User
    from reviewapp.campaigns.models import Campaign
    from reviewapp.extensions import db
    from reviewapp.publishing.operations import request_build

    app = create_app("testing", SQLALCHEMY_DATABASE_URI=os.environ["DUR_DATABASE_URL"],
                     UPLOAD_FOLDER=Path(os.environ["DUR_UPLOAD_FOLDER"]),
                     INSTANCE_DIR=Path(os.environ["DUR_INSTANCE_DIR"]), JOB_BACKEND="inline")
    if die_before_start:
        import signal

        from reviewapp.jobs import operations
        operations._start = lambda app, job_id: os.kill(os.getpid(), signal.SIGKILL)
    with app.app_context():
        build = request_build(db.session.get(User, admin_id), db.session.get(Campaign, campaign_id))
        print(build.id, build.job.id, flush=True)
        db.session.commit()  # the inline backend runs the job here, in this process
        print("finished", flush=True)


if __name__ == "__main__":
    main(int(sys.argv[1]), int(sys.argv[2]), "--die-before-start" in sys.argv[3:])
