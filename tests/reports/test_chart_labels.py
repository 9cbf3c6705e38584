"""Chart labels are shortened by the width they take, not by a count of characters: English
labels were cut after 16 letters ("Beijing Sports …") while the column holds about 27."""
from types import SimpleNamespace

from reviewapp.reports.charts import LABEL_EMS, _ems, bar_chart, short


def _rows(*labels):
    return [SimpleNamespace(label=label, counts={"submitted": 3, "selected": 1}) for label in labels]


def test_english_and_chinese_labels_that_fit_are_printed_whole():
    chart = bar_chart(_rows("Beijing Sports Association", "北京市朝阳区社会体育指导员协会"))
    assert [bar.label for bar in chart["bars"]] == ["Beijing Sports Association", "北京市朝阳区社会体育指导员协会"]


def test_a_label_too_wide_ends_in_an_ellipsis_within_the_column_and_keeps_its_full_text():
    label = "Shanghai Municipal Federation of Volunteer Service Teams"
    bar = bar_chart(_rows(label))["bars"][0]
    assert bar.label.endswith("…") and bar.full == label
    assert sum(map(_ems, bar.label)) <= LABEL_EMS
    assert len(short("全国" * 20)) < 17   # Chinese, one em per character


def test_the_page_shows_the_whole_label_as_the_tooltip_of_a_shortened_one(app):
    from flask import render_template_string

    chart = bar_chart(_rows("Shanghai Municipal Federation of Volunteer Service Teams"))
    with app.test_request_context():
        html = render_template_string('{% from "reports/_chart.html" import bar_chart %}{{ bar_chart(c, "t", "a", "b") }}', c=chart)
    assert "<title>Shanghai Municipal Federation of Volunteer Service Teams</title>" in html
