"""What a person does in the app, step by step: switch language, sign in and out, fill forms."""
import re

from playwright.sync_api import expect

from reviewapp.cases.reference import FIGURES, NARRATIVE_SECTIONS
from tests.e2e.i18n import HTML_LANG, LANGUAGE_BUTTONS

NARRATIVE = {
    "organization_text": "协会下设12支志愿服务队，每队有队长和骨干指导员，定期培训。",
    "activities_text": "每周二、四、六早晨在社区广场开展八段锦和太极拳教学。",
    "innovation_text": "用小程序预约课程，线上线下结合，为行动不便的老人上门指导。",
    "influence_text": "活动被市电视台报道，三名队员获评优秀社会体育指导员。",
    "experience_text": "骨干带新人、固定时间地点、与社区卫生站合作，方法容易复制。",
}
FIGURE_VALUES = {"volunteers": "86", "service_hours": "5200", "activities_held": "310",
                 "people_served": "12000", "start_year": "2016"}


def switch_language(page, lang):
    """Press the header's language button and wait for the page to come back in that language."""
    button = page.locator("header .language-switch").get_by_role("button", name=LANGUAGE_BUTTONS[lang])
    page.wait_for_load_state("load")
    with page.expect_navigation() as navigation:
        button.click()
    response = navigation.value
    assert response is None or response.ok, f"switching language answered {response.status}"
    expect(page.locator("html")).to_have_attribute("lang", HTML_LANG[lang])


def labelled(scope, text):
    """The control whose label reads exactly `text` (a required field's label ends in " *")."""
    return scope.get_by_label(re.compile(rf"^\s*{re.escape(text)}\s*\*?\s*$"))


def main(page):
    return page.locator("main")


def flash(page):
    return page.locator(".flashes")


def sign_in(page, t, email, password):
    page.locator("header").get_by_role("link", name=t("Sign in")).click()
    labelled(main(page), t("E-mail")).fill(email)
    labelled(main(page), t("Password")).fill(password)
    main(page).get_by_role("button", name=t("Sign in")).click()
    expect(page).to_have_url(re.compile(r"/dashboard$"))


def mailed_path(recipient, path_prefix):
    """The path of the last link starting with `path_prefix` mailed to `recipient`, read from the
    app's outbox (MAIL_BACKEND "outbox") as the person would read their mail."""
    from reviewapp.extensions import db
    from reviewapp.mail.models import OutboxMessage
    db.session.rollback()  # see what the server committed since
    bodies = [m.body for m in db.session.scalars(db.select(OutboxMessage).filter_by(recipient=recipient)
                                                 .order_by(OutboxMessage.id.desc()))]
    for body in bodies:
        found = re.search(r"https?://[^/\s]+(" + re.escape(path_prefix) + r"\S+)", body)
        if found:
            return found.group(1)
    raise AssertionError(f"no mail to {recipient} has a link to {path_prefix}")


def confirm_registration(page, t, email):
    """Open the confirmation link mailed after registering and press its button."""
    page.goto(mailed_path(email, "/auth/confirm/"))
    main(page).get_by_role("button", name=t("Confirm my e-mail address")).click()
    expect(flash(page)).to_contain_text(t("Your e-mail address is confirmed. Sign in with it and your password."))


def sign_out(page, t, lang):
    """Sign out; the sign-in page that follows stays in the chosen language."""
    page.locator("header").get_by_role("button", name=t("Sign out")).click()
    expect(page).to_have_url(re.compile(r"/auth/sign-in$"))
    expect(flash(page)).to_have_text(t("You have signed out."))


def fill_registration(page, t, *, name, code, email, password):
    form = main(page)
    labelled(form, t("Organization name")).fill(name)
    labelled(form, t("Usual short names")).fill("海淀气功协会")
    labelled(form, t("Type of organization")).select_option(label=t("Individual sports association"))
    labelled(form, t("Province")).select_option(value="beijing")
    labelled(form, t("Unified social credit code")).fill(code)
    labelled(form, t("Contact person")).fill("刘洋")
    labelled(form, t("Mobile phone")).fill("13912345678")
    labelled(form, t("E-mail")).fill(email)
    labelled(form, t("Password")).fill(password)
    labelled(form, t("Repeat the password")).fill(password)


def fill_case(page, t, theme, title):
    """Every section of the case form, as a person fills it in."""
    form = page.locator("#case-form")
    labelled(form, t("Title of the case")).fill(title)
    # Checkbox groups are named groups (fieldset + legend): a screen reader says which question they answer.
    labelled(form.get_by_role("group", name=t("Themes"), exact=True), theme).check()
    labelled(form, t("Summary")).fill("社区健身指导员每周在广场教老年人练八段锦，已坚持十年。")
    for attribute, label in NARRATIVE_SECTIONS:
        labelled(form, t(label)).fill(NARRATIVE[attribute])
    for attribute, label in FIGURES:
        labelled(form, t(label)).fill(FIGURE_VALUES[attribute])
    places = form.get_by_role("group", name=t("Where the service happens (six entries)"), exact=True)
    labelled(places, t("Communities and villages")).check()
    labelled(places, t("Squares and parks")).check()
    categories = form.get_by_role("group", name=t("Volunteer categories"), exact=True)
    labelled(categories, t("Social sports instructors")).check()
    labelled(form, t("Contact person")).fill("刘洋")
    labelled(form, t("Contact phone")).fill("13912345678")


def add_activity(page, t, name):
    form = main(page).locator("form", has=page.get_by_role("button", name=t("Add the activity")))
    labelled(form, t("Host unit")).fill("海淀区健身气功协会")
    labelled(form, t("Activity name")).fill(name)
    labelled(form, t("Summary of the activity")).fill("在社区广场教授八段锦，约60人参加。")
    labelled(form, t("Online or offline")).select_option(value="offline")
    labelled(form, t("Time")).fill("2025-06-15")
    labelled(form, t("Contact person")).fill("刘洋")
    labelled(form, t("Contact details")).fill("13912345678")
    labelled(form, t("Remarks")).fill("无")
    form.get_by_role("button", name=t("Add the activity")).click()


_WATCH_PROGRESS = """() => {
  const list = document.getElementById("upload-progress");
  new MutationObserver(() => {
    const rows = [...list.querySelectorAll("li")].map(li => ({
      text: li.textContent.trim(), value: li.querySelector("progress").value}));
    sessionStorage.setItem("e2e-upload-progress", JSON.stringify(rows));
  }).observe(list, {childList: true, subtree: true, characterData: true, attributes: true});
}"""


def upload_with_progress(page, button):
    """Click the upload button; return the per-file progress rows as they were when the
    script finished (it reloads the page once every file is in)."""
    page.evaluate("() => sessionStorage.removeItem('e2e-upload-progress')")
    page.evaluate(_WATCH_PROGRESS)
    with page.expect_navigation():
        button.click()
    return page.evaluate("() => JSON.parse(sessionStorage.getItem('e2e-upload-progress') || '[]')")
