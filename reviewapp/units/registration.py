"""The units registration table of seed 004 ("注册……情况统计表"): the recommending units by kind,
each kind in order of creation, with how many there are and how many have accounts.

registration_order is the number the unit was created under in the national information system
(seed 004 lists the units "按照创建时间排序" and the reference CSV keeps its numbers); a unit
loaded later without an earlier number sorts by when it was created here (created_at).
"""
import io
from dataclasses import dataclass, field

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from sqlalchemy import func

from ..auth.models import User
from ..extensions import db
from ..spreadsheets import append_row
from .models import RecommendingUnit, UnitKind

TITLE = "推荐单位注册情况统计表"
# The three column groups of the issued table, in its order.
KIND_HEADINGS_ZH = {
    UnitKind.PROVINCIAL_BUREAU: "省区市体育部门",
    UnitKind.DIRECT_UNIT: "体育总局有关直属单位",
    UnitKind.NATIONAL_ASSOCIATION: "有关全国性体育社会组织",
}
NOTE = "备注：按照创建时间排序。"


@dataclass
class KindGroup:
    kind: UnitKind
    units: list = field(default_factory=list)     # (unit, number of accounts), in order of creation

    @property
    def count(self):
        return len(self.units)

    @property
    def registered(self):
        return sum(1 for _unit, users in self.units if users)


def creation_order():
    """The ORDER BY of the table: the creation number, then the time created here."""
    return (RecommendingUnit.registration_order, RecommendingUnit.created_at, RecommendingUnit.id)


def registration_table():
    """[KindGroup] for every kind, in the issued table's order (one query)."""
    users = (db.select(User.unit_id, func.count(User.id).label("n")).filter(User.unit_id.is_not(None))
             .group_by(User.unit_id).subquery())
    rows = db.session.execute(
        db.select(RecommendingUnit, func.coalesce(users.c.n, 0))
        .outerjoin(users, users.c.unit_id == RecommendingUnit.id)
        # City and county bureaus are not registered in the national system: not in this table.
        .filter(RecommendingUnit.kind.in_(list(KIND_HEADINGS_ZH))).order_by(*creation_order())).all()
    groups = {kind: KindGroup(kind) for kind in KIND_HEADINGS_ZH}
    for unit, accounts in rows:
        groups[unit.kind].units.append((unit, accounts))
    return list(groups.values())


def registration_xlsx(groups):
    """The table as seed 004 issues it: the title, then the three kinds side by side, each a
    序号 column and a name column in order of creation, a count row under each, and the note.
    A second sheet lists every unit on its own row (kind, accounts, created) for sorting and filtering."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "注册情况统计表"
    width = 2 * len(groups)
    append_row(sheet, [TITLE])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    sheet["A1"].font = Font(bold=True, size=16)
    sheet["A1"].alignment = Alignment(horizontal="center")
    header = []
    for group in groups:
        header += ["序号", KIND_HEADINGS_ZH[group.kind]]
    append_row(sheet, header)
    for cell in sheet[2]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center", wrap_text=True)
    for index in range(max((group.count for group in groups), default=0)):
        row = []
        for group in groups:
            unit = group.units[index][0] if index < group.count else None
            row += [unit.registration_order, unit.name_zh] if unit else [None, None]
        append_row(sheet, row)
    totals = []
    for group in groups:
        totals += ["合计", f"{group.count} 个（已注册账号 {group.registered} 个）"]
    append_row(sheet, totals)
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    append_row(sheet, [NOTE])
    sheet.merge_cells(start_row=sheet.max_row, start_column=1, end_row=sheet.max_row, end_column=width)
    for column in range(width):
        sheet.column_dimensions["ABCDEFGH"[column]].width = 6 if column % 2 == 0 else 30
    sheet.print_title_rows = "2:2"

    detail = workbook.create_sheet("明细")
    append_row(detail, ["序号", "单位名称", "类别", "账号数", "创建时间（UTC）"])
    for cell in detail[1]:
        cell.font = Font(bold=True)
    for group in groups:
        for unit, accounts in group.units:
            append_row(detail, [unit.registration_order, unit.name_zh, KIND_HEADINGS_ZH[group.kind], accounts,
                                unit.created_at.strftime("%Y-%m-%d %H:%M") if unit.created_at else ""])
    detail.column_dimensions["B"].width = 30
    detail.column_dimensions["C"].width = 24
    detail.column_dimensions["E"].width = 18
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()
