"""Where a printed title may break: between phrases, never inside one.

Pango breaks Chinese text between any two characters (UAX #14), which is right for body text
but not for a title set large: "……优秀案/例" or "（第300/号）" read as mistakes. Titles in the
book are therefore written with the phrases that must stay whole in `white-space: nowrap` spans
(`.nb` in book.css): bracketed and quoted groups, a year, and the words of the collection's own
vocabulary; everything between them may still break anywhere, so a title never overflows.
"""
from __future__ import annotations

import re

from markupsafe import Markup, escape

# Longest first, so that 社会体育指导员 wins over 体育.
WORDS = sorted((
    "优秀案例", "全民健身", "志愿服务", "志愿者", "社会体育指导员", "体育", "健身", "案例", "项目", "协会",
    "活动", "社区", "乡村振兴", "服务队", "体医融合", "体教融合", "常态化", "示范", "品牌", "建设", "系列",
    "青少年", "老年人", "健康中国", "科学", "指导", "基层", "治理", "联合会", "基金会", "运动会",
), key=len, reverse=True)
KEEP = re.compile(r"（[^（）]{1,14}）|\([^()]{1,14}\)|“[^“”]{1,12}”|《[^《》]{1,16}》|\d+\s*年|"
                  + "|".join(map(re.escape, WORDS)))


def keep_phrases(text) -> Markup:
    """`text`, escaped, with every phrase that must not break inside a nowrap span."""
    text = "" if text is None else str(text)
    parts, position = [], 0
    for match in KEEP.finditer(text):
        parts.append(escape(text[position:match.start()]))
        parts.append(Markup('<span class="nb">%s</span>') % match.group())
        position = match.end()
    parts.append(escape(text[position:]))
    return Markup("").join(parts)
