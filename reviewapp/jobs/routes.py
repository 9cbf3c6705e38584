"""A job's progress, for the page that started it to poll."""
from flask import Blueprint, abort, jsonify

from ..access import allow
from ..auth.models import Role
from ..extensions import db
from .liveness import reap_dead_jobs
from .models import Job

bp = Blueprint("jobs", __name__, url_prefix="/jobs")


def _may_follow(user, job_id):
    job = db.session.get(Job, job_id)
    return job is not None and (user.role is Role.ADMIN or job.created_by_id == user.id)


@bp.get("/<int:job_id>.json")
@allow(check=_may_follow)
def status(job_id):
    reap_dead_jobs()  # a job that died shows as interrupted to whoever follows it
    job = db.session.get(Job, job_id) or abort(404)
    return jsonify(job.as_dict())
