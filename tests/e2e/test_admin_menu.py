"""The administrator's header (#19.10): four grouped disclosure menus instead of thirteen links
that wrapped; one row at 1280 px, usable at 390 px, by mouse and keyboard."""
import pytest
from playwright.sync_api import expect

from tests.e2e.data import PASSWORD, seed_pages
from tests.e2e.ui import sign_in, switch_language

pytestmark = pytest.mark.e2e

_TOPS = "() => [...document.querySelectorAll('.main-nav > ul > li')].map(li => li.getBoundingClientRect().top)"
_WIDTHS = "() => [document.documentElement.scrollWidth, window.innerWidth]"


def _admin(page, live_app, lang="zh"):
    world = seed_pages(live_app.app)
    t = live_app.t(lang)
    page.goto("/")
    switch_language(page, lang)
    sign_in(page, t, world.admin.email, PASSWORD)
    return t


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_grouped_menu_is_one_row_on_a_desk_and_opens_by_mouse_and_keyboard(page, live_app, lang):
    page.set_viewport_size({"width": 1280, "height": 900})
    t = _admin(page, live_app, lang)
    assert len(set(page.evaluate(_TOPS))) == 1          # every top item on one row
    nav = page.locator("header .main-nav")
    system = nav.get_by_role("button", name=t("System"))
    expect(system).to_have_attribute("aria-expanded", "false")
    expect(nav.get_by_role("link", name=t("Audit log"))).to_be_hidden()
    system.click()
    expect(system).to_have_attribute("aria-expanded", "true")
    expect(nav.get_by_role("link", name=t("Audit log"))).to_be_visible()
    page.keyboard.press("Escape")
    expect(system).to_have_attribute("aria-expanded", "false")
    expect(system).to_be_focused()
    # Keyboard alone: Enter opens, Tab reaches the first link, Enter follows it.
    review = nav.get_by_role("button", name=t("Call for cases"))
    review.focus()
    page.keyboard.press("Enter")
    expect(review).to_have_attribute("aria-expanded", "true")
    page.keyboard.press("Tab")
    expect(nav.get_by_role("link", name=t("Campaigns"))).to_be_focused()
    page.keyboard.press("Enter")
    expect(page).to_have_url(live_app.url + "/campaigns/")


def test_the_grouped_menu_is_usable_on_a_phone(page, live_app):
    page.set_viewport_size({"width": 390, "height": 844})
    t = _admin(page, live_app)
    nav = page.locator("header .main-nav")
    nav.get_by_role("button", name=t("System")).click()
    link = nav.get_by_role("link", name=t("Audit log"))
    expect(link).to_be_visible()
    width, window = page.evaluate(_WIDTHS)
    assert width <= window
    box = link.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390
    link.click()
    expect(page).to_have_url(live_app.url + "/admin/audit")
