"""Geometry of the server-rendered SVG bar charts (the template draws them; no JS library)."""
import unicodedata
from dataclasses import dataclass

LABEL_WIDTH = 190
BAR_AREA = 380
ROW_HEIGHT = 26
TOP = 24
FONT_SIZE = 12
# The label column holds this many ems at FONT_SIZE (less the gap before the bars): a Chinese
# character is one em, a Latin letter or digit about 0.56 em in Noto Sans, so English labels
# get about 27 characters, not the 16 of Chinese ("Beijing Sports …" was cut at 16).
LABEL_EMS = (LABEL_WIDTH - 10) / FONT_SIZE


@dataclass(frozen=True)
class BarRow:
    label: str          # as printed: shortened with … when it would not fit
    full: str           # the whole label (the tooltip on the web page)
    y: float
    submitted: int
    selected: int
    submitted_width: float
    selected_width: float


def _ems(char):
    return 1.0 if unicodedata.east_asian_width(char) in "WF" else 0.56


def short(label, ems=LABEL_EMS):
    """`label` if it fits `ems` wide, else as much as fits followed by …."""
    if sum(map(_ems, label)) <= ems:
        return label
    kept, width = [], _ems("…")
    for char in label:
        width += _ems(char)
        if width > ems:
            break
        kept.append(char)
    return "".join(kept).rstrip() + "…"


def bar_chart(rows, first="submitted", second="selected", limit=20):
    """Horizontal bars of `first` with `second` drawn inside, for at most `limit` rows."""
    shown = rows[:limit]
    top = max([row.counts[first] for row in shown] + [1])
    bars = [BarRow(short(row.label), row.label, TOP + index * ROW_HEIGHT, row.counts[first], row.counts[second],
                   BAR_AREA * row.counts[first] / top, BAR_AREA * row.counts[second] / top)
            for index, row in enumerate(shown)]
    return {"bars": bars, "width": LABEL_WIDTH + BAR_AREA + 50, "height": TOP + len(bars) * ROW_HEIGHT + 8,
            "label_width": LABEL_WIDTH, "font_size": FONT_SIZE, "bar_height": ROW_HEIGHT - 8, "hidden": max(0, len(rows) - limit)}
