"""Writes for leader reviews (领导点评) and supervision (督促检查): each checks permission first, runs in one
transaction, changes a status only through the transition tables in enums.py, and writes an audit row."""

import datetime
from functools import partial

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Exists, Max, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from pacesetter.campaigns.enums import StepCapability
from pacesetter.campaigns.models import Campaign
from pacesetter.campaigns.windows import campaigns_covering, require_open, step_window_for
from pacesetter.commitments.selectors import published_commitments_for_org
from pacesetter.core.audit import audit_log
from pacesetter.core.errors import PermissionDeniedError, StateError, ValidationError
from pacesetter.core.text import clean_text
from pacesetter.core.uploads import check_upload
from pacesetter.core.workdays import deadline_after
from pacesetter.evaluations.models import LowSatisfactionCase
from pacesetter.notifications.kinds import Kind
from pacesetter.notifications.services import notify
from pacesetter.orgs.enums import Role
from pacesetter.orgs.models import Organisation, RoleGrant
from pacesetter.orgs.selectors import nearest_holders, subtree_q
from pacesetter.orgs.services import acting_for, users_with_role_on

from . import draws
from .enums import (
    EVIDENCE_MAX_BYTES,
    EVIDENCE_TYPES,
    INSPECTION_TRANSITIONS,
    NOTICE_TRANSITIONS,
    OPEN_RECTIFICATION,
    RECTIFICATION_TRANSITIONS,
    REVIEW_TRANSITIONS,
    DrawFilter,
    InspectionAction,
    InspectionStatus,
    Method,
    NoticeAction,
    NoticeStatus,
    Rating,
    RectificationAction,
    ReviewAction,
    Source,
)
from .member_reviews import can_run_session, check_session_subject
from .models import (
    Evidence,
    Finding,
    Inspection,
    InspectionTeam,
    Notice,
    Rectification,
    RectificationEvent,
    RectificationReport,
    Review,
    ReviewItem,
    ReviewSession,
    SpotCheckDraw,
)
from .rules import (
    can_act_on_inspection,
    can_file_inspection,
    can_guide_review_org,
    can_order_from_review,
    can_publish_review,
    can_respond_for,
    can_review_org,
    can_supervise,
    can_verify_rectification,
    is_office_over,
)

User = get_user_model()
TEXT_MAX = 5000
MAX_WORKING_DAYS = 120


_text = partial(clean_text, limit=TEXT_MAX)


def _cas(model, obj, table: dict, action: str, label: str, **fields) -> str:
    """Compare-and-set `obj.status` along `table[action]`; returns the status before."""
    before = obj.status
    target = table[action].get(before)
    if target is None:
        raise StateError(_("当前状态为“%(s)s”，不能%(a)s") % {"s": obj.get_status_display(), "a": label})
    if not model.objects.filter(pk=obj.pk, status=before).update(status=target, **fields):
        raise StateError(_("刚被其他人修改过，请刷新页面后重试"))
    obj.status = target
    for name, value in fields.items():
        setattr(obj, name, value)
    return before


# ---------------------------------------------------------------- reviews (领导点评)


def review_campaign_for(org: Organisation, *, at=None) -> Campaign | None:
    """The campaign a review is filed in: if active campaigns cover the organisation, one whose 领导点评
    (REVIEWS) window is open — none open refuses with the window's message; no campaign covering it: None
    (the half-yearly review is a standing duty and may be filed at any time)."""
    campaigns = list(campaigns_covering(org))
    if not campaigns:
        return None
    for c in campaigns:
        if step_window_for(campaign=c, capability=StepCapability.REVIEWS, org=org, at=at).is_open:
            return c
    require_open(campaign=campaigns[0], capability=StepCapability.REVIEWS, org=org, at=at)
    return None  # pragma: no cover — require_open raised


def _guiding_body_name(actor, org: Organisation) -> str:
    """The guiding body (指导单位) named on the grant by which `actor` follows `org`'s sector line."""
    grant = (
        RoleGrant.objects.filter(
            user=actor,
            role=Role.GUIDE,
            sector=org.sector,
            revoked_at__isnull=True,
            organisation__path__in=[*org.ancestor_paths, org.path],
        )
        .select_related("guide")
        .order_by("-organisation__depth")
        .first()
    )
    return grant.guide.name if grant is not None and grant.guide is not None else ""


@transaction.atomic
def review_file(
    *,
    actor,
    org: Organisation,
    achievements: str,
    problems: str,
    direction: str,
    rating: str,
    remarks: dict[int, tuple[str, bool]] | None = None,
    now=None,
    session: ReviewSession | None = None,
    guidance: bool = False,
) -> Review:
    """点评: the liaison leader records results, problems, direction, rating and a remark per published
    commitment (`remarks`: {commitment id: (remark, flagged)}; every published commitment is checked).
    Filed from a 集中点评 `session` (#19), its convener reviews any organisation of the host's subtree.

    With `guidance` (行业指导点评, 条块结合 #18) a guiding body reviews an organisation of its sector line, and
    only while a campaign covering the organisation has its 领导点评 window open: the campaign decides when
    a guiding body may write, so without one it may not."""
    if guidance:
        if session is not None:
            raise ValidationError(_("行业指导点评不在集中点评会上进行"), field="session")
        if not can_guide_review_org(actor, org):
            raise PermissionDeniedError(
                _("“%(org)s”不在您指导的行业范围内，不能作行业指导点评") % {"org": org.name}
            )
    elif session is not None:
        session = ReviewSession.objects.select_for_update(of=("self",)).get(pk=session.pk)
        if not can_run_session(actor, session):
            raise PermissionDeniedError(_("只有集中点评的点评人可以在会上点评"))
        check_session_subject(session, org)
    elif not can_review_org(actor, org):
        raise PermissionDeniedError(_("只有联系“%(org)s”的领导可以点评该组织") % {"org": org.name})
    now = now or timezone.now()
    if session is None:
        campaign = review_campaign_for(org, at=now)
        if guidance and campaign is None:
            raise StateError(
                _("“%(org)s”没有进行中的活动，行业指导点评只能在活动的领导点评期间进行") % {"org": org.name}
            )
    else:  # 集中点评 is a standing duty (每半年至少一次): filed in the open campaign if any, else none
        try:
            campaign = review_campaign_for(org, at=now)
        except StateError:
            campaign = None
    if rating not in Rating.values:
        raise ValidationError(_("请选择总体评价"), field="rating")
    review = Review.objects.create(
        leader=actor,
        organisation=org,
        campaign=campaign,
        achievements=_text(achievements, "achievements", _("肯定成绩")),
        problems=_text(problems, "problems", _("指出问题")),
        direction=_text(direction, "direction", _("努力方向")),
        rating=rating,
        reviewed_at=now,
        session=session,
        guidance=guidance,
    )
    remarks = remarks or {}
    commitments = published_commitments_for_org(org, campaign=campaign)
    ReviewItem.objects.bulk_create(
        [
            ReviewItem(
                review=review,
                commitment=c,
                title=c.title,
                progress=c.progress,
                deadline=c.deadline,
                remark=_text(
                    remarks.get(c.pk, ("", False))[0], f"remark_{c.pk}", _("点评意见"), required=False
                ),
                flagged=bool(remarks.get(c.pk, ("", False))[1]),
            )
            for c in commitments
        ]
    )
    audit_log(
        actor=actor,
        action="review.file",
        obj=review,
        after={"rating": rating, "status": review.status, "guidance": guidance},
        extra={"items": len(commitments), "flagged": sum(1 for v in remarks.values() if v[1])},
    )
    reviewer = actor.get_full_name() or actor.username
    title = (
        _("%(body)s对%(org)s作了行业指导点评，请答复")
        % {"body": _guiding_body_name(actor, org) or reviewer, "org": org.name}
        if guidance
        else _("%(leader)s对%(org)s作了点评，请答复") % {"leader": reviewer, "org": org.name}
    )
    notify(
        kind=Kind.REVIEW,
        recipients=acting_for(org),
        title=title,
        body=review.problems[:200],
        url=reverse("supervision:review-detail", args=[review.pk]),
    )
    return review


@transaction.atomic
def review_respond(*, actor, review: Review, response: str) -> Review:
    """The reviewed organisation answers (答复)."""
    review = Review.objects.select_for_update(of=("self",)).select_related("organisation").get(pk=review.pk)
    if not can_respond_for(actor, review.organisation):
        raise PermissionDeniedError(_("只有被点评组织可以答复"))
    response = _text(response, "response", _("答复"))
    now = timezone.now()
    before = _cas(
        Review,
        review,
        REVIEW_TRANSITIONS,
        ReviewAction.RESPOND,
        _("答复"),
        response=response,
        responded_by=actor,
        responded_at=now,
    )
    audit_log(
        actor=actor,
        action="review.respond",
        obj=review,
        before={"status": before},
        after={"status": review.status},
        extra={"response_chars": len(response)},
    )
    notify(
        kind=Kind.REVIEW,
        recipients=[review.leader],
        title=_("%(org)s答复了您的点评") % {"org": review.organisation.name},
        body=response[:200],
        url=reverse("supervision:review-detail", args=[review.pk]),
    )
    return review


@transaction.atomic
def review_publish(*, actor, review: Review, publish: bool = True) -> Review:
    """Show (or withdraw) the review on the organisation's public page."""
    review = Review.objects.select_for_update(of=("self",)).select_related("organisation").get(pk=review.pk)
    if not can_publish_review(actor, review):
        raise PermissionDeniedError(_("只有点评领导或活动办公室可以公开点评"))
    before = review.published_at
    review.published_at = timezone.now() if publish else None
    review.save(update_fields=["published_at"])
    audit_log(
        actor=actor,
        action="review.publish" if publish else "review.unpublish",
        obj=review,
        before={"published_at": before},
        after={"published_at": review.published_at},
    )
    return review


# ---------------------------------------------------------------- rectification (限期整改)


def _event(order: Rectification, action: str, before: str, actor, note: str = "", at=None) -> None:
    RectificationEvent.objects.create(
        rectification=order,
        action=action,
        from_status=before,
        to_status=order.status,
        note=note,
        actor=actor if actor is not None and actor.is_authenticated else None,
        created_at=at or timezone.now(),
    )


@transaction.atomic
def rectification_issue(
    *,
    actor,
    problem: str,
    measures_required: str,
    working_days: int,
    review: Review | None = None,
    finding: Finding | None = None,
    low_case: LowSatisfactionCase | None = None,
    case=None,
    now=None,
) -> Rectification:
    """限期整改: an order from a leader review, an inspection finding or a low-satisfaction case; the
    deadline is `working_days` working days after today on the Chinese official calendar."""
    origins = [o for o in (review, finding, low_case, case) if o is not None]
    if len(origins) != 1:
        raise ValidationError(_("整改通知必须来自一次点评、一项督查发现或一个满意度过低的评议结果"))
    if review is not None:
        org, source = review.organisation, Source.REVIEW
        if not can_order_from_review(actor, review):
            raise PermissionDeniedError(_("只有点评领导或活动办公室可以据此下达整改通知"))
    elif finding is not None:
        org, source = finding.inspection.organisation, Source.FINDING
        if not can_supervise(actor, org):
            raise PermissionDeniedError(_("您无权对“%(org)s”下达整改通知") % {"org": org.name})
    elif case is not None:
        # A verified public report (complaints.Case): the order goes to the organisation the case is about.
        org, source = case.subject_org or case.owner, Source.CASE
        if not can_supervise(actor, org):
            raise PermissionDeniedError(_("您无权对“%(org)s”下达整改通知") % {"org": org.name})
    else:
        org, source = low_case.organisation, Source.LOW_SATISFACTION
        if not can_supervise(actor, org):
            raise PermissionDeniedError(_("您无权对“%(org)s”下达整改通知") % {"org": org.name})
    try:
        working_days = int(working_days)
    except (TypeError, ValueError):
        raise ValidationError(_("整改时限应为工作日天数"), field="working_days") from None
    if not 1 <= working_days <= MAX_WORKING_DAYS:
        raise ValidationError(
            _("整改时限应在 1 到 %(n)d 个工作日之间") % {"n": MAX_WORKING_DAYS}, field="working_days"
        )
    now = now or timezone.now()
    deadline = deadline_after(timezone.localdate(now), working_days)
    order = Rectification.objects.create(
        organisation=org,
        source=source,
        review=review,
        finding=finding,
        low_case=low_case,
        case=case,
        problem=_text(problem, "problem", _("存在问题")),
        measures_required=_text(measures_required, "measures_required", _("整改要求")),
        working_days=working_days,
        deadline=deadline.day,
        deadline_provisional=not deadline.holidays_known,
        issued_by=actor,
        issued_at=now,
        updated_at=now,
    )
    _event(order, RectificationAction.ISSUE, "", actor, at=now)
    audit_log(
        actor=actor,
        action="rectification.issue",
        obj=order,
        after={"status": order.status, "deadline": order.deadline, "source": source},
        extra={"working_days": working_days, "unknown_holiday_years": list(deadline.unknown_years)},
    )
    notify(
        kind=Kind.RECTIFICATION,
        recipients=acting_for(org),
        title=_("整改通知：请于%(d)s前完成整改") % {"d": date_format(order.deadline, "Y年n月j日")},
        body="\n".join(filter(None, [order.deadline_note, order.problem[:200]])),
        url=reverse("supervision:rectification-detail", args=[order.pk]),
    )
    return order


@transaction.atomic
def rectification_report(
    *, actor, rectification: Rectification, measures_taken: str, uploads=()
) -> RectificationReport:
    """The organisation reports the measures taken, with evidence; the order waits for verification."""
    order = (
        Rectification.objects.select_for_update(of=("self",))
        .select_related("organisation")
        .get(pk=rectification.pk)
    )
    if not can_respond_for(actor, order.organisation):
        raise PermissionDeniedError(_("只有责任组织可以报告整改情况"))
    measures_taken = _text(measures_taken, "measures_taken", _("整改措施及成效"))
    names = [
        check_upload(u, allowed=EVIDENCE_TYPES, max_bytes=EVIDENCE_MAX_BYTES, field="files").name
        for u in uploads
    ]
    now = timezone.now()
    before = _cas(
        Rectification,
        order,
        RECTIFICATION_TRANSITIONS,
        RectificationAction.REPORT,
        RectificationAction.REPORT.label,
        updated_at=now,
    )
    report = RectificationReport.objects.create(
        rectification=order, measures_taken=measures_taken, reported_by=actor, reported_at=now
    )
    for upload, name in zip(uploads, names, strict=True):
        ev = Evidence(report=report, original_name=name, size=upload.size)
        ev.file.save(name, upload, save=False)
        ev.save()
    _event(order, RectificationAction.REPORT, before, actor, note=measures_taken, at=now)
    audit_log(
        actor=actor,
        action="rectification.report",
        obj=order,
        before={"status": before},
        after={"status": order.status},
        extra={"files": names},
    )
    notify(
        kind=Kind.RECTIFICATION,
        recipients=[order.issued_by],
        title=_("%(org)s报告了整改情况，请核查") % {"org": order.organisation.name},
        body=measures_taken[:200],
        url=reverse("supervision:rectification-detail", args=[order.pk]),
    )
    return report


@transaction.atomic
def rectification_verify(
    *, actor, rectification: Rectification, decision: str, note: str = ""
) -> Rectification:
    """核查: the issuer (or the office above) closes the order, or rejects the report with reasons."""
    order = (
        Rectification.objects.select_for_update(of=("self",))
        .select_related("organisation")
        .get(pk=rectification.pk)
    )
    if decision not in (RectificationAction.CLOSE, RectificationAction.REJECT):
        raise ValidationError(_("核查结果无效"), field="decision")
    if not can_verify_rectification(actor, order):
        raise PermissionDeniedError(_("只有下达整改通知的人或上级活动办公室可以核查"))
    note = _text(note, "note", _("核查意见"), required=decision == RectificationAction.REJECT)
    now = timezone.now()
    fields = {"updated_at": now}
    if decision == RectificationAction.CLOSE:
        fields["closed_at"] = now
        if order.overdue_at is None and timezone.localdate(now) > order.deadline:
            fields["overdue_at"] = now  # closed late: counted as overdue, once
    before = _cas(
        Rectification,
        order,
        RECTIFICATION_TRANSITIONS,
        decision,
        RectificationAction(decision).label,
        **fields,
    )
    _event(order, decision, before, actor, note=note, at=now)
    audit_log(
        actor=actor,
        action=f"rectification.{decision}",
        obj=order,
        before={"status": before},
        after={"status": order.status},
        extra={"note": note},
    )
    notify(
        kind=Kind.RECTIFICATION,
        recipients=acting_for(order.organisation),
        title=_("整改已核查销号")
        if decision == RectificationAction.CLOSE
        else _("整改未通过核查，请继续整改"),
        body=note or "",
        url=reverse("supervision:rectification-detail", args=[order.pk]),
    )
    return order


def rectification_escalate_overdue(*, now=None) -> int:
    """Flag open orders past their deadline as overdue (once, frozen) and escalate each once to the office
    and secretaries of the responsible organisation's parent. Returns how many were escalated now."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    late = Rectification.objects.filter(status__in=OPEN_RECTIFICATION, deadline__lt=today)
    Rectification.objects.filter(pk__in=late.filter(overdue_at__isnull=True).values("pk")).update(
        overdue_at=now
    )
    escalated = 0
    for order in Rectification.objects.select_related("organisation__parent").filter(
        pk__in=late.filter(escalated_at__isnull=True).values("pk")
    ):
        with transaction.atomic():
            if not Rectification.objects.filter(pk=order.pk, escalated_at__isnull=True).update(
                escalated_at=now
            ):
                continue  # another worker took it
            # 督办 is the parent's to do: its office and secretaries, else the nearest level above with any
            parent = order.organisation.parent or order.organisation
            recipients = nearest_holders(parent, [Role.OFFICE, Role.SECRETARY])
            audit_log(
                actor=None,
                action="rectification.escalate",
                obj=order,
                after={"overdue_at": now, "escalated_at": now},
                extra={"parent": parent.pk, "recipients": len(recipients)},
            )
            notify(
                kind=Kind.RECTIFICATION,
                recipients=recipients,
                title=_("整改逾期：%(org)s未按期完成整改") % {"org": order.organisation.name},
                body=_("整改期限为%(d)s，至今未核查销号。问题：%(p)s")
                % {"d": date_format(order.deadline, "Y年n月j日"), "p": order.problem[:150]},
                url=reverse("supervision:rectification-detail", args=[order.pk]),
            )
            escalated += 1
    return escalated


# ---------------------------------------------------------------- inspections (督查)


@transaction.atomic
def team_create(*, actor, org: Organisation, name: str, members) -> InspectionTeam:
    """组建督查小组: the office picks users holding the inspector role in its subtree."""
    if not is_office_over(actor, org):
        raise PermissionDeniedError(_("只有活动办公室可以组建督查小组"))
    name = _text(name, "name", _("小组名称"), limit=100)
    members = list(members)
    if not members:
        raise ValidationError(_("请选择小组成员"), field="members")
    eligible = set(
        RoleGrant.objects.filter(user__in=members, role=Role.INSPECTOR, revoked_at__isnull=True)
        .filter(subtree_q(org.path, "organisation__path") | _ancestor_q(org))
        .values_list("user_id", flat=True)
    )
    bad = [m for m in members if m.pk not in eligible]
    if bad:
        raise ValidationError(
            _("%(names)s不是本范围内的督查人员")
            % {"names": "、".join(m.get_full_name() or m.username for m in bad)},
            field="members",
        )
    team = InspectionTeam.objects.create(name=name, organisation=org, created_by=actor)
    team.members.set(members)
    audit_log(
        actor=actor,
        action="inspection_team.create",
        obj=team,
        after={"name": name, "members": [m.pk for m in members]},
    )
    return team


def _ancestor_q(org: Organisation) -> Q:
    return Q(organisation__path__in=[*org.ancestor_paths, org.path])


@transaction.atomic
def inspection_plan(
    *,
    actor,
    org: Organisation,
    method: str,
    planned_on: datetime.date,
    subject: str,
    team: InspectionTeam | None = None,
    draw: SpotCheckDraw | None = None,
) -> Inspection:
    """安排督查. 明察暗访 is not announced: nobody in the inspected organisation is told or can see it."""
    if not is_office_over(actor, org):
        raise PermissionDeniedError(_("只有活动办公室可以安排督查"))
    if method not in Method.values:
        raise ValidationError(_("请选择督查方式"), field="method")
    if team is not None and not org.path.startswith(team.organisation.path):
        raise ValidationError(_("督查小组“%(t)s”不负责该组织") % {"t": team.name}, field="team")
    if draw is not None and org.pk not in draw.chosen_ids:
        raise ValidationError(_("该组织不在本次抽查结果中"), field="organisation")
    inspection = Inspection.objects.create(
        organisation=org,
        team=team,
        method=method,
        draw=draw,
        planned_on=planned_on,
        subject=_text(subject, "subject", _("督查内容"), limit=200),
        created_by=actor,
    )
    audit_log(
        actor=actor,
        action="inspection.plan",
        obj=inspection,
        after={"method": method, "planned_on": planned_on, "team": team.pk if team else None},
    )
    if team is not None:
        notify(
            kind=Kind.INSPECTION,
            recipients=list(team.members.all()),
            title=_("督查任务：%(org)s（%(m)s）") % {"org": org.name, "m": Method(method).label},
            body=inspection.subject,
            url=reverse("supervision:inspection-detail", args=[inspection.pk]),
        )
    if method != Method.UNANNOUNCED:
        notify(
            kind=Kind.INSPECTION,
            recipients=acting_for(org),
            title=_("督查安排：%(m)s，%(d)s")
            % {"m": Method(method).label, "d": date_format(planned_on, "Y年n月j日")},
            body=inspection.subject,
            url=reverse("supervision:inspection-detail", args=[inspection.pk]),
        )
    return inspection


@transaction.atomic
def inspection_file(*, actor, inspection: Inspection, record: str, findings: list[str] = ()) -> Inspection:
    """形成督查记录, with findings; a 明察暗访 becomes visible to the organisation from now on."""
    inspection = (
        Inspection.objects.select_for_update(of=("self",))
        .select_related("organisation", "team")
        .get(pk=inspection.pk)
    )
    if not can_file_inspection(actor, inspection):
        if inspection.status != InspectionStatus.PLANNED:
            raise StateError(_("该督查已%(s)s") % {"s": inspection.get_status_display()})
        raise PermissionDeniedError(_("只有督查小组成员或活动办公室可以填写督查记录"))
    record = _text(record, "record", _("督查记录"), limit=20000)
    now = timezone.now()
    before = _cas(
        Inspection,
        inspection,
        INSPECTION_TRANSITIONS,
        InspectionAction.FILE,
        InspectionAction.FILE.label,
        record=record,
        filed_by=actor,
        filed_at=now,
    )
    texts = [t.strip() for t in findings if t and t.strip()]
    Finding.objects.bulk_create(
        [Finding(inspection=inspection, description=t, created_by=actor) for t in texts]
    )
    audit_log(
        actor=actor,
        action="inspection.file",
        obj=inspection,
        before={"status": before},
        after={"status": inspection.status},
        extra={"findings": len(texts)},
    )
    return inspection


@transaction.atomic
def inspection_cancel(*, actor, inspection: Inspection, reason: str = "") -> Inspection:
    """取消督查: only a planned inspection; the team (and, unless unannounced, the organisation) is told."""
    inspection = (
        Inspection.objects.select_for_update(of=("self",))
        .select_related("organisation", "team")
        .get(pk=inspection.pk)
    )
    if not can_act_on_inspection(actor, inspection):
        raise PermissionDeniedError(_("只有督查小组成员或活动办公室可以取消督查"))
    reason = _text(reason, "reason", _("取消原因"), required=False, limit=500)
    before = _cas(
        Inspection, inspection, INSPECTION_TRANSITIONS, InspectionAction.CANCEL, InspectionAction.CANCEL.label
    )
    audit_log(
        actor=actor,
        action="inspection.cancel",
        obj=inspection,
        before={"status": before},
        after={"status": inspection.status},
        extra={"reason": reason},
    )
    recipients = list(inspection.team.members.all()) if inspection.team_id else []
    if inspection.method != Method.UNANNOUNCED:
        recipients += acting_for(inspection.organisation)
    notify(
        kind=Kind.INSPECTION,
        recipients=list({u.pk: u for u in recipients if u.pk != actor.pk}.values()),
        title=_("督查已取消：%(org)s（%(m)s）")
        % {"org": inspection.organisation.name, "m": inspection.get_method_display()},
        body=reason or inspection.subject,
        url=reverse("supervision:inspection-detail", args=[inspection.pk]),
    )
    return inspection


@transaction.atomic
def finding_add(*, actor, inspection: Inspection, description: str) -> Finding:
    if not can_supervise(actor, inspection.organisation):
        raise PermissionDeniedError(_("您无权记录督查发现"))
    if inspection.status != InspectionStatus.FILED:
        raise StateError(_("请先形成督查记录，再补充督查发现"))
    finding = Finding.objects.create(
        inspection=inspection,
        description=_text(description, "description", _("发现的问题")),
        created_by=actor,
    )
    audit_log(actor=actor, action="finding.add", obj=inspection, extra={"finding": finding.pk})
    return finding


# ---------------------------------------------------------------- spot-check draws (随机抽查)


def draw_candidates(
    *,
    root: Organisation,
    sector: str = "",
    org_type: str = "",
    flags=(),
    campaign: Campaign | None = None,
    today=None,
):
    """The candidate organisations below `root` matching the filter, ordered by path (the canonical order)."""
    qs = Organisation.objects.filter(subtree_q(root.path), is_active=True, depth__gt=root.depth)
    if sector:
        qs = qs.filter(sector=sector)
    if org_type:
        qs = qs.filter(org_type=org_type)
    if DrawFilter.LOW_SATISFACTION in flags:
        qs = qs.filter(Exists(LowSatisfactionCase.objects.filter(organisation=OuterRef("pk"))))
    if DrawFilter.OPEN_RECTIFICATION in flags:
        qs = qs.filter(
            Exists(Rectification.objects.filter(organisation=OuterRef("pk"), status__in=OPEN_RECTIFICATION))
        )
    if DrawFilter.OVERDUE_PLAN in flags:
        if campaign is None:
            raise ValidationError(_("按“实施方案逾期”筛选时请选择活动"), field="campaign")
        from pacesetter.plans.selectors import overdue_orgs

        qs = qs.filter(pk__in=overdue_orgs(campaign=campaign, root=root, today=today).values("pk"))
    return qs.order_by("path")


@transaction.atomic
def draw_create(
    *,
    actor,
    root: Organisation,
    n: int,
    title: str,
    sector: str = "",
    org_type: str = "",
    flags=(),
    campaign: Campaign | None = None,
    public_value: str = "",
) -> SpotCheckDraw:
    """随机抽查: record the filter, the candidate list, the seed and the chosen organisations (draws.py)."""
    if not is_office_over(actor, root):
        raise PermissionDeniedError(_("只有活动办公室可以组织随机抽查"))
    title = _text(title, "title", _("名称"), limit=200)
    flags = sorted(set(flags))
    if any(f not in DrawFilter.values for f in flags):
        raise ValidationError(_("筛选条件无效"), field="flags")
    candidates = list(
        draw_candidates(
            root=root, sector=sector, org_type=org_type, flags=flags, campaign=campaign
        ).values_list("pk", "path", "name")
    )
    if not candidates:
        raise ValidationError(_("没有符合条件的候选组织"), field="sector")
    if not 1 <= int(n) <= len(candidates):
        raise ValidationError(
            _("抽取数量应在 1 到 %(n)d 之间（候选组织 %(n)d 个）") % {"n": len(candidates)}, field="n"
        )
    public_value = _text(public_value, "public_value", _("公开随机数"), required=False, limit=200)
    seed = draws.seed_from_public_value(public_value)
    ids = [c[0] for c in candidates]
    draw = SpotCheckDraw.objects.create(
        organisation=root,
        title=title,
        filters={
            "root": root.pk,
            "sector": sector,
            "org_type": org_type,
            "flags": flags,
            "campaign": campaign.pk if campaign else None,
        },
        public_value=public_value,
        seed=seed,
        algorithm=draws.ALGORITHM,
        candidates=[list(c) for c in candidates],
        candidate_digest=draws.candidate_digest(ids),
        n=int(n),
        chosen_ids=draws.draw_select(seed, ids, int(n)),
        created_by=actor,
    )
    audit_log(
        actor=actor,
        action="draw.create",
        obj=draw,
        scope_path=root.path,
        after={"seed": seed, "n": draw.n, "chosen": draw.chosen_ids},
        extra={"candidates": len(ids), "digest": draw.candidate_digest},
    )
    return draw


# ---------------------------------------------------------------- notices (通报)


def _next_number(org: Organisation, prefix: str, year: int) -> int:
    top = Notice.objects.filter(organisation=org, number_prefix=prefix, year=year).aggregate(m=Max("number"))[
        "m"
    ]
    return (top or 0) + 1


@transaction.atomic
def notice_compose(
    *,
    actor,
    org: Organisation,
    campaign: Campaign | None = None,
    issuer_name: str = "",
    number_prefix: str = "创先争优办",
    today=None,
) -> Notice:
    """Draft a 通报 pre-filled from live data (documents.notice_facts); the office edits it before issuing."""
    from .documents import notice_draft_text

    if not is_office_over(actor, org):
        raise PermissionDeniedError(_("只有活动办公室可以起草通报"))
    today = today or timezone.localdate()
    title, body = notice_draft_text(org=org, campaign=campaign, today=today)
    number_prefix = _text(number_prefix, "number_prefix", _("机关代字"), limit=30)
    notice = Notice.objects.create(
        organisation=org,
        campaign=campaign,
        issuer_name=_text(
            issuer_name or f"{org.name}创先争优活动领导小组办公室", "issuer_name", _("发文机关"), limit=100
        ),
        number_prefix=number_prefix,
        year=today.year,
        number=_next_number(org, number_prefix, today.year),
        title=title,
        addressees=_("各基层党组织："),
        body=body,
        signed_on=today,
        created_by=actor,
    )
    audit_log(
        actor=actor,
        action="notice.compose",
        obj=notice,
        scope_path=org.path,
        after={"number": notice.doc_number},
    )
    return notice


NOTICE_FIELDS = ("issuer_name", "title", "addressees", "body", "signed_on", "number")


@transaction.atomic
def notice_update(*, actor, notice: Notice, **fields) -> Notice:
    notice = Notice.objects.select_for_update(of=("self",)).select_related("organisation").get(pk=notice.pk)
    if not is_office_over(actor, notice.organisation):
        raise PermissionDeniedError(_("只有活动办公室可以修改通报"))
    if notice.status != NoticeStatus.DRAFT:
        raise StateError(_("通报已印发，不能修改"))
    before = {k: getattr(notice, k) for k in NOTICE_FIELDS}
    notice.issuer_name = _text(
        fields.get("issuer_name", notice.issuer_name), "issuer_name", _("发文机关"), limit=100
    )
    notice.title = _text(fields.get("title", notice.title), "title", _("标题"), limit=200)
    notice.addressees = _text(
        fields.get("addressees", notice.addressees), "addressees", _("主送机关"), limit=300
    )
    notice.body = _text(fields.get("body", notice.body), "body", _("正文"), limit=50000)
    notice.signed_on = fields.get("signed_on") or notice.signed_on
    number = fields.get("number") or notice.number
    if (
        number != notice.number
        and Notice.objects.filter(
            organisation=notice.organisation,
            number_prefix=notice.number_prefix,
            year=notice.year,
            number=number,
        )
        .exclude(pk=notice.pk)
        .exists()
    ):
        raise ValidationError(_("发文字号%(n)s已被使用") % {"n": number}, field="number")
    notice.number = number
    notice.save()
    audit_log(
        actor=actor,
        action="notice.update",
        obj=notice,
        scope_path=notice.organisation.path,
        before={k: before[k] if k != "body" else len(before[k]) for k in before},
        after={k: getattr(notice, k) if k != "body" else len(notice.body) for k in NOTICE_FIELDS},
    )
    return notice


@transaction.atomic
def notice_issue(*, actor, notice: Notice) -> Notice:
    """印发: the notice becomes visible to the organisations below and their secretaries are told."""
    notice = Notice.objects.select_for_update(of=("self",)).select_related("organisation").get(pk=notice.pk)
    if not is_office_over(actor, notice.organisation):
        raise PermissionDeniedError(_("只有活动办公室可以印发通报"))
    now = timezone.now()
    before = _cas(
        Notice,
        notice,
        NOTICE_TRANSITIONS,
        NoticeAction.ISSUE,
        NoticeAction.ISSUE.label,
        issued_at=now,
        issued_by=actor,
    )
    audit_log(
        actor=actor,
        action="notice.issue",
        obj=notice,
        scope_path=notice.organisation.path,
        before={"status": before},
        after={"status": notice.status, "number": notice.doc_number},
    )
    # 主送: the scope's own secretaries and those one level below, who relay it down; everyone further down
    # reads it in the notice list (notice_list_for), not as a notice each (#20: a city-wide 通报 was one
    # inbox row per secretary in the city).
    addressed = Organisation.objects.filter(
        Q(pk=notice.organisation_id) | Q(parent_id=notice.organisation_id), is_active=True
    ).values("pk")
    recipients = users_with_role_on(addressed, Role.SECRETARY)
    notify(
        kind=Kind.BULLETIN,
        recipients=list(recipients),
        title=_("通报：%(t)s（%(n)s）") % {"t": notice.title, "n": notice.doc_number},
        body=notice.body[:200],
        url=reverse("supervision:notice-detail", args=[notice.pk]),
    )
    return notice
