"""The campaign-wide conflict matrix (conflict_sets.py) says exactly what the per-pair rules say
(experts/queries.active_conflict_pairs): provinces, affiliations spelled in full or in short,
mail domains (public ones excepted), declared conflicts and waivers of detected ones."""
import random

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from reviewapp.assignment.conflict_sets import active_conflict_mask, detected_mask
from reviewapp.assignment.problem import all_experts, pool_cases
from reviewapp.experts.conflicts import Party, detect
from reviewapp.experts.operations import declare_conflict, waive_conflict
from reviewapp.experts.queries import active_conflict_pairs, pool_experts
from reviewapp.extensions import db
from reviewapp.recommendation.queries import review_pool
from tests.factories import make_campaign, make_user
from tests.recommendation.data import make_case, make_expert, make_org

PROVINCES = ["beijing", "shanghai", "hunan", None]
ORGS = ["湖南省长沙市老年人体育协会", "上海市徐汇区全民健身中心", "北京体育大学", "四川省成都市社区体育指导站"]
AFFILIATIONS = ["", "北京体育大学", "长沙市老年人体育协会", "体育协会", "上海市徐汇区全民健身中心训练部", "清华大学"]
DOMAINS = ["bsu.edu.cn", "qq.com", "xuhui.gov.cn", "tsinghua.edu.cn"]


def test_the_matrix_matches_the_per_pair_rules(app):
    rng = random.Random(14)
    campaign = make_campaign(reviewers_per_case=2, allow_direct_submission=True)
    for n in range(14):
        org = make_org(name=rng.choice(ORGS) + ("" if n % 3 else f"{n}号"), province=rng.choice(PROVINCES[:3]),
                       email=f"org{n}@{rng.choice(DOMAINS)}")
        make_case(campaign, org)
    for n in range(9):
        make_expert(province=rng.choice(PROVINCES), affiliation=rng.choice(AFFILIATIONS),
                    email=f"expert{n}@{rng.choice(DOMAINS)}")
    cases, experts = review_pool(campaign), pool_experts()
    admin = make_user("admin", email="admin@conflicts.cn")
    detected = sorted(active_conflict_pairs(cases, experts))
    for case_id, expert_id in detected[:3]:                      # waive three detected conflicts
        waive_conflict(admin, db.session.get(type(cases[0]), case_id),
                       db.session.get(type(experts[0][0]), expert_id), "Known to be independent")
    free = [(c, u) for c in cases for u, _p in experts if (c.id, u.id) not in set(detected)]
    for case, user in free[:2]:                                  # declare two more
        declare_conflict(admin, case, user)
    db.session.commit()

    expected = active_conflict_pairs(cases, experts)
    pool, people = pool_cases(campaign), all_experts()
    mask = active_conflict_mask(pool, people)
    found = {(pool[i].id, people[j].id) for i, j in np.argwhere(mask)}
    assert found == expected
    assert 5 < len(expected) < len(cases) * len(experts)         # the rules had work to do both ways


# --- the pure rules, on any spelling ------------------------------------------------------------


WORDS = ["北京", "体育", "大学", "协会", "长沙市", "老年人", "Sports", "Univ", " ", "·", "(", "a", "中心"]
name = st.lists(st.sampled_from(WORDS), max_size=5).map("".join)
province = st.sampled_from([None, "", "beijing", "hunan"])
email = st.builds(lambda user, domain: f"{user}@{domain}" if domain else user, st.sampled_from(["a", "b.c", ""]),
                  st.sampled_from(["", "bsu.edu.cn", "BSU.edu.cn", "qq.com", "x.org"]))


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(province, st.lists(name, min_size=1, max_size=3).map(tuple), email), min_size=1, max_size=5),
       st.lists(st.tuples(province, name, email), min_size=1, max_size=5))
def test_the_arrays_agree_with_detect_on_any_spelling(orgs, experts):
    mask = detected_mask(orgs, list(range(len(orgs))), experts)
    for i, (o_province, o_names, o_email) in enumerate(orgs):
        for j, (e_province, affiliation, e_email) in enumerate(experts):
            expert = Party(e_province, tuple(n for n in [affiliation] if n), e_email)
            assert bool(mask[i, j]) == bool(detect(expert, Party(o_province, o_names, o_email))), (i, j)
