"""The results pages say which calibration model was used and why, how many cases are flagged,
the range each case's calibration cannot explain, and where a score was bounded to the scale."""
import html as html_lib
import re
from datetime import datetime, timezone

import numpy as np

from reviewapp.extensions import db
from reviewapp.review.models import Review, ReviewStatus
from tests.factories import make_campaign, make_organization, make_user, sign_in_as
from tests.results.conftest import KEYS
from tests.review.conftest import confirm, make_case, review_window


def _page(client, campaign, query=""):
    return html_lib.unescape(client.get(f"/results/campaigns/{campaign.id}{query}").get_data(as_text=True))


def _cells(html, css):
    """{case id: text of the row's cell of class `css`}."""
    return {int(i): v for i, v in re.findall(rf'<tr id="case-(\d+)".*?class="{css}">(.*?)</td>', html, re.DOTALL)}


def _submit(case, expert, value):
    assignment = confirm(case, expert)
    db.session.add(Review(assignment_id=assignment.id, status=ReviewStatus.SUBMITTED,
                          scores=dict.fromkeys(KEYS, value) if isinstance(value, int) else dict(zip(KEYS, value)),
                          confidence="high", submitted_at=datetime.now(timezone.utc)))


def test_the_example_shows_the_additive_model_the_unexplained_range_and_the_share_flagged(app, example):
    html = _page(example.admin, example.campaign, "?threshold=3")
    a, b, c = (example.cases[k].id for k in "ABC")
    assert 'data-model="additive"' in html and "additive reviewer-effect model" in html
    assert "Too few reviews to compare it with the per-expert scale model (at least 30 are needed)." in html
    # By hand: (L + 0.5 I) bias = r with L = [[1.5, -1.5], [-1.5, 1.5]], r = (3.1, -3.1), so
    # bias(expert 1) = 3.1 / 3.5 = 0.886 = -bias(expert 2). The unexplained range of a case is
    # |(total 1 - 0.886) - (total 2 + 0.886)|: B 6.2 - 1.771 = 4.43, A |0.2 - 1.771| = 1.57,
    # C |-0.2 - 1.771| = 1.97. Only B's is above 3, though its raw range (6.2) is not all of it.
    assert _cells(html, "unexplained") == {a: "1.57", b: "4.43", c: "1.97"}
    assert "Flagged as disagreements: 1 of 3 cases (33.3%)." in html
    assert html.count('class="disagreement"') == 1
    assert "range the calibration cannot explain" in html
    relaxed = _page(example.admin, example.campaign, "?threshold=4.5")
    assert "Flagged as disagreements: 0 of 3 cases (0.0%)." in relaxed
    assert 'class="bounded-scores"' not in html and "outside the rubric's scale" not in html


def test_a_score_beyond_the_scale_is_bounded_and_noted(app, example):
    # Expert 2 is the harsh one (bias -0.886); alone on case D with full marks, the model puts D
    # at 10 + 0.886 = 10.89: shown as 10.00 with a mark and a note, still ranked first.
    org = make_organization(name="示例协会D", email="orgD@example.cn", province="hubei").organization
    case_d = make_case(example.campaign, org, "案例D", "内容")
    _submit(case_d, example.experts[1], 10)
    db.session.commit()
    html = _page(example.admin, example.campaign)
    assert re.findall(r'<tr id="case-(\d+)"', html)[0] == str(case_d.id)
    cell = _cells(html, "calibrated")[case_d.id]
    assert cell.startswith('10.00<abbr class="bounded"')
    assert "The model put this case at 10.89, outside the scale" in cell
    assert sum('class="bounded"' in v for v in _cells(html, "calibrated").values()) == 1
    assert "Calibrated scores the model put outside the rubric's scale (0 to 10): 1." in html


def _compressors_and_spreaders(seed=7, n_cases=40):
    """Six experts, by turns squeezing (scale 0.4), plain, spreading (1.8); every case gets one of
    each kind; totals are whole points."""
    rng = np.random.default_rng(seed)
    qualities = rng.normal(5.5, 1.5, n_cases)
    scales = [0.4, 1.0, 1.8] * 2
    rows = []
    for i, quality in enumerate(qualities):
        for e in (i % 6, (i + 1) % 6, (i + 2) % 6):
            rows.append((i, e, int(np.clip(np.rint(5.5 + scales[e] * (quality - 5.5) + rng.normal(0, 0.3)), 0, 10))))
    return rows


def test_compressors_and_spreaders_get_the_scale_model_on_the_pages(app):
    campaign = make_campaign(**review_window())
    experts = [make_user("expert", email=f"rater{e}@example{e}.cn") for e in range(6)]
    for e, expert in enumerate(experts):
        expert.name = f"Rater {e}"
    cases = {}
    for i, e, value in _compressors_and_spreaders():
        if i not in cases:
            org = make_organization(name=f"示例协会{i}", email=f"org{i}@example.cn").organization
            cases[i] = make_case(campaign, org, f"案例{i}", "内容")
        _submit(cases[i], experts[e], value)
    db.session.commit()
    admin = sign_in_as(app.test_client(), make_user("admin"))
    html = _page(admin, campaign)
    assert 'data-model="scale"' in html and "per-expert offset and scale with reliability weights" in html
    assert "It is used because it predicts held-out reviews better than the additive model" in html
    assert "5-fold cross-validation over 114 reviews" in html   # the held-out reviews whose case kept another
    assert re.search(r"Flagged as disagreements: \d+ of 40 cases \(\d+\.\d%\)\.", html)
    selection = _page(admin, campaign, "/selection")
    assert 'data-model="scale"' in selection

    reviewers = html_lib.unescape(admin.get(f"/results/campaigns/{campaign.id}/reviewers").get_data(as_text=True))
    assert "Scale (1 = like the panel)" in reviewers and "Reliability weight" in reviewers
    assert "squeeze cases together" in reviewers
    scale_of = {name: float(v) for name, v in re.findall(
        r"<tr><td>(Rater \d)</td>.*?<td class=\"scale\">([\d.]+)</td>", reviewers, re.DOTALL)}
    assert len(scale_of) == 6
    for e in range(6):
        planted = (0.4, 1.0, 1.8)[e % 3]
        assert (scale_of[f"Rater {e}"] < 0.8) == (planted < 1) and (scale_of[f"Rater {e}"] > 1.3) == (planted > 1)


def test_another_threshold_or_the_reviewers_page_reuses_the_calibration(app, example, monkeypatch):
    from reviewapp.results import aggregation
    calls = []
    real = aggregation.calibrate
    monkeypatch.setattr(aggregation, "calibrate", lambda *args, **kwargs: calls.append(1) or real(*args, **kwargs))
    aggregation._calibration.cache_clear()
    assert "Flagged as disagreements: 1 of 3 cases" in _page(example.admin, example.campaign, "?threshold=3")
    assert "Flagged as disagreements: 0 of 3 cases" in _page(example.admin, example.campaign, "?threshold=4.5")
    example.admin.get(f"/results/campaigns/{example.campaign.id}/reviewers")
    assert len(calls) == 1
    # A new review is new input: calibrated again.
    org = make_organization(name="示例协会E", email="orgE@example.cn", province="hubei").organization
    _submit(make_case(example.campaign, org, "案例E", "内容"), example.experts[0], 6)
    db.session.commit()
    assert "Flagged as disagreements: 1 of 4 cases" in _page(example.admin, example.campaign, "?threshold=3")
    assert len(calls) == 2


def test_the_notes_read_in_chinese(app, example):
    from reviewapp.auth.models import Role, User
    org = make_organization(name="示例协会D", email="orgD@example.cn", province="hubei").organization
    _submit(make_case(example.campaign, org, "案例D", "内容"), example.experts[1], 10)
    admin = db.session.scalars(db.select(User).filter_by(role=Role.ADMIN)).one()
    admin.locale = "zh"
    db.session.commit()
    html = _page(example.admin, example.campaign)
    assert "所用模型：加性评审效应模型" in html and "评审数量过少" in html
    assert "标记为意见分歧的案例共 1 个，占全部 4 个案例的 25.0%" in html
    assert "模型给出的校准分超出评分量表范围（0 至 10）的案例共 1 个" in html
    assert "无法解释的分差" in html and "模型给出的分数为 10.89，超出评分量表范围" in html
