"""The audit log names each change under its field label and reads old → new (#19.12): no raw
keys or JSON, and a long change wraps inside its cell instead of widening the page."""
from reviewapp.audit import record
from reviewapp.extensions import db
from tests.factories import make_user

LONG = "很长的说明文字" * 60


def _log(app, login_as, locale):
    client, admin = login_as("admin")
    admin.locale = locale
    record(admin, "case.returned", admin, changes={"state": ["submitted", "returned"]})
    record(admin, "evidence.captioned", admin, changes={"caption": [None, LONG]})
    record(admin, "campaign.updated", admin, changes={
        "criteria": [[{"key": "impact", "weight": 1}], [{"key": "impact", "weight": 2}]],
        "allow_withdraw": [False, True]})
    record(admin, "case.saved", admin, changes={"fields": ["title", "summary"]})
    db.session.commit()
    return client.get("/admin/audit").get_data(as_text=True)


def test_changes_read_as_labels_and_old_to_new_in_chinese(app, login_as):
    page = _log(app, login_as, "zh")
    assert "<dt>状态</dt><dd>已提交 → 已退回修改</dd>" in page
    assert f"<dt>说明文字</dt><dd>— → {LONG}</dd>" in page
    assert "<dt>评分项</dt><dd>（key：impact；" in page and "→ （key：impact；" in page
    assert "allow_withdraw" in page and "否 → 是" in page     # an unknown key stays as written
    assert "<dt>修改的字段</dt><dd>案例标题、简介</dd>" in page
    assert '{"state"' not in page and "&#34;state&#34;" not in page and '[&#34;' not in page


def test_changes_read_as_labels_in_english(app, login_as):
    page = _log(app, login_as, "en")
    assert "<dt>Status</dt><dd>Submitted → Returned for changes</dd>" in page
    assert "<dt>Caption</dt><dd>— → " in page and "No → Yes" in page
