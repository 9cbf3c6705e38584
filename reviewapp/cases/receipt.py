"""The printable PDF receipt of a submitted case (WeasyPrint, Noto CJK for Chinese).

The renderer fetches nothing: every URL (http, file, data...) is refused, so
text the applicant typed can never make the server load anything.
"""
from flask import render_template
from weasyprint import HTML
from weasyprint.urls import URLFetcher

from .reference import NARRATIVE_SECTIONS


class RefuseAllFetcher(URLFetcher):
    """A URL fetcher that refuses every URL without touching the network or the disk."""

    def __init__(self):
        super().__init__(allowed_protocols=(), allow_redirects=False)
        self.refused = []

    def fetch(self, url, headers=None):
        self.refused.append(str(url)[:200])
        raise ValueError("the receipt renderer fetches no URLs")


def receipt_pdf(case, **context):
    """PDF bytes of the receipt of `case`."""
    html = render_template("cases/receipt.html", case=case, sections=NARRATIVE_SECTIONS, **context)
    return HTML(string=html, url_fetcher=RefuseAllFetcher()).write_pdf()
