"""The optional statistics appendix of the book: the SVG charts and tables, appended as extra pages.

It is rendered like the certificates (autoescaped template, WeasyPrint with
the fetcher that refuses every URL) and appended to the merged book with an
outline entry; its pages carry no printed page numbers.
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


def appendix_pdf(campaign, language="zh"):
    with force_locale(language):
        statistics = campaign_statistics(campaign)
        charts = {dimension: bar_chart(rows) for dimension, _label, rows in statistics["tables"]}
        title = str(_l("Statistics"))
        html = render_template("reports/appendix.html", campaign=campaign, statistics=statistics, charts=charts,
                               stages=STAGES, stage_labels=STAGE_LABELS, title=title,
                               lang_tag="zh-CN" if language == "zh" else "en")
    return render_pdf(html, print_stylesheet("appendix.css")), title


def append_statistics(campaign, pdf_path, language="zh"):
    """Append the appendix to the book at `pdf_path` (in place); returns the new page count."""
    data, title = appendix_pdf(campaign, language)
    writer = PdfWriter(clone_from=PdfReader(pdf_path))
    start = len(writer.pages)
    writer.append(PdfReader(io.BytesIO(data)), import_outline=False)
    writer.add_outline_item(title=title, page_number=start)
    partial = f"{pdf_path}.appendix"
    with open(partial, "wb") as stream:
        writer.write(stream)
    os.replace(partial, pdf_path)
    return len(writer.pages)
