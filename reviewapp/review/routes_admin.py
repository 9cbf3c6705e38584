"""Review progress for the administrators (with reminders) and released feedback for organizations."""
from flask import abort, flash, redirect, render_template, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from ..access import allow
from ..auth.models import Role
from ..campaigns.models import Campaign
from ..cases.blueprint import owns_case
from ..cases.models import Case
from ..extensions import db
from ..timezones import utcnow
from . import operations, queries
from .forms import ActionForm, SettingsForm
from .routes import bp


def _campaign_or_404(campaign_id):
    return db.session.get(Campaign, campaign_id) or abort(404)


@bp.get("/campaigns/<int:campaign_id>/progress")
@allow(Role.ADMIN)
def progress(campaign_id):
    campaign = _campaign_or_404(campaign_id)
    by_expert, by_case, declines = queries.campaign_progress(campaign)
    overdue = utcnow() >= campaign.review_closes
    return render_template(
        "review/progress.html", campaign=campaign, overdue=overdue, declines=declines,
        experts=sorted(by_expert.items(), key=lambda item: (item[0].name, item[0].id)),
        cases=sorted(by_case.items(), key=lambda item: item[0].id), action_form=ActionForm(),
        settings_form=SettingsForm(show_spread_to_experts=campaign.show_spread_to_experts,
                                   release_feedback=campaign.release_feedback))


@bp.post("/campaigns/<int:campaign_id>/reminders")
@allow(Role.ADMIN)
def reminders(campaign_id):
    campaign = _campaign_or_404(campaign_id)
    if ActionForm().validate_on_submit():
        count = operations.send_reminders(current_user, campaign)
        db.session.commit()
        flash(_l("Reminders sent to %(count)d experts.", count=count), "success")
    return redirect(url_for("review.progress", campaign_id=campaign_id))


@bp.post("/campaigns/<int:campaign_id>/settings")
@allow(Role.ADMIN)
def settings(campaign_id):
    campaign = _campaign_or_404(campaign_id)
    form = SettingsForm()
    if form.validate_on_submit():
        operations.set_review_settings(current_user, campaign, form.show_spread_to_experts.data,
                                       form.release_feedback.data)
        db.session.commit()
        flash(_l("The review settings are saved."), "success")
    return redirect(url_for("review.progress", campaign_id=campaign_id))


@bp.get("/feedback/<int:case_id>")
@allow(Role.ORGANIZATION, check=owns_case)
def feedback(case_id):
    """The reviewers' comments on the organization's own case, once published and released."""
    case = db.session.get(Case, case_id)
    campaign = case.campaign
    released = campaign.published_at is not None and campaign.published_at <= utcnow() \
        and campaign.release_feedback
    return render_template("review/feedback.html", case=case, campaign=campaign, released=released,
                           reviews=queries.feedback_for_case(case) if released else [])
