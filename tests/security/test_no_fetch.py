"""A video link pointing at a loopback server is stored, shown, but never fetched by the server:
not when saved, blind-checked, submitted, put in the receipt, or rendered on any page of any principal."""
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from reviewapp.cases import evidence as store
from reviewapp.cases.models import Case, Evidence
from reviewapp.extensions import db
from tests.cases.conftest import complete
from tests.factories import csrf_from, make_campaign, make_organization, sign_in_as
from tests.security.policy import rule_for
from tests.security.world import PRINCIPALS, build_path, build_world, client_for, probed_rules, url_values


@pytest.fixture
def trap():
    """A loopback HTTP server that records every request it gets."""
    hits = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            hits.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            self.wfile.write(b"<html><title>secret internal page</title></html>")

        do_HEAD = do_POST = do_GET

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", hits
    server.shutdown()
    server.server_close()


def test_saving_checking_submitting_and_the_receipt_never_fetch_the_link(app, trap):
    base, hits = trap
    from reviewapp.units.models import RecommendingUnit, UnitKind
    db.session.add(RecommendingUnit(registration_order=1, kind=UnitKind.PROVINCIAL_BUREAU, name_zh="北京市体育局",
                                    name_en="Beijing Sports Bureau", province="beijing"))
    make_campaign()
    user = make_organization()
    from reviewapp.campaigns.models import Campaign
    case = Case(campaign=db.session.scalar(db.select(Campaign)), organization=user.organization,
                contact_person="王丽", contact_phone="13800138000")
    db.session.add(case)
    db.session.commit()
    complete(case, user)
    client = sign_in_as(app.test_client(), user)
    page = client.get(f"/cases/{case.id}/evidence").get_data(as_text=True)
    response = client.post(f"/cases/{case.id}/evidence/link", data={
        "csrf_token": csrf_from(page), "url": f"{base}/video/1", "caption": "活动视频"})
    assert response.status_code == 302
    assert db.session.scalar(db.select(Evidence.url).filter_by(kind="link")) == f"{base}/video/1"
    token = csrf_from(client.get(f"/cases/{case.id}/edit").get_data(as_text=True))
    client.post(f"/cases/{case.id}/autosave", data={"csrf_token": token, "title": f"视频 {base}/video/2"})
    client.post(f"/cases/{case.id}/blind-check", data={"csrf_token": token})
    client.get(f"/cases/{case.id}/blind-check")
    submitted = client.post(f"/cases/{case.id}/submit", data={"csrf_token": token})
    assert submitted.status_code == 302
    receipt = client.get(f"/cases/{case.id}/receipt.pdf")
    assert receipt.status_code == 200 and receipt.mimetype == "application/pdf"
    for path in (f"/cases/{case.id}", f"/cases/{case.id}/blind-check", f"/cases/{case.id}/activities"):
        assert client.get(path).status_code == 200
    assert f"{base}/video/1" in client.get(f"/cases/{case.id}/evidence").get_data(as_text=True)
    assert hits == []


def test_no_page_of_any_principal_fetches_a_link(app, trap):
    base, hits = trap
    world = build_world(app)
    for case in (world.case_a, world.case_b, world.old_case):
        store.add_link(None, case, f"{base}/video/{case.id}", "视频")
        case.summary = f"见 {base}/summary/{case.id}"
    world.users["org_a"].organization.website = f"{base}/website"
    db.session.commit()
    requests = 0
    for principal in PRINCIPALS:
        client = client_for(app, world, principal)
        for rule in probed_rules(app):
            if "GET" in rule.methods and rule_for(rule.endpoint).outcome(principal) == "ok":
                response = client.get(build_path(app, rule, url_values(world, rule)))
                requests += 1
                assert response.status_code < 500
    print(f"no-fetch: {requests} pages and files rendered")
    assert requests >= 150
    assert hits == []
