"""Typing and pasting in the case form: a paste longer than a field's limit stays whole and
the field says it is too long; the autosave status stays in sight wherever the person types."""
import pytest
from playwright.sync_api import expect

from reviewapp.cases.checks import SUMMARY_MAX
from tests.e2e.browser import Shots
from tests.e2e.drafts import open_draft, saved_pattern, stored
from tests.e2e.ui import labelled, main

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_paste_over_the_limit_is_kept_and_said_too_long(page, live_app, lang):
    t, case, _ = open_draft(page, live_app, lang)
    summary = labelled(main(page), t("Summary"))
    text = "每周在社区开展科学健身指导，" * 25                     # 350 characters, the limit is 300
    assert len(text) > SUMMARY_MAX
    summary.focus()
    page.keyboard.insert_text(text)                               # what a paste does: the browser's own input
    expect(summary).to_have_value(text)                           # not cut at 300
    message = main(page).locator("#summary-too-long")
    expect(message).to_have_text(t("Too long: %(used)s characters, at most %(max)s. Your text is kept here; "
                                   "shorten it to save it.", used=len(text), max=SUMMARY_MAX))
    page.clock.run_for(3100)
    status = page.locator("#autosave-status")
    expect(status).to_have_text(t("Not saved: please correct the marked fields."))
    assert stored(case.id).summary == ""                           # refused, and the text still in the field
    expect(summary).to_have_value(text)
    Shots(lang, prefix="limits-")(page, "too-long")

    summary.fill(text[:SUMMARY_MAX])
    expect(message).to_be_hidden()
    page.clock.run_for(3100)
    expect(status).to_have_text(saved_pattern(t))
    assert stored(case.id).summary == text[:SUMMARY_MAX]


def test_the_autosave_status_is_in_sight_where_the_person_types(page, live_app):
    t, _case, _ = open_draft(page, live_app, "en")
    last = labelled(main(page), t("Replicable experience"))
    last.scroll_into_view_if_needed()
    last.press_sequentially("骨干带新人")
    page.clock.run_for(3100)
    status = page.locator("#autosave-status")
    expect(status).to_have_text(saved_pattern(t))
    field_box, status_box = last.bounding_box(), status.bounding_box()
    height = page.viewport_size["height"]
    assert 0 <= status_box["y"] and status_box["y"] + status_box["height"] <= height, status_box
    assert 0 <= field_box["y"] <= height, field_box                 # both in view at once
