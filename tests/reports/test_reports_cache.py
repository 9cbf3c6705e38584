"""The statistics page is drawn once per worker and drawn again as soon as anything it shows
changes: a case's state, unit or themes, an organization's province or type, a unit's or a
theme's name, the campaign's title, the viewer's language."""
import re

import pytest

from reviewapp.cases.models import case_themes
from reviewapp.cases.workflow import CaseState
from reviewapp.extensions import db
from reviewapp.units.models import RecommendingUnit, UnitKind
from tests.publishing.data import make_publishing_campaign


@pytest.fixture
def report(app, login_as):
    data = make_publishing_campaign()
    data.client, data.admin = login_as("admin", locale="en")

    def page():
        return data.client.get(f"/reports/campaigns/{data.campaign.id}").get_data(as_text=True)
    data.page = page
    return data


def _totals(html):
    return [int(n) for n in re.findall(r'<span class="figure">(\d+)</span>', html)]


def _row(html, label):
    """The counts of the first table row labelled `label`, or None."""
    found = re.search(rf"<tr><td>{re.escape(label)}</td>((?:<td class=\"num\">\d+</td>)+)</tr>", html)
    return [int(n) for n in re.findall(r"\d+", found.group(1))] if found else None


def test_a_state_change_shows_at_once(report):
    assert _totals(report.page()) == [4, 3, 3, 2]
    report.submitted.state = CaseState.RECOMMENDED   # the only-submitted Zhejiang case
    db.session.commit()
    html = report.page()
    assert _totals(html) == [4, 4, 3, 2] and _row(html, "Zhejiang") == [2, 2, 1, 0]
    report.draft.state = CaseState.SUBMITTED        # the draft counts once submitted
    db.session.commit()
    assert _totals(report.page()) == [5, 4, 3, 2]


def test_an_organization_unit_or_theme_change_shows_at_once(report):
    html = report.page()
    assert _row(html, "Zhejiang") == [2, 1, 1, 0] and _row(html, "Direct submission") == [4, 3, 3, 2]
    report.zhejiang.organization.province = "hunan"
    report.zhejiang.organization.org_type = "volunteer_association"
    db.session.commit()
    html = report.page()
    assert _row(html, "Zhejiang") is None and _row(html, "Hunan") == [2, 1, 1, 0]
    assert _row(html, "Volunteer association or volunteer service federation") == [3, 2, 2, 1]

    unit = RecommendingUnit(registration_order=1, kind=UnitKind.PROVINCIAL_BUREAU, name_zh="湖南省体育局",
                            name_en="Hunan Sports Bureau", province="hunan")
    db.session.add(unit)
    report.submitted.unit = unit
    db.session.commit()
    html = report.page()
    assert _row(html, "Hunan Sports Bureau") == [1, 0, 0, 0] and _row(html, "Direct submission") == [3, 3, 3, 2]
    unit.name_en = "Hunan Provincial Sports Bureau"
    db.session.commit()
    assert _row(report.page(), "Hunan Provincial Sports Bureau") == [1, 0, 0, 0]

    # Themes: a link added straight to the table (as a merge does), then a theme renamed.
    medicine, elderly = report.campaign.themes
    assert _row(report.page(), "Elderly care") == [2, 2, 2, 2]
    db.session.execute(case_themes.insert().values(case_id=report.submitted.id, theme_id=elderly.id))
    db.session.commit()
    assert _row(report.page(), "Elderly care") == [3, 2, 2, 2]
    elderly.name_en = "Care for the elderly"
    db.session.commit()
    html = report.page()
    assert _row(html, "Care for the elderly") == [3, 2, 2, 2] and _row(html, "Elderly care") is None


def test_the_title_and_the_language_show_at_once(report):
    assert "Submitted" in report.page()
    report.campaign.title_en = "A renamed campaign"
    db.session.commit()
    assert "<h1>A renamed campaign</h1>" in report.page()
    report.admin.locale = "zh"
    db.session.commit()
    html = report.page()
    assert "已提交" in html and _row(html, "浙江") == [2, 1, 1, 0] and "Submitted" not in html.split("<main", 1)[1]
