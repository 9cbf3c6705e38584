"""What the issue #19.12 reader saw, on the pages themselves: 案例 in the menu, 已注册 for the
yes/no column, 姓名 for a person, 拟入选 for a proposal, 北京时间, titles quoted once."""
from flask_babel import force_locale, gettext

from reviewapp.auth.models import User
from reviewapp.extensions import db
from reviewapp.mail.models import OutboxMessage
from reviewapp.quoting import quoted
from reviewapp.recommendation.operations import return_to_applicant
from tests.factories import make_campaign, sign_in_as
from tests.recommendation.data import make_case, make_org, make_unit, make_unit_user


def _in_chinese(user):
    user.locale = "zh"
    db.session.commit()
    return user


def test_the_admin_menu_and_tables_read_as_written(app, login_as):
    make_campaign()
    unit = make_unit("北京市体育局", "beijing", order=2)
    make_unit("上海市体育局", "shanghai", order=1)
    make_unit_user(unit)
    client, admin = login_as("admin")
    _in_chinese(admin)
    home = client.get("/admin/campaigns").get_data(as_text=True)
    assert ">案例</a>" in home and ">案例数</a>" not in home
    users = client.get("/admin/users").get_data(as_text=True)
    assert "<th scope=\"col\">姓名</th>" in users and "<th scope=\"col\">名称</th>" not in users
    units = client.get("/recommendation/units").get_data(as_text=True)
    assert "<th scope=\"col\">已注册</th>" in units and "注册时间" not in units
    # The caption says registration order, and it is: 上海 (1) before 北京 (2).
    assert units.index("上海市体育局") < units.index("北京市体育局")


def test_a_proposed_selection_is_not_the_assignment_word(app):
    with app.test_request_context(), force_locale("zh"):
        assert gettext("Proposed for selection") == "拟入选" and gettext("Cases") == "案例"
        assert gettext("Proposed") == "拟分配"


def test_deadlines_are_in_beijing_time(app, login_as):
    make_campaign()
    client, expert = login_as("expert")
    _in_chinese(expert)
    page = client.get("/dashboard").get_data(as_text=True)
    assert "（北京时间）" in page and "Asia/Shanghai" not in page
    expert.locale = "en"
    db.session.commit()
    page = client.get("/dashboard").get_data(as_text=True)
    assert "(Beijing time)" in page and "Asia/Shanghai" not in page


def test_a_title_is_quoted_once():
    assert quoted("“奔跑吧”") == "“奔跑吧”"
    assert quoted("社区健身") == "“社区健身”"
    assert quoted("“健康中国”行动") == "“‘健康中国’行动”"


def test_the_return_mail_quotes_the_title_once(app):
    campaign = make_campaign()
    unit = make_unit("北京市体育局", "beijing")
    org = make_org(province="beijing")
    for user in db.session.scalars(db.select(User).filter_by(organization_id=org.id)):
        user.locale = "zh"
    case = make_case(campaign, org, unit=unit, title="“奔跑吧”社区")
    case2 = make_case(campaign, org, unit=unit, title="“奔跑吧”")
    actor = make_unit_user(unit)
    with app.test_request_context():
        return_to_applicant(actor, case, "请补充材料")
        return_to_applicant(actor, case2, "请补充材料")
    db.session.commit()
    bodies = [m.body for m in db.session.scalars(db.select(OutboxMessage).order_by(OutboxMessage.id))]
    assert "案例“‘奔跑吧’社区”退回修改" in bodies[0]
    assert "案例“奔跑吧”退回修改" in bodies[1] and "““" not in bodies[1]
