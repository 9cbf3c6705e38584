"""Internal notes on a case: written and read by its recommending unit and the department,
never shown to the applicant or to experts."""
import pytest

from reviewapp.recommendation.models import NOTE_MAX, CaseNote
from reviewapp.recommendation.notes import add_note
from reviewapp.extensions import db
from tests.factories import make_user, sign_in_as, submit_form
from tests.recommendation.data import make_unit, make_unit_user, submitted_case_with_evidence
from tests.security.world import build_path, build_world, client_for, probed_rules, url_values

SECRET = "内部备注：该单位去年材料有夸大"


def test_the_unit_and_the_department_share_notes(app):
    case, org, unit_user = submitted_case_with_evidence(app)
    unit = sign_in_as(app.test_client(), unit_user)
    admin = sign_in_as(app.test_client(), make_user("admin"))
    notes = f"/recommendation/cases/{case.id}/notes"
    response = submit_form(unit, f"/recommendation/cases/{case.id}", {"body": SECRET}, action=notes,
                           follow_redirects=True)
    assert "Note added." in response.get_data(as_text=True) and SECRET in response.get_data(as_text=True)
    admin_page = admin.get(f"/cases/{case.id}").get_data(as_text=True)
    assert SECRET in admin_page and unit_user.unit.name_en in admin_page
    submit_form(admin, f"/cases/{case.id}", {"body": "司里：请重点核实服务人次。"}, action=notes)
    page = unit.get(f"/recommendation/cases/{case.id}").get_data(as_text=True)
    assert SECRET in page and "司里：请重点核实服务人次。" in page and "the department" in page
    other = sign_in_as(app.test_client(), make_unit_user(make_unit("上海市体育局", "shanghai")))
    assert other.get(notes).status_code == 404
    assert org.get(notes).status_code == 403
    for path in (f"/cases/{case.id}", "/dashboard", f"/cases/{case.id}/evidence", f"/cases/{case.id}/activities"):
        assert SECRET not in org.get(path).get_data(as_text=True), path


def test_a_note_too_long_or_empty_is_refused_and_its_text_kept(app):
    case, _org, unit_user = submitted_case_with_evidence(app)
    unit = sign_in_as(app.test_client(), unit_user)
    notes = f"/recommendation/cases/{case.id}/notes"
    long_text = "很长的备注" * (NOTE_MAX // 5 + 1)
    response = submit_form(unit, notes, {"body": long_text})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "At most 2000 characters." in html and long_text in html
    assert submit_form(unit, notes, {"body": "   "}).status_code == 422
    assert db.session.scalar(db.select(db.func.count(CaseNote.id))) == 0


@pytest.mark.parametrize("principal", ["anonymous", "org_a", "org_b", "expert_assigned", "expert_other"])
def test_no_page_of_the_applicant_or_an_expert_carries_a_note(app, principal):
    world = build_world(app)
    add_note(world.users["unit_case"], world.case_a, SECRET)
    add_note(world.users["admin"], world.case_a, SECRET + "（司里）")
    db.session.commit()
    client = client_for(app, world, principal)
    reached = 0
    for rule in probed_rules(app):
        if "GET" not in rule.methods or rule.endpoint == "auth.sign_out":
            continue
        response = client.get(build_path(app, rule, url_values(world, rule)))
        reached += response.status_code == 200
        assert SECRET.encode() not in response.data, f"{principal} read a note at {rule.rule}"
    assert reached > 5
    if principal == "expert_assigned":   # the blind review page of case A was among them
        assert client.get(f"/review/{world.review_token}").status_code == 200
