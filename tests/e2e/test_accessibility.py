"""axe-core on every main page of every role, in both languages; the same pages load
without any Content-Security-Policy violation and without inline code.

Fails on violations of impact "serious" or "critical". axe runs in a second browser
context with bypass_csp=True (the app's CSP rightly refuses the injected script);
the CSP itself is checked in the ordinary context, which loads the same pages (in one
language: the policy and the markup that could break it do not depend on the language).
"""
import pytest

from tests.e2e.axe import axe_context, axe_violations, describe
from tests.e2e.browser import assert_no_inline_code
from tests.e2e.data import PASSWORD, seed_pages
from tests.e2e.i18n import HTML_LANG
from tests.e2e.ui import sign_in, switch_language

pytestmark = pytest.mark.e2e


def _pages(role, w):
    c, d = w.campaign.id, w.draft.id
    return {
        "anonymous": ["/", "/auth/sign-in", "/auth/register", "/auth/register/sent", "/auth/forgot-password",
                      f"/campaigns/{c}"],
        "organization": ["/dashboard", f"/cases/{d}", f"/cases/{d}/edit", f"/cases/{d}/evidence",
                         f"/cases/{d}/activities", f"/cases/{d}/submit", f"/cases/{d}/blind-check",
                         "/organization/colleagues"],
        "unit": ["/dashboard", "/recommendation/", f"/recommendation/cases/{w.submitted.id}", "/account", "/units/",
                 f"/messages/cases/{w.submitted.id}"],
        "expert": ["/dashboard", "/experts/cases", "/account", "/auth/confirm-password"],
        "admin": ["/dashboard", "/campaigns/", f"/campaigns/{c}/edit", "/admin/cases", "/admin/organizations",
                  "/admin/users", "/admin/invitations", "/recommendation/units", "/admin/units", "/experts/",
                  f"/experts/campaigns/{c}/conflicts", f"/assignment/campaigns/{c}", "/admin/audit", "/admin/outbox",
                  f"/admin/users/{w.experts[0].id}", f"/admin/users/{w.org_user.id}",
                  f"/units/campaigns/{c}", "/units/filing-columns", "/units/tree",
                  f"/messages/cases/{w.submitted.id}", "/messages/templates", "/messages/group"],
    }[role]


def _account(role, w):
    return {"organization": w.org_user, "unit": w.unit_user, "expert": w.experts[0], "admin": w.admin}.get(role)


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("role", ["anonymous", "organization", "unit", "expert", "admin"])
def test_pages_have_no_serious_accessibility_violations(browser, context, page, live_app, role, lang):
    world = seed_pages(live_app.app)
    t = live_app.t(lang)
    page.goto("/")
    switch_language(page, lang)
    account = _account(role, world)
    if account is not None:
        sign_in(page, t, account.email, PASSWORD)
    axe = axe_context(browser, base_url=live_app.url, storage_state=context.storage_state())
    axe_page = axe.new_page()
    found = []
    try:
        for path in _pages(role, world):
            if lang == "zh":
                response = page.goto(path)                   # the ordinary context: CSP is watched
                assert response.status == 200, f"{path} answered {response.status}"
                assert_no_inline_code(page)
            response = axe_page.goto(path)
            assert response.status == 200, f"{path} answered {response.status}"
            assert axe_page.locator("html").get_attribute("lang") == HTML_LANG[lang], path
            found += [(path, v) for v in axe_violations(axe_page)]
    finally:
        axe.close()
    assert not found, f"{len(found)} serious/critical accessibility violations ({role}, {lang}):\n" + describe(found)
