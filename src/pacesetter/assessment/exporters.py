"""Excel export of a scorecard: one row per organisation (or member), total, grade, every source."""

from pacesetter.documents.sheets import table_xlsx

from .enums import Grade
from .sources import REGISTRY


def scorecard_workbook(scorecard, scores) -> bytes:
    keys = [s.key for s in scorecard.scheme.sources.all()]
    headers = ["党组织", "党员", "总分", "计算等次", "等次", "调整理由", "加减分"]
    for k in keys:
        label = str(REGISTRY[k].label) if k in REGISTRY else k
        headers += [label, f"{label}（数据量）", f"{label}（计入）"]
    return table_xlsx("考核结果", headers, (_line(s, keys) for s in scores))


def _line(s, keys: list[str]) -> list:
    line = [
        s.organisation.label,
        s.member.name if s.member else "",
        float(s.total) if s.total is not None else None,
        str(Grade(s.computed_grade).label) if s.computed_grade else "",
        str(Grade(s.grade).label) if s.grade else "",
        s.adjust_reason,
        float(s.bonus),
    ]
    for k in keys:
        d = s.detail.get(k, {})
        line += [d.get("value"), d.get("count", 0), "是" if d.get("used") else "否"]
    return line
