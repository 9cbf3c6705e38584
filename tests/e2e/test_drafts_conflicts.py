"""Two tabs, offline and back: a copy of text kept in this browser never overwrites newer saved text.

A copy made before the case was saved again (in another tab, on another
computer) is offered beside the saved text and sent only when the person
restores it and saves; a copy from the version on screen comes back as before.
"""
from datetime import datetime, timezone

import pytest
from playwright.sync_api import expect

from tests.e2e.axe import axe_context, axe_violations, describe
from tests.e2e.browser import Shots
from tests.e2e.drafts import offline_text, open_draft, save_on_another_computer, saved_pattern, stored
from tests.e2e.ui import NARRATIVE, flash, labelled, main

pytestmark = pytest.mark.e2e

THEME = {"zh": "体医融合", "en": "Sports and medicine"}
AT_10_42_BEIJING = datetime(2026, 3, 2, 2, 42, 5, tzinfo=timezone.utc)


def _conflict_text(t):
    return t("Not saved: this case was saved in another tab or by another person after you opened it. Nothing "
             "more is sent from this page. Your text is kept in this browser: reload the page to compare it "
             "with the saved text and choose.")


def _autosaves(page):
    """The autosave requests `page` sends from now on."""
    sent = []
    page.on("request", lambda request: sent.append(request) if request.url.endswith("/autosave") else None)
    return sent


def _assert_accessible(browser, context, live_app, case):
    """The page with its offer, as axe sees it (a second browser with the same cookies and copies)."""
    axe = axe_context(browser, base_url=live_app.url, storage_state=context.storage_state())
    try:
        axe_page = axe.new_page()
        axe_page.goto(f"/cases/{case.id}/edit")
        expect(axe_page.locator(".draft-offer")).to_have_count(1)
        found = axe_violations(axe_page)
        assert not found, describe([(axe_page.url, v) for v in found])
    finally:
        axe.close()


def test_a_tab_refused_as_a_conflict_offers_its_copy_after_the_reload_and_sends_nothing(context, page, live_app):
    t, case, _ = open_draft(page, live_app, "en")
    tab_b = context.new_page()
    tab_b.goto(f"/cases/{case.id}/edit")
    labelled(main(tab_b), t("Organization and team")).fill(NARRATIVE["organization_text"])
    labelled(main(tab_b), t("Regular activities")).fill(NARRATIVE["activities_text"])
    tab_b.clock.run_for(3100)
    expect(tab_b.locator("#autosave-status")).to_have_text(saved_pattern(t))

    # Tab A was opened before tab B saved: its title and theme are refused.
    title = labelled(main(page), t("Title of the case"))
    title.press_sequentially("A标签页的标题")
    labelled(main(page).get_by_role("group", name=t("Themes"), exact=True), THEME["en"]).check()
    with page.expect_response("**/autosave") as refused:
        page.clock.run_for(3100)
    assert refused.value.status == 409

    # Reloaded as told, tab A shows what is saved; a keystroke elsewhere saves on top of it.
    page.reload()
    labelled(main(page), t("Contact person")).fill("王丽华")
    page.clock.run_for(3100)
    status = page.locator("#autosave-status")
    expect(status).to_have_text(saved_pattern(t))
    case_now = stored(case.id)
    assert case_now.organization_text == NARRATIVE["organization_text"]
    assert case_now.activities_text == NARRATIVE["activities_text"]
    assert (case_now.title, case_now.themes, case_now.contact_person) == ("", [], "王丽华")
    expect(labelled(main(page), t("Organization and team"))).to_have_value(NARRATIVE["organization_text"])
    expect(title).to_have_value("")

    # Tab A's copy waits beside the saved text until the person chooses.
    offer = main(page).locator(".draft-offer")
    expect(offer).to_have_count(1)
    expect(offer.locator(".draft-field-name")).to_have_text([t("Title of the case"), t("Themes")])
    expect(offer.locator(".draft-mine")).to_have_text(["A标签页的标题", THEME["en"]])
    expect(offer.locator(".draft-saved")).to_have_text([t("(empty)"), t("(empty)")])
    offer.get_by_role("button", name=t("Discard my text")).click()
    expect(offer).to_have_count(0)
    page.reload()
    expect(main(page).locator(".draft-offer")).to_have_count(0)
    expect(status).to_have_text("")
    assert stored(case.id).title == ""


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_text_typed_offline_before_a_colleagues_save_is_offered_and_saved_only_on_request(
        browser, context, page, live_app, lang):
    t, case, world = open_draft(page, live_app, lang, at=AT_10_42_BEIJING)
    shot = Shots(lang, prefix="drafts-conflict-")
    status = page.locator("#autosave-status")
    summary = labelled(main(page), t("Summary"))
    context.set_offline(True)
    summary.press_sequentially("断网时写下的摘要")
    page.clock.run_for(3100)
    expect(status).to_have_text(offline_text(t))
    save_on_another_computer(browser, live_app, world, case,
                             {"Summary": "同事保存的摘要", "Replicable experience": NARRATIVE["experience_text"]})

    # The connection returns: the waiting autosave is refused, and nothing more is sent by itself.
    autosaves = _autosaves(page)
    context.set_offline(False)
    expect(status).to_have_text(_conflict_text(t))
    summary.press_sequentially("！")
    page.clock.run_for(3100)
    page.wait_for_timeout(300)
    assert len(autosaves) == 1
    assert stored(case.id).summary == "同事保存的摘要"

    page.reload()
    offer = main(page).locator(".draft-offer")
    expect(offer.get_by_role("heading", level=2)).to_have_text(t(
        "You have unsaved text from %(time)s in this browser", time=t("%(time)s Beijing time", time="10:42")))
    expect(offer.locator(".draft-field-name")).to_have_text([t("Summary")])
    expect(offer.locator(".draft-mine")).to_have_text("断网时写下的摘要！")
    expect(offer.locator(".draft-saved")).to_have_text("同事保存的摘要")
    expect(summary).to_have_value("同事保存的摘要")
    shot(page, "offered")
    _assert_accessible(browser, context, live_app, case)

    # Restoring puts the text in the form; only Save draft sends it, beside the colleague's section.
    offer.get_by_role("button", name=t("Restore my text")).click()
    expect(offer).to_have_count(0)
    expect(summary).to_have_value("断网时写下的摘要！")
    expect(summary).to_be_focused()
    expect(status).to_have_text(t("Your text is back in the form but not saved yet: check it and press Save draft."))
    page.clock.run_for(3100)
    assert stored(case.id).summary == "同事保存的摘要"
    shot(page, "restored")
    main(page).get_by_role("button", name=t("Save draft")).click()
    expect(flash(page)).to_contain_text(t("Draft saved."))
    case_now = stored(case.id)
    assert (case_now.summary, case_now.experience_text) == ("断网时写下的摘要！", NARRATIVE["experience_text"])
    expect(main(page).locator(".draft-offer")).to_have_count(0)
    expect(status).to_have_text("")


def test_a_plain_reload_brings_back_text_not_yet_sent(page, live_app):
    t, case, _ = open_draft(page, live_app, "zh")
    title = labelled(main(page), t("Title of the case"))
    title.press_sequentially("还没来得及保存的标题")
    page.reload()                                  # before the autosave pause is over
    expect(title).to_have_value("还没来得及保存的标题")
    status = page.locator("#autosave-status")
    expect(status).to_have_text(t("Text you typed earlier that had not reached the server was restored from "
                                  "this browser. Check it and save."))
    expect(main(page).locator(".draft-offer")).to_have_count(0)
    assert stored(case.id).title == ""
    main(page).get_by_role("button", name=t("Save draft")).click()
    expect(flash(page)).to_contain_text(t("Draft saved."))
    assert stored(case.id).title == "还没来得及保存的标题"
    page.reload()
    expect(status).to_have_text("")


def test_a_refused_save_draft_keeps_the_text_and_the_saved_version_offers_it(browser, page, live_app):
    t, case, world = open_draft(page, live_app, "zh")
    title = labelled(main(page), t("Title of the case"))
    title.fill("我写的标题")
    save_on_another_computer(browser, live_app, world, case, {"Title of the case": "同事写的标题"})
    main(page).get_by_role("button", name=t("Save draft")).click()
    expect(main(page).locator(".error-summary")).to_contain_text(t(
        "This case was saved in another tab or by another person after you opened it, so your changes were "
        "not saved. Your text is still below and kept in this browser: open the saved version to compare the two "
        "and choose what to keep."))
    expect(title).to_have_value("我写的标题")
    autosaves = _autosaves(page)
    title.press("End")
    title.press_sequentially("！")
    page.clock.run_for(3100)
    page.wait_for_timeout(300)
    assert autosaves == [] and stored(case.id).title == "同事写的标题"

    main(page).get_by_role("link", name=t("Open the saved version")).click()
    expect(title).to_have_value("同事写的标题")
    offer = main(page).locator(".draft-offer")
    expect(offer.locator(".draft-mine")).to_have_text("我写的标题！")
    expect(offer.locator(".draft-saved")).to_have_text("同事写的标题")
    page.clock.run_for(3100)
    assert stored(case.id).title == "同事写的标题"
