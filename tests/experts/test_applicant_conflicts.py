"""Applicants declare conflicts at submission, as in HotCRP: people, organizations, addresses or
mail domains that should not review their case. The administrator accepts or rejects each one;
an accepted one keeps every expert it names off the case and ends their assignment to it.
Experts never see the declarations. Runs on SQLite and PostgreSQL."""
import re
from datetime import datetime, timezone

from hypothesis import given
from hypothesis import strategies as st

from reviewapp.assignment.models import AssignmentStatus, ReviewAssignment
from reviewapp.cases.models import Case
from reviewapp.cases.workflow import CaseState
from reviewapp.conflicts.matching import entry_matches
from reviewapp.conflicts.models import ApplicantConflict, DeclarationStatus
from reviewapp.experts.models import ExpertProfile
from reviewapp.experts.queries import active_conflict_pairs, pool_experts
from reviewapp.extensions import db
from reviewapp.review.queries import token_for
from tests.factories import complete_case, csrf_from, make_campaign, make_organization, make_user, sign_in_as
from tests.security.world import csrf_token

ENTRIES = "上海体育大学\n@hunnu.edu.cn\nzhang.wei@bsu.edu.cn\n"


def _world(app):
    campaign = make_campaign()
    org_user = make_organization(email="office@cysports.org.cn")
    case = Case(campaign=campaign, organization=org_user.organization, title="草稿", state=CaseState.DRAFT)
    db.session.add(case)
    db.session.commit()
    complete_case(case, org_user)
    experts = {}
    for key, email, name, affiliation in [
            ("affiliation", "li@sus.edu.cn", "李教授", "上海体育大学体育教育学院"),
            ("domain", "wang@mail.hunnu.edu.cn", "王研究员", "湖南省体育科学研究所"),
            ("address", "zhang.wei@bsu.edu.cn", "张伟", "北京体育大学"),
            ("free", "zhao@tsinghua.edu.cn", "赵老师", "清华大学")]:
        user = make_user("expert", email=email)
        user.name = name
        db.session.add(ExpertProfile(email=email, name=name, province="hunan" if key != "domain" else "hubei",
                                     affiliation=affiliation, themes=["体医融合"], max_load=5))
        experts[key] = user
    db.session.commit()
    return campaign, org_user, case, experts


def _submit_page(client, case):
    return client.get(f"/cases/{case.id}/submit").get_data(as_text=True)


def _declare(client, case, entries):
    page = _submit_page(client, case)
    action = re.search(r'action="([^"]*/declare)"', page).group(1)
    return client.post(action, data={"csrf_token": csrf_from(page), "entries": entries, "reason": "合作单位"},
                       follow_redirects=True).get_data(as_text=True)


def test_the_applicant_declares_on_the_submit_page_and_bad_lines_lose_nothing(app):
    _campaign, org_user, case, _experts = _world(app)
    client = sign_in_as(app.test_client(), org_user)
    page = _submit_page(client, case)
    assert "People or organizations that should not review this case" in page and "No conflict declared." in page
    refused = _declare(client, case, ENTRIES + "qq.com\n张\n")
    assert "qq.com is a public mail service" in refused and "too short to name anyone" in refused
    assert db.session.scalar(db.select(db.func.count(ApplicantConflict.id))) == 0   # all or none
    done = _declare(client, case, ENTRIES + "上海体育大学\n")                       # a repeat is skipped
    assert "3 conflicts of interest declared." in done
    assert done.count("Waiting for the administrator") == 3
    again = _declare(client, case, "上海体育大学")
    assert "0 conflicts of interest declared." in again
    # Withdraw one, then declare it again.
    page = _submit_page(client, case)
    form = re.search(r'action="([^"]*/withdraw)">\s*<input[^>]*csrf_token[^>]*value="([^"]+)"[^>]*>'
                     r'<input type="hidden" name="declaration" value="(\d+)"', page)
    withdrawn = client.post(form.group(1), data={"csrf_token": form.group(2), "declaration": form.group(3)},
                            follow_redirects=True).get_data(as_text=True)
    assert "The declared conflict is withdrawn." in withdrawn and withdrawn.count("Waiting for the administrator") == 2
    _declare(client, case, ENTRIES)
    # Once submitted, the list is fixed: shown, no form, and a forged post is refused.
    case.state, case.submitted_at = CaseState.SUBMITTED, datetime.now(timezone.utc)
    db.session.commit()
    page = _submit_page(client, case)
    assert page.count("Waiting for the administrator") == 3 and "/declare" not in page
    late = client.post(f"/conflicts/cases/{case.id}/declare", data={"csrf_token": csrf_from(page),
                                                                     "entries": "清华大学"}, follow_redirects=True)
    assert "can no longer be changed" in late.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count(ApplicantConflict.id))) == 3
    # Another organization cannot touch this case's declarations.
    other = sign_in_as(app.test_client(), make_organization(name="另一个协会", email="o@other.org.cn"))
    token = csrf_token(other)
    assert other.post(f"/conflicts/cases/{case.id}/declare", data={"csrf_token": token,
                                                                    "entries": "x"}).status_code == 404


def test_an_accepted_declaration_is_a_conflict_that_ends_the_assignment_a_rejected_one_is_not(app, login_as):
    campaign, org_user, case, experts = _world(app)
    _declare(sign_in_as(app.test_client(), org_user), case, ENTRIES)
    # Straight to review (direct submission), every expert assigned and confirmed.
    case.state, case.submitted_at, case.unit_id = CaseState.UNDER_REVIEW, datetime.now(timezone.utc), None
    rows = {key: ReviewAssignment(campaign_id=campaign.id, case_id=case.id, expert_id=user.id,
                                  status=AssignmentStatus.CONFIRMED, confirmed_at=datetime.now(timezone.utc))
            for key, user in experts.items()}
    db.session.add_all(rows.values())
    db.session.commit()
    assert not active_conflict_pairs([case], pool_experts())        # nothing decided yet
    admin, _admin = login_as("admin")
    page = admin.get(f"/conflicts/campaigns/{campaign.id}").get_data(as_text=True)
    for entry, name in [("上海体育大学", "李教授"), ("@hunnu.edu.cn", "王研究员"), ("zhang.wei@bsu.edu.cn", "张伟")]:
        row = re.search(rf'<tr class="declaration"[^>]*>.*?{re.escape(entry)}.*?</tr>', page, re.S).group(0)
        assert name in row and "赵老师" not in row

    def decide(entry, decision):
        declaration = db.session.scalar(db.select(ApplicantConflict).filter_by(entry=entry))
        return admin.post(f"/conflicts/campaigns/{campaign.id}/declarations", data={
            "csrf_token": csrf_from(page), "declaration": declaration.id, "decision": decision},
            follow_redirects=True).get_data(as_text=True)

    assert "accepted; 1 assignments to the case ended" in decide("上海体育大学", "accept")
    assert "accepted; 1 assignments to the case ended" in decide("zhang.wei@bsu.edu.cn", "accept")
    assert "The declared conflict is rejected." in decide("@hunnu.edu.cn", "reject")
    db.session.expire_all()
    conflicts = active_conflict_pairs([case], pool_experts())
    assert conflicts == {(case.id, experts["affiliation"].id), (case.id, experts["address"].id)}
    listed = admin.get(f"/experts/campaigns/{campaign.id}/conflicts").get_data(as_text=True)
    assert listed.count("Named by the applicant (declaration accepted)") == 2
    statuses = dict(db.session.execute(db.select(ApplicantConflict.entry, ApplicantConflict.status)).all())
    assert statuses["@hunnu.edu.cn"] is DeclarationStatus.REJECTED
    # The named experts lost the case; the others still review it and never see the declarations.
    for key in ("affiliation", "address"):
        client = sign_in_as(app.test_client(), experts[key])
        assert client.get(f"/review/{token_for(rows[key])}").status_code == 403
    for key in ("domain", "free"):
        client = sign_in_as(app.test_client(), experts[key])
        review = client.get(f"/review/{token_for(rows[key])}")
        assert review.status_code == 200
        text = review.get_data(as_text=True)
        assert "hunnu.edu.cn" not in text and "zhang.wei" not in text and "合作单位" not in text
    ended = admin.get(f"/conflicts/campaigns/{campaign.id}").get_data(as_text=True)
    assert ended.count('class="ended-assignment"') == 2


_LABEL = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789", min_size=1, max_size=8)


@given(local=_LABEL, host=_LABEL, tld=st.sampled_from(["cn", "edu.cn", "org.cn", "com"]), other=_LABEL)
def test_addresses_match_exactly_and_domains_match_their_subdomains(local, host, tld, other):
    address = f"{local}@{host}.{tld}"
    assert entry_matches(address.upper(), "x", "y", address)
    assert entry_matches(f"@{host}.{tld}", "x", "y", address)
    assert entry_matches(f"{host}.{tld}", "x", "y", f"{local}@mail.{host}.{tld}")
    if other != local:
        assert not entry_matches(address, "x", "y", f"{other}@{host}.{tld}")
    if other != host:
        assert not entry_matches(f"@{host}.{tld}", "x", "y", f"{local}@{other}{host}.{tld}")
