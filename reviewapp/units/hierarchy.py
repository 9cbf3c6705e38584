"""The tree of units: county → city → province → the department, and placing a unit in it.

A unit sees its own and every descendant's rows. The descendants are one recursive CTE
(WITH RECURSIVE, on PostgreSQL and SQLite alike): no stored path to keep in step when a
unit moves.
"""
from flask_babel import lazy_gettext as _l
from sqlalchemy import case, func
from sqlalchemy.orm import selectinload

from ..audit import record
from ..extensions import db
from .models import LEVELS, RecommendingUnit, UnitKind, UnitLevel

# The level a parent must have, by the child's level; None: the department (no parent).
PARENT_LEVEL = {UnitLevel.COUNTY: UnitLevel.CITY, UnitLevel.CITY: UnitLevel.PROVINCE,
                UnitLevel.PROVINCE: None, UnitLevel.NATIONAL: None}


class HierarchyError(Exception):
    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


def subtree_ids(unit_id):
    """A select of the ids of `unit_id` and all its descendants (one recursive query)."""
    tree = (db.select(RecommendingUnit.id).filter(RecommendingUnit.id == unit_id)
            .cte("unit_tree", recursive=True))
    tree = tree.union_all(db.select(RecommendingUnit.id).join(tree, RecommendingUnit.parent_id == tree.c.id))
    return db.select(tree.c.id)


def descendants(unit):
    """Every unit below `unit`, the nearest levels first, then by name."""
    return db.session.scalars(db.select(RecommendingUnit).filter(
        RecommendingUnit.id.in_(subtree_ids(unit.id)), RecommendingUnit.id != unit.id)
        .options(selectinload(RecommendingUnit.parent)).order_by(level_order().desc(), RecommendingUnit.name_zh)).all()


def level_order():
    """The level as a number (county 0 … national 3), for ORDER BY."""
    return case({level: level.rank for level in LEVELS}, value=RecommendingUnit.level, else_=0)


def ancestors(unit):
    """The units `unit` reports to, nearest first (at most three: city, province)."""
    chain, seen = [], {unit.id}
    while unit.parent_id is not None and unit.parent_id not in seen:
        unit = unit.parent
        seen.add(unit.id)
        chain.append(unit)
    return chain


def screening_unit(unit):
    """The unit that screens cases for organizations of `unit`: itself at province or national
    level, else its nearest such ancestor (a county's cases go to its province)."""
    for candidate in [unit, *ancestors(unit)]:
        if candidate.level in (UnitLevel.PROVINCE, UnitLevel.NATIONAL):
            return candidate
    return None


def check_placement(level, parent):
    """Refuse a parent that is not one level up (a county under a city, a city under a province)."""
    wanted = PARENT_LEVEL[level]
    if wanted is None and parent is not None:
        raise HierarchyError(_l("Provincial and national units report to the department: they have no parent unit."))
    if wanted is not None and (parent is None or parent.level is not wanted):
        raise HierarchyError(_l("A county unit reports to a city unit.") if level is UnitLevel.COUNTY
                             else _l("A city unit reports to a provincial unit."))


def add_local_unit(actor, name_zh, level, parent, name_en=""):
    """Create a city or county sports bureau under `parent`; returns it. Flushes and logs."""
    if level not in (UnitLevel.CITY, UnitLevel.COUNTY):
        raise HierarchyError(_l("Only city and county units are added here."))
    check_placement(level, parent)
    if db.session.scalar(db.select(RecommendingUnit.id).filter_by(name_zh=name_zh)) is not None:
        raise HierarchyError(_l("A unit named %(name)s exists already.", name=name_zh))
    # registration_order numbers the national system's units; local ones follow them.
    number = (db.session.scalar(db.select(func.max(RecommendingUnit.registration_order))) or 0) + 1
    unit = RecommendingUnit(registration_order=number, kind=UnitKind.LOCAL_BUREAU, name_zh=name_zh,
                            name_en=name_en or name_zh, province=parent.province, level=level, parent=parent)
    db.session.add(unit)
    db.session.flush()
    record(actor, "units.added", unit, changes={"level": level.value, "parent_id": parent.id})
    return unit


def level_choices():
    return [(level.value, level.label) for level in LEVELS]
