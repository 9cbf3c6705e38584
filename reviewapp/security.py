"""Response headers and redirect targets that keep the app's pages safe."""
from urllib.parse import urlsplit

from flask import current_app, url_for

CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])


SECURITY_HEADERS = [
    ("Content-Security-Policy", CONTENT_SECURITY_POLICY),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "same-origin"),
    ("X-Frame-Options", "DENY"),
    ("Cross-Origin-Opener-Policy", "same-origin"),
    ("Permissions-Policy", "camera=(), microphone=(), geolocation=()"),
]
HSTS = ("Strict-Transport-Security", "max-age=31536000")


def add_security_headers(response):
    """The headers above, unless the view set its own (stored files have their own policy).
    One pass over the response's headers: `setdefault` would scan them once per header."""
    present = {key.lower() for key in response.headers.keys()}
    wanted = SECURITY_HEADERS + [HSTS] if current_app.config.get("SESSION_COOKIE_SECURE") else SECURITY_HEADERS
    response.headers.extend([(key, value) for key, value in wanted if key.lower() not in present])
    return response


def safe_next_path(target, fallback_endpoint="dashboard.index"):
    """`target` if it is a path of this app, else the fallback's URL.

    Refuses absolute URLs, scheme-relative `//host`, backslash tricks and
    anything with a scheme or host, so `next=` cannot send users elsewhere.
    """
    fallback = url_for(fallback_endpoint)
    if not target or not target.startswith("/") or target.startswith("//"):
        return fallback
    if "\\" in target or any(ord(ch) < 32 for ch in target):
        return fallback
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return fallback
    return target


def external_url(endpoint, **values):
    """An absolute URL built from PUBLIC_BASE_URL, never from the Host header."""
    return current_app.config["PUBLIC_BASE_URL"] + url_for(endpoint, _external=False, **values)


# Stored files are served under their own policies: downloads and photos in a
# sandbox; PDFs without one, because Chromium's PDF viewer does not run in a
# sandboxed document (the served PDFs are the cleaned copies: no scripts).
DOWNLOAD_POLICY = "sandbox; default-src 'none'"
IMAGE_POLICY = "sandbox; default-src 'none'; img-src 'self'; style-src 'unsafe-inline'"
PDF_POLICY = "default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; object-src 'self'; " \
             "frame-ancestors 'self'"


# A download is named with the extension of its verified type (the MIME it is served with), never
# the uploaded one: a photo uploaded as Activity-report.html would open as a page from disk.
_DOWNLOAD_EXTENSIONS = {
    "image/jpeg": "jpg", "image/png": "png", "image/webp": "webp", "application/pdf": "pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": "pptx",
}


def verified_download_name(name, mime):
    """`name` with the extension of `mime` in place of its own ("bin" for a type not verified)."""
    extension = _DOWNLOAD_EXTENSIONS.get((mime or "").split(";")[0].strip().lower(), "bin")
    stem, dot, _ = (name or "").rpartition(".")
    stem = (stem if dot else name or "").strip().rstrip(".") or "download"
    return f"{stem}.{extension}"


def send_stored_file(name, mime, policy, download_name=None, as_attachment=False):
    """A stored file as a response with its policy, nosniff and no caching.

    No ETag or Last-Modified: a file's timestamps could tell an expert when
    (and so by whom) it was uploaded. Given a path, send_file takes the file's
    mtime whatever last_modified says, and answers If-Modified-Since with it, so
    the header is dropped before ranges and conditions are evaluated (by size
    alone). 404 when the file is not there."""
    from flask import abort, request, send_file

    from .storage import storage
    if not name:
        abort(404)
    try:
        path = storage().local_path(name)
    except FileNotFoundError:
        abort(404)
    if download_name is not None:
        download_name = verified_download_name(download_name, mime)
    response = send_file(path, mimetype=mime, as_attachment=as_attachment, download_name=download_name,
                         conditional=False, max_age=0, etag=False)
    del response.headers["Last-Modified"]
    response = response.make_conditional(request.environ, accept_ranges=True,
                                         complete_length=response.content_length)
    response.headers["Content-Security-Policy"] = policy
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["Cross-Origin-Resource-Policy"] = "same-origin"
    if policy == PDF_POLICY:
        response.headers["X-Frame-Options"] = "SAMEORIGIN"
    return response
