"""No organization can read, download or change another's case or files, on any cases route."""
import re

import pytest

from reviewapp.cases.models import ActivityLogEntry, Evidence
from reviewapp.extensions import db
from tests.cases.conftest import complete
from tests.factories import csrf_from, make_user, sign_in_as


def token(client):
    """A valid CSRF token of the client's own session, so the access check itself is what answers."""
    return {"csrf_token": csrf_from(client.get("/dashboard").get_data(as_text=True))}


def case_urls(app, case):
    """Every cases.* rule with the draft's ids filled in, with its methods."""
    evidence = db.session.scalar(db.select(Evidence))
    activity = db.session.scalar(db.select(ActivityLogEntry))
    values = {"case_id": case.id, "evidence_id": evidence.id, "activity_id": activity.id,
              "campaign_id": case.campaign_id}
    urls = []
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith("cases.") or rule.endpoint == "cases.start":
            continue
        path = re.sub(r"<(?:int:)?(\w+)>", lambda m: str(values[m.group(1)]), rule.rule)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            urls.append((method, path))
    return urls


@pytest.fixture
def full_case(app, draft):
    complete(draft)
    return draft


def test_the_walk_covers_every_cases_route(app, full_case):
    urls = case_urls(app, full_case)
    assert len(urls) >= 22
    assert ("GET", f"/cases/{full_case.id}/evidence/{full_case.evidence[0].id}/download") in urls


def test_another_organization_gets_404_everywhere_and_changes_nothing(app, full_case, other_org_client):
    before = (full_case.version, full_case.title, len(full_case.evidence), len(full_case.activities))
    data = token(other_org_client)
    for method, path in case_urls(app, full_case):
        response = other_org_client.open(path, method=method, data=data)
        assert response.status_code in (403, 404), (method, path, response.status_code)
    db.session.expire_all()
    case = db.session.get(type(full_case), full_case.id)
    assert (case.version, case.title, len(case.evidence), len(case.activities)) == before


@pytest.mark.parametrize("role", ["unit", "expert"])
def test_units_and_experts_cannot_use_the_organization_pages(app, full_case, role):
    client = sign_in_as(app.test_client(), make_user(role))
    data = token(client)
    for method, path in case_urls(app, full_case):
        assert client.open(path, method=method, data=data).status_code in (403, 404), (method, path)


def test_anonymous_visitors_are_sent_to_sign_in(app, client, full_case):
    for method, path in case_urls(app, full_case):
        response = client.open(path, method=method, data={})
        assert response.status_code in (302, 400), (method, path)
        if response.status_code == 302:
            assert "/auth/sign-in" in response.headers["Location"]


def test_an_admin_reads_the_case_and_downloads_the_original(app, full_case):
    client = sign_in_as(app.test_client(), make_user("admin"))
    item = full_case.evidence[0]
    assert client.get(f"/cases/{full_case.id}").status_code == 200
    assert client.get(f"/cases/{full_case.id}/evidence").status_code == 200
    download = client.get(f"/cases/{full_case.id}/evidence/{item.id}/download")
    assert download.status_code == 200 and download.headers["Content-Security-Policy"].startswith("sandbox")
    assert client.get(f"/cases/{full_case.id}/edit").status_code == 403


def test_evidence_of_one_case_is_not_reachable_through_another_case(app, full_case, organization_user):
    from reviewapp.cases.models import Case
    second = Case(campaign=full_case.campaign, organization=organization_user.organization)
    db.session.add(second)
    db.session.commit()
    client = sign_in_as(app.test_client(), organization_user)
    item = full_case.evidence[0]
    assert client.get(f"/cases/{second.id}/evidence/{item.id}/download").status_code == 404


def test_the_owner_reaches_every_get_page(app, full_case, org_client):
    for method, path in case_urls(app, full_case):
        if method == "GET" and not path.endswith(("/view",)):
            assert org_client.get(path).status_code in (200, 302), path
