"""The administrators' list of every case, with filters."""
from reviewapp.cases.models import Case
from reviewapp.cases.workflow import CaseState
from reviewapp.extensions import db
from tests.factories import make_campaign, make_organization


def test_admin_lists_and_filters_cases(app, login_as):
    campaign = make_campaign()
    beijing = make_organization(name="北京甲协会", email="a@example.cn").organization
    hunan = make_organization(name="湖南乙协会", province="hunan", email="b@example.cn").organization
    db.session.add_all([
        Case(campaign=campaign, organization=beijing, title="社区健身指导", state=CaseState.SUBMITTED),
        Case(campaign=campaign, organization=hunan, title="乡村体育支教", state=CaseState.DRAFT),
    ])
    db.session.commit()
    client, _ = login_as("admin")
    page = client.get("/admin/cases").get_data(as_text=True)
    assert "社区健身指导" in page and "乡村体育支教" in page and "北京甲协会" in page
    page = client.get("/admin/cases?province=hunan").get_data(as_text=True)
    assert "乡村体育支教" in page and "社区健身指导" not in page
    page = client.get("/admin/cases?state=submitted").get_data(as_text=True)
    assert "社区健身指导" in page and "乡村体育支教" not in page
    case_id = db.session.scalar(db.select(Case.id).filter_by(title="社区健身指导"))
    assert f'href="/cases/{case_id}"' in page
