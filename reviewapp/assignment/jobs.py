"""The background run of a large campaign's assignment (reviewapp/jobs)."""
from ..auth.models import User
from ..campaigns.models import Campaign
from ..extensions import db
from ..jobs.runner import JobFailed
from .models import AssignmentRun


def run_job(job, progress):
    """Solve and store; progress in four steps: problem built, solved, stored, recorded."""
    from .operations import AssignmentRefused, RunOptions, run_assignment
    params = job.params
    campaign = db.session.get(Campaign, params["campaign_id"])
    run = db.session.get(AssignmentRun, params.get("run_id"))
    if campaign is None or run is None:
        raise JobFailed("campaign gone")
    actor = db.session.get(User, params["actor_id"]) if params.get("actor_id") else None
    try:
        result, _built, run = run_assignment(actor, campaign, RunOptions(**params["options"]),
                                             progress=lambda done: progress(done, 4), run=run)
    except AssignmentRefused as refused:
        db.session.rollback()
        raise JobFailed("; ".join(str(r) for r in refused.reasons)) from None
    db.session.commit()
    return {"run_id": run.id, "pairs": run.pairs, "short_cases": run.short_cases}
