"""Both languages render, the switch is remembered, and the catalogue is complete."""
import importlib.util
from pathlib import Path

from reviewapp.auth.models import User
from reviewapp.extensions import db
from tests.factories import csrf_from, make_campaign

ROOT = Path(__file__).resolve().parents[2]


def test_pages_render_in_english_and_chinese(app, client):
    make_campaign()
    english = client.get("/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    chinese = client.get("/", headers={"Accept-Language": "zh-CN,zh;q=0.9"}).get_data(as_text=True)
    assert 'lang="en"' in english and "Register your organization" in english
    assert 'lang="zh-CN"' in chinese and "注册申报单位" in chinese and "2026年优秀案例征集" in chinese


def test_language_switch_is_remembered_for_the_user(app, login_as):
    client, user = login_as("expert")
    html = client.get("/dashboard").get_data(as_text=True)
    response = client.post("/auth/language", data={"csrf_token": csrf_from(html), "locale": "zh",
                                                   "next": "/dashboard"})
    assert response.headers["Location"] == "/dashboard"
    assert "专家评审" in client.get("/dashboard").get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(User, user.id).locale == "zh"


def test_language_switch_works_before_sign_in(app, client):
    html = client.get("/auth/sign-in").get_data(as_text=True)
    client.post("/auth/language", data={"csrf_token": csrf_from(html), "locale": "zh", "next": "/auth/sign-in"})
    assert "忘记密码？" in client.get("/auth/sign-in").get_data(as_text=True)


def test_every_string_has_a_chinese_translation():
    spec = importlib.util.spec_from_file_location("i18n_tool", ROOT / "scripts" / "i18n.py")
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    assert tool.problems() == []
