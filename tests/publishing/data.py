"""Test data for publishing, the gallery and reports: a campaign with selected and other cases."""
import io
from datetime import datetime, timezone

from PIL import Image

from reviewapp.extensions import db
from tests.factories import make_campaign, make_organization

STORY = "志愿者们每周三次走进社区公园，带领老人练习八段锦和健步走。"
GPS_MARKER = b"GPSSecretPlace"


def jpeg_with_gps(color=(30, 120, 200), size=(640, 480)):
    """A JPEG whose EXIF carries a GPS block and a marker text (what must never be published)."""
    image = Image.new("RGB", size, color)
    exif = Image.Exif()
    exif[0x010E] = GPS_MARKER.decode()          # ImageDescription
    exif[0x8825] = {1: "N", 2: (39.0, 54.0, 27.0)}  # GPSInfo
    output = io.BytesIO()
    image.save(output, "JPEG", exif=exif)
    return output.getvalue()


def _case(campaign, org_user, state, title, themes=(), photos=0, summary="", narrative=STORY, **extra):
    from reviewapp.cases import evidence as store
    from reviewapp.cases.models import ActivityLogEntry, Case
    from reviewapp.cases.workflow import CaseState

    case = Case(campaign=campaign, organization=org_user.organization, title=title,
                summary=summary or f"{title}的简介。", activities_text=narrative,
                influence_text="带动周边社区共同参与。", volunteers=120, service_hours=5600,
                activities_held=48, people_served=23000, start_year=2016,
                contact_person="王丽", contact_phone="13800138000", **extra)
    case.themes = list(themes)
    case.activities.append(ActivityLogEntry(
        position=1, host_unit="", name=f"{title}·八段锦教学", summary="社区公园晨练指导", mode="offline",
        held_on=datetime(2026, 3, 5, tzinfo=timezone.utc), held_on_text="2026年3月5日",
        contact_person="王丽", contact_details="13800138000", remarks=""))
    db.session.add(case)
    db.session.flush()
    for number in range(photos):
        store.add_file(None, case, jpeg_with_gps((40 * number, 120, 200)), f"photo{number}.jpg",
                       f"{title}活动照片{number + 1}")
    case.state = CaseState(state)
    db.session.commit()
    return case


def make_publishing_campaign():
    """Campaign 2026: two selected cases (Beijing, Shanghai), one not selected, one only
    submitted (Zhejiang), one draft. Returns a namespace of what it made."""
    from types import SimpleNamespace

    from reviewapp.campaigns.models import Theme

    campaign = make_campaign(themes=[Theme(position=0, name_zh="体医融合", name_en="Sports and medicine"),
                                     Theme(position=1, name_zh="为老服务", name_en="Elderly care")])
    medicine, elderly = campaign.themes
    beijing = make_organization(name="北京市朝阳区社会体育指导员协会", province="beijing",
                                email="bj@example.cn")
    shanghai = make_organization(name="Shanghai Volunteer Federation", province="shanghai",
                                 email="sh@example.cn")
    shanghai.organization.org_type = "volunteer_association"
    shanghai.locale = "en"
    zhejiang = make_organization(name="浙江省杭州市学校志愿服务队", province="zhejiang",
                                 email="zj@example.cn")
    zhejiang.organization.org_type = "school_group"
    db.session.commit()
    selected_zh = _case(campaign, beijing, "selected", "社区健身指导常态化", [medicine, elderly], photos=2)
    selected_en = _case(campaign, shanghai, "selected", "Healthy Steps for Seniors", [elderly], photos=1,
                        summary="Weekly Walking Clubs in twelve neighbourhoods.", language="en",
                        narrative="Volunteers lead WALKING groups every week.")
    not_selected = _case(campaign, zhejiang, "not_selected", "校园体育志愿服务", [medicine], photos=1)
    submitted = _case(campaign, zhejiang, "submitted", "乡村健身站建设", [medicine])
    draft = _case(campaign, beijing, "draft", "尚未提交的草稿", [])
    return SimpleNamespace(campaign=campaign, beijing=beijing, shanghai=shanghai, zhejiang=zhejiang,
                           selected_zh=selected_zh, selected_en=selected_en, not_selected=not_selected,
                           submitted=submitted, draft=draft)


def announce(data, admin):
    """Publish the results as the admin would (operation + one commit)."""
    from reviewapp.publishing.operations import announce_results
    announce_results(admin, data.campaign)
    db.session.commit()
