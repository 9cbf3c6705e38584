"""Organizations register themselves, with clear errors that keep what was typed, and confirm
their e-mail address by a mailed link before the account can be used."""
import re

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


def _mails(recipient):
    from reviewapp.mail.models import OutboxMessage
    return db.session.scalars(db.select(OutboxMessage).filter_by(recipient=recipient)
                              .order_by(OutboxMessage.id)).all()


def confirmation_path(recipient="zhou@example.cn"):
    """The path of the last confirmation link mailed to `recipient`."""
    bodies = [m.body for m in _mails(recipient) if "/auth/confirm/" in m.body]
    return re.search(r"https://reviewapp\.example\.org(/auth/confirm/\S+)", bodies[-1]).group(1)


def confirm(client, recipient="zhou@example.cn"):
    """Open the mailed link and press its button, as the owner of the mailbox does."""
    return submit_form(client, confirmation_path(recipient), {}, follow_redirects=True)


def sign_in(client, email="zhou@example.cn", password="a long enough password"):
    return submit_form(client, "/auth/sign-in", {"email": email, "password": password}, follow_redirects=True)


def _neutral_part(response):
    page = response.get_data(as_text=True)
    return re.search(r'<section class="narrow">.*?</section>', page, re.S).group(0)


def test_registration_mails_a_link_and_the_account_works_after_it(app, client):
    response = submit_form(client, "/auth/register", registration(), follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "Check your inbox" in page and "We have sent a message to zhou@example.cn" in page
    assert client.get("/dashboard").status_code == 302                 # not signed in
    mail = _mails("zhou@example.cn")[-1]
    assert "Confirm your e-mail address" in mail.subject and "确认" in mail.subject
    assert "杭州市西湖区健身气功协会" in mail.body and "/auth/confirm/" in mail.body
    # Before the link: the right password is not enough, and the link is sent again.
    page = sign_in(client).get_data(as_text=True)
    assert "not confirmed yet" in page and client.get("/dashboard").status_code == 302
    assert len([m for m in _mails("zhou@example.cn") if "/auth/confirm/" in m.body]) == 2
    page = client.get(confirmation_path()).get_data(as_text=True)
    assert "Confirm my e-mail address" in page and "zhou@example.cn" in page
    assert "Your e-mail address is confirmed" in confirm(client).get_data(as_text=True)
    dashboard = sign_in(client).get_data(as_text=True)
    assert "杭州市西湖区健身气功协会" in dashboard and "Colleagues" in dashboard
    user = db.session.scalar(db.select(User).filter_by(email="zhou@example.cn"))
    assert user.role is Role.ORGANIZATION and user.organization_owner
    assert user.organization.mobile == "13800138000"
    assert user.organization.credit_code == VALID_CODE


def test_a_second_click_on_the_link_says_it_was_done(app, client):
    submit_form(client, "/auth/register", registration())
    confirm(client)
    assert "already confirmed" in confirm(app.test_client()).get_data(as_text=True)


def test_a_forged_link_confirms_nothing(app, client):
    submit_form(client, "/auth/register", registration())
    path = confirmation_path()
    response = client.get(path[:-3] + "xyz", follow_redirects=True)
    assert "invalid or expired" in response.get_data(as_text=True)
    assert db.session.scalar(db.select(User).filter_by(email="zhou@example.cn")).email_confirmed_at is None


def test_new_and_existing_addresses_see_the_same_page(app, client):
    first = submit_form(client, "/auth/register", registration(), follow_redirects=True)
    confirm(client)
    second = submit_form(app.test_client(), "/auth/register", registration(
        credit_code="91110000802100433B", name="另一个协会"), follow_redirects=True)
    assert first.status_code == second.status_code == 200
    assert _neutral_part(first) == _neutral_part(second)
    assert "Check your inbox" in _neutral_part(second)


def test_registering_again_before_confirming_sends_a_new_link(app, client):
    submit_form(client, "/auth/register", registration())
    again = submit_form(app.test_client(), "/auth/register", registration(), follow_redirects=True)
    assert "Check your inbox" in again.get_data(as_text=True)           # not "credit code already registered"
    assert len([m for m in _mails("zhou@example.cn") if "/auth/confirm/" in m.body]) == 2
    assert db.session.scalar(db.select(db.func.count(Organization.id))) == 1
    confirm(client)
    assert "杭州市西湖区健身气功协会" in sign_in(client).get_data(as_text=True)


def test_a_password_reset_also_confirms_the_address(app, client):
    from reviewapp.auth.tokens import make_reset_token
    submit_form(client, "/auth/register", registration())
    user = db.session.scalar(db.select(User).filter_by(email="zhou@example.cn"))
    submit_form(client, f"/auth/reset-password/{make_reset_token(user)}",
                {"password": "another long password", "confirm": "another long password"})
    assert "杭州市西湖区健身气功协会" in sign_in(client, password="another long password").get_data(as_text=True)


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
    confirm(client)
    stranger = app.test_client()
    response = submit_form(stranger, "/auth/register", registration(
        email="Zhou@Example.cn", credit_code="91110000802100433B", name="另一个协会"), follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "We have sent a message to Zhou@Example.cn with the next step" in page and "Check your inbox" in page
    assert "already" not in page and "exists" not in page
    assert stranger.get("/dashboard").status_code == 302          # not signed in as the owner
    assert db.session.scalar(db.select(db.func.count(Organization.id))) == 1
    mail = db.session.scalars(db.select(OutboxMessage).filter_by(recipient="zhou@example.cn")
                              .order_by(OutboxMessage.id.desc())).first()
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
