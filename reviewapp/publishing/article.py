"""A published case as one self-contained HTML article, to paste into the website or WeChat.

Everything is inside the file: photos are data: URIs of the metadata-stripped
copies (downscaled), styles are inline (the WeChat editor drops <style>
blocks), and nothing points outside. The gallery address appears as text.

Editors that drop inline (data:) images get article_zip(): the same HTML with its photos
as files beside it (images/1.jpg …), to upload into the editor's own image library.
"""
import base64
import io
import zipfile

from flask import render_template
from flask_babel import force_locale

from ..cases.reference import FIGURES, NARRATIVE_SECTIONS
from .photos import PhotoError, prepare_photo
from .sources import book_photos, public_url, theme_names
from .storage import cache_folder, evidence_path

ARTICLE_PHOTO_PX = 900


def _photo_bytes(item):
    """The downscaled metadata-stripped copy of a photo, or None when it cannot be read."""
    try:
        prepared = prepare_photo(str(evidence_path(item.blind_storage_name)),
                                 str(cache_folder() / "article-photos"), max_px=ARTICLE_PHOTO_PX)
        with open(prepared, "rb") as stream:
            return stream.read()
    except (PhotoError, OSError):
        return None


def _photos(case):
    return [(item, data) for item in book_photos(case) if (data := _photo_bytes(item)) is not None]


def article_html(case, language=None, photo_src=None):
    """The article's HTML text (language: the case's own by default). `photo_src(number, data)`
    names each photo's source; by default a data: URI inside the file."""
    language = language or (case.language if case.language in ("zh", "en") else "zh")
    photo_src = photo_src or (lambda _number, data: "data:image/jpeg;base64," + base64.b64encode(data).decode("ascii"))
    photos = [{"src": photo_src(number, data), "caption": item.caption}
              for number, (item, data) in enumerate(_photos(case), start=1)]
    with force_locale(language):
        sections = [(str(label), [p.strip() for p in (getattr(case, attribute) or "").splitlines() if p.strip()])
                    for attribute, label in NARRATIVE_SECTIONS if (getattr(case, attribute) or "").strip()]
        figures = [(str(label), getattr(case, attribute)) for attribute, label in FIGURES
                   if getattr(case, attribute) is not None]
        return render_template(
            "publishing/article.html", case=case, language=language, sections=sections, figures=figures,
            photos=photos, themes=theme_names(case, language), province=case.organization.province_label,
            campaign_title=case.campaign.title, gallery_url=public_url("gallery.case", case_id=case.id))


def article_zip(case, language=None):
    """Bytes of a zip: article.html with its photos as files in images/ beside it."""
    files = {}

    def as_file(number, data):
        name = f"images/{number}.jpg"
        files[name] = data
        return name

    html = article_html(case, language, as_file)
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("article.html", html)
        for name, data in files.items():
            archive.writestr(name, data)
    return output.getvalue()
