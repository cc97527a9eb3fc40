"""The registry of assessment sources (考核数据来源): each turns campaign data into one raw value per subject.

A source is a key, a label, the kind of subject it scores (organisations or members), a function that
returns rows of (subject id, value 0–100, count of rows behind the value) over a subtree and a period — in
one grouped query (the `grouped` builder) or a fixed number of queries, never one per subject — and the page
that lists those rows (the evidence). Apps above assessment in the layers register their own with
`register(Source(...))` from their AppConfig.ready: points (`points/assessment_source.py`), commendation
(`honours/assessment_source.py`) and information reporting (`publicity/assessment_source.py`).

Example: `REGISTRY["records_checked"].values(path="0001", start=date(2010, 7, 1), end=date(2011, 6, 30),
campaign_id=1)` yields `(org_id, 75.0, 4)` for a branch with 3 of its 4 records in the period checked.
"""

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from urllib.parse import urlencode

from django.db.models import Avg, Case, Count, FloatField, Q, Sum, Value, When
from django.db.models.expressions import CombinedExpression
from django.db.models.functions import Cast
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from pacesetter.commitments.enums import FULFILLED_STATES, PUBLIC_STATES, CommitmentKind
from pacesetter.commitments.models import Commitment
from pacesetter.complaints.enums import CaseKind, Satisfaction
from pacesetter.complaints.models import Case as ReportCase
from pacesetter.evaluations.enums import RoundKind, RoundStatus
from pacesetter.evaluations.enums import Subject as EvalSubject
from pacesetter.evaluations.models import MemberGrade, Round
from pacesetter.evaluations.results import round_results
from pacesetter.orgs.selectors import subtree_q
from pacesetter.records.enums import CheckStatus
from pacesetter.records.models import ActivityRecord
from pacesetter.supervision.enums import Rating
from pacesetter.supervision.models import MemberReview, Rectification, Review

from .enums import Subject

Row = tuple[int, float | None, int]
StrOrPromise = str | Promise


@dataclass(frozen=True)
class Source:
    key: str
    label: StrOrPromise  # a lazy translation
    subject: str  # Subject.ORG or Subject.MEMBER
    # (path, start, end, campaign_id) → rows (subject id, value 0–100, count), one grouped query.
    compute: Callable[..., Iterable[Row]]
    # (organisation id, member id or None, start, end) → the URL of the rows behind a value.
    evidence: Callable[[int, int | None, datetime.date, datetime.date], str]
    rule: StrOrPromise = ""  # how the value is computed, shown on the scheme page

    def values(
        self, *, path: str, start: datetime.date, end: datetime.date, campaign_id: int
    ) -> Iterable[Row]:
        return self.compute(path=path, start=start, end=end, campaign_id=campaign_id)


REGISTRY: dict[str, Source] = {}


def register(source: Source) -> Source:
    if source.key in REGISTRY and REGISTRY[source.key] != source:
        raise ValueError(f"assessment source {source.key!r} registered twice")
    REGISTRY[source.key] = source
    return source


def sources_for(subject: str) -> list[Source]:
    return [s for s in REGISTRY.values() if s.subject == subject]


def _ratio(ok: Q) -> CombinedExpression:
    """100 × (rows matching `ok`) ÷ (all rows), as a float, in SQL."""
    return Cast(Count("id", filter=ok), FloatField()) * 100.0 / Cast(Count("id"), FloatField())


def grouped(
    model,
    *,
    group: str,
    period: str,
    value,
    where: Q | None = None,
    path_field: str = "organisation__path",
    campaign_field: str | None = None,
    count=None,
) -> Callable[..., Iterable[Row]]:
    """The one shape of most sources: `model` rows in the subtree (`path_field`) whose `period` field lies in
    the scheme's period (and, with `campaign_field`, in the campaign), matching `where`, grouped by `group`
    into (subject id, `value`, `count` — by default the number of rows): one GROUP BY query."""

    def compute(*, path, start, end, campaign_id):
        filters: dict = {f"{period}__range": (start, end)}
        if campaign_field:
            filters[campaign_field] = campaign_id
        qs = (
            model.objects.filter(subtree_q(path, path_field), where or Q(), **filters)
            .values(group)
            .annotate(n=count if count is not None else Count("id"), value=value)
        )
        return qs.values_list(group, "value", "n")

    return compute


def _url(name: str, **query) -> str:
    return f"{reverse(name)}?{urlencode({k: v for k, v in query.items() if v is not None})}"


# --- commitments: 承诺按期兑现率 --------------------------------------------------------------------


def _commitments(kind: str, group: str):
    return grouped(
        Commitment,
        group=group,
        period="deadline",
        campaign_field="campaign_id",
        # a 群团组织's commitments are not its Party organisation's
        where=Q(kind=kind, status__in=PUBLIC_STATES, mass_org__isnull=True)
        & (Q(member__isnull=False) if kind == CommitmentKind.MEMBER else Q()),
        value=_ratio(Q(status__in=FULFILLED_STATES, overdue_at__isnull=True)),
    )


def _commitment_evidence(org_id, member_id, start, end):
    return _url("commitments:commitment-list", org=org_id, member=member_id)


register(
    Source(
        key="commitments_on_time",
        label=_("组织承诺按期兑现率"),
        subject=Subject.ORG,
        compute=_commitments(CommitmentKind.ORGANISATION, "organisation_id"),
        evidence=_commitment_evidence,
        rule=_("期限在考核期内的已公开组织承诺中，已述诺或办结且从未逾期的比例"),
    )
)
register(
    Source(
        key="member_commitments_on_time",
        label=_("党员承诺按期兑现率"),
        subject=Subject.MEMBER,
        compute=_commitments(CommitmentKind.MEMBER, "member_id"),
        evidence=_commitment_evidence,
        rule=_("期限在考核期内的已公开党员承诺中，已述诺或办结且从未逾期的比例"),
    )
)


# --- records: 记实检查通过率 ------------------------------------------------------------------------


def _records(personal: bool, group: str):
    return grouped(
        ActivityRecord,
        group=group,
        period="occurred_on",
        where=Q(is_deleted=False, member__isnull=not personal),
        value=_ratio(Q(check_status=CheckStatus.CHECKED)),
    )


def _record_evidence(org_id, member_id, start, end):
    return _url(
        "records:record-list",
        org=org_id,
        scope="member" if member_id else "org",
        date_from=start.isoformat(),
        date_to=end.isoformat(),
    )


register(
    Source(
        key="records_checked",
        label=_("组织记实检查通过率"),
        subject=Subject.ORG,
        compute=_records(False, "organisation_id"),
        evidence=_record_evidence,
        rule=_("考核期内的组织记实中，经上级党组织检查通过的比例"),
    )
)
register(
    Source(
        key="member_records_checked",
        label=_("个人记实检查通过率"),
        subject=Subject.MEMBER,
        compute=_records(True, "member_id"),
        evidence=_record_evidence,
        rule=_("考核期内的个人记实中，经党支部检查通过的比例"),
    )
)


# --- supervision: 领导点评, 整改按期 ------------------------------------------------------------------

RATING_POINTS = {Rating.GOOD: 100.0, Rating.FAIRLY_GOOD: 80.0, Rating.FAIR: 60.0, Rating.POOR: 30.0}


def _reviews(model, group: str):
    """The mean of `model`'s ratings (leader reviews of organisations, reviews of members) in RATING_POINTS."""
    points = Case(
        *[When(rating=k, then=Value(v)) for k, v in RATING_POINTS.items()],
        default=Value(0.0),
        output_field=FloatField(),
    )
    return grouped(model, group=group, period="reviewed_at__date", value=Avg(points))


register(
    Source(
        key="leader_review",
        label=_("领导点评总体评价"),
        subject=Subject.ORG,
        compute=_reviews(Review, "organisation_id"),
        evidence=lambda org_id, member_id, start, end: _url("supervision:review-list", org=org_id),
        rule=_("考核期内领导点评的平均分：好 100、较好 80、一般 60、差 30"),
    )
)
register(
    Source(
        key="rectification_on_time",
        label=_("整改按期完成率"),
        subject=Subject.ORG,
        compute=grouped(
            Rectification,
            group="organisation_id",
            period="deadline",
            value=_ratio(Q(overdue_at__isnull=True)),
        ),
        evidence=lambda org_id, member_id, start, end: _url("supervision:rectification-list", org=org_id),
        rule=_("整改期限在考核期内的整改通知中，从未被标记逾期的比例"),
    )
)


# --- complaints: 举报按期答复, 反映人满意 ------------------------------------------------------------

_REPORTS = Q(owner__isnull=False, kind=CaseKind.REPORT)


def _case_evidence(org_id, member_id, start, end):
    return _url("complaints:case-list", owner=org_id)


register(
    Source(
        key="reports_on_time",
        label=_("群众举报按期答复率"),
        subject=Subject.ORG,
        compute=grouped(
            ReportCase,
            group="owner_id",
            period="reply_by",
            path_field="owner__path",
            where=_REPORTS,
            value=_ratio(Q(reply_overdue_at__isnull=True, replied_at__isnull=False)),
        ),
        evidence=_case_evidence,
        rule=_("答复期限在考核期内、由本组织承办的举报中，按期答复且从未逾期的比例"),
    )
)
register(
    Source(
        key="reporter_satisfaction",
        label=_("反映人满意率"),
        subject=Subject.ORG,
        compute=grouped(
            ReportCase,
            group="owner_id",
            period="reply_by",
            path_field="owner__path",
            where=_REPORTS & ~Q(satisfaction=""),
            value=_ratio(Q(satisfaction__in=[Satisfaction.SATISFIED, Satisfaction.BASIC])),
        ),
        evidence=_case_evidence,
        rule=_("已评价的举报中，反映人评价满意或基本满意的比例"),
    )
)


# --- evaluations: 组织考核 rounds' ballots (members), evaluation satisfaction and score --------------

register(
    Source(
        key="assessment_ballot",
        label=_("组织考核测评得分"),
        subject=Subject.MEMBER,
        compute=grouped(
            MemberGrade,
            group="member_id",
            period="round__closes_at__date",
            path_field="member__organisation__path",
            campaign_field="round__campaign_id",
            where=Q(round__kind=RoundKind.ASSESSMENT, score__isnull=False),
            value=Cast(Avg("score"), FloatField()),
            count=Sum("sample"),
        ),
        evidence=lambda org_id, member_id, start, end: _url("evaluations:round-list"),
        rule=_("考核期内截止的组织考核测评（评议轮次）中本人的平均得分，数据量为有效票数"),
    )
)


def _evaluations(subject: str, figure: str):
    """Satisfaction or score of the closed evaluation rounds (not 组织考核 rounds or 具体标准征询问卷) of the campaign whose
    closing day lies in the period, from `evaluations.results.round_results` — the one aggregation every
    evaluation page, export and API uses, so k-anonymity, 不了解 and the group weights apply as there. A
    subject in several rounds gets the mean weighted by each round's ballots; the count is the ballots.
    One query for the rounds, then round_results' few grouped queries per round (a fixed number per round,
    whatever the number of organisations or ballots)."""
    key = "organisation_id" if subject == EvalSubject.ORGANISATION else "member_id"

    def compute(*, path, start, end, campaign_id):
        rounds = (
            Round.objects.filter(
                subtree_q(path, "organisation__path"),
                campaign_id=campaign_id,
                subject=subject,
                status=RoundStatus.CLOSED,
                closes_at__date__range=(start, end),
            )
            .exclude(kind__in=(RoundKind.ASSESSMENT, RoundKind.SURVEY))  # a survey rates a standard's wording
            .order_by("pk")
        )
        acc: dict[int, list[float]] = {}
        for r in rounds:
            for t in round_results(r).targets:
                value, sid = getattr(t, figure), getattr(t, key)
                if value is None or sid is None or not t.sample:
                    continue
                a = acc.setdefault(sid, [0.0, 0])
                a[0] += value * t.sample
                a[1] += t.sample
        return [(sid, total / n, int(n)) for sid, (total, n) in acc.items()]

    return compute


def _evaluation_evidence(org_id, member_id, start, end):
    return _url("evaluations:round-list")


register(
    Source(
        key="evaluation_satisfaction",
        label=_("群众评议满意率"),
        subject=Subject.ORG,
        compute=_evaluations(EvalSubject.ORGANISATION, "satisfaction"),
        evidence=_evaluation_evidence,
        rule=_(
            "考核期内结束的评议（群众评议、民主测评、满意度调查）中本组织的满意率，按各轮票数加权，数据量为票数"
        ),
    )
)
register(
    Source(
        key="evaluation_score",
        label=_("群众评议得分"),
        subject=Subject.ORG,
        compute=_evaluations(EvalSubject.ORGANISATION, "score"),
        evidence=_evaluation_evidence,
        rule=_("考核期内结束的评议中本组织的加权得分，按各轮票数加权，数据量为票数"),
    )
)
register(
    Source(
        key="member_evaluation_score",
        label=_("民主评议得分"),
        subject=Subject.MEMBER,
        compute=_evaluations(EvalSubject.MEMBER, "score"),
        evidence=_evaluation_evidence,
        rule=_("考核期内结束的党员评议（组织考核测评除外）中本人的加权得分，按各轮票数加权，数据量为票数"),
    )
)


# --- members (#19): 党员点评, 党性分析 — counted only where a scheme picks them -----------------------


register(
    Source(
        key="member_review",
        label=_("党员点评总体评价"),
        subject=Subject.MEMBER,
        compute=_reviews(MemberReview, "member_id"),
        evidence=lambda org_id, member_id, start, end: _url("supervision:member-review-list", org=org_id),
        rule=_("考核期内党支部书记和领导对本人点评的平均分：好 100、较好 80、一般 60、差 30"),
    )
)


def _party_analysis(*, path, start, end, campaign_id):
    """Every active member of the subtree: 100 with at least one checked 党性分析 record in the period,
    else 0. The count is 1 (the member's own period), so a member without one scores 0 instead of being
    left out as short of data."""
    from pacesetter.orgs.models import Member
    from pacesetter.records.enums import RecordKind

    logged = Q(
        activity_records__kind=RecordKind.PARTY_ANALYSIS,
        activity_records__is_deleted=False,
        activity_records__check_status=CheckStatus.CHECKED,
        activity_records__occurred_on__range=(start, end),
    )
    qs = (
        Member.objects.filter(subtree_q(path, "organisation__path"), is_active=True)
        .annotate(k=Count("activity_records", filter=logged))
        .annotate(value=Case(When(k__gt=0, then=Value(100.0)), default=Value(0.0), output_field=FloatField()))
    )
    # a lazy QuerySet: assessment.services streams it in member order instead of holding the whole city
    return qs.annotate(n=Value(1)).values_list("id", "value", "n")


register(
    Source(
        key="party_analysis",
        label=_("党性分析"),
        subject=Subject.MEMBER,
        compute=_party_analysis,
        evidence=_record_evidence,
        rule=_("考核期内有经党支部检查通过的党性分析记实得 100，否则 0"),
    )
)
