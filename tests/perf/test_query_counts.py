"""The busy pages issue a number of SQL statements that does not grow with the rows they show.

Each page is built with N and then 3N rows; the statements of one request are
counted with SQLAlchemy's `before_cursor_execute` event on the app's engine.
An N+1 (a lazy load per row) shows as a difference of 2N or more.
"""
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import event

from reviewapp.extensions import db
from tests.factories import make_campaign, make_user, sign_in_as
from tests.review.conftest import review_window

N = 4
SLACK = 2  # a small constant difference is allowed (e.g. an extra page of results)


@contextmanager
def counting():
    statements = []

    def count(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", count)


def statements_for(client, url):
    with counting() as statements:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return statements


def _organization(n):
    from reviewapp.auth.models import Role, User
    from reviewapp.organizations.credit_code import check_character
    from reviewapp.organizations.models import Organization

    first17 = f"51110000MJ{n:07d}"
    organization = Organization(name=f"测试协会{n}", org_type="sports_association",
                                province=("beijing", "shanghai", "hunan")[n % 3],
                                credit_code=first17 + check_character(first17), contact_person="王丽",
                                mobile="13800138000", email=f"org{n}@example.cn")
    user = User(email=f"org{n}@example.cn", name="王丽", role=Role.ORGANIZATION, organization=organization)
    user.password_hash = "x"
    db.session.add_all([organization, user])
    return organization


def _case(campaign, organization, n, state):
    from reviewapp.cases.models import Case
    case = Case(campaign=campaign, organization=organization, title=f"案例{n}", summary="简介。",
                state=state, contact_person="王丽", contact_phone="13800138000",
                activities_text="每周开展健身指导。", themes=list(campaign.themes),
                submitted_at=datetime.now(timezone.utc) - timedelta(days=35, minutes=n))
    db.session.add(case)
    return case


def review_data(rows):
    """`rows` cases under review, each with its own organization and its own second expert;
    the first expert has all of them (half submitted, a quarter in draft), the second
    expert of each case submitted a review."""
    from reviewapp.assignment.models import AssignmentStatus, ReviewAssignment
    from reviewapp.cases.workflow import CaseState
    from reviewapp.review.models import Review, ReviewStatus

    campaign = make_campaign(**review_window())
    main = make_user("expert", email="main@example.cn")
    now = datetime.now(timezone.utc)
    scores = {c.key: 7 for c in campaign.criteria}
    assignments = []
    for n in range(rows):
        case = _case(campaign, _organization(n), n, CaseState.UNDER_REVIEW)
        other = make_user("expert", email=f"expert{n}@example.cn")
        db.session.flush()
        for expert, status in ((main, ReviewStatus.SUBMITTED if n % 2 else ReviewStatus.DRAFT),
                               (other, ReviewStatus.SUBMITTED)):
            assignment = ReviewAssignment(campaign_id=campaign.id, case_id=case.id, expert_id=expert.id,
                                          status=AssignmentStatus.CONFIRMED, confirmed_at=now)
            db.session.add(assignment)
            db.session.flush()
            if expert is main and n % 4 == 0:
                continue  # not started
            db.session.add(Review(assignment_id=assignment.id, status=status, scores=scores,
                                  confidence="high", submitted_at=now if status is ReviewStatus.SUBMITTED
                                  else None))
            if expert is main:
                assignments.append(assignment)
    db.session.commit()
    return campaign, main, assignments


def gallery_data(rows):
    """`rows` published cases, each of its own organization with two photos."""
    from reviewapp.cases.models import Evidence
    from reviewapp.cases.workflow import CaseState
    from reviewapp.publishing.models import PublishedCase

    campaign = make_campaign(published_at=datetime.now(timezone.utc))
    for n in range(rows):
        case = _case(campaign, _organization(n), n, CaseState.PUBLISHED)
        db.session.flush()
        db.session.add(PublishedCase(case_id=case.id, campaign_id=campaign.id, search_text=case.title))
        for position in range(2):
            db.session.add(Evidence(case_id=case.id, position=position, kind="photo", mime="image/jpeg",
                                    storage_name=f"s-{n}-{position}", blind_storage_name=f"b-{n}-{position}",
                                    thumbnail_name=f"t-{n}-{position}"))
    db.session.commit()
    return campaign


def count_for(app, rows, build, url_of):
    """Statements of one request to url_of(built) with `rows` rows, on emptied tables."""
    from tests.conftest import empty_tables
    db.session.remove()
    empty_tables()
    built = build(rows)
    client, url = url_of(built)
    statements_for(client, url)  # warm-up: first-request work (caches, compiled queries)
    return statements_for(client, url)


def assert_flat(app, build, url_of):
    from collections import Counter
    small = len(count_for(app, N, build, url_of))
    statements = count_for(app, 3 * N, build, url_of)
    large = len(statements)
    print(f"statements N={N}: {small}, 3N={3 * N}: {large}")
    repeated = [f"{n} x {text[:300]}" for text, n in Counter(statements).most_common(3) if n > 1]
    assert large - small <= SLACK, (f"{small} statements with {N} rows, {large} with {3 * N}: grows with rows; "
                                    f"the most repeated: {repeated}")


def test_expert_queue(app):
    def url_of(built):
        _campaign, main, _assignments = built
        return sign_in_as(app.test_client(), main), "/review/"
    assert_flat(app, review_data, url_of)


def test_review_page(app):
    def url_of(built):
        from reviewapp.review.queries import token_for
        _campaign, main, assignments = built
        return sign_in_as(app.test_client(), main), f"/review/{token_for(assignments[-1])}"
    assert_flat(app, review_data, url_of)


def test_admin_results_table(app):
    def url_of(built):
        campaign, _main, _assignments = built
        admin = make_user("admin")
        return sign_in_as(app.test_client(), admin), f"/results/campaigns/{campaign.id}"
    assert_flat(app, review_data, url_of)


@pytest.mark.parametrize("query", ["", "?q=案例"])
def test_gallery_index(app, query):
    assert_flat(app, gallery_data, lambda _campaign: (app.test_client(), f"/gallery/{query}"))


def campaign_pages():
    """Every GET page of one campaign (its only URL argument), from the URL map: the
    administrator's tables, reports and exports. New ones are covered by themselves."""
    from reviewapp import create_app
    app = create_app("testing", SQLALCHEMY_DATABASE_URI="sqlite://")
    return sorted(rule.rule for rule in app.url_map.iter_rules()
                  if "GET" in rule.methods and set(rule.arguments) == {"campaign_id"})


@pytest.mark.parametrize("page", campaign_pages())
def test_campaign_page(app, page):
    def url_of(built):
        campaign, _main, _assignments = built
        return sign_in_as(app.test_client(), make_user("admin")), page.replace("<int:campaign_id>", str(campaign.id))
    assert_flat(app, review_data, url_of)
