"""Excel export of the monthly case statistics (figures only: no reporter, no case text)."""

import io

from django.utils.translation import gettext as _
from openpyxl import Workbook

COLUMNS = [
    ("name", _("组织")),
    ("received", _("收到")),
    ("ack_in_time", _("按时受理")),
    ("ack_late", _("受理逾期")),
    ("verify_in_time", _("按时核查")),
    ("verify_late", _("核查逾期")),
    ("reply_in_time", _("按时答复")),
    ("reply_late", _("答复逾期")),
    ("close_in_time", _("按时办结")),
    ("close_late", _("办结逾期")),
    ("verified", _("已核查")),
    ("verified_rate", _("核查率（%）")),
    ("substantiated", _("属实/部分属实")),
    ("satisfied", _("满意")),
    ("basic", _("基本满意")),
    ("unsatisfied", _("不满意")),
    ("unrated", _("未评价")),
    ("satisfaction_rate", _("满意率（%）")),
]


def stats_xlsx(org, month, total, rows) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = f"{month:%Y-%m}"
    ws.append([_("%(o)s 群众反映件统计 %(m)s（按收到月份）") % {"o": org.label, "m": f"{month:%Y-%m}"}])
    ws.append([str(label) for _k, label in COLUMNS])
    for r in [*rows, total]:
        values = [getattr(r, k) for k, _l in COLUMNS]
        if r is total:
            values[0] = _("合计")
        ws.append(values)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
