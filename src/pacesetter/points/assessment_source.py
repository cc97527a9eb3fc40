"""The points ledger as an assessment (组织考核) source: registered here, in the app above assessment, so that
assessment never imports points (import-linter's layers). Loaded by PointsConfig.ready.

A points total has no natural 0–100 scale, so each subject is scored against the best of the subtree:
value = 100 × own figure ÷ the highest figure among the subjects of the subtree (members: their points in
the campaign's points years that fall in the scheme's period; organisations: their members' points per
member, so that a large branch does not win by size). The count is the number of points years with
entries for the subject.
"""

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from pacesetter.assessment.enums import Subject
from pacesetter.assessment.sources import Row, Source, register
from pacesetter.orgs.models import Organisation

from .models import PointPeriod
from .selectors import points_totals


def _periods(campaign_id: int, start, end) -> QuerySet[PointPeriod]:
    return PointPeriod.objects.filter(campaign_id=campaign_id, year__range=(start.year, end.year)).order_by(
        "year"
    )


def _against_best(figures: dict[int, tuple[float, int]]) -> list[Row]:
    best = max((f for f, _n in figures.values()), default=0)
    if best <= 0:
        return [(sid, 0.0, n) for sid, (_f, n) in figures.items()]
    return [(sid, round(100.0 * max(f, 0) / best, 2), n) for sid, (f, n) in figures.items()]


def _compute(per: str):
    def compute(*, path, start, end, campaign_id) -> list[Row]:
        root = Organisation.objects.filter(path=path).first()
        if root is None:
            return []
        figures: dict[int, tuple[float, int]] = {}
        for period in _periods(campaign_id, start, end):
            for sid, total in points_totals(period=period, root=root, per=per).items():
                f, n = figures.get(sid, (0.0, 0))
                figures[sid] = (f + total, n + 1)
        if per == "org" and figures:
            members = dict(
                Organisation.objects.filter(pk__in=list(figures)).values_list("pk", "member_count")
            )
            figures = {sid: (f / max(members.get(sid) or 1, 1), n) for sid, (f, n) in figures.items()}
        return _against_best(figures)

    return compute


def _evidence(org_id, member_id, start, end):
    if member_id:
        return reverse("points:member-account", args=[member_id])
    return reverse("points:home")


register(
    Source(
        key="points_members",
        label=_("党员积分"),
        subject=Subject.MEMBER,
        compute=_compute("member"),
        evidence=_evidence,
        rule=_(
            "考核期所在积分年度的本人积分，与本组织范围内积分最高者相比（最高者 100 分），数据量为有积分的年度数"
        ),
    )
)
register(
    Source(
        key="points_orgs",
        label=_("组织人均积分"),
        subject=Subject.ORG,
        compute=_compute("org"),
        evidence=_evidence,
        rule=_(
            "考核期所在积分年度本组织党员的人均积分，与范围内人均最高的组织相比（最高者 100 分），数据量为有积分的年度数"
        ),
    )
)
