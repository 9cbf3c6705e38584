"""Geometry of the server-rendered SVG bar charts (the template draws them; no JS library)."""
from dataclasses import dataclass

LABEL_WIDTH = 190
BAR_AREA = 380
ROW_HEIGHT = 26
TOP = 24
MAX_LABEL = 16


@dataclass(frozen=True)
class BarRow:
    label: str
    y: float
    submitted: int
    selected: int
    submitted_width: float
    selected_width: float


def short(label, limit=MAX_LABEL):
    return label if len(label) <= limit else label[: limit - 1] + "…"


def bar_chart(rows, first="submitted", second="selected", limit=20):
    """Horizontal bars of `first` with `second` drawn inside, for at most `limit` rows."""
    shown = rows[:limit]
    top = max([row.counts[first] for row in shown] + [1])
    bars = [BarRow(short(row.label), TOP + index * ROW_HEIGHT, row.counts[first], row.counts[second],
                   BAR_AREA * row.counts[first] / top, BAR_AREA * row.counts[second] / top)
            for index, row in enumerate(shown)]
    return {"bars": bars, "width": LABEL_WIDTH + BAR_AREA + 50, "height": TOP + len(bars) * ROW_HEIGHT + 8,
            "label_width": LABEL_WIDTH, "bar_height": ROW_HEIGHT - 8, "hidden": max(0, len(rows) - limit)}
