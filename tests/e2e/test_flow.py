"""The collection through the real UI, in both languages: an organization registers and
submits a case, its province's bureau recommends it, the admin assigns reviewers.

The flow stops at the confirmed assignment: expert scoring, selection, the book
and the gallery are being built and are not tested here.
Screenshots: test-artifacts/e2e/<lang>/NN-step.png.
"""
import re

import pytest
from playwright.sync_api import expect

from tests.e2e.browser import Shots
from tests.e2e.data import PASSWORD, credit_code, photo_jpeg, seed_world
from tests.e2e.i18n import HTML_LANG
from tests.e2e.ui import (add_activity, confirm_registration, fill_case, fill_registration, flash, labelled, main,
                          sign_in, sign_out, switch_language, upload_with_progress)

pytestmark = pytest.mark.e2e

THEME = {"zh": "体医融合", "en": "Sports and medicine"}
CAMPAIGN = {"zh": "2026年优秀案例征集", "en": "2026 Excellent Cases"}


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_case_goes_from_registration_to_confirmed_reviewers(page, live_app, lang):
    t = live_app.t(lang)
    world = seed_world()
    shot = Shots(lang)
    title = {"zh": "银龄八段锦社区健身指导", "en": "Baduanjin for seniors in the community"}[lang]

    # 1. The organization registers, in its language.
    page.goto("/")
    switch_language(page, lang)
    expect(page.get_by_role("heading", level=1)).to_have_text(
        t("National Fitness Volunteer Service Excellent Case Collection"))
    shot(page, "home")
    main(page).get_by_role("link", name=t("Register your organization")).click()
    fill_registration(page, t, name="北京市海淀区健身气功协会", code=credit_code(4242),
                      email=f"contact-{lang}@hdqigong.org.cn", password=PASSWORD)
    shot(page, "register-filled")
    main(page).get_by_role("button", name=t("Register")).click()
    # The account is usable once the link mailed to the address is opened.
    expect(page.get_by_role("heading", level=1)).to_have_text(t("Check your inbox"))
    expect(main(page)).to_contain_text(t("We have sent a message to %(email)s with the next step.",
                                         email=f"contact-{lang}@hdqigong.org.cn"))
    shot(page, "registration-sent")
    confirm_registration(page, t, f"contact-{lang}@hdqigong.org.cn")
    sign_in(page, t, f"contact-{lang}@hdqigong.org.cn", PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_have_text("北京市海淀区健身气功协会")
    shot(page, "organization-dashboard")

    # Starts a case in the open campaign and fills every section.
    main(page).get_by_role("button", name=t("Start a case for “%(campaign)s”", campaign=CAMPAIGN[lang])).click()
    expect(page).to_have_url(re.compile(r"/cases/\d+/edit$"))
    fill_case(page, t, THEME[lang], title)
    shot(page, "case-filled")
    main(page).get_by_role("button", name=t("Save draft")).click()
    expect(flash(page)).to_contain_text(t("Draft saved."))
    expect(page.get_by_role("heading", level=1)).to_contain_text(title)

    # One row of the activity log.
    page.get_by_role("navigation", name=t("Parts of the case")).get_by_role("link", name=t("Activity log")).click()
    add_activity(page, t, "社区八段锦公益课")
    expect(main(page).locator("table.activity-log")).to_contain_text("社区八段锦公益课")
    shot(page, "activity-added")

    # A photo, through the file input; the page reloads when every file is in.
    page.get_by_role("navigation", name=t("Parts of the case")).get_by_role("link", name=t("Evidence")).click()
    labelled(main(page), t("Files")).set_input_files(
        {"name": "morning-practice.jpg", "mimeType": "image/jpeg", "buffer": photo_jpeg()})
    labelled(main(page), t("Caption")).first.fill("清晨的八段锦课")
    shot(page, "photo-chosen")
    rows = upload_with_progress(page, main(page).get_by_role("button", name=t("Upload"), exact=True))
    assert [(row["value"], row["text"]) for row in rows] == [(100, f"morning-practice.jpg  {t('Uploaded')}")]
    item = main(page).locator(".evidence-item", has_text="morning-practice.jpg")
    expect(item).to_be_visible()
    expect(item.get_by_role("img", name="清晨的八段锦课")).to_be_visible()
    shot(page, "photo-uploaded")

    # Submits.
    page.get_by_role("navigation", name=t("Parts of the case")).get_by_role("link", name=t("Submit")).click()
    expect(main(page)).to_contain_text(t("Everything the call asks for is there."))
    shot(page, "submit-checklist")
    main(page).get_by_role("button", name=t("Submit the case")).click()
    expect(flash(page)).to_contain_text(t("Your case has been submitted. You can download the receipt below."))
    shot(page, "submitted")
    page.locator("header").get_by_role("link", name=t("Dashboard")).click()
    row = main(page).get_by_role("row", name=re.compile(re.escape(title)))
    expect(row).to_contain_text(t("Submitted"))
    shot(page, "dashboard-submitted")
    sign_out(page, t, lang)

    # 2. Beijing's sports bureau recommends it.
    sign_in(page, t, world.unit_user.email, PASSWORD)
    expect(page.locator("html")).to_have_attribute("lang", HTML_LANG[lang])
    shot(page, "unit-dashboard")
    main(page).get_by_role("link", name=t("Screen the cases")).click()
    main(page).get_by_role("link", name=title).click()
    expect(main(page)).to_contain_text("北京市海淀区健身气功协会")
    shot(page, "unit-case")
    main(page).get_by_role("button", name=t("Recommend"), exact=True).click()
    expect(flash(page)).to_contain_text(t("The case is recommended."))
    expect(main(page).get_by_role("row", name=re.compile(re.escape(title)))).to_contain_text(t("Recommended"))
    shot(page, "recommended")
    sign_out(page, t, lang)

    # 3. The admin runs the reviewer assignment and confirms it.
    sign_in(page, t, world.admin.email, PASSWORD)
    main(page).get_by_role("link", name=t("Reviewer assignment")).click()
    expect(main(page)).to_contain_text(
        t("%(cases)d cases need %(k)d reviewers each; %(experts)d experts are available.", cases=1, k=3, experts=4))
    shot(page, "assignment-before")
    main(page).get_by_role("button", name=t("Run the assignment")).click()
    expect(flash(page)).to_contain_text(t("Every case has its reviewers. Check the proposal, then confirm it."))
    shot(page, "assignment-proposed")
    main(page).get_by_role("button", name=t("Confirm and notify the experts")).click()
    expect(flash(page)).to_contain_text(
        t("%(count)d assignments confirmed; the experts have been told by e-mail.", count=3))
    expect(main(page).get_by_role("row", name=re.compile(re.escape(title)))).to_contain_text(t("Under review"))
    shot(page, "assignment-confirmed")
    page.locator("header").get_by_role("button", name=t("System")).click()   # the grouped admin menu
    page.locator("header").get_by_role("link", name=t("Outbox")).click()
    # The registration's confirmation link and the three experts' notices.
    expect(main(page).locator("article.mail")).to_have_count(4)
    shot(page, "outbox")
