"""Fixtures for the case pages: an organization signed in, a campaign open for submission, a draft."""
from pathlib import Path

import pytest

from reviewapp.extensions import db
from tests.factories import complete_case, jpeg_bytes, make_campaign, make_organization, sign_in_as  # noqa: F401

SAMPLES = Path(__file__).resolve().parents[3] / "shared" / "data" / "evidence-samples"


def folder_listing(folder):
    folder = Path(folder)
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*")) if folder.exists() else []


@pytest.fixture
def campaign(app):
    return make_campaign()


@pytest.fixture
def organization_user(app, campaign):
    return make_organization(short_names="朝阳社体协会", website="https://www.cysports.org.cn")


@pytest.fixture
def org_client(app, organization_user):
    return sign_in_as(app.test_client(), organization_user)


@pytest.fixture
def draft(app, campaign, organization_user):
    from reviewapp.cases.models import Case
    case = Case(campaign=campaign, organization=organization_user.organization,
                contact_person="王丽", contact_phone="13800138000")
    db.session.add(case)
    db.session.commit()
    return case


@pytest.fixture
def other_org_client(app, campaign):
    other = make_organization(name="上海市另一个体育协会", province="shanghai", email="other@example.cn")
    return sign_in_as(app.test_client(), other)


def complete(case, actor=None):
    """Fill every item of the submission checklist, with one photo on disk."""
    return complete_case(case, actor)
