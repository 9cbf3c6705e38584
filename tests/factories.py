"""Test data and form helpers, imported by tests as `tests.factories`."""
import re
from datetime import datetime, timedelta, timezone

from reviewapp.extensions import db

CSRF_INPUT = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"')


def csrf_from(html):
    match = CSRF_INPUT.search(html)
    assert match, "the page has no CSRF token"
    return match.group(1) or match.group(2)


def start_token_from(html):
    """The one-time token of the page's (first) "start a case" form, or None."""
    match = re.search(r'name="start_token" value="([^"]+)"', html)
    return match.group(1) if match else None


def submit_form(client, page, data, action=None, **kwargs):
    """GET `page`, take its CSRF token (and start token, as a browser sends the form's hidden
    fields), POST `data` to `action` (default: the page)."""
    html = client.get(page).get_data(as_text=True)
    hidden = {"csrf_token": csrf_from(html)}
    if start_token_from(html):
        hidden["start_token"] = start_token_from(html)
    return client.post(action or page, data={**hidden, **data}, **kwargs)


# ---- factories -----------------------------------------------------------

PASSWORD = "correct horse battery"


def make_organization(name="北京市示例体育协会", province="beijing", email="org@example.cn",
                      credit_code=None, **extra):
    from reviewapp.auth.models import Role, User
    from reviewapp.organizations.credit_code import check_character
    from reviewapp.organizations.models import Organization

    count = db.session.scalar(db.select(db.func.count(Organization.id)))
    if credit_code is None:
        first17 = f"51110000MJ{count:07d}"
        credit_code = first17 + check_character(first17)
    organization = Organization(name=name, org_type="sports_association", province=province,
                                credit_code=credit_code, contact_person="王丽", mobile="13800138000",
                                email=email, **extra)
    user = User(email=email, name="王丽", role=Role.ORGANIZATION, organization=organization, organization_owner=True)
    user.set_password(PASSWORD)
    db.session.add_all([organization, user])
    db.session.commit()
    return user


def make_user(role, email=None, **extra):
    from reviewapp.auth.models import Role, User

    role = Role(role)
    if role is Role.ORGANIZATION:
        return make_organization(email=email or "org@example.cn")
    user = User(email=email or f"{role.value}@example.cn", name=f"Test {role.value}", role=role, **extra)
    user.set_password(PASSWORD)
    db.session.add(user)
    db.session.commit()
    return user


def make_campaign(now=None, **overrides):
    from reviewapp.campaigns.models import Campaign, Criterion, Theme
    from reviewapp.campaigns.rubric import DEFAULT_CRITERIA, DEFAULT_LEVELS

    now = now or datetime.now(timezone.utc)
    values = dict(
        year=2026, slug="2026", title_zh="2026年优秀案例征集", title_en="2026 Excellent Cases",
        call_text_zh="征集通知", call_text_en="The call", timezone="Asia/Shanghai",
        submission_opens=now - timedelta(days=10), submission_closes=now + timedelta(days=10),
        recommendation_closes=now + timedelta(days=20), review_opens=now + timedelta(days=21),
        review_closes=now + timedelta(days=40),
        themes=[Theme(position=0, name_zh="体医融合", name_en="Sports and medicine")],
        criteria=[Criterion(position=i, weight=1, levels=DEFAULT_LEVELS, **c)
                  for i, c in enumerate(DEFAULT_CRITERIA)],
    )
    values.update(overrides)
    campaign = Campaign(**values)
    db.session.add(campaign)
    db.session.commit()
    return campaign


def sign_in_as(client, user):
    """Put `user` in the client's session, as a completed sign-in would."""
    with client.session_transaction() as session:
        session["_user_id"] = user.get_id()
        session["_fresh"] = True
    return client


def jpeg_bytes(size=(80, 60), color=(30, 120, 200)):
    """A small, plain JPEG (no metadata) for uploads."""
    import io

    from PIL import Image
    output = io.BytesIO()
    Image.new("RGB", size, color).save(output, "JPEG")
    return output.getvalue()


def complete_case(case, actor=None, photo=None):
    """Fill every item of the submission checklist (narrative, figures, themes, one
    activity on 5 January this year, one photo on disk) and commit."""
    from datetime import date

    from reviewapp.cases import evidence as store
    from reviewapp.cases.models import ActivityLogEntry
    from reviewapp.cases.reference import FIGURES, NARRATIVE_SECTIONS

    case.title = "社区健身志愿服务常态化案例"
    case.summary = "每周在社区开展科学健身指导。"
    for attribute, _label in NARRATIVE_SECTIONS:
        setattr(case, attribute, "每周三次，在公园和社区广场开展健身指导。")
    for number, (attribute, _label) in enumerate(FIGURES, start=1):
        setattr(case, attribute, 2015 if attribute == "start_year" else number * 10)
    case.themes = list(case.campaign.themes)
    case.service_places = ["communities"]
    case.volunteer_categories = ["instructors"]
    case.activities.append(ActivityLogEntry(position=1, name="八段锦教学", mode="offline",
                                            held_on=datetime(date.today().year, 1, 5, tzinfo=timezone.utc),
                                            held_on_text="1月5日"))
    store.add_file(actor, case, photo or jpeg_bytes(), "晨练.jpg", "晨练点")
    db.session.commit()
    return case


def draft_with_photos(count):
    """(organization user, its draft case, the case's evidence rows): `count` distinct photos."""
    from reviewapp.cases import evidence as store
    from reviewapp.cases.models import Case

    owner = make_organization()
    case = Case(campaign=make_campaign(), organization=owner.organization, contact_person="王丽",
                contact_phone="13800138000")
    db.session.add(case)
    db.session.flush()
    items = [store.add_file(owner, case, jpeg_bytes(color=(n, 120, 200)), f"photo{n}.jpg") for n in range(count)]
    db.session.commit()
    return owner, case, items
