"""The recommending unit's screening and the applicant's return flow, in a real browser.

The unit opens a case routed to it and reaches every evidence file (photo, PDF, video link,
activity log) from the page; it returns a case after the submission deadline, the applicant
reads the reason on the dashboard and the case page and submits the case again while the
recommendation window is open. Screenshots: test-artifacts/e2e/<lang>/unit-NN-step.png.
"""
import re
from datetime import datetime, timedelta, timezone

import pytest
from playwright.sync_api import expect

from reviewapp.campaigns.models import Campaign
from reviewapp.cases.models import Case
from reviewapp.cases.workflow import CaseState
from reviewapp.extensions import db
from reviewapp.timezones import format_local
from tests.conftest import IsolatedClient
from tests.e2e.browser import Shots
from tests.e2e.ui import flash, main, sign_in, sign_out, switch_language
from tests.factories import PASSWORD
from tests.recommendation.data import submitted_case_with_evidence

pytestmark = pytest.mark.e2e


def _submitted(live_app):
    live_app.app.test_client_class = IsolatedClient   # the seeding client's requests stay apart
    case, _org, unit_user = submitted_case_with_evidence(live_app.app)
    return case, unit_user


def _loaded_images(page):
    return page.evaluate("() => [...document.querySelectorAll('main img')].map(i => i.complete && i.naturalWidth)")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_unit_opens_a_routed_case_and_reaches_every_evidence_file(page, live_app, lang):
    t = live_app.t(lang)
    case, unit_user = _submitted(live_app)
    evidence = {item.kind: item for item in case.evidence}
    shot = Shots(lang, prefix="unit-")

    page.goto("/")
    switch_language(page, lang)
    sign_in(page, t, unit_user.email, PASSWORD)
    main(page).get_by_role("link", name=t("Screen the cases")).click()
    row = main(page).get_by_role("row", name=re.compile(re.escape(case.title)))
    expect(row).to_contain_text(f"{case.campaign.year}-0001")
    shot(page, "list")
    row.get_by_role("link", name=case.title).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(case.title)

    # Everything submitted is on the page: the log, the photo, the PDF in its viewer, the video link.
    body = main(page)
    expect(body.locator("table.activity-log")).to_contain_text("太极拳进社区")
    expect(body.get_by_role("img", name="晨练点")).to_be_visible()
    expect(body.locator(f"iframe[title='活动总结报告']")).to_have_attribute(
        "src", f"/cases/{case.id}/evidence/{evidence['pdf'].id}/view")
    expect(body.get_by_role("link", name="https://v.example.com/watch?v=42")).to_be_visible()
    page.wait_for_function("() => [...document.querySelectorAll('main img')].every(i => i.complete)")
    assert all(_loaded_images(page)), "a photo did not load"
    shot(page, "case")

    # Every link to a file answers with the file, to this unit.
    hrefs = body.locator("a[href*='/evidence/'], img[src*='/evidence/'], iframe[src*='/evidence/']").evaluate_all(
        "els => els.map(e => e.getAttribute('href') || e.getAttribute('src'))")
    served = {}
    for href in sorted(set(hrefs)):
        response = page.request.get(href)
        assert response.ok, f"{href}: {response.status}"
        served[href] = response.headers["content-type"]
    files = [item for item in case.evidence if item.kind != "link"]
    for item in files:
        assert any(f"/evidence/{item.id}/" in href for href in served), f"no link reaches {item.original_name}"
    assert served[f"/cases/{case.id}/evidence/{evidence['pdf'].id}/view"] == "application/pdf"
    assert served[f"/cases/{case.id}/evidence/{evidence['photo'].id}/thumbnail"] == "image/jpeg"

    # The case's own tabs answer too (they were 403 for units).
    tabs = page.get_by_role("navigation", name=t("Parts of the case"))
    tabs.get_by_role("link", name=t("Evidence")).click()
    expect(page).to_have_url(re.compile(rf"/cases/{case.id}/evidence$"))
    expect(main(page).get_by_role("img", name="晨练点")).to_be_visible()
    shot(page, "evidence-tab")
    page.get_by_role("navigation", name=t("Parts of the case")).get_by_role("link", name=t("Activity log")).click()
    expect(main(page).locator("table.activity-log")).to_contain_text("八段锦教学")
    sign_out(page, t, lang)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_case_returned_after_the_deadline_is_fixed_and_submitted_again(page, live_app, lang):
    t = live_app.t(lang)
    case, unit_user = _submitted(live_app)
    applicant = case.organization.users[0]
    now = datetime.now(timezone.utc)
    campaign = db.session.get(Campaign, case.campaign_id)
    campaign.submission_closes = now - timedelta(days=1)      # the call closed yesterday
    db.session.commit()
    shot = Shots(lang, prefix="return-")
    reason = "请补充2024年活动的照片，并说明服务人次的统计方法。"

    page.goto("/")
    switch_language(page, lang)
    sign_in(page, t, unit_user.email, PASSWORD)
    page.goto(f"/recommendation/cases/{case.id}")
    main(page).get_by_label(re.compile(t("Reason"))).last.fill(reason)
    dialogs = []
    page.once("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.accept()))
    main(page).get_by_role("button", name=t("Return to the applicant")).click()
    expect(flash(page)).to_contain_text(t("The case was returned to the applicant."))
    assert dialogs == [t("Return the case to the applicant? This e-mails %(n)d people the reason.", n=1)]
    sign_out(page, t, lang)

    sign_in(page, t, applicant.email, PASSWORD)
    returned = t("Returned: %(reason)s", reason=reason)
    expect(main(page).locator(".next-step")).to_contain_text(returned)
    shot(page, "dashboard-returned")
    main(page).locator(".next-step").get_by_role("link", name=case.title, exact=True).click()
    expect(page).to_have_url(re.compile(rf"/cases/{case.id}$"))
    status = main(page).locator(".case-status")
    expect(status).to_contain_text(returned)
    deadline = t("%(time)s Beijing time", time=format_local(campaign.recommendation_closes, "Asia/Shanghai"))
    expect(status).to_contain_text(t("Change what the reason asks for and submit the case again before %(deadline)s "
                                     "(the recommendation deadline).", deadline=deadline))
    shot(page, "case-returned")
    status.get_by_role("link", name=t("Submit again")).click()
    main(page).get_by_role("button", name=t("Submit the case")).click()
    expect(flash(page)).to_contain_text(t("Your case has been submitted. You can download the receipt below."))
    db.session.expire_all()
    assert db.session.get(Case, case.id).state is CaseState.SUBMITTED
    page.goto("/dashboard")
    unit = case.unit.name_zh if lang == "zh" else case.unit.name_en
    expect(main(page).locator(".next-step")).to_contain_text(
        t("Submitted; waiting for %(unit)s to screen it. Recommendation closes %(deadline)s.",
          unit=unit, deadline=deadline))
    shot(page, "dashboard-resubmitted")
