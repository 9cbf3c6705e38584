"""Every model, imported in one place so the metadata (and Alembic) sees them all."""
from .assignment.models import ReviewAssignment
from .audit.models import AuditEntry
from .auth.models import Invitation, User
from .campaigns.models import Campaign, Criterion, Theme
from .cases.models import ActivityLogEntry, Case, Evidence
from .conflicts.models import ApplicantConflict
from .experts.models import Bid, Conflict, ExpertProfile
from .jobs.models import Job
from .mail.models import OutboxMessage
from .messages.models import (CaseMessage, DraftReminder, GroupMailDelivery, GroupMailing, MailTemplate,
                              MessageRead)
from .organizations.models import Organization
from .publishing.models import BookBuild, Certificate, PublishedCase
from .recommendation.models import CaseNote
from .results.models import SelectionDecision
from .review.models import Review, ReviewDecline
from .storage.models import FileTombstone
from .units.filing import FilingColumn
from .units.models import RecommendingUnit
from .units.reporting_models import UnitDeadline, UnitReminder, UnitReport

__all__ = ["ActivityLogEntry", "ApplicantConflict", "AuditEntry", "Bid", "Conflict", "ExpertProfile", "ReviewAssignment",
           "Campaign", "Case", "Evidence", "Criterion", "Invitation", "Job", "Organization",
           "OutboxMessage", "RecommendingUnit", "BookBuild", "Certificate", "PublishedCase", "Review", "ReviewDecline", "SelectionDecision", "Theme", "User",
           "FileTombstone", "CaseNote", "CaseMessage", "DraftReminder", "GroupMailDelivery", "GroupMailing",
           "MailTemplate", "MessageRead", "FilingColumn", "UnitDeadline", "UnitReminder", "UnitReport"]

# Session events that keep Campaign.results_stamp current (the results cache key).
from .results import freshness  # noqa: E402,F401
# Mapper events that turn every deletion of a stored file into a tombstone (deferred removal).
from .storage import tombstones  # noqa: E402,F401
