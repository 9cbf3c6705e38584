"""The selection page keeps its candidates, groups and table rows per worker, and shows at once
every change of what they show: reviews (the ranking), titles, recorded decisions and reasons,
the campaign's themes, publication, the language. The CSRF token is never kept."""
import re
from datetime import datetime, timedelta, timezone

from reviewapp.auth.models import User
from reviewapp.campaigns.models import Theme
from reviewapp.cases.models import case_themes
from reviewapp.extensions import db
from reviewapp.review.models import Review
from tests.factories import csrf_from, make_user, sign_in_as


def _page(ex, client=None):
    return (client or ex.admin).get(f"/results/campaigns/{ex.campaign.id}/selection").get_data(as_text=True)


def _order(html):
    return [int(i) for i in re.findall(r'id="select-(\d+)"', html)]


def _row(html, case):
    return re.search(rf'<tr[^>]*>\s*<td>\d+</td><td>{case.id} · .*?</tr>', html, re.DOTALL).group(0)


def test_a_review_change_reorders_the_rows_at_once(app, example):
    a, b, c = (example.cases[k] for k in "ABC")
    assert _order(_page(example)) == [c.id, a.id, b.id]
    review = db.session.scalar(db.select(Review).join(Review.assignment).filter_by(
        case_id=b.id, expert_id=example.experts[1].id))
    review.scores = {key: 10 for key in review.scores}     # B: 10 and 10, first
    db.session.commit()
    html = _page(example)
    assert _order(html) == [b.id, c.id, a.id] and 'value="%d" id="select-%d" checked' % (b.id, b.id) in html


def test_titles_decisions_and_reasons_show_at_once(app, example):
    a, c = example.cases["A"], example.cases["C"]
    assert "案例C" in _row(_page(example), c)
    c.title = "改名后的案例"
    db.session.commit()
    html = _page(example)
    assert "改名后的案例" in _row(html, c)
    data = {"csrf_token": csrf_from(html), "selected": [str(a.id)], f"reason-{a.id}": "更具示范性",
            f"reason-{c.id}": "与另一案例重复"}
    assert example.admin.post(f"/results/campaigns/{example.campaign.id}/selection", data=data).status_code == 302
    html = _page(example)
    row_a, row_c = _row(html, a), _row(html, c)
    assert 'class="deviation"' in row_a and "checked" in row_a and 'value="更具示范性"' in row_a
    assert 'class="deviation"' in row_c and "checked" not in row_c and 'value="与另一案例重复"' in row_c


def test_publication_and_language_show_at_once(app, example):
    c = example.cases["C"]
    row = _row(_page(example), c)
    assert "disabled" not in row and "<td>Yes</td>" in row
    example.campaign.published_at = datetime.now(timezone.utc) - timedelta(minutes=1)
    db.session.commit()
    assert "disabled" in _row(_page(example), c)
    admin = db.session.scalars(db.select(User).filter_by(email="admin@example.cn")).one()
    admin.locale = "zh"
    db.session.commit()
    assert "<td>是</td>" in _row(_page(example), c)


def test_a_new_or_renamed_theme_shows_in_the_groups(app, example):
    assert "Theme: Sports and medicine" in _page(example)
    theme = Theme(campaign_id=example.campaign.id, position=1, name_zh="为老服务", name_en="Elderly care")
    db.session.add(theme)
    db.session.flush()
    db.session.execute(case_themes.insert().values(case_id=example.cases["A"].id, theme_id=theme.id))
    db.session.commit()
    html = _page(example)
    assert f'name="min-theme-{theme.id}"' in html and "Theme: Elderly care" in html
    theme.name_en = "Care for the elderly"
    db.session.commit()
    assert "Theme: Care for the elderly" in _page(example)


def test_each_session_gets_its_own_csrf_token_from_the_kept_rows(app, example):
    other = sign_in_as(app.test_client(), make_user("admin", email="admin2@example.cn"))
    first, second = _page(example), _page(example, other)
    assert csrf_from(first) != csrf_from(second)
    assert first.split("<tbody>")[-1] == second.split("<tbody>")[-1]   # the same kept rows
    c = example.cases["C"]
    data = {"csrf_token": csrf_from(second), "selected": [str(c.id)]}
    assert other.post(f"/results/campaigns/{example.campaign.id}/selection", data=data).status_code == 302
