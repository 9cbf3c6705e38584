"""Drafts are never lost: autosave to the server, and a copy in the browser while offline."""
import pytest
from playwright.sync_api import expect

from tests.e2e.browser import Shots
from tests.e2e.drafts import offline_text, open_draft, saved_pattern
from tests.e2e.ui import flash, labelled, main

pytestmark = pytest.mark.e2e


def test_autosave_keeps_the_text_across_a_reload(page, live_app):
    t, case, _ = open_draft(page, live_app, "en")
    title = labelled(main(page), t("Title of the case"))
    title.press_sequentially("社区健身指导十年坚持")
    status = page.locator("#autosave-status")
    page.clock.run_for(3100)                                        # 3 s without typing
    expect(status).to_have_text(saved_pattern(t))
    page.reload()
    expect(title).to_have_value("社区健身指导十年坚持")
    expect(page.get_by_role("heading", level=1)).to_contain_text("社区健身指导十年坚持")
    expect(status).to_have_text("")                                 # nothing to restore


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_text_typed_offline_comes_back_from_the_browser(context, page, live_app, lang):
    t, case, _ = open_draft(page, live_app, lang)
    shot = Shots(lang, prefix="drafts-")
    status = page.locator("#autosave-status")
    context.set_offline(True)
    labelled(main(page), t("Summary")).press_sequentially("断网时写下的摘要")
    page.clock.run_for(3100)
    expect(status).to_have_text(offline_text(t))
    shot(page, "offline")
    # The tab is closed while offline; the connection comes back; the draft is opened again.
    page.close()
    context.set_offline(False)
    page = context.new_page()
    page.goto(f"/cases/{case.id}/edit")
    summary = labelled(main(page), t("Summary"))
    expect(summary).to_have_value("断网时写下的摘要")
    status = page.locator("#autosave-status")
    expect(status).to_have_text(t("Text you typed earlier that had not reached the server was restored from "
                                  "this browser. Check it and save."))
    shot(page, "restored")
    main(page).get_by_role("button", name=t("Save draft")).click()
    expect(page.locator(".flashes")).to_contain_text(t("Draft saved."))
    page.reload()
    expect(summary).to_have_value("断网时写下的摘要")
    expect(status).to_have_text("")

    # Offline again, but the page stays open: when the connection returns, it saves by itself.
    context.set_offline(True)
    summary.focus()
    page.keyboard.press("Control+End")
    page.keyboard.type("，又补充一句")
    page.clock.run_for(3100)
    expect(status).to_have_text(offline_text(t))
    context.set_offline(False)
    expect(status).to_have_text(saved_pattern(t))
    page.reload()
    expect(summary).to_have_value("断网时写下的摘要，又补充一句")
    expect(status).to_have_text("")
    shot(page, "saved-after-reconnect")


def test_save_draft_waits_for_an_autosave_already_on_its_way(page, live_app):
    """Clicking Save draft while an autosave is in flight must not end in a false conflict:
    the autosave is held back, the form's own request (if sent at once) is held too, and
    the autosave is let through first, which is the order that used to cause the conflict."""
    t, case, _ = open_draft(page, live_app, "zh")
    held = {"autosave": [], "form": []}
    page.route("**/autosave", lambda route: held["autosave"].append(route))
    holding_form = [True]

    def form_request(route):
        if route.request.method == "POST" and holding_form[0]:
            held["form"].append(route)
        else:
            route.continue_()
    page.route(f"**/cases/{case.id}/edit", form_request)
    title = labelled(main(page), t("Title of the case"))
    title.press_sequentially("晨练点志愿服务")
    page.clock.run_for(3100)                      # the autosave leaves and is held back
    page.wait_for_timeout(300)
    assert len(held["autosave"]) == 1
    page.get_by_role("button", name=t("Save draft")).click()
    page.wait_for_timeout(300)
    held["autosave"][0].continue_()               # the autosave reaches the server first
    page.wait_for_timeout(500)
    holding_form[0] = False
    for route in held["form"]:
        route.continue_()
    page.wait_for_load_state()
    expect(flash(page)).to_be_visible()
    expect(page.locator(".error-summary")).to_have_count(0)   # no false "saved elsewhere"
    page.reload()
    expect(labelled(main(page), t("Title of the case"))).to_have_value("晨练点志愿服务")
