"""Every action the app records has a label in words, in both languages, on the audit log page.

The codes are found in the source, not listed by hand: each string constant passed to
record() as its action, every case workflow transition (recorded as case.<action>) and
every kind of review decline (review.<kind>). A new record() call without a label fails here."""
import ast
from pathlib import Path

import pytest
from flask_babel import force_locale

from reviewapp.audit import record
from reviewapp.cases.workflow import TRANSITIONS
from reviewapp.extensions import db
from reviewapp.ops.audit_actions import ACTION_LABELS
from reviewapp.review.models import DeclineKind

SOURCE = Path(__file__).resolve().parents[2] / "reviewapp"


def recorded_codes():
    """{code: where} of the actions the source passes to record(); the non-constant ones are
    checked to be the known patterns (case.<transition>, review.<kind>, admin.*)."""
    found, unknown = {}, []
    trees = {path: ast.parse(path.read_text(encoding="utf-8")) for path in SOURCE.rglob("*.py")}
    # Module-level NAME = "code" constants, for record(actor, people.LEFT, ...)
    named = {target.id: node.value.value for tree in trees.values() for node in tree.body
             if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant)
             and isinstance(node.value.value, str) for target in node.targets if isinstance(target, ast.Name)}
    for path, tree in trees.items():
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and len(node.args) >= 2
                    and getattr(node.func, "id", getattr(node.func, "attr", None)) == "record"):
                continue
            action = node.args[1]
            constants = [n.value for n in ast.walk(action) if isinstance(n, ast.Constant) and isinstance(n.value, str)]
            name = getattr(action, "attr", getattr(action, "id", None))
            if isinstance(action, ast.Constant) or isinstance(action, ast.IfExp):
                found.update({code: f"{path.name}:{node.lineno}" for code in constants})
            elif isinstance(action, (ast.Name, ast.Attribute)) and name in named:
                found[named[name]] = f"{path.name}:{node.lineno}"
            elif ast.unparse(action) not in ("f'case.{action}'", "f'review.{kind.value}'"):
                unknown.append(f"{path.name}:{node.lineno}: {ast.unparse(action)}")
    assert not unknown, f"record() with an action these tests cannot read: {unknown}"
    found.update({f"case.{action}": "workflow.TRANSITIONS" for action in TRANSITIONS})
    found.update({f"review.{kind.value}": "review.models.DeclineKind" for kind in DeclineKind})
    return found


CODES = recorded_codes()


def test_the_source_records_many_actions():  # the scan itself works
    assert len(CODES) > 60 and "case.submit" in CODES and "review.conflict" in CODES


@pytest.mark.parametrize("code", sorted(CODES))
def test_every_recorded_action_has_a_label_in_both_languages(app, code):
    assert code in ACTION_LABELS, f"{code} (recorded at {CODES[code]}) has no label in ops/audit_actions.py"
    with force_locale("en"):
        english = str(ACTION_LABELS[code])
    with force_locale("zh"):
        chinese = str(ACTION_LABELS[code])
    assert english != code and chinese != english, f"{code}: no Chinese translation"


def test_the_audit_log_shows_the_action_in_words_and_its_code(app, login_as):
    client, admin = login_as("admin")
    record(admin, "case.submit", admin)
    record(admin, "some.old_code", admin)  # an entry from before its label existed
    db.session.commit()
    admin.locale = "zh"
    db.session.commit()
    page = client.get("/admin/audit").get_data(as_text=True)
    assert "案例已提交" in page and '<code class="audit-code">case.submit</code>' in page
    assert "some.old_code" in page
