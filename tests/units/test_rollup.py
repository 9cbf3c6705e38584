"""What each level sees and downloads: its own organizations' rows and every unit's below it, as the
table is issued (title with the year, 单位名称（盖章）： with the unit's name, the exact header)."""
import io

from openpyxl import load_workbook

from reviewapp.units.hierarchy import HierarchyError, add_local_unit, descendants, screening_unit
from reviewapp.units.models import UnitLevel
from reviewapp.extensions import db
from reviewapp.units.rollup import rollup_rows
from tests.factories import sign_in_as
from tests.units.data import build_chain

HEADER = ["序号", "举办单位", "活动名称", "活动简介", "举办方式 (线上、线下)", "举办时间", "联系人", "联系方式", "备注"]


def _table(app, user):
    response = sign_in_as(app.test_client(), user).get("/units/activities.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.data)).worksheets[0]
    return [[cell.value for cell in row] for row in sheet.iter_rows()]


def test_each_level_downloads_its_roll_up_as_issued(app):
    d = build_chain()
    county = _table(app, d.users["county"])
    assert county[0][0] == "2026 年全民健身志愿服务活动统计表"
    assert county[1][0] == "单位名称（盖章）：尧都区教育体育局"
    assert county[2] == HEADER
    # A county sees its own organizations' rows only: not the sibling county's, never a draft's.
    assert [row[2] for row in county[3:]] == ["尧都八段锦", "尧都线上健步走"]
    assert county[3][0] == 1 and county[4][:2] == [2, "尧都区教育体育局所属协会"]  # no host unit: the organization
    assert county[4][4] == "线上"

    city = _table(app, d.users["city"])
    assert city[1][0] == "单位名称（盖章）：临汾市体育局"
    assert sorted(row[2] for row in city[3:]) == sorted(["尧都八段锦", "尧都线上健步走", "曲沃太极拳", "临汾健身气功展示"])
    assert [row[0] for row in city[3:]] == [1, 2, 3, 4]

    province = _table(app, d.users["province"])
    names = {row[2] for row in province[3:]}
    assert names == {"尧都八段锦", "尧都线上健步走", "曲沃太极拳", "临汾健身气功展示", "山西老年健身操"}
    assert "河北广场舞" not in names and "尧都草稿活动" not in names

    sibling = _table(app, d.users["sibling"])
    assert [row[2] for row in sibling[3:]] == ["曲沃太极拳"]


def test_the_department_downloads_any_units_table_and_all_of_them(app, login_as):
    d = build_chain()
    client, _admin = login_as("admin")
    one = client.get(f"/units/campaigns/{d.campaign.id}/activities.xlsx?unit={d.city.id}")
    rows = [[c.value for c in r] for r in load_workbook(io.BytesIO(one.data)).worksheets[0].iter_rows()]
    assert rows[1][0] == "单位名称（盖章）：临汾市体育局" and len(rows) == 3 + 4
    every = client.get(f"/units/campaigns/{d.campaign.id}/activities.xlsx")
    rows = [[c.value for c in r] for r in load_workbook(io.BytesIO(every.data)).worksheets[0].iter_rows()]
    assert rows[1][0] == "单位名称（盖章）：" and rows[2] == HEADER and len(rows) == 3 + 6
    assert client.get(f"/units/campaigns/{d.campaign.id}/activities.xlsx?unit=999999").status_code == 404


def test_a_unit_page_shows_its_chain_and_the_units_below(app):
    d = build_chain()
    county = sign_in_as(app.test_client(), d.users["county"]).get("/units/").get_data(as_text=True)
    assert "Reports to: Linfen Sports Bureau → Shanxi Sports Bureau → the department" in county
    assert "holds 2 activity rows" in county and "曲沃县" not in county
    city = sign_in_as(app.test_client(), d.users["city"]).get("/units/").get_data(as_text=True)
    assert "holds 4 activity rows" in city and "曲沃县教育体育局" in city and "尧都区教育体育局" in city
    province = sign_in_as(app.test_client(), d.users["province"]).get(
        "/units/", headers={"Accept-Language": "zh"}).get_data(as_text=True)
    assert "县级" in province and "市级" in province and "共有 5 条活动" in province


def test_the_recursive_query_finds_every_descendant(app):
    d = build_chain()
    assert {u.name_zh for u in descendants(d.province)} == {"临汾市体育局", "尧都区教育体育局", "曲沃县教育体育局"}
    assert descendants(d.county) == []
    assert len(rollup_rows(d.campaign, d.other_province)) == 1


def test_placement_is_one_level_up_and_cases_still_go_to_the_province(app):
    d = build_chain()
    try:
        add_local_unit(None, "错误的县", UnitLevel.COUNTY, d.province)
    except HierarchyError as refusal:
        assert "county unit reports to a city unit" in str(refusal.message)
    else:
        raise AssertionError("a county under a province was accepted")
    # A county's organization: its case is screened by Shanxi, not by the county.
    from reviewapp.recommendation.routing import unit_for_organization
    assert unit_for_organization(d.orgs["county"].organization) == d.province
    assert screening_unit(d.city) == d.province


def test_the_department_adds_a_county_on_the_tree_page(app, login_as):
    from tests.factories import submit_form
    d = build_chain()
    client, _admin = login_as("admin")
    page = client.get("/units/tree")
    assert "尧都区教育体育局" in page.get_data(as_text=True)
    refused = submit_form(client, "/units/tree", {"name_zh": "襄汾县体育局", "level": "county",
                                                 "parent_id": str(d.province.id)})
    assert refused.status_code == 422 and "reports to a city unit" in refused.get_data(as_text=True)
    added = submit_form(client, "/units/tree", {"name_zh": "襄汾县体育局", "level": "county",
                                               "parent_id": str(d.city.id)})
    assert added.status_code == 302
    assert "襄汾县体育局" in client.get("/units/tree").get_data(as_text=True)
    assert {u.name_zh for u in descendants(d.city)} >= {"襄汾县体育局"}


def test_a_provinces_page_costs_the_same_queries_however_many_units_are_below(app):
    from sqlalchemy import event

    from tests.units.data import _case
    from tests.factories import make_organization

    d = build_chain()
    client = sign_in_as(app.test_client(), d.users["province"])
    client.get("/units/")

    def queries():
        statements = []
        listener = lambda *args: statements.append(args[2])  # noqa: E731
        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            assert client.get("/units/").status_code == 200
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
        return len(statements)

    small = queries()
    for number in range(6):
        city = add_local_unit(None, f"第{number}市体育局", UnitLevel.CITY, d.province)
        for county_number in range(3):
            county = add_local_unit(None, f"第{number}市第{county_number}县体育局", UnitLevel.COUNTY, city)
            db.session.commit()
            org = make_organization(name=f"{county.name_zh}协会", province="shanxi",
                                    email=f"org-{number}-{county_number}@example.cn", unit=county)
            _case(d.campaign, org, d.province, [f"活动{number}-{county_number}"])
    db.session.commit()
    assert queries() == small
    assert len(rollup_rows(d.campaign, d.province)) == 5 + 18


def test_the_screening_units_table_leaves_out_city_and_county_bureaus(app, login_as):
    d = build_chain()
    client, _admin = login_as("admin")
    html = client.get("/recommendation/units").get_data(as_text=True)
    assert "Shanxi Sports Bureau" in html and "Linfen Sports Bureau" not in html and "尧都区" not in html
