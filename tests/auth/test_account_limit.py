"""The per-account sign-in limit: growing delays whatever address the attempts come from, the
owner told by mail, unknown addresses treated alike, and only failures use up an address's budget."""
from datetime import timedelta

from reviewapp.audit import AuditEntry
from reviewapp.auth.models import SignInEvent, SignInThrottle
from reviewapp.auth.throttle import email_key, lock_delay
from reviewapp.extensions import db
from reviewapp.mail.models import OutboxMessage
from reviewapp.timezones import utcnow
from tests.factories import PASSWORD, make_user, submit_form
from tests.races import at_once

LOCKED = "signing in with it is paused"
WRONG = "Wrong e-mail or password."


def attempt(app, email, password, address):
    """One sign-in from its own browser and client address."""
    client = app.test_client()
    return submit_form(client, "/auth/sign-in", {"email": email, "password": password},
                       environ_base={"REMOTE_ADDR": address})


def test_thirty_wrong_passwords_from_thirty_addresses_are_stopped_after_five(app):
    make_user("admin", email="admin@example.cn")
    pages = [attempt(app, "admin@example.cn", f"guess {n}", f"203.0.113.{n}").get_data(as_text=True)
             for n in range(30)]
    assert all(WRONG in page for page in pages[:5])
    assert all(LOCKED in page and WRONG not in page for page in pages[5:])
    # Locked means locked: the right password is not even checked.
    page = attempt(app, "admin@example.cn", PASSWORD, "198.51.100.1").get_data(as_text=True)
    assert LOCKED in page and "try again in 1 minutes" in page
    row = db.session.scalar(db.select(SignInThrottle).filter_by(email_key=email_key("admin@example.cn")))
    assert row.failures == 5


def test_the_delay_doubles_with_each_further_failure_up_to_the_maximum(app):
    config = app.config
    assert [lock_delay(n, config) for n in range(1, 5)] == [None] * 4
    assert [lock_delay(n, config).total_seconds() // 60 for n in range(5, 13)] == [1, 2, 4, 8, 16, 32, 60, 60]
    assert lock_delay(10_000, config) == timedelta(minutes=60)


def _lock_has_passed(email):
    row = db.session.scalar(db.select(SignInThrottle).filter_by(email_key=email_key(email)))
    row.locked_until = utcnow() - timedelta(seconds=1)
    db.session.commit()


def test_after_the_lock_one_more_wrong_password_locks_for_twice_as_long(app):
    make_user("expert", email="expert@example.cn")
    for n in range(5):
        attempt(app, "expert@example.cn", "wrong", f"10.1.0.{n}")
    _lock_has_passed("expert@example.cn")
    assert WRONG in attempt(app, "expert@example.cn", "wrong", "10.1.1.1").get_data(as_text=True)
    assert "try again in 2 minutes" in attempt(app, "expert@example.cn", PASSWORD, "10.1.1.2").get_data(as_text=True)
    _lock_has_passed("expert@example.cn")
    # The right password after the lock signs in and starts the count again.
    assert attempt(app, "expert@example.cn", PASSWORD, "10.1.1.3").status_code == 302
    assert db.session.scalar(db.select(SignInThrottle)) is None


def test_the_owner_is_mailed_once_in_both_languages(app):
    user = make_user("unit", email="unit@example.cn")
    for n in range(12):
        attempt(app, "unit@example.cn", "wrong", f"10.2.0.{n}")
        if n == 6:
            _lock_has_passed("unit@example.cn")
    mails = db.session.scalars(db.select(OutboxMessage).filter_by(recipient="unit@example.cn")).all()
    assert len(mails) == 1
    assert "wrong password 5 times" in mails[0].body and "错误的密码尝试登录您的账号已达 5 次" in mails[0].body
    assert "https://reviewapp.example.org/auth/forgot-password" in mails[0].body
    assert db.session.scalar(db.select(AuditEntry).filter_by(action="auth.sign_in_alert")).object_id == user.id


def test_an_unknown_address_is_locked_alike_so_a_lock_reveals_no_account(app):
    make_user("expert", email="expert@example.cn")
    known = [attempt(app, "expert@example.cn", "wrong", f"10.3.0.{n}").get_data(as_text=True) for n in range(6)]
    unknown = [attempt(app, "nobody@example.cn", "wrong", f"10.4.0.{n}").get_data(as_text=True) for n in range(6)]
    assert [WRONG in p for p in known] == [WRONG in p for p in unknown] == [True] * 5 + [False]
    assert LOCKED in known[5] and LOCKED in unknown[5]
    assert not db.session.scalars(db.select(OutboxMessage).filter_by(recipient="nobody@example.cn")).all()
    # Strangers' typing is not kept: the table holds keyed hashes only.
    assert all("@" not in row.email_key for row in db.session.scalars(db.select(SignInThrottle)))


def test_a_password_reset_ends_the_lock(app):
    from reviewapp.auth.tokens import make_reset_token
    user = make_user("organization", email="org@example.cn")
    for n in range(5):
        attempt(app, "org@example.cn", "wrong", f"10.5.0.{n}")
    token = make_reset_token(user)
    submit_form(app.test_client(), f"/auth/reset-password/{token}",
                {"password": "a fresh long passphrase", "confirm": "a fresh long passphrase"})
    assert attempt(app, "org@example.cn", "a fresh long passphrase", "10.5.1.1").status_code == 302


def test_simultaneous_attempts_are_counted_one_at_a_time(app):
    make_user("admin", email="admin@example.cn")
    pages = at_once(*[lambda n=n: attempt(app, "admin@example.cn", "wrong", f"10.6.0.{n}").get_data(as_text=True)
                      for n in range(10)])
    assert sum(WRONG in page for page in pages) == 5
    assert sum(LOCKED in page for page in pages) == 5


def test_failed_sign_ins_are_listed_for_the_owner(app):
    user = make_user("expert", email="expert@example.cn")
    attempt(app, "expert@example.cn", "wrong", "192.0.2.7")
    event = db.session.scalar(db.select(SignInEvent).filter_by(user_id=user.id))
    assert event.succeeded is False and event.address == "192.0.2.7"


def test_successful_sign_ins_do_not_use_up_the_address_budget(app):
    """Ten organizations signing in from one office address within a minute all get in."""
    for n in range(10):
        make_user("expert", email=f"expert{n}@example.cn")
    for n in range(10):
        assert attempt(app, f"expert{n}@example.cn", PASSWORD, "198.51.100.20").status_code == 302
    # Failures still count: five of them, and the address waits.
    for n in range(5):
        assert attempt(app, f"expert{n}@example.cn", "wrong", "198.51.100.20").status_code == 200
    assert attempt(app, "expert9@example.cn", PASSWORD, "198.51.100.20").status_code == 429
