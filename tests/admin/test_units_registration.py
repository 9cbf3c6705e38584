"""The units registration table of seed 004: every kind in order of creation, counted, and as .xlsx."""
import io
from datetime import datetime, timedelta, timezone

from openpyxl import load_workbook

from reviewapp.auth.models import Role
from reviewapp.extensions import db
from reviewapp.units.loader import default_units_csv, load_units
from reviewapp.units.models import RecommendingUnit, UnitKind
from tests.factories import make_user

SEED_004_FIRST = {"省区市体育部门": ["重庆体育局", "上海体育局", "北京体育局"],
                  "体育总局有关直属单位": ["登山运动管理中心", "排球运动管理中心", "乒乓球羽毛球运动管理中心"],
                  "有关全国性体育社会组织": ["中国自行车协会", "中国极限运动协会", "中国乒乓球协会"]}


def load_reference_units_backwards():
    """The reference units, inserted last-created first with created_at running the other way, so
    neither the insertion order nor the local timestamps give the order of creation by accident."""
    load_units(default_units_csv())
    units = db.session.scalars(db.select(RecommendingUnit)).all()
    start = datetime(2024, 1, 1, tzinfo=timezone.utc)
    for unit in units:
        unit.created_at = start - timedelta(days=unit.registration_order)
    db.session.commit()
    return units


def test_the_table_lists_each_kind_in_order_of_creation_with_its_count(app, login_as):
    units = load_reference_units_backwards()
    beijing = next(u for u in units if u.name_zh == "北京体育局")
    make_user(Role.UNIT, unit=beijing)
    db.session.commit()
    client, _admin = login_as("admin")
    page = client.get("/admin/units").get_data(as_text=True)
    assert "51 units in all, 1 with accounts." in page
    # 26 provincial bureaus, 12 directly affiliated centres, 13 associations, as seed 004 lists them.
    for label, count, registered in (("Provincial sports bureau", 26, 1), ("Directly affiliated centre", 12, 0),
                                     ("National sports association", 13, 0)):
        assert (f'<tr><th scope="row">{label}</th><td class="num">{count}</td>'
                f'<td class="num">{registered}</td></tr>') in page
    positions = [page.index(name) for name in ("Chongqing Sports Bureau", "Shanghai Sports Bureau",
                                               "Beijing Sports Bureau", "Xinjiang Sports Bureau",
                                               "Mountaineering Administrative Center", "Chinese Cycling Association")]
    assert positions == sorted(positions)


def test_the_xlsx_is_the_table_as_issued(app, login_as):
    load_reference_units_backwards()
    client, _admin = login_as("admin")
    response = client.get("/admin/units.xlsx")
    assert response.status_code == 200 and "attachment" in response.headers["Content-Disposition"]
    workbook = load_workbook(io.BytesIO(response.data))
    sheet = workbook.worksheets[0]
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert rows[0][0] == "推荐单位注册情况统计表"
    assert rows[1] == ["序号", "省区市体育部门", "序号", "体育总局有关直属单位", "序号", "有关全国性体育社会组织"]
    assert rows[2] == [1, "重庆体育局", 27, "登山运动管理中心", 39, "中国自行车协会"]
    for column, heading in ((1, "省区市体育部门"), (3, "体育总局有关直属单位"), (5, "有关全国性体育社会组织")):
        assert [row[column] for row in rows[2:5]] == SEED_004_FIRST[heading]
        numbers = [row[column - 1] for row in rows[2:-2] if row[column - 1] is not None]
        assert numbers == sorted(numbers)
    assert rows[14][4:] == [51, "中国体育舞蹈联合会"] and rows[15][4:] == [None, None]   # 13 associations
    assert rows[27][:2] == [26, "新疆体育局"] and len(rows) == 2 + 26 + 2                # 26 bureaus
    assert rows[-2] == ["合计", "26 个（已注册账号 0 个）", "合计", "12 个（已注册账号 0 个）",
                        "合计", "13 个（已注册账号 0 个）"]
    assert "按照创建时间排序" in rows[-1][0]
    detail = [list(row) for row in workbook["明细"].iter_rows(values_only=True)]
    assert len(detail) == 1 + 51 and detail[1][:3] == [1, "重庆体育局", "省区市体育部门"]


def test_a_unit_name_that_looks_like_a_formula_is_written_as_text(app, login_as):
    db.session.add(RecommendingUnit(registration_order=1, kind=UnitKind.NATIONAL_ASSOCIATION,
                                    name_zh="=HYPERLINK(\"http://x\")", name_en="x"))
    db.session.commit()
    client, _admin = login_as("admin")
    sheet = load_workbook(io.BytesIO(client.get("/admin/units.xlsx").data)).worksheets[0]
    assert sheet.cell(row=3, column=6).data_type == "s"
