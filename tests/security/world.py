"""A small world of everyone's objects, the principals who probe it, and helpers to fill URLs.

Principals (the rows of the access matrix):

    anonymous        nobody signed in
    org_a            the organization that owns case A (Beijing)
    org_b            another organization, with its own case B (Shanghai)
    unit_case        the recommending unit that screens case A (Beijing bureau)
    unit_other       the recommending unit of another province (Shanghai bureau)
    expert_other     an expert not assigned to case A (assigned to case B)
    expert_assigned  an expert with a confirmed assignment on case A
    admin            an administrator

URL arguments are filled from the world by argument name (FILLERS); an argument
name nobody taught the world to fill fails the test loudly, so that a new
route is never silently left out.
"""
import hashlib
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import text

from reviewapp.extensions import db
from tests.factories import csrf_from, jpeg_bytes, make_campaign, make_organization, make_user, sign_in_as

PRINCIPALS = ("anonymous", "org_a", "org_b", "unit_other", "unit_case", "expert_other", "expert_assigned",
              "admin")
ROLE_OF = {"org_a": "organization", "org_b": "organization", "unit_other": "unit", "unit_case": "unit",
           "expert_other": "expert", "expert_assigned": "expert", "admin": "admin"}
# Endpoints Flask provides itself (no view of ours, nothing to probe).
FRAMEWORK_ENDPOINTS = {"static"}


def review_window(now=None):
    now = now or datetime.now(timezone.utc)
    return dict(submission_opens=now - timedelta(days=60), submission_closes=now - timedelta(days=30),
                recommendation_closes=now - timedelta(days=20), review_opens=now - timedelta(days=1),
                review_closes=now + timedelta(days=10))


class World:
    """Names for everything build_world() made."""


def _case(campaign, organization, unit, title):
    from reviewapp.cases import evidence as store
    from reviewapp.cases.models import ActivityLogEntry, Case
    from reviewapp.cases.workflow import CaseState

    case = Case(campaign=campaign, organization=organization, unit=unit, title=title,
                summary="每周在社区开展科学健身指导。", state=CaseState.UNDER_REVIEW, contact_person="王丽",
                contact_phone="13800138000", submitted_at=datetime.now(timezone.utc) - timedelta(days=35))
    db.session.add(case)
    for attribute in ("organization_text", "activities_text", "innovation_text", "influence_text",
                      "experience_text"):
        setattr(case, attribute, "每周三次在公园和社区广场开展健身指导。")
    case.volunteers, case.service_hours, case.activities_held, case.people_served = 120, 5000, 48, 9000
    case.start_year = 2016
    case.themes = list(campaign.themes)
    case.service_places, case.volunteer_categories = ["communities"], ["instructors"]
    case.activities.append(ActivityLogEntry(position=1, name="八段锦教学", mode="offline",
                                            held_on=datetime(2025, 5, 1, tzinfo=timezone.utc),
                                            held_on_text="2025-05-01"))
    db.session.add(case)
    db.session.flush()
    photo = store.add_file(None, case, jpeg_bytes(), "晨练.jpg", "晨练点")
    store.add_link(None, case, "https://v.example.com/watch?v=1", "活动视频")
    db.session.flush()
    return case, photo, case.activities[0]


def _colleague_invitation(owner):
    """A pending invitation of a colleague (no account yet) into `owner`'s organization."""
    from reviewapp.auth.models import Invitation, Role
    from reviewapp.auth.tokens import new_invitation_token
    token, token_hash = new_invitation_token()
    invitation = Invitation(email=f"colleague-{owner.organization_id}@example.cn", name="同事", role=Role.ORGANIZATION,
                            organization_id=owner.organization_id, token_hash=token_hash, invited_by_id=owner.id,
                            expires_at=datetime.now(timezone.utc) + timedelta(days=3))
    db.session.add(invitation)
    return token, invitation


def _assign(case, expert):
    from reviewapp.assignment.models import AssignmentStatus, ReviewAssignment
    assignment = ReviewAssignment(campaign_id=case.campaign_id, case_id=case.id, expert_id=expert.id,
                                  status=AssignmentStatus.CONFIRMED, confirmed_at=datetime.now(timezone.utc))
    db.session.add(assignment)
    db.session.flush()
    return assignment


def _expert(email, name):
    from reviewapp.experts.models import ExpertProfile
    user = make_user("expert", email=email)
    profile = ExpertProfile(email=email, name=name, province="hunan", affiliation="体育学院", themes=[])
    db.session.add(profile)
    db.session.flush()
    return user, profile


def _stored_book():
    """A one-page PDF stored where book builds are kept; its storage name."""
    import pikepdf
    from flask import current_app

    from reviewapp.publishing import storage
    local = Path(current_app.config["INSTANCE_DIR"]) / "book.pdf"
    book = pikepdf.new()
    book.add_blank_page()
    book.save(local)
    if hasattr(storage, "store_build"):
        name = storage.new_build_name()
        storage.store_build(name, local)
        return name
    name = "0123456789abcdef0123456789abcdef.pdf"  # the layout before reviewapp/storage
    local.replace(storage.builds_folder() / name)
    return name


def _publish(w):
    """Last year's campaign is published: a case of each organization, certificates, a book build."""
    from reviewapp.cases.workflow import CaseState
    from reviewapp.publishing.models import BookBuild, Certificate, PublishedCase

    w.old_campaign.published_at = datetime.now(timezone.utc) - timedelta(days=300)
    for case, code in ((w.old_case, "certificate-code-a-0001"), (w.old_case_b, "certificate-code-b-0002")):
        case.state = CaseState.PUBLISHED
        db.session.add(PublishedCase(case_id=case.id, campaign_id=case.campaign_id, search_text=case.title))
        db.session.add(Certificate(campaign_id=case.campaign_id, case_id=case.id,
                                   organization_id=case.organization_id, code=code))
    w.build = BookBuild(campaign_id=w.old_campaign.id, number=1, storage_name=_stored_book(),
                        finished_at=datetime.now(timezone.utc))
    db.session.add(w.build)
    db.session.flush()
    w.certificate_a, w.certificate_b = sorted(db.session.scalars(db.select(Certificate)), key=lambda c: c.code)


def build_world(app):
    from unittest import mock

    from reviewapp.auth.models import User
    with mock.patch.object(User, "set_password", _fast_set_password(User.set_password)):
        return _build_world(app)


def _build_world(app):
    from reviewapp.auth.models import Invitation, Role
    from reviewapp.auth.tokens import make_reset_token, new_invitation_token
    from reviewapp.jobs.models import Job
    from reviewapp.units.models import RecommendingUnit, UnitKind

    w = World()
    w.unit_beijing = RecommendingUnit(registration_order=1, kind=UnitKind.PROVINCIAL_BUREAU, name_zh="北京市体育局",
                                      name_en="Beijing Municipal Sports Bureau", province="beijing")
    w.unit_shanghai = RecommendingUnit(registration_order=2, kind=UnitKind.PROVINCIAL_BUREAU,
                                       name_zh="上海市体育局", name_en="Shanghai Sports Bureau", province="shanghai")
    db.session.add_all([w.unit_beijing, w.unit_shanghai])
    db.session.commit()
    w.old_campaign = make_campaign(year=2025, slug="2025", title_zh="2025年征集", title_en="2025 call",
                                   **review_window(datetime.now(timezone.utc) - timedelta(days=365)))
    w.campaign = make_campaign(**review_window())
    w.users = {"anonymous": None}
    w.users["org_a"] = make_organization(email="org-a@example.cn", unit=w.unit_beijing)
    w.users["org_b"] = make_organization(name="上海市另一个体育协会", province="shanghai", email="org-b@example.cn",
                                         unit=w.unit_shanghai)
    w.users["unit_case"] = make_user("unit", email="unit-bj@example.cn", unit_id=w.unit_beijing.id)
    w.users["unit_other"] = make_user("unit", email="unit-sh@example.cn", unit_id=w.unit_shanghai.id)
    w.users["expert_assigned"], w.profile_assigned = _expert("expert-a@example.cn", "张专家")
    w.users["expert_other"], w.profile_other = _expert("expert-b@example.cn", "李专家")
    w.users["admin"] = make_user("admin", email="admin@example.cn")
    org_a, org_b = w.users["org_a"].organization, w.users["org_b"].organization
    w.case_a, w.photo_a, w.activity_a = _case(w.campaign, org_a, w.unit_beijing, "案例A")
    w.case_b, w.photo_b, w.activity_b = _case(w.campaign, org_b, w.unit_shanghai, "案例B")
    w.old_case, w.old_photo, _activity = _case(w.old_campaign, org_a, w.unit_beijing, "旧案例")
    w.old_case_b, _photo, _activity = _case(w.old_campaign, org_b, w.unit_shanghai, "旧案例B")
    _publish(w)
    w.assignment_a = _assign(w.case_a, w.users["expert_assigned"])
    w.assignment_b = _assign(w.case_b, w.users["expert_other"])
    w.old_assignment = _assign(w.old_case, w.users["expert_other"])
    w.job_a = Job(function="reviewapp.cases.previews:render", created_by_id=w.users["org_a"].id)
    w.job_b = Job(function="reviewapp.cases.previews:render", created_by_id=w.users["org_b"].id)
    token, token_hash = new_invitation_token()
    w.invitation_token = token
    w.invitation = Invitation(email="invited@example.cn", name="被邀请人", role=Role.EXPERT, token_hash=token_hash,
                              invited_by_id=w.users["admin"].id,
                              expires_at=datetime.now(timezone.utc) + timedelta(days=3))
    db.session.add_all([w.job_a, w.job_b, w.invitation])
    _mail(w)
    w.colleague_invitation_token, w.colleague_invitation = _colleague_invitation(w.users["org_a"])
    _token_b, w.colleague_invitation_b = _colleague_invitation(w.users["org_b"])
    db.session.commit()
    w.reset_token = make_reset_token(w.users["org_a"])
    from reviewapp.auth.tokens import make_confirmation_token
    w.confirmation_token = make_confirmation_token(w.users["org_a"])
    from reviewapp.review.queries import token_for
    w.review_token = token_for(w.assignment_a)
    return w


def _mail(w):
    """A mail template and a group mail sent to case A's organization (reviewapp/messages)."""
    from reviewapp.messages.models import GroupMailing, MailTemplate
    texts = dict(subject_zh="材料补充提醒", subject_en="Please complete your case",
                 body_zh="{organization}：\n请补充“{case_title}”的材料。", body_en="Dear {organization},\nplease complete it.")
    w.mail_template = MailTemplate(name="补充材料", **texts)
    w.mailing = GroupMailing(token="world-mailing-token-0001", campaign_id=w.campaign.id, case_ids=[w.case_a.id],
                             organizations=1, created_by_id=w.users["admin"].id, **texts)
    db.session.add_all([w.mail_template, w.mailing])


# ---- filling URL arguments ----------------------------------------------------

def _matches(endpoint, key):
    return endpoint == key or (key.endswith(".") and endpoint.startswith(key))


# Published objects for the pages that show only those (endpoint or blueprint prefix -> argument -> filler).
PUBLISHED = {
    "gallery.": {"case_id": lambda w: w.old_case.id, "evidence_id": lambda w: w.old_photo.id},
    "publishing.case_page_pdf": {"case_id": lambda w: w.old_case.id},
    "publishing.article": {"case_id": lambda w: w.old_case.id},
    "publishing.article_archive": {"case_id": lambda w: w.old_case.id},
}

# Arguments whose meaning depends on the endpoint (endpoint or blueprint prefix -> filler).
TOKENS = {
    "auth.reset_password": lambda w: w.reset_token,
    "auth.accept_invitation": lambda w: w.invitation_token,
    "auth.join_organization": lambda w: w.colleague_invitation_token,
    "auth.confirm_email": lambda w: w.confirmation_token,
    "review.": lambda w: w.review_token,
    # Case B: "I may know this case" ends the expert's assignment to it (reviewapp/conflicts), and
    # the matrix goes on to probe expert_assigned's review pages of case A.
    "experts.": lambda w: _pool_token(w.case_b),
}


def _pool_token(case):
    from reviewapp.experts.pool_tokens import pool_token
    return pool_token(case)

FILLERS = {
    "campaign_id": lambda w, endpoint: w.campaign.id,
    "case_id": lambda w, endpoint: w.case_a.id,
    "evidence_id": lambda w, endpoint: w.photo_a.id,
    "activity_id": lambda w, endpoint: w.activity_a.id,
    "assignment_id": lambda w, endpoint: w.assignment_a.id,
    "job_id": lambda w, endpoint: w.job_a.id,
    "profile_id": lambda w, endpoint: w.profile_assigned.id,
    "expert_id": lambda w, endpoint: w.users["expert_assigned"].id,
    "number": lambda w, endpoint: 1,
    "token": lambda w, endpoint: _token(w, endpoint),
    "build_id": lambda w, endpoint: w.build.id,
    "certificate_id": lambda w, endpoint: w.certificate_a.id,
    "code": lambda w, endpoint: w.certificate_a.code,
    "user_id": lambda w, endpoint: w.users["org_b"].id,
    "invitation_id": lambda w, endpoint: w.invitation.id,
    "template_id": lambda w, endpoint: w.mail_template.id,
    "mailing_id": lambda w, endpoint: w.mailing.id,
    # The owner of organization A themself: removing them or handing them the ownership is refused,
    # so the probes leave the world as it was.
    "member_id": lambda w, endpoint: w.users["org_a"].id,
    "colleague_invitation_id": lambda w, endpoint: w.colleague_invitation.id,
}

# Someone else's child object in place of case A's own: 404, except for the principals listed
# (the admins may follow every job).
FOREIGN = {
    "evidence_id": (lambda w: w.photo_b.id, ()),
    "activity_id": (lambda w: w.activity_b.id, ()),
    "assignment_id": (lambda w: w.old_assignment.id, ()),
    "job_id": (lambda w: w.job_b.id, ("admin",)),
    "number": (lambda w: 99, ()),
    "certificate_id": (lambda w: w.certificate_b.id, ("admin",)),
    "member_id": (lambda w: w.users["org_b"].id, ()),
    "colleague_invitation_id": (lambda w: w.colleague_invitation_b.id, ()),
}
# Per endpoint: the case in the URL swapped for one the route must not show.
FOREIGN_CASE = {
    "experts.waive": (lambda w: w.old_case.id, ()),                     # a case of another campaign
    "gallery.case": (lambda w: w.case_a.id, ()),                        # not published
    "publishing.case_page_pdf": (lambda w: w.case_a.id, ("admin",)),    # not published yet
    "publishing.article": (lambda w: w.case_a.id, ()),
    "publishing.article_archive": (lambda w: w.case_a.id, ()),
}


def _token(w, endpoint):
    for key, filler in TOKENS.items():
        if _matches(endpoint, key):
            return filler(w)
    pytest.fail(f"The access matrix cannot fill <token> of {endpoint}: add an entry for it to TOKENS in "
                f"tests/security/world.py (which object's token does the route take?).")


def url_values(world, rule):
    values = {}
    for name in sorted(rule.arguments):
        if name not in FILLERS:
            pytest.fail(f"The access matrix cannot fill <{name}> of {rule.rule} ({rule.endpoint}): teach "
                        f"tests/security/world.py (FILLERS) which object of the world it names.")
        values[name] = FILLERS[name](world, rule.endpoint)
        for key, fillers in PUBLISHED.items():
            if _matches(rule.endpoint, key) and name in fillers:
                values[name] = fillers[name](world)
    return values


def build_path(app, rule, values):
    with app.test_request_context():
        from flask import url_for
        return url_for(rule.endpoint, **values)


def foreign_variants(world, rule):
    """[(values, principals still allowed)] with one child object swapped for another case's."""
    base = url_values(world, rule)
    variants = []
    for name in sorted(rule.arguments):
        if name in FOREIGN:
            filler, still_allowed = FOREIGN[name]
            variants.append(({**base, name: filler(world)}, still_allowed))
    if rule.endpoint in FOREIGN_CASE:
        filler, still_allowed = FOREIGN_CASE[rule.endpoint]
        variants.append(({**base, "case_id": filler(world)}, still_allowed))
    return variants


def probed_rules(app):
    return sorted((r for r in app.url_map.iter_rules() if r.endpoint not in FRAMEWORK_ENDPOINTS),
                  key=lambda r: (r.rule, r.endpoint))


def methods_of(rule):
    return sorted(rule.methods - {"HEAD", "OPTIONS"})


# ---- clients and state --------------------------------------------------------

def client_for(app, world, principal):
    client = app.test_client()
    user = world.users[principal]
    return sign_in_as(client, user) if user is not None else client


def csrf_token(client):
    """A valid CSRF token for the client's session (from the page every visitor can open)."""
    response = client.get("/auth/sign-in")
    if response.status_code == 302:
        response = client.get("/dashboard")
    return csrf_from(response.get_data(as_text=True))


def fingerprint(upload_folder=None):
    """{table: digest of all its rows} (and the upload folder's file list): what "nothing changed" compares."""
    digests = {}
    with db.engine.connect() as connection:
        for table in db.metadata.sorted_tables:
            rows = connection.execute(text(f'SELECT * FROM "{table.name}"')).all()
            digests[table.name] = hashlib.sha256(
                "\n".join(sorted(repr(tuple(row)) for row in rows)).encode()).hexdigest()
    if upload_folder is not None:
        folder = Path(upload_folder)
        files = sorted(str(p.relative_to(folder)) for p in folder.rglob("*")) if folder.exists() else []
        digests["<upload folder>"] = files
    return digests


def changed(before, after):
    return sorted(name for name in after if before.get(name) != after[name])


def row_counts(upload_folder=None):
    """(rows of every table, audit log included, in one query; the upload folder's file count)."""
    counts = ", ".join(f'(SELECT COUNT(*) FROM "{t.name}")' for t in db.metadata.sorted_tables)
    with db.engine.connect() as connection:
        rows = tuple(connection.execute(text(f"SELECT {counts}")).one())
    folder = Path(upload_folder) if upload_folder is not None else None
    return rows, (sum(1 for _ in folder.rglob("*")) if folder and folder.exists() else 0)


_FAST_HASH = {}


def _fast_set_password(real):
    """Argon2 is slow on purpose; the world's many users share one hash of each password."""
    def set_password(user, password):
        if password not in _FAST_HASH:
            real(user, password)
            _FAST_HASH[password] = user.password_hash
        user.password_hash = _FAST_HASH[password]
    return set_password
