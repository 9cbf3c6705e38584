"""A published case as one self-contained HTML article, to paste into the website or WeChat.

Everything is inside the file: photos are data: URIs of the metadata-stripped
copies (downscaled), styles are inline (the WeChat editor drops <style>
blocks), and nothing points outside. The gallery address appears as text.
"""
import base64

from flask import render_template
from flask_babel import force_locale

from ..cases.reference import FIGURES, NARRATIVE_SECTIONS
from .photos import PhotoError, prepare_photo
from .sources import book_photos, public_url, theme_names
from .storage import cache_folder, evidence_path

ARTICLE_PHOTO_PX = 900


def _data_uri(item):
    try:
        prepared = prepare_photo(str(evidence_path(item.blind_storage_name)),
                                 str(cache_folder() / "article-photos"), max_px=ARTICLE_PHOTO_PX)
        with open(prepared, "rb") as stream:
            return "data:image/jpeg;base64," + base64.b64encode(stream.read()).decode("ascii")
    except (PhotoError, OSError):
        return None


def article_html(case, language=None):
    """The article's HTML text (language: the case's own by default)."""
    language = language or (case.language if case.language in ("zh", "en") else "zh")
    photos = [{"src": uri, "caption": item.caption} for item in book_photos(case)
              if (uri := _data_uri(item))]
    with force_locale(language):
        sections = [(str(label), [p.strip() for p in (getattr(case, attribute) or "").splitlines() if p.strip()])
                    for attribute, label in NARRATIVE_SECTIONS if (getattr(case, attribute) or "").strip()]
        figures = [(str(label), getattr(case, attribute)) for attribute, label in FIGURES
                   if getattr(case, attribute) is not None]
        return render_template(
            "publishing/article.html", case=case, language=language, sections=sections, figures=figures,
            photos=photos, themes=theme_names(case, language), province=case.organization.province_label,
            campaign_title=case.campaign.title, gallery_url=public_url("gallery.case", case_id=case.id))
