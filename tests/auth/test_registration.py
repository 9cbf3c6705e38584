"""Organizations register themselves, with clear errors that keep what was typed."""
from reviewapp.auth.models import Role, User
from reviewapp.extensions import db
from reviewapp.organizations.credit_code import check_character, problem
from reviewapp.organizations.models import Organization
from tests.factories import make_user, sign_in_as, submit_form

VALID_CODE = "91350100M000100Y43"


def registration(**overrides):
    data = {
        "name": "杭州市西湖区健身气功协会", "short_names": "西湖气功协会", "org_type": "sports_association",
        "province": "zhejiang", "credit_code": VALID_CODE, "unit_id": "0",
        "contact_person": "周强", "mobile": "+86 138-0013-8000", "email": "zhou@example.cn",
        "password": "a long enough password", "confirm": "a long enough password",
    }
    data.update(overrides)
    return data


def test_credit_code_check_character():
    assert problem(VALID_CODE) is None
    assert check_character(VALID_CODE[:17]) == VALID_CODE[17]
    assert problem(VALID_CODE[:17] + "X") == "check"
    assert problem(VALID_CODE[:10]) == "length"
    assert problem("9135010OM000100Y43") == "characters"   # letter O is not in the alphabet
    assert problem("91AB0100M000100Y4" + check_character("91AB0100M000100Y4")) == "division"


def test_registration_signs_the_organization_in(app, client):
    response = submit_form(client, "/auth/register", registration())
    assert response.status_code == 302
    dashboard = client.get("/dashboard").get_data(as_text=True)
    assert "杭州市西湖区健身气功协会" in dashboard
    user = db.session.scalar(db.select(User).filter_by(email="zhou@example.cn"))
    assert user.role is Role.ORGANIZATION
    assert user.organization.mobile == "13800138000"
    assert user.organization.credit_code == VALID_CODE


def test_the_admin_sees_the_registration(app, client):
    submit_form(client, "/auth/register", registration())
    admin = sign_in_as(app.test_client(), make_user("admin"))
    page = admin.get("/admin/organizations").get_data(as_text=True)
    assert "杭州市西湖区健身气功协会" in page and VALID_CODE in page


def test_wrong_check_character_is_refused_and_values_kept(app, client):
    wrong = VALID_CODE[:17] + ("4" if VALID_CODE[17] != "4" else "5")
    response = submit_form(client, "/auth/register", registration(credit_code=wrong))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "check character" in page
    assert "杭州市西湖区健身气功协会" in page and "周强" in page and wrong in page
    assert "a long enough password" not in page  # passwords are never echoed
    assert db.session.scalar(db.select(db.func.count(Organization.id))) == 0


def test_each_field_error_is_clear(app, client):
    response = submit_form(client, "/auth/register", registration(
        mobile="12345", email="not-an-email", password="short", confirm="other", credit_code="123"))
    page = response.get_data(as_text=True)
    assert "11-digit mainland mobile number" in page
    assert "valid e-mail address" in page
    assert "at least 10 characters" in page
    assert "18 characters; you entered 3" in page


def test_errors_are_translated(app, client):
    response = submit_form(client, "/auth/register", registration(mobile="12345"),
                           headers={"Accept-Language": "zh-CN"})
    assert "请输入 11 位大陆手机号码" in response.get_data(as_text=True)


def test_duplicate_credit_code_is_refused(app, client):
    submit_form(client, "/auth/register", registration())
    other = app.test_client()
    page = submit_form(other, "/auth/register", registration(email="other@example.cn")).get_data(as_text=True)
    assert "already registered" in page


def test_an_existing_email_is_not_revealed_and_its_owner_is_mailed(app, client):
    from reviewapp.mail.models import OutboxMessage
    submit_form(client, "/auth/register", registration())
    stranger = app.test_client()
    response = submit_form(stranger, "/auth/register", registration(
        email="Zhou@Example.cn", credit_code="91110000802100433B", name="另一个协会"), follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "We have sent a message to Zhou@Example.cn with the next step" in page
    assert "already" not in page and "exists" not in page
    assert stranger.get("/dashboard").status_code == 302          # not signed in as the owner
    assert db.session.scalar(db.select(db.func.count(Organization.id))) == 1
    mail = db.session.scalars(db.select(OutboxMessage).filter_by(recipient="zhou@example.cn")).one()
    assert "already has an account" in mail.body and "该邮箱已有账号" in mail.body
    assert "https://reviewapp.example.org/auth/forgot-password" in mail.body


def test_registration_is_rate_limited_per_address(app):
    from reviewapp.extensions import limiter
    app.config["REGISTRATION_RATE_LIMIT"] = "3 per hour"
    limiter.reset()
    codes = [base + check_character(base) for base in ("91350100M000100Y4", "91110000802100433",
                                                       "91310000132223291", "91440300708461136")]
    answers = []
    for n, code in enumerate(codes):
        client = app.test_client()
        answers.append(submit_form(client, "/auth/register", registration(
            email=f"org{n}@example.cn", credit_code=code)).status_code)
    assert answers[:3] == [302, 302, 302] and answers[3] == 429


def test_a_form_with_mistakes_does_not_use_up_the_registration_limit(app, client):
    from reviewapp.extensions import limiter
    app.config["REGISTRATION_RATE_LIMIT"] = "2 per hour"
    limiter.reset()
    for _ in range(4):
        assert submit_form(client, "/auth/register", registration(mobile="12345")).status_code == 200
    assert submit_form(client, "/auth/register", registration()).status_code == 302
