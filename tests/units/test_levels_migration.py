"""Existing units keep working: 0019_unit_levels makes provincial bureaus the province level and the
centres and associations national, all reporting to the department; local bureaus stay out of the
seed 004 registration table."""
from flask_migrate import downgrade, upgrade
from sqlalchemy import text

from reviewapp.extensions import db
from reviewapp.units.hierarchy import add_local_unit
from reviewapp.units.loader import default_units_csv, load_units
from reviewapp.units.models import RecommendingUnit, UnitLevel
from reviewapp.units.registration import registration_table


def test_existing_units_get_their_level_and_the_department_as_parent(app):
    downgrade(revision="0018_case_messages")
    with db.engine.begin() as connection:
        connection.execute(text(
            "INSERT INTO recommending_units (registration_order, kind, name_zh, name_en, province, created_at) VALUES "
            "(1, 'provincial_bureau', '山西体育局', 'Shanxi Sports Bureau', 'shanxi', '2026-01-01 00:00:00'), "
            "(2, 'direct_unit', '社会体育指导中心', 'Social Sports Guidance Center', NULL, '2026-01-01 00:00:00'), "
            "(3, 'national_association', '中国老年人体育协会', 'China Elderly Sports Association', NULL, "
            "'2026-01-01 00:00:00')"))
    upgrade(revision="heads")
    db.session.expire_all()
    units = {u.name_zh: u for u in db.session.scalars(db.select(RecommendingUnit))}
    assert units["山西体育局"].level is UnitLevel.PROVINCE
    assert units["社会体育指导中心"].level is UnitLevel.NATIONAL
    assert units["中国老年人体育协会"].level is UnitLevel.NATIONAL
    assert all(u.parent_id is None for u in units.values())
    # A city added below, then the way back: the older schema has no local bureaus.
    add_local_unit(None, "临汾市体育局", UnitLevel.CITY, units["山西体育局"])
    db.session.commit()
    db.session.remove()
    downgrade(revision="0018_case_messages")
    with db.engine.connect() as connection:
        names = connection.execute(text("SELECT name_zh FROM recommending_units ORDER BY registration_order")).scalars()
        assert list(names) == ["山西体育局", "社会体育指导中心", "中国老年人体育协会"]
    upgrade(revision="heads")


def test_loaded_units_have_levels_and_local_bureaus_stay_out_of_the_registration_table(app):
    load_units(default_units_csv())
    shanxi = db.session.scalar(db.select(RecommendingUnit).filter_by(province="shanxi"))
    levels = [u.level for u in db.session.scalars(db.select(RecommendingUnit))]
    assert levels.count(UnitLevel.PROVINCE) == 26 and levels.count(UnitLevel.NATIONAL) == 25
    add_local_unit(None, "临汾市体育局", UnitLevel.CITY, shanxi)
    db.session.commit()
    names = [unit.name_zh for group in registration_table() for unit, _accounts in group.units]
    assert len(names) == 51 and "临汾市体育局" not in names
    assert load_units(default_units_csv()) == (0, 0)
