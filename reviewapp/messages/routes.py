"""The messages pages: a case's thread; the administrator's templates and group mail."""
import re
import secrets

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from ..access import allow
from ..auth.models import Role
from ..auth.sessions import recent_auth_required
from ..campaigns.models import Campaign
from ..cases.models import Case
from ..cases.workflow import CaseState
from ..extensions import db
from ..input_limits import parse_id
from ..organizations.reference import province_label
from ..views import committed
from . import group_mail, mail_templates, threads
from .cli import remind_drafts_command
from .forms import GroupForm, MessageForm, SendForm, TemplateForm
from .models import APPLICANT, GroupMailing, MailTemplate

bp = Blueprint("messages", __name__, url_prefix="/messages", cli_group=None)
bp.cli.add_command(remind_drafts_command)

_TOKEN = re.compile(r"[A-Za-z0-9_-]{16,64}")


@bp.app_template_global()
def thread_summary(case):
    """For the case pages: (messages, unread) when the signed-in user takes part in the thread
    and there is something to show them; None otherwise (experts never: they never reach those pages)."""
    side = threads.side_of(current_user, case) if current_user.is_authenticated else None
    if side is None:
        return None
    count = len(threads.messages_of(case))
    if side == APPLICANT and not count:
        return None
    unread = threads.unread_counts(current_user).get(case.id, 0) if side == APPLICANT else 0
    return {"count": count, "unread": unread, "side": side}


@bp.app_template_global()
def unread_messages():
    """[(case, unread)] for the applicant's dashboard."""
    counts = threads.unread_counts(current_user)
    cases = db.session.scalars(db.select(Case).filter(Case.id.in_(counts)).order_by(Case.id)).all() if counts else []
    return [(case, counts[case.id]) for case in cases]


@bp.app_template_global()
def state_label(state):
    return CaseState(state).label if state else _l("Every case")


@bp.app_template_global()
def province_name(code):
    return province_label(code) if code else _l("Every province")


@bp.route("/cases/<int:case_id>", methods=["GET", "POST"])
@allow(Role.ORGANIZATION, Role.UNIT, Role.ADMIN, check=threads.reads_thread)
def thread(case_id):
    case = db.session.get(Case, case_id)
    form, status = MessageForm(), 200
    if request.method == "POST":
        if form.validate_on_submit():
            with committed(_l("Your message was sent. The other side is told by e-mail."),
                           threads.MessageRefused) as outcome:
                threads.post_message(current_user, case, form.body.data)
            if outcome.ok:
                return redirect(url_for("messages.thread", case_id=case.id) + "#latest")
        status = 422
    else:
        form = MessageForm(formdata=None)
        try:  # reading the thread clears its unread count on the applicant's dashboard
            threads.mark_read(current_user, case)
            db.session.commit()
        except IntegrityError:  # the same page opened twice at once: the other request recorded it
            db.session.rollback()
    side = threads.side_of(current_user, case)
    messages = threads.messages_of(case)
    may_post = side != APPLICANT or any(m.side != APPLICANT for m in messages)
    return render_template("messages/thread.html", case=case, messages=messages, form=form, side=side,
                           may_post=may_post), status


# ---- templates -----------------------------------------------------------------

@bp.route("/templates", methods=["GET", "POST"])
@allow(Role.ADMIN)
def templates():
    form, status = TemplateForm(), 200
    if request.method == "POST":
        if form.validate_on_submit():
            with committed(_l("The template is saved."), group_mail.MailingRefused) as outcome:
                template = mail_templates.save_template(current_user, None, form.data)
            if outcome.ok:
                return redirect(url_for("messages.edit_template", template_id=template.id))
        status = 422
    else:
        form = TemplateForm(formdata=None)
    return render_template("messages/templates.html", templates=mail_templates.templates(), form=form), status


@bp.route("/templates/<int:template_id>", methods=["GET", "POST"])
@allow(Role.ADMIN)
def edit_template(template_id):
    template = db.session.get(MailTemplate, template_id) or abort(404)
    form, status = TemplateForm(obj=template), 200
    if request.method == "POST":
        if form.validate_on_submit():
            with committed(_l("The template is saved."), group_mail.MailingRefused) as outcome:
                mail_templates.save_template(current_user, template, form.data)
            if outcome.ok:
                return redirect(url_for("messages.edit_template", template_id=template.id))
        status = 422
    else:
        form = TemplateForm(formdata=None, obj=template)
    return render_template("messages/template.html", template=template, form=form), status


# ---- group mail ------------------------------------------------------------------

def _campaigns():
    return db.session.scalars(db.select(Campaign).order_by(Campaign.year.desc(), Campaign.id.desc())).all()


def _group(form):
    campaign = db.session.get(Campaign, form.campaign_id.data) or abort(404)
    return group_mail.Group(campaign=campaign, state=form.state.data or None, province=form.province.data or None)


@bp.get("/group")
@allow(Role.ADMIN)
@recent_auth_required  # asked here, before the texts are written, rather than when sending
def compose():
    campaigns = _campaigns()
    template = db.session.get(MailTemplate, parse_id(request.args.get("template")) or 0)
    data = {name: getattr(template, name) for name in group_mail.TEXT_FIELDS} if template else {}
    form = GroupForm(formdata=None, campaigns=campaigns, data=data)
    mailings = db.session.scalars(db.select(GroupMailing).order_by(GroupMailing.id.desc()).limit(20)).all()
    return render_template("messages/compose.html", form=form, templates=mail_templates.templates(),
                           template=template, mailings=mailings, campaigns=campaigns)


@bp.route("/group/preview", methods=["GET", "POST"])
@allow(Role.ADMIN)
def preview():
    """What will be sent, to how many (nothing is saved); the confirmation form carries a
    one-time token so that sending it twice sends once. Opened by address (coming back from the
    password confirmation, say) it is the group mail page."""
    if request.method == "GET":
        return compose()
    campaigns = _campaigns()
    form = GroupForm(campaigns=campaigns)
    if not form.validate_on_submit():
        return render_template("messages/compose.html", form=form, templates=mail_templates.templates(),
                               template=None, mailings=[], campaigns=campaigns), 422
    return _preview_page(form, campaigns)


def _preview_page(form, campaigns, status=200):
    group = _group(form)
    cases = group_mail.group_cases(group)
    texts = {name: form[name].data for name in group_mail.TEXT_FIELDS}
    examples = {language: group_mail.filled(texts, cases[0], language) for language in ("zh", "en")} if cases else {}
    send_form = SendForm(formdata=None, campaigns=campaigns, data={
        **{name: form[name].data for name in ("campaign_id", "state", "province", *group_mail.TEXT_FIELDS)},
        "send_token": secrets.token_urlsafe(24)})
    summary = group_mail.summarize(cases)
    send_form.expected.data = str(summary.organizations)
    return render_template("messages/preview.html", form=send_form, group=group, summary=summary,
                           examples=examples, example_case=cases[0] if cases else None), status


@bp.post("/group/send")
@allow(Role.ADMIN)
@recent_auth_required
def send():
    campaigns = _campaigns()
    form = SendForm(campaigns=campaigns)
    token = form.send_token.data or ""
    if not form.validate_on_submit() or not _TOKEN.fullmatch(token) or not (form.expected.data or "").isdigit():
        flash(_l("The form had expired or was incomplete, so nothing was sent. Check the preview and send again."),
              "error")
        return redirect(url_for("messages.compose"))
    try:
        with committed(None, group_mail.MailingRefused) as outcome:
            mailing = group_mail.start_mailing(current_user, token, _group(form),
                                               {name: form[name].data for name in group_mail.TEXT_FIELDS},
                                               int(form.expected.data[:9]))
            outcome.message = _l("The mail to %(n)d organizations is being sent.", n=mailing.organizations)
    except group_mail.AlreadySent as sent:
        db.session.rollback()
        return _already_sent(sent.mailing)
    except IntegrityError:  # the same confirmation sent twice at once: the other request made the mailing
        db.session.rollback()
        existing = db.session.scalar(db.select(GroupMailing).filter_by(token=token))
        if existing is None:
            raise
        return _already_sent(existing)
    if not outcome.ok:
        return _preview_page(form, campaigns, status=409)
    return redirect(url_for("messages.mailing", mailing_id=mailing.id))


def _already_sent(mailing):
    flash(_l("This mail was already sent once; it is not sent again."), "info")
    return redirect(url_for("messages.mailing", mailing_id=mailing.id))


@bp.get("/mailings/<int:mailing_id>")
@allow(Role.ADMIN)
def mailing(mailing_id):
    item = db.session.get(GroupMailing, mailing_id) or abort(404)
    return render_template("messages/mailing.html", mailing=item, delivered=group_mail.delivered_count(item))
