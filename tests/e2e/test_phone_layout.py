"""On a phone (390 x 844) no main page of any role scrolls sideways, in either language.

The pages are the accessibility test's (every main page of every role), with what makes
pages wide in real use: a full activity row, a long video address, a long file name, a
web address in the narrative. One browser context per role, the pages visited in sequence,
both languages in the same context. A page fails when the document is wider than the
window: the message lists every such page and how wide it is.
"""
from datetime import datetime, timezone

import pytest

from reviewapp.extensions import db
from tests.e2e.data import PASSWORD, photo_jpeg, seed_pages
from tests.e2e.test_accessibility import _account, _pages
from tests.e2e.ui import sign_in, switch_language

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}
_WIDTHS = "() => [document.documentElement.scrollWidth, window.innerWidth]"
LONG_URL = "https://www.haidian-qigong-association.example.cn/videos/2025/community-baduanjin-morning-practice-0615.mp4"
LONG_FILE = "2025年度海淀区健身气功协会社区八段锦晨练点志愿服务活动照片_第一批_高清原图_IMG20250615083015.jpg"


def seed_long_content(world):
    """What phones choke on: every activity column filled, unbroken addresses and names."""
    from reviewapp.cases import evidence as store
    from reviewapp.cases.models import ActivityLogEntry

    draft = world.draft
    draft.activities.append(ActivityLogEntry(
        position=2, host_unit="北京市海淀区健身气功协会学院路街道社区健身指导站", name="八段锦、太极拳公益教学进社区系列活动",
        summary="在社区广场教授八段锦，约60人参加，详见 " + LONG_URL, mode="online",
        held_on=datetime(2025, 6, 15, tzinfo=timezone.utc), held_on_text="2025-06-15",
        contact_person="刘洋", contact_details="13912345678 / liuyang.volunteer@haidian-qigong.example.cn",
        remarks="Baduanjin-Taijiquan-community-outreach-programme-2025"))
    draft.influence_text = "活动被市电视台报道：" + LONG_URL
    store.add_file(None, draft, photo_jpeg(320, 240), LONG_FILE, "晨练点 " + LONG_FILE)
    store.add_link(None, draft, LONG_URL, "宣传片")
    db.session.commit()


@pytest.mark.parametrize("role", ["anonymous", "organization", "unit", "expert", "admin"])
def test_no_main_page_scrolls_sideways_on_a_phone(browser, live_app, role):
    world = seed_pages(live_app.app)
    seed_long_content(world)
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


_CELLS = """() => [...document.querySelectorAll("main table")].flatMap(table => {
  const heads = [...table.tHead.rows[0].cells].map(th => th.textContent.replace(/\\s+/g, " ").trim());
  return [...table.tBodies[0].rows].flatMap(row => [...row.cells].map((cell, n) =>
    [heads[n], cell.dataset.label || null, getComputedStyle(cell, "::before").content]));
})"""
_HEADER_LINES = """() => [...document.querySelectorAll("main thead th")]
    .filter(th => !th.querySelector(".visually-hidden")).map(th => {
  const range = document.createRange();
  range.selectNodeContents(th);
  return [th.textContent.trim(), new Set([...range.getClientRects()].map(r => Math.round(r.top))).size];
})"""


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_activity_rows_are_labelled_cards_on_a_phone_and_headers_stay_whole_on_a_desk(browser, live_app, lang):
    world = seed_pages(live_app.app)
    seed_long_content(world)
    context = browser.new_context(base_url=live_app.url, viewport=PHONE)
    try:
        page = context.new_page()
        page.goto("/")
        switch_language(page, lang)
        sign_in(page, live_app.t(lang), world.org_user.email, PASSWORD)
        page.goto(f"/cases/{world.draft.id}/activities")
        cells = page.evaluate(_CELLS)
        assert len(cells) >= 20, cells
        # Each cell of a card says which column it is, in the page's language.
        unlabelled = [(head, label, shown) for head, label, shown in cells
                      if head and (label != head or shown != f'"{head}"')]
        assert not unlabelled, unlabelled
        contact = live_app.t(lang)("Contact person")
        assert any(label == contact for _head, label, _shown in cells), cells
        page.set_viewport_size({"width": 1280, "height": 900})
        page.reload()
        lines = dict(page.evaluate(_HEADER_LINES))
        assert contact in lines, lines
        # A header breaks between words, never inside one; a short Chinese header (联系人) not at all.
        broken = {text: n for text, n in lines.items()
                  if n > len(text.split()) and (" " in text or len(text) <= 6)}
        assert not broken, f"table headers broken inside a word on a desk: {broken}"
    finally:
        context.close()
