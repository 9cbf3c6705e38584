"""Irreversible actions ask first, saying what will happen (confirm.js reads data-confirm)."""
import re

from tests.factories import sign_in_as, submit_form
from tests.recommendation.data import submitted_case_with_evidence


def confirms(html):
    return re.findall(r'data-confirm="([^"]+)"', html)


def test_returning_removing_a_file_and_removing_an_activity_ask_first(app):
    case, org, unit_user = submitted_case_with_evidence(app)
    unit = sign_in_as(app.test_client(), unit_user)
    page = unit.get(f"/recommendation/cases/{case.id}").get_data(as_text=True)
    assert confirms(page) == ["Return the case to the applicant? This e-mails 1 people the reason."]
    assert "js/confirm.js" in page
    submit_form(unit, f"/recommendation/cases/{case.id}", {"reason": "请补充。"},
                action=f"/recommendation/cases/{case.id}/return")
    evidence = org.get(f"/cases/{case.id}/evidence").get_data(as_text=True)
    assert "Remove “活动总结.pdf” from the case? The file is deleted." in confirms(evidence)
    assert "js/confirm.js" in evidence
    activities = org.get(f"/cases/{case.id}/activities").get_data(as_text=True)
    assert confirms(activities) == ["Remove the activity “八段锦教学” from the log?",
                                    "Remove the activity “太极拳进社区” from the log?"]
