"""Read-only look-ups of campaigns."""
from ..extensions import db
from .models import Campaign


def latest_campaign():
    return db.session.scalar(db.select(Campaign).order_by(Campaign.year.desc(), Campaign.id.desc()))


def all_campaigns():
    return db.session.scalars(db.select(Campaign).order_by(Campaign.year.desc(), Campaign.id.desc())).all()
