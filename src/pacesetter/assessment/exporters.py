"""Excel export of a scorecard: one row per organisation (or member), total, grade, every source."""

import io

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from .enums import Grade
from .sources import REGISTRY


def scorecard_workbook(scorecard, scores) -> bytes:
    keys = [s.key for s in scorecard.scheme.sources.all()]
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("考核结果")
    ws.freeze_panes = "A2"
    bold = Font(bold=True)
    headers = ["党组织", "党员", "总分", "计算等次", "等次", "调整理由", "加减分"]
    for k in keys:
        label = str(REGISTRY[k].label) if k in REGISTRY else k
        headers += [label, f"{label}（数据量）", f"{label}（计入）"]
    row = []
    for h in headers:
        cell = WriteOnlyCell(ws, value=h)
        cell.font = bold
        row.append(cell)
    ws.append(row)
    for s in scores:
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
        ws.append(line)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
