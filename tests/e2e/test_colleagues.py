"""An organization's owner invites a colleague through the real UI, in both languages; the
colleague makes an account from the mailed link and works on the case; the owner removes them."""
import re

import pytest
from playwright.sync_api import expect

from tests.e2e.browser import Shots, watch_csp
from tests.e2e.data import PASSWORD, seed_draft
from tests.e2e.ui import flash, labelled, mailed_path, main, sign_in, switch_language

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_owner_invites_a_colleague_who_works_on_the_case_until_removed(browser, page, live_app, lang):
    world, case = seed_draft()
    t = live_app.t(lang)
    shot = Shots(lang, prefix="colleagues-")
    page.goto("/")
    switch_language(page, lang)
    sign_in(page, t, world.org_user.email, PASSWORD)
    page.get_by_role("navigation", name=t("Main")).get_by_role("link", name=t("Colleagues")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(t("Colleagues"))
    labelled(main(page), t("Colleague's name")).fill("李娜")
    labelled(main(page), t("E-mail")).fill("li.na@hd.example.cn")
    main(page).get_by_role("button", name=t("Send the invitation")).click()
    expect(flash(page)).to_contain_text(t("The invitation is sent to %(email)s.", email="li.na@hd.example.cn"))
    expect(main(page)).to_contain_text(t("Pending invitations"))
    shot(page, "invited")

    # The colleague, in their own browser, opens the mailed link and makes an account.
    context = browser.new_context(base_url=live_app.url, locale="en-US")
    violations = watch_csp(context)
    try:
        colleague = context.new_page()
        colleague.goto(mailed_path("li.na@hd.example.cn", "/auth/invitation/"))
        switch_language(colleague, lang)
        expect(main(colleague)).to_contain_text("北京市海淀区健身气功协会")
        labelled(main(colleague), t("Password")).fill(PASSWORD)
        labelled(main(colleague), t("Repeat the password")).fill(PASSWORD)
        main(colleague).get_by_role("button", name=t("Create my account")).click()
        expect(colleague).to_have_url(re.compile(r"/dashboard$"))
        expect(colleague.get_by_role("heading", level=1)).to_have_text("北京市海淀区健身气功协会")
        colleague.goto(f"/cases/{case.id}/edit")
        expect(colleague.get_by_role("heading", level=1)).to_be_visible()
        shot(colleague, "colleague-editing")

        # The owner removes them (the password was entered just now); their next page is the sign-in.
        page.reload()
        row = main(page).get_by_role("row", name=re.compile("li.na@hd.example.cn"))
        row.get_by_role("button", name=re.compile(re.escape(t("Remove")))).click()
        expect(flash(page)).to_contain_text(t("The colleague is removed: they no longer see the organization's cases."))
        expect(main(page)).not_to_contain_text("li.na@hd.example.cn")
        shot(page, "removed")
        colleague.goto(f"/cases/{case.id}/edit")
        expect(colleague).to_have_url(re.compile(r"/auth/sign-in"))
    finally:
        context.close()
    assert not violations, violations
