"""Fixtures for the case pages: an organization signed in, a campaign open for submission, a draft."""
import io
from datetime import date
from pathlib import Path

import pytest
from PIL import Image

from reviewapp.extensions import db
from tests.factories import make_campaign, make_organization, sign_in_as

SAMPLES = Path(__file__).resolve().parents[3] / "shared" / "data" / "evidence-samples"


def jpeg_bytes(size=(80, 60), color=(30, 120, 200)):
    output = io.BytesIO()
    Image.new("RGB", size, color).save(output, "JPEG")
    return output.getvalue()


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
    from datetime import datetime, timezone

    from reviewapp.cases import evidence as store
    from reviewapp.cases.models import ActivityLogEntry
    from reviewapp.cases.reference import FIGURES, NARRATIVE_SECTIONS

    case.title = "社区健身志愿服务常态化案例"
    case.summary = "每周在社区开展科学健身指导。"
    for attribute, _label in NARRATIVE_SECTIONS:
        setattr(case, attribute, "每周三次，在公园和社区广场开展健身指导。")
    for number, (attribute, _label) in enumerate(FIGURES, start=1):
        setattr(case, attribute, 2015 if attribute == "start_year" else number * 10)
    case.themes = list(case.campaign.themes)
    case.service_places = ["communities"]
    case.volunteer_categories = ["instructors"]
    case.activities.append(ActivityLogEntry(position=1, name="八段锦教学", mode="offline",
                                            held_on=datetime(date.today().year, 1, 5, tzinfo=timezone.utc),
                                            held_on_text="1月5日"))
    store.add_file(actor, case, jpeg_bytes(), "晨练.jpg", "晨练点")
    db.session.commit()
    return case
