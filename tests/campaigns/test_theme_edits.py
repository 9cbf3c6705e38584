"""Saving the campaign form keeps every case's themes: rows are edited in place."""
from reviewapp.audit import AuditEntry
from reviewapp.campaigns.models import Campaign, Theme
from reviewapp.cases.models import Case
from reviewapp.extensions import db
from tests.factories import make_campaign, make_organization
from tests.foundation.html_forms import form_posting_to


def _world():
    campaign = make_campaign(themes=[Theme(position=0, name_zh="体医融合", name_en="Sports and medicine"),
                                     Theme(position=1, name_zh="乡村振兴", name_en="Rural revitalization")])
    owner = make_organization()
    first, second = campaign.themes
    cases = [Case(campaign=campaign, organization=owner.organization, title=f"案例{n}", themes=themes)
             for n, themes in enumerate([[first], [first, second], [second]])]
    db.session.add_all(cases)
    db.session.commit()
    return campaign, [case.id for case in cases]


def _themes_of(case_ids):
    db.session.expire_all()
    return [[theme.name_zh for theme in db.session.get(Case, case_id).themes] for case_id in case_ids]


def _save(admin, campaign, language=None, **changes):
    page = f"/campaigns/{campaign.id}/edit"
    html = admin.get(page).get_data(as_text=True)
    if language:
        admin.post("/auth/language", data=form_posting_to(html, page, "/auth/language").data(locale=language))
        html = admin.get(page).get_data(as_text=True)
    form = form_posting_to(html, page, page)
    return admin.post(page, data=form.data(**changes))


def test_an_unchanged_save_keeps_every_case_theme(app, login_as):
    campaign, case_ids = _world()
    admin, _ = login_as("admin")
    theme_ids = [theme.id for theme in campaign.themes]
    assert _save(admin, campaign).status_code == 302
    assert _themes_of(case_ids) == [["体医融合"], ["体医融合", "乡村振兴"], ["乡村振兴"]]
    assert [theme.id for theme in db.session.get(Campaign, campaign.id).themes] == theme_ids
    entry = db.session.scalar(db.select(AuditEntry).filter_by(action="campaign.updated"))
    assert entry is None, entry.changes  # nothing changed


def test_renaming_a_theme_keeps_its_cases_and_is_audited(app, login_as):
    campaign, case_ids = _world()
    admin, _ = login_as("admin")
    assert _save(admin, campaign, **{"themes-0-name_zh": "体卫融合"}).status_code == 302
    assert _themes_of(case_ids) == [["体卫融合"], ["体卫融合", "乡村振兴"], ["乡村振兴"]]
    entry = db.session.scalar(db.select(AuditEntry).filter_by(action="campaign.updated"))
    before, after = entry.changes["themes"]
    assert before[0][1:] == ["体医融合", "Sports and medicine"] and after[0][1:] == ["体卫融合", "Sports and medicine"]


def test_removing_a_used_theme_is_refused_in_both_languages(app, login_as):
    campaign, case_ids = _world()
    admin, _ = login_as("admin")
    cleared = {"themes-1-name_zh": "", "themes-1-name_en": ""}
    response = _save(admin, campaign, **cleared)
    assert response.status_code == 200
    assert "“Rural revitalization” is the theme of 2 cases, so it cannot be removed" in response.get_data(as_text=True)
    response = _save(admin, campaign, language="zh", **cleared)
    assert "“乡村振兴”是 2 个案例的主题，不能删除" in response.get_data(as_text=True)
    assert _themes_of(case_ids) == [["体医融合"], ["体医融合", "乡村振兴"], ["乡村振兴"]]


def test_merging_moves_the_cases_then_removes_the_theme(app, login_as):
    campaign, case_ids = _world()
    admin, _ = login_as("admin")
    first, second = campaign.themes
    response = _save(admin, campaign, **{"themes-1-name_zh": "", "themes-1-name_en": "",
                                         "themes-1-merge_into": str(first.id)})
    assert response.status_code == 302
    assert _themes_of(case_ids) == [["体医融合"], ["体医融合"], ["体医融合"]]
    assert [theme.name_zh for theme in db.session.get(Campaign, campaign.id).themes] == ["体医融合"]
    entry = db.session.scalar(db.select(AuditEntry).filter_by(action="campaign.updated"))
    assert entry.changes["merged_themes"] == [{"from": "乡村振兴", "into": "体医融合", "cases": 2}]


def test_adding_a_theme_in_a_blank_row(app, login_as):
    campaign, case_ids = _world()
    admin, _ = login_as("admin")
    response = _save(admin, campaign, **{"themes-2-name_zh": "智慧健身", "themes-2-name_en": "Smart fitness"})
    assert response.status_code == 302
    assert [t.name_zh for t in db.session.get(Campaign, campaign.id).themes] == ["体医融合", "乡村振兴", "智慧健身"]
    assert _themes_of(case_ids)[1] == ["体医融合", "乡村振兴"]


def _scored_review(campaign, case_id):
    from reviewapp.assignment.models import AssignmentStatus, ReviewAssignment
    from reviewapp.review.models import Review, ReviewStatus
    from tests.factories import make_user
    assignment = ReviewAssignment(campaign_id=campaign.id, case_id=case_id, expert_id=make_user("expert").id,
                                  status=AssignmentStatus.CONFIRMED)
    db.session.add(assignment)
    db.session.flush()
    db.session.add(Review(assignment_id=assignment.id, status=ReviewStatus.SUBMITTED, scores={"organization": 8}))
    db.session.commit()


def test_a_criterion_that_reviews_score_keeps_its_key_and_stays(app, login_as):
    campaign, case_ids = _world()
    _scored_review(campaign, case_ids[0])
    admin, _ = login_as("admin")
    criterion_ids = [c.id for c in campaign.criteria]
    response = _save(admin, campaign, **{"criteria-0-key": "organisation"})
    page = response.get_data(as_text=True)
    assert "The key of “Sound organization” cannot change: 1 reviews score against it." in page
    cleared = {f"criteria-0-{name}": "" for name in ("key", "name_zh", "name_en", "weight", "levels")}
    response = _save(admin, campaign, **cleared)
    assert "“Sound organization” cannot be removed: 1 reviews score against it." in response.get_data(as_text=True)
    response = _save(admin, campaign, **{"criteria-0-weight": "2", "criteria-3-key": ""} | {
        f"criteria-3-{name}": "" for name in ("name_zh", "name_en", "weight", "levels")})
    assert response.status_code == 302  # reweighting it, and removing an unscored one, are fine
    db.session.expire_all()
    criteria = db.session.get(Campaign, campaign.id).criteria
    assert [c.id for c in criteria] == criterion_ids[:3] and str(criteria[0].weight) == "2.000"


def test_renaming_a_theme_keeps_the_experts_who_named_it(app, login_as):
    from reviewapp.experts.models import ExpertProfile
    campaign, _case_ids = _world()
    other_year = make_campaign(slug="other-year", themes=[Theme(position=0, name_zh="乡村振兴", name_en="Rural")])
    db.session.add_all([ExpertProfile(email="a@experts.cn", name="李老师", themes=["体医融合", "校园体育"]),
                        ExpertProfile(email="b@experts.cn", name="赵老师", themes=["乡村振兴"])])
    db.session.commit()
    admin, _ = login_as("admin")
    changes = {"themes-0-name_zh": "体卫融合", "themes-1-name_zh": "乡村全面振兴"}
    assert _save(admin, campaign, **changes).status_code == 302
    db.session.expire_all()
    themes = {p.email: p.themes for p in db.session.scalars(db.select(ExpertProfile))}
    assert themes["a@experts.cn"] == ["体卫融合", "校园体育"]
    # Another campaign still has 乡村振兴: the shared profile keeps it and gains the new name.
    assert themes["b@experts.cn"] == ["乡村振兴", "乡村全面振兴"] and other_year.id
