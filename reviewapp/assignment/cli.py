"""`flask assign-reviewers CAMPAIGN`: run the assignment and print a summary."""
import click
from flask import current_app

from ..campaigns.models import Campaign
from ..extensions import db
from . import operations


def find_campaign(key):
    """A campaign by slug, or by id if `key` is a number."""
    campaign = db.session.scalar(db.select(Campaign).filter_by(slug=key))
    if campaign is None and key.isdigit():
        campaign = db.session.get(Campaign, int(key))
    return campaign


def register(bp):
    @bp.cli.command("assign-reviewers")
    @click.argument("campaign_key", metavar="CAMPAIGN")
    @click.option("--confirm", is_flag=True, help="Confirm the result and notify the experts.")
    def assign_reviewers(campaign_key, confirm):
        """Propose reviewers for every case of CAMPAIGN (slug or id); started reviews stay."""
        campaign = find_campaign(campaign_key)
        if campaign is None:
            raise click.ClickException(f"No campaign {campaign_key!r}.")
        result, built, _run = operations.run_assignment(None, campaign)
        db.session.commit()
        loads = [int(x) for x in result.load]
        click.echo(f"Campaign {campaign.slug}: {len(built.cases)} cases, {len(built.experts)} experts, "
                   f"{campaign.reviewers_per_case} reviewers per case.")
        click.echo(f"Assigned {len(result.pairs)} reviews ({len(built.problem.locked)} already started); "
                   f"total affinity {result.total_affinity}; load per expert "
                   f"{min(loads, default=0)}-{max(loads, default=0)}.")
        if result.short_cases:
            click.echo(f"{len(result.short_cases)} cases are short of reviewers:")
        for reason in result.explanation:
            click.echo(f"  - {reason.message}")
        if not confirm:
            click.echo("Proposed; confirm on the assignment page or with --confirm.")
            return
        try:
            # Links in the experts' mail are built with url_for, which needs a request.
            with current_app.test_request_context("/"):
                count = operations.confirm_assignment(None, campaign)
        except operations.AssignmentRefused as refused:
            db.session.rollback()
            raise click.ClickException("Not confirmed: " + "; ".join(str(r) for r in refused.reasons))
        db.session.commit()
        click.echo(f"Confirmed {count} assignments; the experts were notified.")
