"""The administrator's mail templates: saved only with known placeholders (the form checks them;
this checks again for callers without a form)."""
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from ..audit import record
from ..extensions import db
from .group_mail import TEXT_FIELDS, MailingRefused, text_problems
from .models import MailTemplate

FIELDS = ("name", *TEXT_FIELDS)


def templates():
    return db.session.scalars(db.select(MailTemplate).order_by(MailTemplate.name, MailTemplate.id)).all()


def save_template(actor, template, values):
    """Create (`template` None) or update a template from `values` (FIELDS); flush. An unchanged
    save changes nothing and records nothing."""
    values = {name: (values.get(name) or "").strip() for name in FIELDS}
    problems = text_problems(values)
    if problems or not values["name"]:
        raise MailingRefused(next(iter(problems.values()), _l("Give the template a name.")))
    same_name = db.session.scalar(db.select(MailTemplate).filter_by(name=values["name"]))
    if same_name is not None and same_name is not template:
        raise MailingRefused(_l("Another template is called %(name)s already: choose another name.",
                                name=values["name"]))
    created = template is None
    template = template or MailTemplate()
    changes = {name: [getattr(template, name), value] for name, value in values.items()
               if getattr(template, name) != value}
    if not changes:
        return template
    for name, value in values.items():
        setattr(template, name, value)
    db.session.add(template)
    try:
        db.session.flush()
    except IntegrityError:  # the same name saved by someone else at this moment
        db.session.rollback()
        raise MailingRefused(_l("Another template is called %(name)s already: choose another name.",
                                name=values["name"]))
    record(actor, "mail_template.created" if created else "mail_template.changed", template,
           changes={name: change for name, change in changes.items() if name in ("name", "subject_zh", "subject_en")})
    return template
