"""A recommending unit sees what the applicant submitted: text written after a withdrawal or a
return stays the applicant's until the case is submitted again."""
import pytest

from reviewapp.cases.models import Case
from reviewapp.cases.workflow import CaseState
from reviewapp.extensions import db
from tests.factories import complete_case, csrf_from, make_campaign, make_organization, sign_in_as, submit_form
from tests.recommendation.data import make_case, make_unit, make_unit_user

TEXTS = ("title", "summary", "organization_text", "activities_text", "innovation_text", "influence_text",
         "experience_text", "contact_person")
FIGURES = ("volunteers", "service_hours", "activities_held", "people_served")


def version(mark, number):
    """Every text field and figure of the form, each marked so a page shows which version it holds."""
    values = {name: f"{mark}版{name}" for name in TEXTS}
    values.update({name: str(number) for name in FIGURES})
    return values


def marks(page, mark, number):
    """Which of the version's fields the page shows."""
    found = [name for name in TEXTS if f"{mark}版{name}" in page]
    return found + [name for name in FIGURES if f">{number}<" in page]


@pytest.fixture
def setup(app):
    campaign = make_campaign()
    unit = make_unit("北京市体育局", "beijing")
    applicant = make_organization(province="beijing")
    case = Case(campaign=campaign, organization=applicant.organization, contact_phone="13800138000")
    db.session.add(case)
    db.session.commit()
    complete_case(case, applicant)
    org = sign_in_as(app.test_client(), applicant)
    autosave(org, case, version("甲", 1111))
    submit(org, case)
    return case, org, sign_in_as(app.test_client(), make_unit_user(unit))


def autosave(org, case, values):
    """What the edit page's autosave sends: the whole form."""
    html = org.get(f"/cases/{case.id}/edit").get_data(as_text=True)
    db.session.expire_all()
    current = db.session.get(Case, case.id)
    data = {"csrf_token": csrf_from(html), "version": str(current.version), "contact_phone": "13800138000",
            "start_year": "2015", "themes": [str(t.id) for t in current.campaign.themes],
            "service_places": ["communities"], "volunteer_categories": ["instructors"], **values}
    response = org.post(f"/cases/{case.id}/autosave", data=data, headers={"Accept": "application/json"})
    assert response.status_code == 200 and response.json["ok"], response.get_data(as_text=True)


def submit(org, case):
    assert submit_form(org, f"/cases/{case.id}/submit", {}).status_code == 302
    assert state(case) is CaseState.SUBMITTED


def state(case):
    db.session.expire_all()
    return db.session.get(Case, case.id).state


def unit_pages(unit, case):
    return (unit.get("/recommendation/").get_data(as_text=True),
            unit.get(f"/recommendation/cases/{case.id}").get_data(as_text=True))


def test_after_a_withdrawal_the_unit_sees_the_submitted_text_until_it_is_submitted_again(setup):
    case, org, unit = setup
    listing, page = unit_pages(unit, case)
    assert "甲版title" in listing and marks(page, "甲", 1111) == list(TEXTS + FIGURES)

    assert submit_form(org, f"/cases/{case.id}", {}, action=f"/cases/{case.id}/withdraw").status_code == 302
    assert state(case) is CaseState.DRAFT
    autosave(org, case, version("乙", 2222))
    listing, page = unit_pages(unit, case)
    assert marks(listing, "乙", 2222) == [] and marks(page, "乙", 2222) == []
    assert marks(page, "甲", 1111) == list(TEXTS + FIGURES) and "withdrew this case" in page
    assert "Recommend</button>" not in page

    submit(org, case)
    listing, page = unit_pages(unit, case)
    assert "乙版title" in listing and marks(page, "乙", 2222) == list(TEXTS + FIGURES)
    assert marks(page, "甲", 1111) == [] and "withdrew this case" not in page


def test_a_returned_case_shows_the_unit_the_version_it_returned(setup):
    case, org, unit = setup
    page = f"/recommendation/cases/{case.id}"
    assert submit_form(unit, page, {"reason": "请补充活动记录。"}, action=f"{page}/return").status_code == 302
    assert state(case) is CaseState.RETURNED
    autosave(org, case, version("丙", 3333))
    listing, page = unit_pages(unit, case)
    assert "甲版title" in listing and marks(listing, "丙", 3333) == []
    assert marks(page, "丙", 3333) == [] and marks(page, "甲", 1111) == list(TEXTS + FIGURES)
    assert "You returned this case for changes" in page

    submit(org, case)
    listing, page = unit_pages(unit, case)
    assert "丙版title" in listing and marks(page, "丙", 3333) == list(TEXTS + FIGURES)


def test_a_case_returned_before_copies_were_kept_shows_no_text_at_all(app):
    campaign, unit = make_campaign(), make_unit("北京市体育局", "beijing")
    applicant = make_organization(province="beijing")
    case = make_case(campaign, applicant.organization, state=CaseState.RETURNED, unit=unit, title="改过的标题")
    client = sign_in_as(app.test_client(), make_unit_user(unit))
    listing, page = unit_pages(client, case)
    assert "改过的标题" not in listing and "改过的标题" not in page and case.summary not in page
    assert "was not kept" in page and "(being changed by the applicant)" in listing
