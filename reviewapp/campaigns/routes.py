"""Campaign pages: the public call, and the admin's list and editor."""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from ..access import allow, public
from ..auth.models import Role
from ..extensions import db
from . import operations
from .forms import CampaignForm
from .models import Campaign
from .phases import Window, describe_window, phase_at
from .queries import all_campaigns

bp = Blueprint("campaigns", __name__, url_prefix="/campaigns")


def _campaign_or_404(campaign_id):
    return db.session.get(Campaign, campaign_id) or abort(404)


@bp.get("/")
@allow(Role.ADMIN)
def index():
    campaigns = all_campaigns()
    return render_template("campaigns/index.html", campaigns=campaigns, phase_at=phase_at)


@bp.get("/<int:campaign_id>")
@public
def show(campaign_id):
    campaign = _campaign_or_404(campaign_id)
    windows = [(w, describe_window(campaign, w)) for w in Window]
    return render_template("campaigns/show.html", campaign=campaign,
                           phase=phase_at(campaign), windows=windows)


@bp.route("/new", methods=["GET", "POST"])
@allow(Role.ADMIN)
def create():
    form = CampaignForm()
    if request.method == "GET":
        form = CampaignForm(data={"criteria": operations.default_criteria_form_data()})
        form.offer_theme_rows([], blank=4)
    if form.validate_on_submit():
        try:
            campaign = operations.create_campaign(current_user, operations.values_from_form(form))
        except operations.CampaignError as error:
            getattr(form, error.field).errors.append(str(error.message))
        else:
            db.session.commit()
            flash(_l("Campaign created."), "success")
            return redirect(url_for("campaigns.show", campaign_id=campaign.id))
    return render_template("campaigns/edit.html", form=form, campaign=None)


@bp.route("/<int:campaign_id>/edit", methods=["GET", "POST"])
@allow(Role.ADMIN)
def edit(campaign_id):
    campaign = _campaign_or_404(campaign_id)
    if request.method == "GET":
        form = CampaignForm(data=operations.form_data_from_campaign(campaign))
        form.offer_theme_rows(campaign.themes)
    else:
        form = CampaignForm()
        form.offer_theme_rows(campaign.themes, blank=0)
    if form.validate_on_submit():
        try:
            operations.update_campaign(current_user, campaign, operations.values_from_form(form),
                                       expected_version=form.version.data)
        except operations.CampaignConflict as conflict:
            db.session.rollback()
            flash(conflict.message, "error")
        except operations.CampaignError as error:
            db.session.rollback()
            getattr(form, error.field).errors.append(str(error.message))
        else:
            db.session.commit()
            flash(_l("Campaign saved."), "success")
            return redirect(url_for("campaigns.show", campaign_id=campaign.id))
    return render_template("campaigns/edit.html", form=form, campaign=campaign)
