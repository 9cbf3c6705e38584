"""Demo data for the expert pool: profiles for the demo experts. Idempotent."""
from ..auth.models import Role, User
from ..extensions import db
from .models import ExpertProfile

# The experts mail from a domain of their own: sharing the organizations' demo.reviewapp.cn
# would put every expert in conflict with every demo case (same e-mail domain).
EXPERT_DOMAIN = "experts.demo.reviewapp.cn"
EXPERT_EMAILS = [f"expert{n}@{EXPERT_DOMAIN}" for n in (1, 2, 3)]
# e-mail, province, affiliation, themes, maximum load
PROFILES = [
    (EXPERT_EMAILS[0], "hunan", "湖南师范大学体育学院", ["体医融合", "为老助残"], 8),
    (EXPERT_EMAILS[1], "shanghai", "上海体育大学", ["体教融合", "基层社会治理"], 8),
    (EXPERT_EMAILS[2], "guangdong", "Sun Yat-sen University", ["乡村振兴", "体医融合"], 8),
]


def seed_experts_demo():
    """Give each demo expert account a profile; returns how many profiles exist."""
    for email, province, affiliation, themes, max_load in PROFILES:
        user = db.session.scalar(db.select(User).filter_by(email=email, role=Role.EXPERT))
        if user is None or db.session.scalar(db.select(ExpertProfile.id).filter_by(email=email)):
            continue
        db.session.add(ExpertProfile(email=email, name=user.name, province=province, affiliation=affiliation,
                                     themes=themes, max_load=max_load, available=True))
    db.session.flush()
    return db.session.scalar(db.select(db.func.count(ExpertProfile.id)))
