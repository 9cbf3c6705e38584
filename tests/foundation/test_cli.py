"""The maintenance commands: create-admin, load-units, seed-demo."""
import csv
import re
from pathlib import Path

from reviewapp.auth.models import Role, User
from reviewapp.cases.models import Case
from reviewapp.extensions import db
from reviewapp.units.loader import default_units_csv
from reviewapp.units.models import RecommendingUnit, UnitKind

SHARED_UNITS = Path(__file__).resolve().parents[3] / "shared" / "data" / "recommending_units.csv"


def test_create_admin(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["create-admin", "--email", "Boss@Example.cn", "--name", "司长",
                                 "--password", "a strong admin password"])
    assert result.exit_code == 0, result.output
    user = db.session.scalar(db.select(User).filter_by(email="boss@example.cn"))
    assert user.role is Role.ADMIN and user.check_password("a strong admin password")


def test_create_admin_refuses_a_short_password(app):
    result = app.test_cli_runner().invoke(args=["create-admin", "--email", "a@b.cn", "--name", "x",
                                                "--password", "short"])
    assert result.exit_code != 0 and "at least 10" in result.output


def test_load_units_reads_the_reference_list(app):
    result = app.test_cli_runner().invoke(args=["load-units", str(SHARED_UNITS)])
    assert "51 added" in result.output, result.output
    units = db.session.scalars(db.select(RecommendingUnit).order_by(RecommendingUnit.registration_order)).all()
    with open(SHARED_UNITS, encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert [u.name_zh for u in units] == [r["name_zh"] for r in rows]
    kinds = [u.kind for u in units]
    assert kinds.count(UnitKind.PROVINCIAL_BUREAU) == 26 and kinds.count(UnitKind.DIRECT_UNIT) == 12
    assert kinds.count(UnitKind.NATIONAL_ASSOCIATION) == 13
    by_name = {u.name_en: u.province for u in units}
    assert by_name["Shaanxi Sports Bureau"] == "shaanxi" and by_name["Shanxi Sports Bureau"] == "shanxi"
    assert by_name["Liaoning Provincial Sports Bureau"] == "liaoning"
    again = app.test_cli_runner().invoke(args=["load-units", str(SHARED_UNITS)])
    assert "0 added, 0 updated" in again.output


def test_bundled_units_match_the_reference_data():
    bundled = Path(__file__).resolve().parents[2] / "reviewapp" / "units" / "recommending_units.csv"
    assert bundled.read_text(encoding="utf-8") == SHARED_UNITS.read_text(encoding="utf-8")
    assert default_units_csv().exists()


def test_seed_demo_is_idempotent(app):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["seed-demo"])
    second = runner.invoke(args=["seed-demo"])
    assert first.exit_code == 0 and first.output == second.output
    # Six applicants' cases, and one at each level of the Shanxi chain (reviewapp/units/demo.py).
    assert db.session.scalar(db.select(db.func.count(Case.id))) == 9
    titles = db.session.scalars(db.select(Case.title)).all()
    assert any(t.isascii() for t in titles) and any(not t.isascii() for t in titles)


def test_demo_accounts_can_sign_in(app):
    from reviewapp.demo import DEMO_PASSWORD
    from tests.factories import submit_form
    app.test_cli_runner().invoke(args=["seed-demo"])
    # The accounts the README's table tells people to use (one per role), so the two never drift.
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    table = readme.split("## Roles and demo accounts", 1)[1].split("\n## ", 1)[0]
    emails = re.findall(r"^\|[^|]+\|[^|]+\| `([\w.+-]+@[\w.-]+)`", table, re.MULTILINE)
    assert len(emails) == 4, emails
    for email in emails:
        response = submit_form(app.test_client(), "/auth/sign-in", {"email": email, "password": DEMO_PASSWORD})
        assert response.status_code == 302, email
