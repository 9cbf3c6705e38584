"""The public home page and the signed-in dashboard."""
from flask import Blueprint, redirect, render_template, url_for
from flask_login import current_user

from ..access import allow, public
from ..campaigns.phases import phase_at
from ..campaigns.queries import latest_campaign
from .case_status import case_status
from .summaries import SUMMARIES

bp = Blueprint("dashboard", __name__)


@bp.app_template_global()
def applicant_status(case):
    """Where the applicant's case stands, in words (for the case's own pages)."""
    from ..recommendation.queries import return_notes
    return case_status(case, return_notes([case]).get(case.id))


@bp.get("/")
@public
def home():
    if current_user.is_authenticated:
        return redirect(url_for("dashboard.index"))
    campaign = latest_campaign()
    return render_template("dashboard/home.html", campaign=campaign,
                           phase=phase_at(campaign) if campaign else None)


@bp.get("/dashboard")
@allow()
def index():
    summary = SUMMARIES[current_user.role](current_user)
    return render_template(f"dashboard/{current_user.role.value}.html", **summary)
