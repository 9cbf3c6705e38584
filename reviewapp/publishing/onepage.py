"""One case as a stand-alone PDF: the book's own case page (same template and style)."""
from .chunks import anchor_for
from .fetcher import ResourceRegistry
from .labels import resolve_labels
from .photos import PhotoError, prepare_photo
from .printing import render_pdf
from .sources import book_case, campaign_book
from .storage import cache_folder, photo_roots
from .templating import render, stylesheet

FIGURE_FIELDS = ("volunteers", "service_hours", "activities", "people_served", "start_year")


def _figures(figures, labels):
    rows = []
    for name in FIGURE_FIELDS:
        value = getattr(figures, name)
        if value is not None:
            rows.append((labels[name], str(value) if name == "start_year" else f"{value:,}"))
    return rows


def case_pdf(case, language="zh"):
    """PDF bytes of one case as printed in the book (photos are the metadata-stripped copies)."""
    book = campaign_book(case.campaign, language)
    printed = book_case(case, language)
    labels = resolve_labels(language)
    registry = ResourceRegistry(photo_roots())
    photos = []
    for photo in printed.photos:
        if not registry.is_allowed(photo.path):
            continue
        try:
            prepared = prepare_photo(photo.path, str(cache_folder() / "photos"))
        except (PhotoError, OSError):
            continue
        photos.append({"url": registry.add_file(prepared), "caption": photo.caption})
    qr_url = registry.add_qr(printed.gallery_url) if printed.gallery_url else None
    item = {"case": printed, "anchor": anchor_for("c", printed.id), "photos": photos, "qr_url": qr_url,
            "figures": _figures(printed.figures, labels), "group": None}
    html = render("chunk.html", items=[item], language=language, lang_tag=book.pdf_language,
                  labels=labels, book_title=book.title)
    # onepage.css sets the book's case page tighter, so that an average case fits one page.
    return render_pdf(html, stylesheet("book.css") + stylesheet("onepage.css"), registry.resources)
