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


def test_the_list_counts_pages_and_shows_changes_on_the_next_view(app, login_as):
    """Columns and an SQL count, not objects: 51 cases make two pages; an edit, a new state or
    a unit shows at once."""
    from tests.recommendation.data import make_unit
    campaign = make_campaign()
    organization = make_organization(name="北京甲协会", email="a@example.cn").organization
    db.session.add_all([Case(campaign=campaign, organization=organization, title=f"案例{n:02d}",
                             state=CaseState.SUBMITTED) for n in range(51)])
    db.session.commit()
    client, _ = login_as("admin")
    headers = {"Accept-Language": "en"}
    first = client.get(f"/admin/cases?campaign={campaign.id}", headers=headers).get_data(as_text=True)
    assert "Page 1 of 2" in first and first.count("北京甲协会") == 50
    second = client.get(f"/admin/cases?campaign={campaign.id}&page=2", headers=headers).get_data(as_text=True)
    assert "Page 2 of 2" in second and second.count("北京甲协会") == 1
    case = db.session.scalars(db.select(Case).order_by(Case.created_at.desc(), Case.id.desc())).first()
    case.title, case.state, case.unit = "改过的标题", CaseState.RECOMMENDED, make_unit("北京市体育局")
    organization.name = "北京乙协会"
    db.session.commit()
    first = client.get(f"/admin/cases?campaign={campaign.id}&state=recommended", headers=headers).get_data(as_text=True)
    assert "改过的标题" in first and "北京乙协会" in first and "北京市体育局 (en)" in first and "Page 1 of 1" in first
