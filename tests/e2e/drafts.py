"""Steps the draft tests share: open a draft, the status texts, what the database holds."""
import re
from datetime import datetime, timedelta, timezone

from playwright.sync_api import expect

from reviewapp.cases.models import Case
from reviewapp.extensions import db
from tests.e2e.browser import watch_csp
from tests.e2e.data import PASSWORD, seed_draft
from tests.e2e.ui import labelled, main, sign_in, switch_language


def open_draft(page, live_app, lang, at=None):
    """Sign in as the draft's organization and open its form; the page's clock is under the test's control."""
    world, case = seed_draft()
    t = live_app.t(lang)
    page.goto("/")
    switch_language(page, lang)
    sign_in(page, t, world.org_user.email, PASSWORD)
    # The page's clock stands still: the 3-second autosave pause passes only with run_for, however slow the test.
    start = at or datetime.now(timezone.utc)
    page.context.clock.install(time=start)
    page.context.clock.pause_at(start + timedelta(seconds=1))
    page.goto(f"/cases/{case.id}/edit")
    return t, case, world


def saved_pattern(t):
    before, _, after = t("Saved at %(time)s.", time="\0").partition("\0")
    return re.compile(re.escape(before) + r"\d\d:\d\d" + re.escape(after))


def offline_text(t):
    return t("Not saved: no connection. Your text is kept in this browser and will be saved when the "
             "connection returns.")


def stored(case_id):
    """The case as the database holds it now (not as this session last saw it)."""
    db.session.rollback()
    return db.session.get(Case, case_id)


def colleague_of(user):
    """A second user of `user`'s organization (as if its owner had invited them), made once."""
    from reviewapp.auth.models import Role, User
    email = f"colleague-of-{user.email}"
    colleague = db.session.scalar(db.select(User).filter_by(email=email))
    if colleague is None:
        colleague = User(email=email, name="李娜", role=Role.ORGANIZATION, organization_id=user.organization_id)
        colleague.set_password(PASSWORD)
        db.session.add(colleague)
        db.session.commit()
    return colleague


def save_on_another_computer(browser, live_app, world, case, values):
    """A colleague signs in with their own account and browser, fills `values` ({label: text}) and
    saves: the two-tab rules hold between colleagues as between two tabs of one person."""
    colleague = colleague_of(world.org_user)
    context = browser.new_context(base_url=live_app.url, locale="en-US")
    violations = watch_csp(context)
    try:
        en = live_app.t("en")
        page = context.new_page()
        page.goto("/")
        sign_in(page, en, colleague.email, PASSWORD)
        page.goto(f"/cases/{case.id}/edit")
        for label, text in values.items():
            labelled(main(page), en(label)).fill(text)
        main(page).get_by_role("button", name=en("Save draft")).click()
        expect(page.locator("body")).to_contain_text(en("Draft saved."))   # else: what came instead
    finally:
        context.close()
    assert not violations, violations
