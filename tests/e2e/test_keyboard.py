"""The registration form and the case form, completed and sent with the keyboard alone:
Tab to move, typing, Space for checkboxes, arrow keys for lists, Enter to send. No clicks.

Each step Tabs until the expected control has the focus (at most a few presses), so the
test also shows that the focus order follows the form and that no control is unreachable.
"""
import re

import pytest
from playwright.sync_api import expect

from tests.e2e.browser import Shots
from tests.e2e.data import PASSWORD, credit_code, seed_draft, seed_world
from tests.e2e.ui import FIGURE_VALUES, NARRATIVE, flash, mailed_path

pytestmark = pytest.mark.e2e


def tab_to(page, selector, limit=12):
    """Press Tab until the focused element matches `selector`; fail if it takes more than `limit`."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement && document.activeElement.matches(s)", selector):
            return
    focused = page.evaluate("() => document.activeElement && document.activeElement.outerHTML.slice(0, 120)")
    raise AssertionError(f"{selector} not reached with {limit} Tabs; the focus is on {focused}")


def skip_to_content(page):
    """The first Tab reaches the skip link; Enter puts the focus at the start of <main>."""
    page.keyboard.press("Tab")
    expect(page.locator(":focus")).to_have_class("skip-link")
    page.keyboard.press("Enter")
    expect(page.locator(":focus")).to_have_id("main")


def test_registration_by_keyboard(page, live_app):
    seed_world(experts=0)
    t = live_app.t("zh")
    shot = Shots("zh", prefix="keyboard-")
    page.goto("/auth/register")
    tab_to(page, "header .language-switch button[value=zh]", limit=4)   # skip link, brand, then the switch
    page.keyboard.press("Enter")
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    skip_to_content(page)
    for selector, keys in [
        ("#name", "北京市西城区太极拳协会"), ("#short_names", "西城太极协会"),
        ("#org_type", ["ArrowDown"]), ("#province", ["ArrowDown"]),
        ("#credit_code", credit_code(77).lower()), ("#contact_person", "赵敏"), ("#mobile", "13612345678"),
        ("#email", "taiji@xicheng.org.cn"), ("#password", PASSWORD), ("#confirm", PASSWORD),
    ]:
        tab_to(page, selector, limit=3)
        if isinstance(keys, list):
            for key in keys:
                page.keyboard.press(key)
        else:
            page.keyboard.type(keys)
    expect(page.locator("#org_type")).to_have_value("sports_association")
    expect(page.locator("#province")).to_have_value("beijing")
    shot(page, "register")
    tab_to(page, "button[type=submit]", limit=2)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text(t("Check your inbox"))
    # The mailed link, its button and the sign-in, by keyboard too.
    page.goto(mailed_path("taiji@xicheng.org.cn", "/auth/confirm/"))
    skip_to_content(page)
    tab_to(page, "main button[type=submit]", limit=3)
    page.keyboard.press("Enter")
    expect(flash(page)).to_contain_text(t("Your e-mail address is confirmed. Sign in with it and your password."))
    expect(page.locator(":focus")).to_have_id("main")      # a page with a message starts at <main>
    tab_to(page, "#email", limit=3)
    page.keyboard.type("taiji@xicheng.org.cn")
    tab_to(page, "#password", limit=2)
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("北京市西城区太极拳协会")


def test_case_form_by_keyboard(page, live_app):
    world, case = seed_draft()
    t = live_app.t("en")
    shot = Shots("en", prefix="keyboard-")
    page.goto("/auth/sign-in")
    skip_to_content(page)
    tab_to(page, "#email", 3)
    page.keyboard.type(world.org_user.email)
    tab_to(page, "#password", 2)
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/dashboard(#main)?$"))      # the skip link's #main stays
    page.context.clock.install()          # no autosave fires while typing: only the keyboard saves here
    page.goto(f"/cases/{case.id}/edit")
    skip_to_content(page)
    steps = [("#title", "Keyboard-only case"), ("#themes-0", " "), ("#summary", "Weekly coaching in the park.")]
    steps += [(f"#{name}", text) for name, text in NARRATIVE.items()]
    steps += [(f"#{name}", value) for name, value in FIGURE_VALUES.items()]
    steps += [("#service_places-3", " "), ("#volunteer_categories-0", " "),
              ("#contact_person", "Liu Yang"), ("#contact_phone", "13912345678")]
    for selector, text in steps:
        tab_to(page, selector)
        page.keyboard.type(text) if text != " " else page.keyboard.press("Space")
    for box in ("#themes-0", "#service_places-3", "#volunteer_categories-0"):
        expect(page.locator(box)).to_be_checked()
    shot(page, "case-form")
    tab_to(page, "#case-form button[type=submit]", limit=2)
    page.keyboard.press("Enter")
    expect(flash(page)).to_contain_text(t("Draft saved."))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Keyboard-only case")
    expect(page.locator("#volunteers")).to_have_value(FIGURE_VALUES["volunteers"])
    expect(page.locator("#experience_text")).to_have_value(NARRATIVE["experience_text"])
