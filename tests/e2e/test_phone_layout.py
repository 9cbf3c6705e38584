"""On a phone (390 x 844) no main page of any role scrolls sideways, in either language.

The pages are the accessibility test's (every main page of every role). One browser
context per role, the pages visited in sequence, both languages in the same context.
A page fails when the document is wider than the window: it lists the page and how wide.
"""
import pytest

from tests.e2e.data import PASSWORD, seed_pages
from tests.e2e.test_accessibility import _account, _pages
from tests.e2e.ui import sign_in, switch_language

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}
_WIDTHS = "() => [document.documentElement.scrollWidth, window.innerWidth]"


@pytest.mark.parametrize("role", ["anonymous", "organization", "unit", "expert", "admin"])
def test_no_main_page_scrolls_sideways_on_a_phone(browser, live_app, role):
    world = seed_pages(live_app.app)
    context = browser.new_context(base_url=live_app.url, viewport=PHONE)
    context.set_default_timeout(10_000)
    page = context.new_page()
    wide = []
    try:
        page.goto("/")
        account = _account(role, world)
        for lang in ("zh", "en"):
            switch_language(page, lang)
            if account is not None and lang == "zh":
                sign_in(page, live_app.t(lang), account.email, PASSWORD)
            for path in _pages(role, world):
                response = page.goto(path)
                assert response.status == 200, f"{path} answered {response.status}"
                scroll_width, window_width = page.evaluate(_WIDTHS)
                if scroll_width > window_width:
                    wide.append(f"{lang} {path}: {scroll_width} px wide in a {window_width} px window "
                                f"(+{scroll_width - window_width} px)")
    finally:
        context.close()
    assert not wide, f"{len(wide)} pages scroll sideways on a phone ({role}):\n" + "\n".join(wide)
