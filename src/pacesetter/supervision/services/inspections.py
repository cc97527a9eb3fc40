"""Writes for leader reviews (领导点评) and supervision (督促检查): inspections."""

import datetime

from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from pacesetter.campaigns.models import Campaign
from pacesetter.core.audit import audit_log, audit_status
from pacesetter.core.errors import PermissionDeniedError, StateError, ValidationError
from pacesetter.core.locking import locked
from pacesetter.core.people import display_name
from pacesetter.core.transitions import status_cas
from pacesetter.evaluations.models import LowSatisfactionCase
from pacesetter.notifications.kinds import Kind
from pacesetter.notifications.services import notify
from pacesetter.orgs.enums import Role
from pacesetter.orgs.models import Organisation, RoleGrant
from pacesetter.orgs.selectors import subtree_q
from pacesetter.orgs.services import acting_for

from .. import draws
from ..enums import (
    INSPECTION_TRANSITIONS,
    OPEN_RECTIFICATION,
    DrawFilter,
    InspectionAction,
    InspectionStatus,
    Method,
)
from ..models import (
    Finding,
    Inspection,
    InspectionTeam,
    Rectification,
    SpotCheckDraw,
)
from ..rules import (
    can_act_on_inspection,
    can_file_inspection,
    can_supervise,
    is_office_over,
)
from ._common import _text

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
            _("%(names)s不是本范围内的督查人员") % {"names": "、".join(display_name(m) for m in bad)},
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
    inspection = locked(Inspection.objects.select_related("organisation", "team"), inspection.pk)
    if not can_file_inspection(actor, inspection):
        if inspection.status != InspectionStatus.PLANNED:
            raise StateError(_("该督查已%(s)s") % {"s": inspection.get_status_display()})
        raise PermissionDeniedError(_("只有督查小组成员或活动办公室可以填写督查记录"))
    record = _text(record, "record", _("督查记录"), limit=20000)
    now = timezone.now()
    before = status_cas(
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
    audit_status(actor, "inspection.file", inspection, before, extra={"findings": len(texts)})
    return inspection


@transaction.atomic
def inspection_cancel(*, actor, inspection: Inspection, reason: str = "") -> Inspection:
    """取消督查: only a planned inspection; the team (and, unless unannounced, the organisation) is told."""
    inspection = locked(Inspection.objects.select_related("organisation", "team"), inspection.pk)
    if not can_act_on_inspection(actor, inspection):
        raise PermissionDeniedError(_("只有督查小组成员或活动办公室可以取消督查"))
    reason = _text(reason, "reason", _("取消原因"), required=False, limit=500)
    before = status_cas(
        Inspection, inspection, INSPECTION_TRANSITIONS, InspectionAction.CANCEL, InspectionAction.CANCEL.label
    )
    audit_status(actor, "inspection.cancel", inspection, before, extra={"reason": reason})
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
