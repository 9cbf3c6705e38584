"""Sign-in takes as long for an unknown e-mail as for an existing one: the time says nothing."""
import statistics
import time

import pytest

from reviewapp.auth import operations
from tests.factories import make_user


@pytest.fixture
def costly_hashes(app):
    """Argon2 costs where the hash dominates, as in production (tests otherwise use the cheapest)."""
    app.config.update(ARGON2_TIME_COST=2, ARGON2_MEMORY_COST=16384, ACCOUNT_LOCK_THRESHOLD=10_000)


def _median_seconds(email, rounds):
    times = []
    for n in range(rounds):
        with_request = operations.current_app.test_request_context(environ_base={"REMOTE_ADDR": "10.9.0.1"})
        with with_request:
            start = time.perf_counter()
            operations.authenticate(email, f"wrong guess {n}")
            operations.note_failed_sign_in(email)
            times.append(time.perf_counter() - start)
    return statistics.median(times)


def test_unknown_and_existing_accounts_take_the_same_time(app, costly_hashes):
    user = make_user("admin", email="admin@example.cn")
    user.set_password("the real password of the admin")  # hashed with the costly settings
    operations.db.session.commit()
    medians = {"known": [], "unknown": []}
    for _ in range(3):  # interleaved, so a busy moment of the machine hits both
        medians["known"].append(_median_seconds("admin@example.cn", 5))
        medians["unknown"].append(_median_seconds("nobody@example.cn", 5))
    known, unknown = statistics.median(medians["known"]), statistics.median(medians["unknown"])
    # Without the dummy hash this is about 8 (98 ms against 12 ms on the CI machine).
    assert 0.5 < known / unknown < 2, (known, unknown)


def test_a_deactivated_account_takes_the_same_path(app, costly_hashes):
    user = make_user("expert", email="expert@example.cn", active=False)
    user.set_password("the real password of the expert")
    operations.db.session.commit()
    with app.test_request_context():
        assert operations.authenticate("expert@example.cn", "the real password of the expert").user is None
