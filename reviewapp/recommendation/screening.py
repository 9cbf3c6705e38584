"""What the recommending unit reads of a case: the whole submitted version.

The unit is the applicant's own authority, not a blind reviewer: it reads the
texts, figures, activity log and every evidence file (photos, PDFs, Office
previews, video links) of the version the applicant submitted. Files added
after a return stay the applicant's; a file the applicant removed since is
listed as removed.
"""
from dataclasses import dataclass

from flask import render_template

from ..campaigns.phases import Window, is_open
from ..cases.reference import SERVICE_PLACES, VOLUNTEER_CATEGORIES
from ..cases.snapshot import submitted_version
from ..cases.workflow import can
from . import queries
from .forms import ConfirmForm, NoteForm, ReasonForm


@dataclass(frozen=True)
class ShownItem:
    """One evidence item of the submitted version, with what the unit can do with it now."""

    id: int
    kind: str
    caption: str
    name: str
    url: str | None
    size: int
    available: bool          # the file is still stored (the applicant did not remove it since)
    thumbnail: bool
    inline: bool             # a PDF (or an Office file's PDF preview) the browser shows in the page

    @property
    def is_link(self):
        return self.kind == "link"


def shown_evidence(case, shown):
    """The evidence items of `shown` (the submitted version), in their order."""
    if shown is None:
        return []
    rows = {item.id: item for item in case.evidence}
    items = []
    for item in shown.evidence:
        row = rows.get(item.id)
        items.append(ShownItem(
            id=item.id, kind=item.kind, caption=item.caption or "", name=item.original_name or "",
            url=item.url, size=item.size or 0, available=row is not None,
            thumbnail=bool(row is not None and row.thumbnail_name),
            inline=bool(row is not None and (row.kind == "pdf" or (row.kind == "office" and row.preview_storage_name)))))
    return items


def _labels(codes, choices):
    names = dict(choices)
    return [str(names[code]) for code in codes or () if code in names]


def context(case):
    shown = submitted_version(case)
    return dict(case=case, shown=shown, evidence=shown_evidence(case, shown),
                activities=shown.activities if shown is not None else [],
                places=_labels(getattr(shown, "service_places", ()), SERVICE_PLACES),
                categories=_labels(getattr(shown, "volunteer_categories", ()), VOLUNTEER_CATEGORIES))


def case_page(case, neighbours=None, number=None, quota_left=None):
    """The unit's page of one case: everything submitted, the decision, previous/next."""
    if quota_left is None:
        quota_left = queries.quota_left(case.unit_id, case.campaign)
    if number is None:
        from .listing import case_numbers
        number = case_numbers(case.campaign).get(case.id, "")
    from .notes import notes_of
    return render_template(
        "recommendation/case.html", **context(case), case_number=number, can=can, reason_form=ReasonForm(),
        notes=notes_of(case), note_form=NoteForm(formdata=None),
        confirm_form=ConfirmForm(), quota_left=quota_left,
        window_open=is_open(case.campaign, Window.RECOMMENDATION), neighbours=neighbours)


def part_page(case, part):
    """The unit's page of the case's evidence or activity log alone ("evidence", "activities")."""
    return render_template("recommendation/part.html", part=part, **context(case))
