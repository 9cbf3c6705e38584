"""Data for `python -m bench web`: a campaign under review with 5,000 cases, 200 experts
and 15,000 reviews (3 per case), plus a published campaign of 600 cases for the gallery; the
cases come from 1,000 organizations in the 32 provinces, each routed to its province's
bureau (about 156 per unit); one organization has an account and a draft with 8 files (the
applicant's pages), one bureau a unit account, and the audit log holds 40,000 entries.

Bulk rows go in with SQLAlchemy core executemany inserts (seconds); the two
campaigns (with their themes and rubric) through the ORM. Filling is skipped
when the review campaign already holds its 5,000 cases.
"""
import random
from datetime import datetime, timedelta, timezone

from sqlalchemy import func, insert, select

CASES, EXPERTS, PER_CASE, ORGANIZATIONS, PUBLISHED = 5000, 200, 3, 1000, 600
EVIDENCE_PER_CASE = 8  # photos and documents, each with its blind copy, as a real case has
PASSWORD = "bench-password"
EXPERT_EMAIL, ADMIN_EMAIL = "expert0@bench.reviewapp.cn", "admin@bench.reviewapp.cn"
APPLICANT_EMAIL, UNIT_EMAIL = "org0@bench.reviewapp.cn", "unit0@bench.reviewapp.cn"
SLUG = "bench-2026"


def filled(db):
    """True: the database holds this version of the data (the review campaign's 5,000 cases,
    each with its evidence, and the unit's account); False: an older version; None: no data."""
    from reviewapp.auth.models import User
    from reviewapp.campaigns.models import Campaign
    from reviewapp.cases.models import Case, Evidence

    existing = db.session.scalar(select(Campaign).filter_by(slug=SLUG))
    if existing is None:
        return None
    cases = db.session.scalar(select(func.count(Case.id)).filter(Case.campaign_id == existing.id))
    first = db.session.scalar(select(func.min(Case.id)).filter(Case.campaign_id == existing.id))
    evidence = db.session.scalar(select(func.count(Evidence.id)).filter(Evidence.case_id == first))
    unit = db.session.scalar(select(User.id).filter_by(email=UNIT_EMAIL))
    return cases == CASES + 1 and evidence == EVIDENCE_PER_CASE and unit is not None


def fill(db):
    """Fill the (migrated, empty) database; return quickly when it is already filled."""
    from reviewapp.auth.models import Role, User
    from reviewapp.cases.models import Case

    if filled(db):
        return False
    from tests.factories import make_campaign  # the suite's campaign with its default rubric
    from reviewapp.assignment.models import AssignmentStatus, ReviewAssignment
    from reviewapp.cases.models import Evidence, case_themes
    from reviewapp.cases.workflow import CaseState
    from reviewapp.organizations.credit_code import check_character
    from reviewapp.organizations.models import Organization
    from reviewapp.publishing.models import PublishedCase
    from reviewapp.audit.models import AuditEntry
    from reviewapp.organizations.reference import PROVINCES
    from reviewapp.review.models import Review, ReviewStatus
    from reviewapp.units.models import RecommendingUnit, UnitKind

    rng = random.Random(0)
    now = datetime.now(timezone.utc)
    password_hash = User(email="x", name="x", role=Role.ADMIN)
    password_hash.set_password(PASSWORD)
    password_hash = password_hash.password_hash
    review = make_campaign(slug=SLUG, year=2026, submission_opens=now - timedelta(days=60),
                           submission_closes=now - timedelta(days=30), recommendation_closes=now - timedelta(days=20),
                           review_opens=now - timedelta(days=1), review_closes=now + timedelta(days=30))
    gallery = make_campaign(slug="bench-2025", year=2025, title_zh="2025年优秀案例", title_en="2025 cases",
                            submission_opens=now - timedelta(days=400), submission_closes=now - timedelta(days=380),
                            recommendation_closes=now - timedelta(days=370), review_opens=now - timedelta(days=360),
                            review_closes=now - timedelta(days=340), published_at=now - timedelta(days=300))
    execute = lambda table, rows: db.session.execute(insert(table), rows) if rows else None  # noqa: E731
    provinces = [code for code, _zh, _en in PROVINCES]
    execute(RecommendingUnit.__table__, [dict(registration_order=n + 1, kind=UnitKind.PROVINCIAL_BUREAU,
                                              name_zh=f"{zh}体育局", name_en=f"{en} Sports Bureau", province=code)
                                         for n, (code, zh, en) in enumerate(PROVINCES)])
    unit_ids = db.session.scalars(select(RecommendingUnit.id).order_by(RecommendingUnit.id)).all()
    orgs = []
    for n in range(ORGANIZATIONS):
        first17 = f"51110000MJ{n:07d}"
        orgs.append(dict(name=f"压测体育协会{n}", org_type="sports_association", province=provinces[n % len(provinces)],
                         credit_code=first17 + check_character(first17), contact_person="王丽",
                         mobile="13800138000", email=f"org{n}@bench.reviewapp.cn"))  # province n % 32
    execute(Organization.__table__, orgs)
    org_ids = db.session.scalars(select(Organization.id).order_by(Organization.id)).all()
    none = dict(organization_id=None, unit_id=None)  # executemany takes its columns from the first row
    users = [dict(email=f"expert{n}@bench.reviewapp.cn", name=f"专家{n:03d}", role=Role.EXPERT,
                  password_hash=password_hash, **none) for n in range(EXPERTS)]
    users.append(dict(email=ADMIN_EMAIL, name="压测管理员", role=Role.ADMIN, password_hash=password_hash, **none))
    users.append(dict(email=APPLICANT_EMAIL, name="王丽", role=Role.ORGANIZATION, organization_id=org_ids[0],
                      unit_id=None, password_hash=password_hash))
    users.append(dict(email=UNIT_EMAIL, name="北京市体育局联络员", role=Role.UNIT, unit_id=unit_ids[0],
                      organization_id=None, password_hash=password_hash))
    execute(User.__table__, users)
    expert_ids = db.session.scalars(select(User.id).filter(User.role == Role.EXPERT).order_by(User.id)).all()

    text = "志愿者每周三次走进社区公园，带领老人练习八段锦和健步走。" * 8

    def cases_of(campaign, count, state, offset):
        return [dict(campaign_id=campaign.id, organization_id=org_ids[(offset + n) % len(org_ids)],
                     unit_id=unit_ids[(offset + n) % len(org_ids) % len(unit_ids)],
                     title=f"社区健身志愿服务案例{offset + n}", summary="每周在社区开展科学健身指导。",
                     state=state, language="zh", organization_text=text, activities_text=text,
                     innovation_text=text, influence_text=text, experience_text=text, volunteers=120,
                     service_hours=5000, activities_held=48, people_served=9000, start_year=2016,
                     service_places=["communities"], volunteer_categories=["instructors"],
                     contact_person="王丽", contact_phone="13800138000",
                     submitted_at=now - timedelta(days=35, minutes=offset + n)) for n in range(count)]

    execute(Case.__table__, cases_of(review, CASES, CaseState.UNDER_REVIEW, 0))
    draft = cases_of(review, 1, CaseState.DRAFT, 0)[0]  # the applicant's case form, files and all
    draft.update(title="社区健身志愿服务案例（草稿）", submitted_at=None, unit_id=None)
    execute(Case.__table__, [draft])
    execute(Case.__table__, cases_of(gallery, PUBLISHED, CaseState.PUBLISHED, CASES))
    review_cases = db.session.scalars(select(Case.id).filter_by(campaign_id=review.id).order_by(Case.id)).all()
    review_cases, draft_id = review_cases[:-1], review_cases[-1]
    gallery_cases = db.session.scalars(select(Case.id).filter_by(campaign_id=gallery.id).order_by(Case.id)).all()
    execute(case_themes, [dict(case_id=c, theme_id=review.themes[0].id) for c in review_cases + [draft_id]]
            + [dict(case_id=c, theme_id=gallery.themes[0].id) for c in gallery_cases])
    execute(PublishedCase.__table__, [dict(case_id=c, campaign_id=gallery.id, search_text=f"社区健身志愿服务案例{c}",
                                           published_at=now - timedelta(days=300)) for c in gallery_cases])
    execute(Evidence.__table__, [dict(case_id=c, position=p, kind="photo", mime="image/jpeg",
                                      storage_name=f"bench-{c}-{p}", blind_storage_name=f"bench-b-{c}-{p}",
                                      thumbnail_name=f"bench-t-{c}-{p}", original_name="photo.jpg")
                                 for c in gallery_cases for p in range(2)])
    pdf, docx = ("pdf", "application/pdf", "pdf"), (
        "office", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx")
    kinds = [("photo", "image/jpeg", "jpg")] * 5 + [pdf, docx, pdf]
    execute(Evidence.__table__, [dict(case_id=c, position=p, kind=kinds[p][0], mime=kinds[p][1],
                                      caption=f"活动照片{p + 1}：社区公园八段锦教学", storage_name=f"bench-r-{c}-{p}",
                                      blind_storage_name=f"bench-rb-{c}-{p}", thumbnail_name=f"bench-rt-{c}-{p}",
                                      preview_storage_name=f"bench-rp-{c}-{p}" if kinds[p] is docx else None,
                                      original_name=f"evidence-{p}.{kinds[p][2]}")
                                 for c in review_cases + [draft_id] for p in range(EVIDENCE_PER_CASE)])
    # 3 experts per case, round robin: 75 assignments per expert.
    assignments = [dict(campaign_id=review.id, case_id=c, expert_id=expert_ids[(i * PER_CASE + k) % EXPERTS],
                        status=AssignmentStatus.CONFIRMED, confirmed_at=now - timedelta(days=1))
                   for i, c in enumerate(review_cases) for k in range(PER_CASE)]
    execute(ReviewAssignment.__table__, assignments)
    keys = [c.key for c in review.criteria]
    rows = db.session.execute(select(ReviewAssignment.id, ReviewAssignment.expert_id)
                              .filter_by(campaign_id=review.id)).all()
    reviews = []
    for assignment_id, expert_id in rows:
        submitted = expert_id != expert_ids[0] or rng.random() < 0.5  # expert 0 is half-way through
        reviews.append(dict(assignment_id=assignment_id,
                            status=ReviewStatus.SUBMITTED if submitted else ReviewStatus.DRAFT,
                            scores={k: rng.randint(3, 10) for k in keys}, comments={}, overall_comment="",
                            confidence="medium", submitted_at=now if submitted else None))
    execute(Review.__table__, reviews)
    # What the audit log holds by the review phase: each case saved and submitted, each review sent.
    audit = [dict(at=now - timedelta(days=40, minutes=n), action=action, object_type="Case", object_id=c,
                  actor_id=None, changes={"fields": ["activities_text"]})
             for n, c in enumerate(review_cases) for action in ("case.created", "case.saved", "case.saved",
                                                                "case.saved", "case.submit")]
    audit += [dict(at=now - timedelta(hours=n % 500), action="review.submitted", object_type="Review",
                   object_id=n + 1, actor_id=expert_ids[n % EXPERTS], changes=None) for n in range(len(reviews))]
    execute(AuditEntry.__table__, audit)
    db.session.commit()
    return True


def review_token(secret_key, db):
    """A real token of expert 0's first active assignment, from review.queries.token_for."""
    from flask import Flask

    from reviewapp.assignment.models import ReviewAssignment
    from reviewapp.auth.models import User
    from reviewapp.review.queries import token_for

    expert = db.session.scalar(select(User).filter_by(email=EXPERT_EMAIL))
    assignment = db.session.scalar(select(ReviewAssignment).filter_by(expert_id=expert.id)
                                   .order_by(ReviewAssignment.id))
    holder = Flask("bench-token")
    holder.config["SECRET_KEY"] = secret_key
    with holder.app_context():
        return token_for(assignment)


def page_ids(db):
    """The rows the measured pages name: campaign, a gallery case, the applicant's draft and a
    case of the unit's."""
    from reviewapp.auth.models import User
    from reviewapp.campaigns.models import Campaign
    from reviewapp.cases.models import Case, CaseState
    from reviewapp.publishing.models import PublishedCase

    campaign = db.session.scalar(select(Campaign.id).filter_by(slug=SLUG))
    unit = db.session.scalar(select(User.unit_id).filter_by(email=UNIT_EMAIL))
    return {"campaign": campaign,
            "gallery_case": db.session.scalar(select(func.min(PublishedCase.case_id))),
            "draft": db.session.scalar(select(Case.id).filter_by(campaign_id=campaign, state=CaseState.DRAFT)),
            "unit_case": db.session.scalar(select(func.min(Case.id)).filter_by(campaign_id=campaign, unit_id=unit))}
