"""Load recommending units from the reference CSV (order,kind,name_zh,name_en)."""
import csv
from pathlib import Path

from ..audit import record
from ..extensions import db
from ..organizations.reference import province_of_unit_name
from .models import RecommendingUnit, UnitKind


def default_units_csv():
    """shared/data/recommending_units.csv beside the checkout, or the bundled copy."""
    here = Path(__file__).resolve()
    shared = here.parents[3] / "shared" / "data" / "recommending_units.csv"
    return shared if shared.exists() else here.parent / "recommending_units.csv"


def load_units(path, actor=None):
    """Insert or update every unit of the CSV; returns (added, updated). Flushes."""
    added = updated = 0
    with open(path, newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            kind = UnitKind(row["kind"].strip())
            values = dict(
                registration_order=int(row["order"]),
                kind=kind,
                name_zh=row["name_zh"].strip(),
                name_en=row["name_en"].strip(),
                province=(province_of_unit_name(row["name_en"])
                          if kind is UnitKind.PROVINCIAL_BUREAU else None),
            )
            unit = db.session.scalar(
                db.select(RecommendingUnit).filter_by(name_zh=values["name_zh"]))
            if unit is None:
                db.session.add(RecommendingUnit(**values))
                added += 1
            elif any(getattr(unit, k) != v for k, v in values.items()):
                for key, value in values.items():
                    setattr(unit, key, value)
                updated += 1
    db.session.flush()
    if added or updated:
        record(actor, "units.loaded", changes={"added": added, "updated": updated})
    return added, updated
