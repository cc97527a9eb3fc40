"""Excel exports of the points ledger: a member's account and the two standings."""

import io

from django.utils.translation import gettext as _
from openpyxl import Workbook


def _save(wb: Workbook) -> bytes:
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def account_xlsx(account) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = str(account.period.year)
    ws.append([_("%(m)s %(y)d 年度积分明细") % {"m": account.member.name, "y": account.period.year}])
    ws.append([_("日期"), _("规则"), _("来源"), _("事由"), _("分值")])
    for e in account.entries:
        ws.append([e.occurred_on.isoformat(), e.rule.name, e.get_source_display(), e.reason, e.points])
    ws.append([_("合计"), "", "", "", account.total])
    return _save(wb)


def member_standing_xlsx(org, period, standing) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = str(period.year)
    ws.append(
        [
            _("%(o)s %(y)d 年度党员积分排名（共 %(n)d 人）")
            % {"o": org.name, "y": period.year, "n": standing.sample}
        ]
    )
    ws.append([_("名次"), _("姓名"), _("积分"), _("并列")])
    for m in standing.rows:
        ws.append([m.rank, m.name, m.points, _("并列") if m.tied else ""])
    return _save(wb)


def org_standing_xlsx(root, period, standing) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = str(period.year)
    ws.append(
        [
            _("%(o)s %(y)d 年度组织积分排名（共 %(n)d 个）")
            % {"o": root.name, "y": period.year, "n": standing.sample}
        ]
    )
    ws.append([_("名次"), _("组织"), _("党员数"), _("积分合计"), _("人均积分"), _("并列")])
    for r in standing.rows:
        ws.append([r.rank, r.label, r.member_count, r.points, r.per_member, _("并列") if r.tied else ""])
    return _save(wb)
