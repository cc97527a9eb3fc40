"""Excel export of activity records (one row per record, the main columns)."""

from django.utils import timezone

from pacesetter.core.people import display_name
from pacesetter.documents.sheets import table_xlsx

HEADERS = [
    "日期",
    "类别",
    "标题",
    "党组织",
    "党员（个人记实）",
    "地点",
    "参加人员",
    "主要内容",
    "贡献",
    "成效",
    "主持人",
    "记录人",
    "应到人数",
    "实到人数",
    "照片数",
    "所属活动",
    "登记人",
    "登记时间",
]


def records_workbook(records) -> bytes:
    """`records` come from selectors.record_list_for, annotated with `photo_total`."""
    return table_xlsx("记实登记", HEADERS, (_line(r) for r in records))


def _line(r) -> list:
    meeting = r.meeting_detail
    return [
        r.occurred_on,
        r.get_kind_display(),
        r.title,
        r.organisation.label,
        r.member.name if r.member else "",
        r.place,
        r.participants,
        r.content,
        r.contribution,
        r.effect,
        meeting.host if meeting else "",
        meeting.recorder if meeting else "",
        meeting.expected_count if meeting else None,
        meeting.actual_count if meeting else None,
        r.photo_total,
        r.campaign.name if r.campaign else "",
        display_name(r.logged_by) if r.logged_by else "",
        timezone.localtime(r.created_at).strftime("%Y-%m-%d %H:%M"),
    ]
