"""The second half of the story starts here: a campaign in its review window, one case under
review and confirmed to two experts (built with the factories, not by replaying the first half),
an administrator, and helpers for the steps of the review, results and publishing pages."""
import io
import re
from dataclasses import dataclass, field

from playwright.sync_api import expect

from reviewapp.extensions import db
from tests.e2e.axe import axe_context, axe_violations
from tests.e2e.data import photo_jpeg
from tests.e2e.i18n import HTML_LANG
from tests.factories import make_campaign, make_organization, make_user
from tests.recommendation.data import make_expert
from tests.review.conftest import confirm, make_case, review_window

TITLE = "社区健身志愿服务常态化案例"
NARRATIVE = "志愿者每周三次在公园和社区广场开展科学健身指导，带领老人练习八段锦。"
XSS_IMG = '<img src=x onerror="window.__xss=1">'
XSS_SCRIPT = "<script>window.__xss=1</script>"


@dataclass
class ReviewWorld:
    campaign: object
    case: object
    admin: object
    org_user: object
    experts: list = field(default_factory=list)


def seed_review_world(title=TITLE, narrative=NARRATIVE, experts=2, photo=True):
    """A campaign whose review window is open, one case under review with a photo, confirmed
    to `experts` experts; the admin who will select and publish."""
    from reviewapp.cases import evidence as store

    campaign = make_campaign(**review_window())
    org_user = make_organization(name="北京市海淀区健身气功协会", email="org@hd.example.cn")
    case = make_case(campaign, org_user.organization, title, narrative)
    case.summary = narrative
    if photo:
        store.add_file(None, case, photo_jpeg(320, 240), "晨练.jpg", "晨练点")
    pool = [make_expert(name=f"专家{n + 1}", province=("shanghai", "hunan", "sichuan")[n % 3],
                        email=f"expert{n + 1}@university.edu.cn") for n in range(experts)]
    for expert in pool:
        confirm(case, expert)
    admin = make_user("admin", email="admin@example.cn")
    db.session.commit()
    return ReviewWorld(campaign, case, admin, org_user, pool)


def publish_directly(world):
    """Select and announce the world's case without the UI (for tests about what comes after)."""
    from reviewapp.cases.workflow import transition
    from reviewapp.publishing.operations import announce_results

    transition(world.case, "complete_review", world.admin)
    transition(world.case, "select", world.admin)
    # The review window is still open in this world: publishing it needs a reason.
    announce_results(world.admin, world.campaign, override_reason="Tests publish during the review window.")
    db.session.commit()


class AxeChecker:
    """axe-core on pages as the signed-in person of `context` sees them, in a second context
    that bypasses the CSP (see axe.py); collects the serious/critical violations.
    The second context is reused while the person's cookies stay the same."""

    def __init__(self, browser, context, base_url, lang):
        self.browser, self.context, self.base_url, self.lang = browser, context, base_url, lang
        self.found, self.checked = [], set()
        self._axe, self._page, self._cookies = None, None, None

    def _axe_page(self):
        state = self.context.storage_state()
        cookies = sorted((c["name"], c["value"]) for c in state["cookies"])
        if cookies != self._cookies:
            self.close()
            self._axe = axe_context(self.browser, base_url=self.base_url, storage_state=state,
                                    viewport={"width": 1280, "height": 900})
            self._page, self._cookies = self._axe.new_page(), cookies
        return self._page

    def __call__(self, path, once_as=None):
        """Check `path`; with `once_as`, only the first time a page of that name is checked."""
        if once_as is not None:
            if once_as in self.checked:
                return
            self.checked.add(once_as)
        page = self._axe_page()
        response = page.goto(path)
        assert response.status == 200, f"{path} answered {response.status}"
        assert page.locator("html").get_attribute("lang") == HTML_LANG[self.lang], path
        self.found += [(path, v) for v in axe_violations(page)]

    def close(self):
        if self._axe is not None:
            self._axe.close()
            self._axe = None


def path_of(page):
    return re.sub(r"^https?://[^/]+", "", page.url)


def pdf_text(data):
    """All the text of a PDF, whitespace removed (CJK text comes out with spaces between glyphs)."""
    from pypdf import PdfReader
    return re.sub(r"\s+", "", "".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(data)).pages))


_PROGRESS = """() => [...document.querySelectorAll('.job-progress progress')].map(p => [p.value, p.max])"""


def wait_for_build(page, link, timeout_s=60):
    """Follow the build's progress bar until the page shows `link` (the finished build).
    Returns the progress readings seen; each is (value, max), never going backwards.
    With JOB_BACKEND=inline the build is done before the page comes back: no readings."""
    readings = []
    for _ in range(timeout_s * 4):
        if link.count():
            break
        for value, maximum in page.evaluate(_PROGRESS):
            assert 0 <= value <= maximum, (value, maximum)
            assert not readings or value >= readings[-1][0], readings + [(value, maximum)]
            readings.append((value, maximum))
        page.wait_for_timeout(250)
    expect(link).to_be_visible()
    return readings
