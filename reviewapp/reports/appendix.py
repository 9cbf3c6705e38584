"""The optional statistics appendix of the book: the SVG charts and tables, appended as extra pages.

It is rendered like the certificates (autoescaped template, WeasyPrint with
the fetcher that refuses every URL) and appended to the merged book with an
outline entry. Its pages go on with the book's numbering (the first is numbered
from the book's page count) and carry the book's running heads; the book's
contents list it (Book.appendix_title).
"""
import io
import os

from flask import render_template
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from pypdf import PdfReader, PdfWriter

from ..publishing.printing import print_stylesheet, render_pdf
from .charts import bar_chart
from .statistics import STAGE_LABELS, STAGES, campaign_statistics


def appendix_title(language="zh"):
    with force_locale(language):
        return str(_l("Statistics"))


def appendix_pdf(campaign, language="zh", first_page=1):
    with force_locale(language):
        statistics = campaign_statistics(campaign)
        charts = {dimension: bar_chart(rows) for dimension, _label, rows in statistics["tables"]}
        title = appendix_title(language)
        book_title = (campaign.title_zh or campaign.title_en) if language == "zh" else (
            campaign.title_en or campaign.title_zh)
        html = render_template("reports/appendix.html", campaign=campaign, statistics=statistics, charts=charts,
                               stages=STAGES, stage_labels=STAGE_LABELS, title=title, book_title=book_title,
                               lang_tag="zh-CN" if language == "zh" else "en")
    # The first page's number follows the book's last (an int: nothing user-written reaches the CSS).
    numbering = f"@page :first {{ counter-reset: page {int(first_page)}; }}"
    return render_pdf(html, print_stylesheet("appendix.css") + numbering), title


def append_statistics(campaign, pdf_path, language="zh"):
    """Append the appendix to the book at `pdf_path` (in place); returns the new page count."""
    writer = PdfWriter(clone_from=PdfReader(pdf_path))
    start = len(writer.pages)
    data, title = appendix_pdf(campaign, language, first_page=start + 1)
    writer.append(PdfReader(io.BytesIO(data)), import_outline=False)
    writer.add_outline_item(title=title, page_number=start)
    partial = f"{pdf_path}.appendix"
    with open(partial, "wb") as stream:
        writer.write(stream)
    os.replace(partial, pdf_path)
    return len(writer.pages)
