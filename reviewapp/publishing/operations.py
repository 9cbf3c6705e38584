"""Publishing operations: request a book build, edit the foreword, announce the results.

Each takes the acting user, records the audit entry and flushes; the caller
commits once. Jobs and mail leave only after that commit.
"""
from flask_babel import lazy_gettext as _l

from ..audit import record
from ..cases.models import Case
from ..cases.workflow import CaseState, transition
from ..extensions import db
from ..jobs import enqueue
from ..timezones import utcnow
from .announce import notify_organizations
from .certificates import issue_certificate
from .jobs import BUILD_FUNCTION, build_key
from .model import GROUP_KEYS, LANGUAGES
from .models import BookBuild
from .search import index_case
from .sources import book_cases_of


class PublishingError(Exception):
    """The operation is refused; `message` says why (translated)."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


def request_build(actor, campaign, language="zh", group_by="theme", with_statistics=False):
    """Queue a new versioned build of the campaign's book; returns the BookBuild.

    Raises JobAlreadyRunning while another build of this campaign is under way,
    PublishingError when there is nothing to build."""
    if language not in LANGUAGES or group_by not in GROUP_KEYS:
        raise PublishingError(_l("Choose a language and a grouping from the list."))
    count = len(book_cases_of(campaign))
    if not count:
        raise PublishingError(_l("The campaign has no selected cases to put in a book."))
    job = enqueue(BUILD_FUNCTION, {}, actor, key=build_key(campaign), total=count)
    number = (db.session.scalar(db.select(db.func.max(BookBuild.number)).filter(
        BookBuild.campaign_id == campaign.id)) or 0) + 1
    build = BookBuild(campaign=campaign, number=number, language=language, group_by=group_by,
                      with_statistics=bool(with_statistics), created_by_id=getattr(actor, "id", None),
                      job=job, cases=count)
    db.session.add(build)
    db.session.flush()
    job.params = {"build_id": build.id}
    record(actor, "book.build_requested", build,
           changes={"campaign_id": campaign.id, "number": number, "language": language,
                    "group_by": group_by, "with_statistics": bool(with_statistics)})
    return build


def save_foreword(actor, campaign, foreword_zh, foreword_en):
    """Set the book's foreword in both languages."""
    before = {"foreword_zh": campaign.foreword_zh, "foreword_en": campaign.foreword_en}
    campaign.foreword_zh, campaign.foreword_en = (foreword_zh or "").strip(), (foreword_en or "").strip()
    changes = {key: [len(old or ""), len(getattr(campaign, key))] for key, old in before.items()
               if (old or "") != getattr(campaign, key)}
    record(actor, "campaign.foreword", campaign, changes=changes or None)
    db.session.flush()
    return campaign


def announce_results(actor, campaign, override_reason=None):
    """Publish the campaign's results: selected cases become published (with a
    certificate and a gallery entry), `published_at` is set, and every
    organization with a submitted case is told its outcome by e-mail.

    Refused while reviews are open or pending (announce_guard.py) unless
    `override_reason` says why to go ahead. Not-selected cases keep their state.
    Returns the published cases."""
    if campaign.published_at is not None:
        raise PublishingError(_l("The results of this campaign have already been published."))
    from .announce_guard import announce_blockers
    blockers = announce_blockers(campaign)
    override_reason = (override_reason or "").strip()
    if blockers and not override_reason:
        raise PublishingError(" ".join(str(b) for b in blockers) + " " + str(_l(
            "Wait until every review is in, or give a reason to publish anyway.")))
    selected = db.session.scalars(db.select(Case).filter(
        Case.campaign_id == campaign.id, Case.state == CaseState.SELECTED).order_by(Case.id)).all()
    if not selected:
        raise PublishingError(_l("No case is selected yet: select the excellent cases first."))
    campaign.published_at = utcnow()
    for case in selected:
        transition(case, "publish", actor)
        issue_certificate(case)
        index_case(case)
    changes = {"published_cases": len(selected)}
    if blockers:  # published anyway: what was still open, and (as the reason) why
        changes["despite"] = [str(blocker) for blocker in blockers]
    record(actor, "campaign.published", campaign, changes=changes, reason=override_reason or None)
    db.session.flush()
    notify_organizations(campaign)
    return selected
