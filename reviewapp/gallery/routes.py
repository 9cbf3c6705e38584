"""Public gallery pages and the photos of published cases (metadata-stripped copies only)."""
from urllib.parse import urlencode

from flask import Blueprint, abort, make_response, render_template, request, send_file
from markupsafe import Markup

from ..access import public
from ..cases.reference import FIGURES, NARRATIVE_SECTIONS
from ..i18n import current_language
from ..publishing.photos import PhotoError, prepare_photo, qr_png
from ..publishing.sources import book_photos, public_url, theme_names
from ..publishing.storage import cache_folder, evidence_path
from . import queries

bp = Blueprint("gallery", __name__, url_prefix="/gallery")
GALLERY_PHOTOS = 6
PHOTO_PX = 1200
IMAGE_POLICY = "sandbox; default-src 'none'"


@bp.get("/")
@public
def index():
    filters = queries.Filters.from_args(request.args)
    ids, total = queries.search(filters)
    pages = max(1, -(-total // queries.PAGE_SIZE))
    return render_template("gallery/index.html", cards=_cards(ids, filters), total=total, filters=filters,
                           pages=pages, options=queries.filter_options())


def _cards(ids, filters):
    """The page's cards as HTML, reused like the search behind them (the public page
    that takes the most traffic)."""
    def render():
        cases = queries.cards(ids)
        return Markup(render_template("gallery/_cards.html", cases=cases,
                                      cover={case.id: _cover(case) for case in cases}))
    return queries.cached("cards", (filters.key(), current_language()), render) if ids else None


def _cover(case):
    photos = book_photos(case, 1)
    return photos[0] if photos else None


@bp.get("/cases/<int:case_id>")
@public
def case(case_id):
    item = queries.published_case(case_id) or abort(404)
    photos = book_photos(item, GALLERY_PHOTOS)
    sections = [(label, [p for p in (getattr(item, attribute) or "").splitlines() if p.strip()])
                for attribute, label in NARRATIVE_SECTIONS if (getattr(item, attribute) or "").strip()]
    figures = [(label, str(value) if attribute == "start_year" else f"{value:,}")
               for attribute, label in FIGURES if (value := getattr(item, attribute)) is not None]
    url = public_url("gallery.case", case_id=item.id)
    share = {"url": url,
             "image": public_url("gallery.photo", evidence_id=photos[0].id) if photos else None,
             "description": (item.summary or "")[:200],
             # Plain links and our own QR code: no third-party script, nothing fetched by us.
             "weibo": "https://service.weibo.com/share/share.php?" + urlencode({"url": url, "title": item.title}),
             "email": "mailto:?" + urlencode({"subject": item.title, "body": url}).replace("+", "%20")}
    return render_template("gallery/case.html", case=item, photos=photos, sections=sections, figures=figures,
                           themes=theme_names(item, "zh" if _zh() else "en"), share=share)


def _zh():
    from ..i18n import current_language
    return current_language() == "zh"


def _published_photo(evidence_id):
    from ..publishing.sources import photo_of_published_case
    item = photo_of_published_case(evidence_id)
    if item is None or item not in book_photos(item.case, GALLERY_PHOTOS):
        abort(404)
    return item


def _image_response(path):
    response = send_file(path, mimetype="image/jpeg", max_age=3600)
    response.headers["Content-Security-Policy"] = IMAGE_POLICY
    return response


@bp.get("/photos/<int:evidence_id>.jpg")
@public
def photo(evidence_id):
    item = _published_photo(evidence_id)
    try:
        path = prepare_photo(str(evidence_path(item.blind_storage_name)), str(cache_folder() / "gallery"),
                             max_px=PHOTO_PX)
    except (PhotoError, OSError):
        abort(404)
    return _image_response(path)


@bp.get("/photos/<int:evidence_id>/thumbnail.jpg")
@public
def thumbnail(evidence_id):
    item = _published_photo(evidence_id)
    if not item.thumbnail_name:
        return photo(evidence_id)
    try:
        path = evidence_path(item.thumbnail_name)
    except FileNotFoundError:
        abort(404)
    if not path.exists():
        abort(404)
    return _image_response(str(path))


@bp.get("/cases/<int:case_id>/qr.png")
@public
def qr(case_id):
    """The QR code of a published case's gallery address (to scan with WeChat and share)."""
    item = queries.published_case(case_id) or abort(404)
    response = make_response(_sharp(qr_png(public_url("gallery.case", case_id=item.id))))
    response.headers["Content-Type"] = "image/png"
    response.headers["Cache-Control"] = "public, max-age=3600"
    response.headers["Content-Security-Policy"] = IMAGE_POLICY
    return response


def _sharp(png, module_px=6):
    """The 1-pixel-per-module QR enlarged without smoothing, so a browser shows crisp modules."""
    import io

    from PIL import Image

    with Image.open(io.BytesIO(png)) as image:
        large = image.resize((image.width * module_px, image.height * module_px), Image.Resampling.NEAREST)
        output = io.BytesIO()
        large.save(output, "PNG", optimize=True)
    return output.getvalue()
