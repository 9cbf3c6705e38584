"""Small print documents (certificates, one-page case PDFs) through the engine's renderer.

They use the same safe path as the book: autoescaped templates, and
WeasyPrint with the SafeFetcher, which serves only registered resources
(``stored:`` URLs) and refuses every other URL. One or two pages render in
well under a second, so they are made on request, in-process.
"""
import os
import tempfile
from functools import lru_cache

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from .render import RenderJob, render_job

PRINT_TEMPLATES = os.path.join(
    os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))),
    "templates", "publishing", "print")


@lru_cache(maxsize=1)
def _environment():
    from ..quoting import quoted

    env = Environment(loader=FileSystemLoader(PRINT_TEMPLATES), autoescape=True,
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters["quoted"] = quoted  # a title quoted once (certificates)
    return env


def print_stylesheet(name):
    with open(os.path.join(PRINT_TEMPLATES, name), encoding="utf-8") as stream:
        return stream.read()


def render_pdf(html, css, resources=None):
    """PDF bytes of `html` + `css`; `resources` are the only URLs the renderer may fetch."""
    with tempfile.TemporaryDirectory(prefix="print-") as work:
        out = os.path.join(work, "out.pdf")
        render_job(RenderJob("print", html, css, out, dict(resources or {})))
        with open(out, "rb") as stream:
            return stream.read()


def render_print(template, css_name, resources=None, **context):
    html = _environment().get_template(template).render(**context)
    return render_pdf(html, print_stylesheet(css_name), resources)
