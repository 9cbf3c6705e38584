"""The results table matches a hand-computed example; reliability and export; the .xlsx opens."""
import io
import re

import pytest
from openpyxl import load_workbook

from tests.factories import sign_in_as

# The `example` fixture (conftest.py): weights 1, 1, 1, 2; by hand, C and A tie at 7.9 and C,
# submitted earlier, ranks first; B is third at 6.9 with a range of 6.2.


def _rows(html):
    """[(case id, mean, calibrated, range)] in the table's order."""
    rows = re.findall(r'<tr id="case-(\d+)".*?class="mean">([\d.]+)</td><td class="calibrated">([\d.]+)</td>\s*'
                      r'<td class="range">([\d.]+)</td>', html, re.DOTALL)
    return [(int(i), mean, cal, rng) for i, mean, cal, rng in rows]


def test_the_table_matches_the_hand_computed_example(app, example):
    html = example.admin.get(f"/results/campaigns/{example.campaign.id}?threshold=3").get_data(as_text=True)
    a, b, c = (example.cases[k].id for k in "ABC")
    assert _rows(html) == [(c, "7.90", "7.90", "0.20"), (a, "7.90", "7.90", "0.20"), (b, "6.90", "6.90", "6.20")]
    assert "7.80" in html and "3.80" in html and "10.00" in html
    assert html.count('class="disagreement"') == 1 and "Add a reviewer" in html
    assert "additive reviewer-effect model" in html and "Ties are broken by the raw mean" in html
    # A higher threshold clears the flag.
    relaxed = example.admin.get(f"/results/campaigns/{example.campaign.id}?threshold=6.5").get_data(as_text=True)
    assert 'class="disagreement"' not in relaxed


def test_reliability_and_expert_statistics_are_shown(app, example):
    html = example.admin.get(f"/results/campaigns/{example.campaign.id}").get_data(as_text=True)
    assert "Inter-rater reliability" in html and "Krippendorff" in html
    assert f"/results/campaigns/{example.campaign.id}/reviewers" in html
    reviewers = example.admin.get(f"/results/campaigns/{example.campaign.id}/reviewers").get_data(as_text=True)
    assert "100%" in reviewers and reviewers.count("Test expert") >= 2 and "Severity" in reviewers


def test_the_export_opens_with_openpyxl(app, example):
    response = example.admin.get(f"/results/campaigns/{example.campaign.id}/results.xlsx")
    assert response.status_code == 200
    assert "results-2026.xlsx" in response.headers["Content-Disposition"]
    workbook = load_workbook(io.BytesIO(response.get_data()))
    assert workbook.sheetnames == ["Ranking", "Review scores", "Reviewer statistics", "Method"]
    ranking = list(workbook["Ranking"].iter_rows(values_only=True))
    assert ranking[0][:3] == ("Rank", "Case", "Title")
    assert [row[1] for row in ranking[1:]] == [example.cases[k].id for k in "CAB"]
    assert ranking[1][6] == pytest.approx(7.9)
    scores = list(workbook["Review scores"].iter_rows(values_only=True))
    assert len(scores) == 7 and scores[0][-4] == "Weighted total" and scores[0][-1] == "Counted in the results"
    assert {row[-1] for row in scores[1:]} == {"yes"}
    method = dict(list(workbook["Method"].iter_rows(values_only=True))[1:])
    assert method["Calibration model"] == "Additive reviewer-effect model"
    assert method["Submitted reviews excluded (conflict of interest)"] == 0
    stats = list(workbook["Reviewer statistics"].iter_rows(values_only=True))
    assert stats[1][1:4] == (3, 3, 1.0)


def test_results_pages_are_for_admins_only(app, example):
    client = sign_in_as(app.test_client(), example.experts[0])
    assert client.get(f"/results/campaigns/{example.campaign.id}").status_code == 403
    assert client.get(f"/results/campaigns/{example.campaign.id}/results.xlsx").status_code == 403
    assert client.get(f"/results/campaigns/{example.campaign.id}/reviewers").status_code == 403


def test_the_export_names_the_confidence_in_words(app, example):
    """The stored keys (high, medium, low) never reach the reader: the form's words do."""
    from reviewapp.auth.models import Role, User
    from reviewapp.extensions import db
    scores = list(load_workbook(io.BytesIO(example.admin.get(
        f"/results/campaigns/{example.campaign.id}/results.xlsx").get_data()))["Review scores"].iter_rows(values_only=True))
    assert {row[-3] for row in scores[1:]} == {"High"}
    admin = db.session.scalars(db.select(User).filter_by(role=Role.ADMIN)).one()
    admin.locale = "zh"
    db.session.commit()
    scores = list(load_workbook(io.BytesIO(example.admin.get(
        f"/results/campaigns/{example.campaign.id}/results.xlsx").get_data())).worksheets[1].iter_rows(values_only=True))
    assert scores[0][-3] == "把握程度" and {row[-3] for row in scores[1:]} == {"高"}
