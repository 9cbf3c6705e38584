"""Static book labels in both languages; a Book may override any of them."""
from __future__ import annotations

LABELS: dict[str, dict[str, str]] = {
    "zh": {
        "foreword": "前言",
        "contents": "目录",
        "organization": "申报单位",
        "province": "所在地区",
        "org_type": "组织类型",
        "themes": "案例主题",
        "summary": "案例简介",
        "figures": "服务数据",
        "volunteers": "志愿者（人）",
        "service_hours": "服务时长（小时）",
        "activities": "活动（场次）",
        "people_served": "服务（人次）",
        "start_year": "开展年份",
        "qr_caption": "扫码查看案例展示",
        "photo": "图",
        "other_group": "其他",
        "year": "{year}年",
        "cover_note": "全民健身志愿服务优秀案例",
        "colon": "：",
    },
    "en": {
        "foreword": "Foreword",
        "contents": "Contents",
        "organization": "Organization",
        "province": "Province",
        "org_type": "Organization type",
        "themes": "Themes",
        "summary": "Summary",
        "figures": "Key figures",
        "volunteers": "Volunteers",
        "service_hours": "Service hours",
        "activities": "Activities",
        "people_served": "People served",
        "start_year": "Since",
        "qr_caption": "Scan to view the case gallery",
        "photo": "Photo",
        "other_group": "Other",
        "year": "{year}",
        "cover_note": "Excellent National Fitness Volunteer-Service Cases",
        "colon": ": ",
    },
}


def resolve_labels(language: str, overrides: dict[str, str] | None = None) -> dict[str, str]:
    """The label table for `language` with the book's overrides applied (unknown keys ignored)."""
    table = dict(LABELS[language])
    for key, value in (overrides or {}).items():
        if key in table and isinstance(value, str):
            table[key] = value
    return table
