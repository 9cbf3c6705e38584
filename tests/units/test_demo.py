"""The demo has the county → city → province chain with activity rows at each level."""
import io

from openpyxl import load_workbook

from reviewapp.auth.models import User
from reviewapp.demo import seed_demo
from reviewapp.extensions import db
from tests.factories import sign_in_as


def _rows(app, email):
    user = db.session.scalar(db.select(User).filter_by(email=email))
    sheet = load_workbook(io.BytesIO(sign_in_as(app.test_client(), user).get("/units/activities.xlsx").data)).worksheets[0]
    return [[c.value for c in row] for row in sheet.iter_rows()]


def test_the_demo_chain_rolls_up_from_county_to_province(app):
    seed_demo()
    db.session.commit()
    county = _rows(app, "county-unit@demo.reviewapp.cn")
    city = _rows(app, "city-unit@demo.reviewapp.cn")
    province = _rows(app, "shanxi-unit@demo.reviewapp.cn")
    assert county[1][0] == "单位名称（盖章）：临汾市尧都区教育体育局" and len(county) == 3 + 3
    assert city[1][0] == "单位名称（盖章）：临汾市体育局" and len(city) == 3 + 3 + 2
    assert province[1][0] == "单位名称（盖章）：山西体育局" and len(province) == 3 + 3 + 2 + 1
    assert county[0][0] == "2026 年全民健身志愿服务活动统计表"
    user = db.session.scalar(db.select(User).filter_by(email="city-unit@demo.reviewapp.cn"))
    page = sign_in_as(app.test_client(), user).get("/units/").get_data(as_text=True)
    missing = page.split("Not reported</h2>", 1)[1].split("</section>", 1)[0]
    assert "Every unit below has reported." in missing  # the county reported in the demo
    seed_demo()  # idempotent: nothing doubles
    db.session.commit()
    assert len(_rows(app, "shanxi-unit@demo.reviewapp.cn")) == len(province)
