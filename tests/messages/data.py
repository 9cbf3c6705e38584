"""A small world for messages: the Beijing bureau and its applicant with a submitted case, another
organization and unit, an expert, an administrator; and reading the outbox."""
from reviewapp.extensions import db
from reviewapp.mail.models import OutboxMessage
from tests.factories import make_campaign, make_user
from tests.recommendation.data import make_case, make_org, make_unit, make_unit_user


class World:
    pass


def messages_world():
    w = World()
    w.unit = make_unit("北京市体育局", "beijing")
    w.other_unit = make_unit("上海市体育局", "shanghai")
    w.unit_user = make_unit_user(w.unit, email="chu@bj-sport.example.cn")
    w.other_unit_user = make_unit_user(w.other_unit, email="chu@sh-sport.example.cn")
    w.campaign = make_campaign()
    w.org = make_org("北京市朝阳区健身志愿者协会", email="org-a@example.cn", unit=w.unit)
    w.org_user = w.org.users[0]
    w.other_org = make_org("上海市徐汇区体育协会", province="shanghai", email="org-b@example.cn")
    w.case = make_case(w.campaign, w.org, unit=w.unit, title="社区健身指导常态化")
    w.other_case = make_case(w.campaign, w.other_org, unit=w.other_unit, title="徐汇案例")
    w.admin = make_user("admin", email="admin@sport.example.cn")
    w.expert = make_user("expert", email="expert@university.example.cn")
    return w


def outbox(recipient=None):
    query = db.select(OutboxMessage).order_by(OutboxMessage.id)
    if recipient:
        query = query.filter_by(recipient=recipient)
    return db.session.scalars(query).all()
