"""The second half of the story through the real UI, in both languages: two experts score the
case blind (one criterion by keyboard), the admin reads the results, records the selection,
builds the book and publishes; the public gallery shows the case and finds it.

Starts from a seeded world (review_world.py): the case is already under review and confirmed
to two experts. axe runs on every page of the second half; the ordinary context watches the CSP.
Screenshots: test-artifacts/e2e/<lang>/review-NN-step.png.
"""
import re

import pytest
from playwright.sync_api import expect

from tests.e2e.axe import describe
from tests.e2e.browser import Shots
from tests.e2e.data import PASSWORD
from tests.e2e.i18n import HTML_LANG
from tests.e2e.review_world import (
    TITLE,
    XSS_IMG,
    XSS_SCRIPT,
    AxeChecker,
    path_of,
    pdf_text,
    publish_directly,
    seed_review_world,
    wait_for_build,
)
from tests.e2e.ui import flash, labelled, main, sign_in, sign_out, switch_language

pytestmark = pytest.mark.e2e

# Scores per criterion in rubric order (weights all 1): totals 8.00 and 7.00, mean 7.50.
# The last criterion of each expert is scored with the keyboard.
SCORES = [(8, 8, 7, 9), (6, 7, 8, 7)]
TOTALS = ["8.00", "7.00"]
SEARCH_TERM = "健身志愿"


def review_case(page, t, who, scores, comment, shot, axe):
    """An expert, signed in: queue -> the case -> every criterion scored -> submitted."""
    page.locator("header").get_by_role("link", name=t("Your review queue")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(t("Your review queue"))
    expect(main(page)).to_contain_text(t("Done: %(done)d of %(total)d reviews.", done=0, total=1))
    shot(page, f"{who}-queue")
    axe(path_of(page), once_as="queue")
    main(page).get_by_role("link", name=t("Open case %(n)d", n=1)).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"{t('Case %(n)d', n=1)}: {TITLE}")
    axe(path_of(page), once_as="review")

    form = page.locator("#review-form")
    groups = form.get_by_role("radiogroup")
    expect(groups).to_have_count(len(scores))
    for number, score in enumerate(scores[:-1]):
        groups.nth(number).get_by_role("radio", name=str(score), exact=True).check()
    # The last criterion by keyboard: Tab from the previous criterion's comment reaches its
    # radio group (one tab stop), and the number key selects the score.
    previous_comment = form.locator("fieldset.criterion").nth(len(scores) - 2).locator("textarea")
    previous_comment.fill("组织健全，分工明确。")
    page.keyboard.press("Tab")
    last = groups.nth(len(scores) - 1)
    expect(last.locator("input[type=radio]:focus")).to_have_count(1)
    page.keyboard.press(str(scores[-1]))
    expect(last.get_by_role("radio", name=str(scores[-1]), exact=True)).to_be_checked()
    expect(last.get_by_role("radio", name=str(scores[-1]), exact=True)).to_be_focused()
    for number, score in enumerate(scores):
        expect(groups.nth(number).get_by_role("radio", name=str(score), exact=True)).to_be_checked()
    labelled(form, t("Overall comment to the department")).fill(comment)
    labelled(form, t("High")).check()
    shot(page, f"{who}-review-filled")
    form.get_by_role("button", name=t("Submit the review")).click()
    expect(flash(page)).to_contain_text(t("Your review is submitted. Thank you!"))
    expect(main(page)).to_contain_text(t("Your review is submitted and locked."))
    expect(form.get_by_role("button", name=t("Submit the review"))).to_be_disabled()   # locked
    shot(page, f"{who}-review-submitted")
    axe(path_of(page), once_as="review-locked")
    # On a short screen the locked scores panel scrolls with nothing enabled inside it: it must
    # take focus itself, or keyboard users cannot scroll it (axe: scrollable-region-focusable).
    size = page.viewport_size
    page.set_viewport_size({"width": 1280, "height": 600})
    panel = page.evaluate("""() => { const el = document.querySelector(".review-rubric");
        const inside = el.querySelector("a[href], button:enabled, input:enabled, textarea:enabled, [tabindex]");
        return {scrolls: el.scrollHeight > el.clientHeight, focusable: el.tabIndex >= 0 || !!inside,
                named: !!el.getAttribute("aria-labelledby")}; }""")
    page.set_viewport_size(size)
    assert panel == {"scrolls": True, "focusable": True, "named": True}, panel


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_experts_review_admin_selects_builds_publishes_gallery_finds(browser, context, page, live_app, lang):
    t = live_app.t(lang)
    world = seed_review_world()
    shot = Shots(lang, prefix="review-")
    axe = AxeChecker(browser, context, live_app.url, lang)
    try:
        the_story(page, t, lang, world, shot, axe)
    finally:
        axe.close()
    assert not axe.found, (f"{len(axe.found)} serious/critical accessibility violations ({lang}):\n"
                           + describe(axe.found))


def the_story(page, t, lang, world, shot, axe):
    campaign_id, case_id = world.campaign.id, world.case.id

    page.goto("/")
    switch_language(page, lang)

    # 1. Each expert scores the case blind and submits.
    for number, (expert, scores) in enumerate(zip(world.experts, SCORES), start=1):
        sign_in(page, t, expert.email, PASSWORD)
        expect(page.locator("html")).to_have_attribute("lang", HTML_LANG[lang])
        review_case(page, t, f"expert{number}", scores, f"{expert.name}：案例扎实，建议入选。", shot, axe)
        expect(main(page)).not_to_contain_text("北京市海淀区健身气功协会")      # still blind
        sign_out(page, t, lang)

    # 2. The admin reads the results: both reviewers' totals and their mean.
    sign_in(page, t, world.admin.email, PASSWORD)
    page.goto(f"/results/campaigns/{campaign_id}")
    expect(page.get_by_role("heading", level=1)).to_contain_text(t("Results"))
    row = main(page).locator(f"#case-{case_id}")
    expect(row).to_contain_text(TITLE)
    for expert, total in zip(world.experts, TOTALS):
        expect(row.locator(f"li[data-expert='{expert.id}'] .name")).to_have_text(expert.name)
        expect(row.locator(f"li[data-expert='{expert.id}'] .total")).to_have_text(total)
    expect(row.locator("td.mean")).to_have_text("7.50")
    shot(page, "results")
    axe(path_of(page))

    # Records the selection: the proposal (quota 100) already ticks the case.
    main(page).get_by_role("link", name=t("Selection"), exact=True).click()
    checkbox = main(page).get_by_role("checkbox", name=t("Select case %(case)s", case=case_id))
    expect(checkbox).to_be_checked()
    shot(page, "selection")
    axe(path_of(page))
    main(page).get_by_role("button", name=t("Record the selection")).click()
    expect(flash(page)).to_contain_text(t(
        "The selection is recorded: %(selected)d cases selected, %(deviations)d deviations from the proposal.",
        selected=1, deviations=0))
    shot(page, "selection-recorded")

    # 3. Builds the book in the page's language and downloads it.
    page.locator("header").get_by_role("button", name=t("Results and publishing")).click()   # grouped menu
    page.locator("header").get_by_role("link", name=t("Publishing")).click()
    axe(path_of(page))
    main(page).get_by_role("link", name=world.campaign.title_zh if lang == "zh" else world.campaign.title_en).click()
    expect(main(page)).to_contain_text(t("Selected cases that go into the book: %(num)d", num=1))
    labelled(main(page), t("Language of the book")).select_option(lang)
    main(page).get_by_role("button", name=t("Build the book")).click()
    expect(flash(page)).to_contain_text(
        t("The book is being built. You may leave this page; the build will be listed here."))
    download_link = main(page).locator("table.publishing-builds").get_by_role("link", name=t("Download PDF"))
    readings = wait_for_build(page, download_link)
    assert all(value <= maximum for value, maximum in readings)
    expect(main(page).locator(".job-progress")).to_have_count(0)        # no bar left once done
    shot(page, "book-built")
    with page.expect_download() as info:
        download_link.click()
    download = info.value
    assert download.suggested_filename.endswith(".pdf")
    with open(download.path(), "rb") as handle:
        data = handle.read()
    assert data.startswith(b"%PDF")
    assert TITLE in pdf_text(data), "the case title is not in the book"

    # Announces the results: the review window is still open, so it takes a reason, and the
    # browser asks first, saying how many organizations are e-mailed.
    expect(main(page)).to_contain_text(t("The review window is still open."))
    labelled(main(page), t("Reason to publish anyway")).fill("所有评审已提交，提前发布。")
    dialogs = []
    page.once("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.accept()))
    main(page).get_by_role("button", name=t("Publish the results and e-mail %(n)d organizations", n=1)).click()
    expect(flash(page)).to_contain_text(t(
        "The results are published: %(n)d cases are in the gallery and every organization has been told its "
        "outcome.", n=1))
    expect(main(page).get_by_role("link", name=t("Gallery page"))).to_be_visible()
    assert dialogs == [t("This publishes %(cases)d cases and e-mails %(orgs)d organizations (%(emails)d messages). "
                         "It cannot be undone.", cases=1, orgs=1, emails=1)]
    shot(page, "published")
    axe(path_of(page))
    sign_out(page, t, lang)

    # 4. Anyone: the gallery shows the case and the Chinese search finds it.
    page.locator("header").get_by_role("link", name=t("Case gallery")).click()
    expect(main(page).locator(".gallery-card")).to_have_count(1)
    expect(main(page).locator(".gallery-card")).to_contain_text(TITLE)
    shot(page, "gallery")
    axe(path_of(page))
    search = labelled(main(page), t("Search"))
    search.fill("乒乓球")
    main(page).get_by_role("button", name=t("Show")).click()
    expect(main(page)).to_contain_text(t("No published case matches."))
    labelled(main(page), t("Search")).fill(SEARCH_TERM)
    main(page).get_by_role("button", name=t("Show")).click()
    expect(main(page).get_by_role("status")).to_have_text(t("Cases found: %(num)d", num=1))
    shot(page, "gallery-search")
    main(page).get_by_role("link", name=TITLE).click()
    expect(page).to_have_url(re.compile(rf"/gallery/cases/{case_id}$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(main(page)).to_contain_text("北京市海淀区健身气功协会")
    shot(page, "gallery-case")
    axe(path_of(page))


def test_case_text_is_never_run_as_code_on_review_and_gallery_pages(page, live_app):
    """A case whose title and narrative carry markup: shown as text, never run (window.__xss)."""
    title = f"晨练{XSS_IMG}{XSS_SCRIPT}"
    narrative = f"社区健身{XSS_SCRIPT}指导{XSS_IMG}"
    world = seed_review_world(title=title, narrative=narrative, experts=1, photo=False)
    t = live_app.t("zh")
    page.goto("/")
    switch_language(page, "zh")
    sign_in(page, t, world.experts[0].email, PASSWORD)
    page.goto("/review/")
    main(page).get_by_role("link", name=t("Open case %(n)d", n=1)).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(XSS_IMG)
    expect(main(page)).to_contain_text(XSS_SCRIPT)
    assert page.evaluate("() => typeof window.__xss") == "undefined"
    assert main(page).locator("img[src='x']").count() == 0
    sign_out(page, t, "zh")

    publish_directly(world)
    page.goto("/gallery/")
    expect(main(page).locator(".gallery-card")).to_contain_text(XSS_SCRIPT)
    assert page.evaluate("() => typeof window.__xss") == "undefined"
    page.goto(f"/gallery/cases/{world.case.id}")
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    expect(main(page)).to_contain_text(narrative)
    assert page.evaluate("() => typeof window.__xss") == "undefined"
    assert page.locator("img[src='x'], main script").count() == 0
