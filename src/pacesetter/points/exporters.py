"""Excel exports of the points ledger: a member's account and the two standings."""

from django.utils.translation import gettext as _

from pacesetter.documents.sheets import rows_xlsx


def account_xlsx(account) -> bytes:
    year = account.period.year
    rows = [
        [e.occurred_on.isoformat(), e.rule.name, e.get_source_display(), e.reason, e.points]
        for e in account.entries
    ]
    return rows_xlsx(
        _("%(m)s %(y)d 年度积分明细") % {"m": account.member.name, "y": year},
        [_("日期"), _("规则"), _("来源"), _("事由"), _("分值")],
        [*rows, [_("合计"), "", "", "", account.total]],
        sheet=str(year),
    )


def member_standing_xlsx(org, period, standing) -> bytes:
    return rows_xlsx(
        _("%(o)s %(y)d 年度党员积分排名（共 %(n)d 人）")
        % {"o": org.name, "y": period.year, "n": standing.sample},
        [_("名次"), _("姓名"), _("积分"), _("并列")],
        ([m.rank, m.name, m.points, _("并列") if m.tied else ""] for m in standing.rows),
        sheet=str(period.year),
    )


def org_standing_xlsx(root, period, standing) -> bytes:
    return rows_xlsx(
        _("%(o)s %(y)d 年度组织积分排名（共 %(n)d 个）")
        % {"o": root.name, "y": period.year, "n": standing.sample},
        [_("名次"), _("组织"), _("党员数"), _("积分合计"), _("人均积分"), _("并列")],
        (
            [r.rank, r.label, r.member_count, r.points, r.per_member, _("并列") if r.tied else ""]
            for r in standing.rows
        ),
        sheet=str(period.year),
    )
