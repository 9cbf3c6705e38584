"""What the browser tests find in the database: one open campaign and the people around it."""
import io
import random
from dataclasses import dataclass, field

from PIL import Image, ImageDraw

from reviewapp.extensions import db
from reviewapp.organizations.credit_code import ALPHABET, check_character
from tests.factories import PASSWORD, complete_case, make_campaign, make_user
from tests.recommendation.data import make_case, make_expert, make_org, make_unit, make_unit_user

__all__ = ["PASSWORD", "World", "credit_code", "photo_jpeg", "seed_world", "seed_pages"]


def credit_code(serial):
    """A unified social credit code with a correct check character (a Beijing social organization)."""
    first17 = f"51110105MJ{serial % 10**7:07d}"
    code = first17 + check_character(first17)
    assert all(ch in ALPHABET for ch in code)
    return code


def photo_jpeg(width=640, height=480, seed=7):
    """A real JPEG: a sky, a field and a few people-shaped figures, with noise so it compresses like a photo."""
    rng = random.Random(seed)
    image = Image.new("RGB", (width, height), (120, 170, 230))
    draw = ImageDraw.Draw(image)
    draw.rectangle([0, height * 2 // 3, width, height], fill=(70, 150, 80))
    for i in range(6):
        x = 60 + i * (width - 120) // 5
        draw.ellipse([x - 12, 250, x + 12, 274], fill=(240, 200, 160))
        draw.rectangle([x - 14, 276, x + 14, 340], fill=(200, 40, 40))
    pixels = image.load()
    for _ in range(width * height // 20):
        x, y = rng.randrange(width), rng.randrange(height)
        r, g, b = pixels[x, y]
        pixels[x, y] = (min(255, r + rng.randrange(30)), g, b)
    output = io.BytesIO()
    image.save(output, "JPEG", quality=85)
    return output.getvalue()


@dataclass
class World:
    campaign: object
    unit: object
    unit_user: object
    admin: object
    experts: list = field(default_factory=list)
    org_user: object = None
    draft: object = None
    submitted: object = None
    recommended: object = None


def seed_world(experts=4):
    """An open campaign, Beijing's sports bureau with its user, an admin and experts outside Beijing."""
    campaign = make_campaign()
    unit = make_unit("北京市体育局", "beijing")
    unit_user = make_unit_user(unit, email="bureau@bj.example.cn")
    admin = make_user("admin", email="admin@example.cn")
    provinces = ["shanghai", "hunan", "sichuan", "guangdong", "zhejiang"]
    pool = [make_expert(name=f"专家{n + 1}", province=provinces[n % len(provinces)], max_load=5,
                        email=f"expert{n + 1}@university.edu.cn") for n in range(experts)]
    return World(campaign, unit, unit_user, admin, pool)


def seed_pages(app):
    """seed_world plus what every role's pages show: a complete draft, a submitted and a
    recommended case from Beijing, a pending invitation and a mail in the outbox."""
    from reviewapp.auth.models import Role
    from reviewapp.auth.operations import invite
    from reviewapp.cases.models import Case
    from reviewapp.cases.workflow import CaseState

    world = seed_world(experts=3)
    org = make_org(name="北京市海淀区健身气功协会", province="beijing", email="org@hd.example.cn")
    world.org_user = org.users[0]
    draft = Case(campaign=world.campaign, organization=org, contact_person="王丽", contact_phone="13800138000")
    db.session.add(draft)
    db.session.commit()
    complete_case(draft, world.org_user, photo_jpeg(320, 240))
    world.draft = draft
    other = make_org(name="北京市东城区老年人体育协会", province="beijing")
    world.submitted = make_case(world.campaign, other, state=CaseState.SUBMITTED, unit=world.unit,
                                title="银龄健身互助队")
    world.recommended = make_case(world.campaign, other, state=CaseState.RECOMMENDED, unit=world.unit,
                                  title="公园晨练点志愿服务", themes=world.campaign.themes)
    world.campaign.bidding_enabled = True
    with app.test_request_context():
        invite(world.admin, "new.expert@university.edu.cn", "新专家", Role.EXPERT)
    db.session.commit()
    return world


def seed_draft():
    """seed_world without experts, plus an organization with an empty draft: (world, case)."""
    from reviewapp.cases.models import Case
    from tests.factories import make_organization

    world = seed_world(experts=0)
    world.org_user = make_organization(name="北京市海淀区健身气功协会", email="org@hd.example.cn")
    case = Case(campaign=world.campaign, organization=world.org_user.organization, contact_person="王丽")
    db.session.add(case)
    db.session.commit()
    world.draft = case
    return world, case
