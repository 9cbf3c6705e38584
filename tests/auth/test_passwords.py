"""New passwords: common, guessable and personal ones are refused with a translated reason,
on every form that sets one."""
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reviewapp.auth.passwords import MESSAGES, password_problem
from tests.auth.test_registration import registration
from tests.factories import make_user, sign_in_as, submit_form

COMMON = ["1234567890", "aaaaaaaaaa", "password12", "qwertyuiop", "1qaz2wsx3edc", "iloveyou123",
          "woaini1314", "abcdefghij", "passwordpassword", "0123456789a", "admin12345", "zhang19850101"]


@pytest.mark.parametrize("password", COMMON)
def test_common_passwords_are_refused(app, password):
    assert password_problem(password) is not None


@pytest.mark.parametrize("password", ["correct horse battery", "a long enough password",
                                      "Lantern-Orchid-57-Drift", "气功协会的春天比秋天长"])
def test_good_passwords_pass(app, password):
    assert password_problem(password, "zhou@example.cn", ["周强"]) is None


def test_the_reason_names_the_weakness(app):
    assert password_problem("aaaaaaaaaaaa") == MESSAGES["repeat"]
    assert password_problem("abcdefghijkl") == MESSAGES["sequence"]
    assert password_problem("short") == MESSAGES["length"]
    assert password_problem("zhou.qiang-forever", "zhou.qiang@example.cn") == MESSAGES["email"]
    assert password_problem("周强周强周强周强周强", "x@example.cn", ["周强"]) == MESSAGES["name"]
    assert password_problem("Wei Mingsheng rules", "x@example.cn", ["Wei Mingsheng"]) == MESSAGES["name"]


@settings(max_examples=40, deadline=None)
@given(st.sampled_from("abcdefghijklmnopqrstuvwxyz0123456789"), st.integers(10, 40))
def test_any_repeated_character_is_refused(char, length):
    assert password_problem(char * length) is not None


@settings(max_examples=25, deadline=None)
@given(st.sampled_from(COMMON), st.integers(0, 2025))
def test_a_common_password_with_a_number_after_it_is_refused(common, number):
    assert password_problem(f"{common[:8]}{number}") is not None


def test_registration_refuses_a_common_password_in_both_languages(app):
    for headers, text in (({}, "among the most commonly used"), ({"Accept-Language": "zh-CN"}, "最常用的密码之一")):
        response = submit_form(app.test_client(), "/auth/register",
                               registration(password="1234567890", confirm="1234567890"), headers=headers)
        assert response.status_code == 200 and text in response.get_data(as_text=True)


def test_registration_refuses_the_contact_persons_name(app, client):
    response = submit_form(client, "/auth/register", registration(
        email="office@example.cn", contact_person="Zhou Qiang", password="zhouqiang is great",
        confirm="zhouqiang is great"))
    assert "must not contain your name" in response.get_data(as_text=True)


def test_a_reset_refuses_the_owners_own_name(app):
    from reviewapp.auth.tokens import make_reset_token
    user = make_user("expert", email="wei.mingsheng@example.cn")
    response = submit_form(app.test_client(), f"/auth/reset-password/{make_reset_token(user)}",
                           {"password": "wei.mingsheng!!", "confirm": "wei.mingsheng!!"})
    assert "must not be your e-mail address" in response.get_data(as_text=True)


def test_the_profile_refuses_a_common_new_password(app):
    from tests.factories import PASSWORD
    user = make_user("admin", email="admin@example.cn")
    client = sign_in_as(app.test_client(), user)
    response = submit_form(client, "/account", {"current": PASSWORD, "password": "password12",
                                                "confirm": "password12"}, action="/account/password")
    assert response.status_code == 400 and "among the most commonly used" in response.get_data(as_text=True)


def test_create_admin_refuses_a_common_password(app):
    result = app.test_cli_runner().invoke(args=["create-admin", "--email", "boss@example.cn", "--name", "司长",
                                                "--password", "qwertyuiop123"])
    assert result.exit_code != 0
    assert "Keyboard patterns" in result.output or "commonly used" in result.output
