"""Setting a round up: its groups, questions, targets, dates inside the campaign's step, settings."""

import datetime
from collections import Counter

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from pacesetter.campaigns.models import Campaign, CriteriaSet
from pacesetter.core.audit import audit_log
from pacesetter.core.errors import ValidationError
from pacesetter.core.locking import locked
from pacesetter.orgs.models import Member, Organisation
from pacesetter.orgs.selectors import distinct_labels

from ..enums import (
    CONDUCT_QUESTIONS,
    GroupKind,
    GroupMode,
    RoundKind,
    RoundStatus,
    Scale,
    Subject,
)
from ..errors import (
    RoundStateError,
)
from ..models import (
    K_MAX,
    K_MIN_FLOOR,
    MAX_QUESTIONS,
    Ballot,
    BallotCode,
    BallotSheet,
    MemberParticipation,
    RaterGroup,
    Round,
    RoundQuestion,
    RoundTarget,
    Suggestion,
)
from ..rules import can_manage_round
from .base import _require
from .grades import _clean_thresholds


def _clean_groups(groups: list[dict]) -> list[dict]:
    if not groups:
        raise ValidationError(_("请至少设置一个评议主体（评议人类别）"), field="groups")
    cleaned, names = [], set()
    for i, g in enumerate(groups, 1):
        name = (g.get("name") or "").strip()
        if not name:
            raise ValidationError(_("第 %(i)d 个评议主体没有名称") % {"i": i}, field="groups")
        if name in names:
            raise ValidationError(_("评议主体“%(n)s”重复") % {"n": name}, field="groups")
        names.add(name)
        try:
            weight = int(g.get("weight"))
        except (TypeError, ValueError):
            raise ValidationError(
                _("评议主体“%(n)s”的权重必须是整数") % {"n": name}, field="groups"
            ) from None
        if not 0 < weight <= 100:
            raise ValidationError(_("评议主体“%(n)s”的权重应在 1–100 之间") % {"n": name}, field="groups")
        kind = g.get("kind") or GroupKind.PUBLIC
        mode = g.get("mode") or GroupMode.CODES
        if kind not in GroupKind.values or mode not in GroupMode.values:
            raise ValidationError(_("评议主体“%(n)s”的类别或参评方式无效") % {"n": name}, field="groups")
        if mode == GroupMode.MEMBERS and any(c["mode"] == GroupMode.MEMBERS for c in cleaned):
            raise ValidationError(
                _("只能有一个“党员登录评议”的评议主体（“%(n)s”是第二个）") % {"n": name}, field="groups"
            )
        cleaned.append({"name": name, "weight": weight, "kind": kind, "mode": mode, "order": i})
    total = sum(g["weight"] for g in cleaned)
    if total != 100:
        raise ValidationError(
            _("各评议主体的权重合计必须为 100%%，现在是 %(t)d%%") % {"t": total}, field="groups"
        )
    return cleaned


def _questions_from(criteria_set: CriteriaSet | None, scale: str) -> list[dict]:
    if criteria_set is None:
        return [{"text": _("总体满意度"), "hint": "", "weight": 100}]
    items = list(criteria_set.items.prefetch_related("indicators").order_by("order", "id"))
    if not items:
        raise ValidationError(_("评价标准“%(n)s”没有标准项") % {"n": criteria_set.name}, field="criteria_set")
    if len(items) > MAX_QUESTIONS:
        raise ValidationError(_("一次评议最多 %(n)d 项内容") % {"n": MAX_QUESTIONS}, field="criteria_set")
    return [
        {
            "text": it.name,
            "hint": "、".join(ind.name for ind in it.indicators.all()) or it.description,
            "weight": it.weight,
        }
        for it in items
    ]


def _check_k(k_min) -> None:
    try:
        k = int(k_min)
    except (TypeError, ValueError):
        raise ValidationError(_("最少样本数 k 必须是整数"), field="k_min") from None
    if k < K_MIN_FLOOR:
        raise ValidationError(
            _("最少样本数 k 不能小于 %(n)d（太小的组会暴露个人意见）") % {"n": K_MIN_FLOOR}, field="k_min"
        )
    if k > K_MAX:
        raise ValidationError(_("最少样本数 k 不能大于 %(n)d") % {"n": K_MAX}, field="k_min")


def round_capability(kind: str) -> str | None:
    """The campaign step capability a round of this kind belongs to: 组织考核 or 群众评议; None for a
    具体标准征询问卷, which is not bound to a step."""
    from pacesetter.campaigns.enums import StepCapability

    if kind == RoundKind.SURVEY:
        return None
    return StepCapability.ASSESSMENT if kind == RoundKind.ASSESSMENT else StepCapability.BALLOTS


def _fmt_local(value: datetime.datetime) -> str:
    return f"{timezone.localtime(value):%Y-%m-%d %H:%M}"


def require_in_step_window(
    *, campaign: Campaign, organisation: Organisation, kind: str, opens_at, closes_at
) -> None:
    """A round of a campaign runs inside the campaign's 群众评议 (or 组织考核) step, extensions included.

    A campaign that schedules no such step sets no limit. The error names the step and its dates.
    """
    from pacesetter.campaigns.windows import capability_schedule

    capability = round_capability(kind)
    if capability is None:
        return
    windows = capability_schedule(campaign=campaign, capability=capability, org=organisation)
    if not windows or any(opens <= opens_at and closes_at <= closes for _s, opens, closes, _e in windows):
        return
    spans = "；".join(
        _("%(stage)s“%(step)s” %(a)s 至 %(b)s")
        % {
            "stage": s.stage.name,
            "step": s.get_kind_display(),
            "a": _fmt_local(opens),
            "b": _fmt_local(closes),
        }
        for s, opens, closes, _e in windows
    )
    raise ValidationError(
        _(
            "评议时间必须在活动“%(c)s”安排的步骤时间内：%(spans)s。请调整开始和截止时间，或请活动办公室调整步骤时间"
        )
        % {"c": campaign.name, "spans": spans},
        field="opens_at",
    )


def default_window(*, campaign: Campaign, organisation: Organisation, kind: str):
    """(opens, closes) of the campaign's step for this kind that has not closed yet, else None."""
    from pacesetter.campaigns.windows import capability_schedule

    capability = round_capability(kind)
    if capability is None:
        return None
    now = timezone.now()
    for _s, opens, closes, _e in capability_schedule(
        campaign=campaign, capability=capability, org=organisation
    ):
        if closes > now:
            return opens, closes
    return None


@transaction.atomic
def round_create(
    *,
    actor,
    organisation: Organisation,
    name: str,
    kind: str,
    scale: str,
    opens_at: datetime.datetime,
    closes_at: datetime.datetime,
    groups: list[dict],
    target_orgs: list[Organisation] | None = None,
    target_members: list[Member] | None = None,
    campaign: Campaign | None = None,
    criteria_set: CriteriaSet | None = None,
    k_min: int = 5,
    satisfaction_threshold: int = 60,
    grade_thresholds: dict | None = None,
) -> Round:
    """Create a round in draft with frozen copies of the questions, its targets and rater groups."""
    _require(actor is None or can_manage_round(actor, Round(organisation=organisation)))
    name = (name or "").strip()
    if not name:
        raise ValidationError(_("请填写评议名称"), field="name")
    if kind not in RoundKind.values:
        raise ValidationError(_("评议类型无效"), field="kind")
    if scale not in Scale.values:
        raise ValidationError(_("答案选项无效"), field="scale")
    if not opens_at or not closes_at or closes_at <= opens_at:
        raise ValidationError(_("截止时间必须晚于开始时间"), field="closes_at")
    _check_k(k_min)
    if not 0 <= int(satisfaction_threshold) <= 100:
        raise ValidationError(_("满意度警戒线应在 0–100 之间"), field="satisfaction_threshold")
    grade_thresholds = _clean_thresholds(grade_thresholds)
    if criteria_set is not None:
        if campaign is None:
            campaign = criteria_set.campaign
        if criteria_set.campaign_id != campaign.pk:
            raise ValidationError(_("评价标准不属于所选活动"), field="criteria_set")
    if campaign is not None and not organisation.path.startswith(campaign.organisation.path):
        raise ValidationError(_("该组织不在活动“%(c)s”的范围内") % {"c": campaign.name}, field="campaign")
    if campaign is not None:
        require_in_step_window(
            campaign=campaign, organisation=organisation, kind=kind, opens_at=opens_at, closes_at=closes_at
        )
    cleaned_groups = _clean_groups(groups)
    if target_members:
        subject = Subject.MEMBER
        if criteria_set is not None and criteria_set.subject != "member":
            raise ValidationError(_("评议党员应使用针对党员的评价标准（如五带头）"), field="criteria_set")
        members = [m for m in target_members if m.organisation.path.startswith(organisation.path)]
        shared = {name for name, n in Counter(m.name for m in members).items() if n > 1}
        # two members of the same name are told apart by their organisation (as on the roster)
        targets = [
            RoundTarget(
                member=m,
                name=f"{m.name}（{m.organisation.name}）" if m.name in shared else m.name,
                sector=m.organisation.sector,
                order=i,
            )
            for i, m in enumerate(members)
        ]
    else:
        subject = Subject.ORGANISATION
        if criteria_set is not None and criteria_set.subject != "org" and kind != RoundKind.SURVEY:
            raise ValidationError(_("评议党组织应使用针对党组织的评价标准（如五个好）"), field="criteria_set")
        orgs = [o for o in target_orgs or [] if o.path.startswith(organisation.path)]
        # several 英语教研组党支部 on one ballot are told apart by their parent (the copy is published)
        labels = distinct_labels(orgs)
        targets = [
            RoundTarget(organisation=o, name=labels[o.pk], sector=o.sector, order=i)
            for i, o in enumerate(orgs)
        ]
    if not targets:
        raise ValidationError(_("请选择至少一个评议对象（须在本组织范围内）"), field="targets")
    if kind == RoundKind.ASSESSMENT and subject != Subject.MEMBER:
        raise ValidationError(_("组织考核的对象是党员"), field="kind")
    if kind == RoundKind.CONDUCT and subject != Subject.ORGANISATION:
        raise ValidationError(_("行风政风评议的对象是机关和服务窗口（组织），不是党员"), field="kind")
    if kind == RoundKind.SURVEY:
        if criteria_set is None:
            raise ValidationError(_("具体标准征询问卷须选择要征询意见的评价标准"), field="criteria_set")
        if subject != Subject.ORGANISATION or [t.organisation_id for t in targets] != [organisation.pk]:
            raise ValidationError(
                _("具体标准征询问卷的对象是组织单位本身，由本组织党员填写"), field="target_mode"
            )
    if kind == RoundKind.CONDUCT and criteria_set is None:
        # Stored in Chinese, like criteria items: they are the data of the ballot file.
        questions = [{"text": text, "hint": hint, "weight": 25} for text, hint in CONDUCT_QUESTIONS]
    else:
        questions = _questions_from(criteria_set, scale)
    round_ = Round.objects.create(
        name=name,
        organisation=organisation,
        campaign=campaign,
        criteria_set=criteria_set,
        kind=kind,
        subject=subject,
        scale=scale,
        opens_at=opens_at,
        closes_at=closes_at,
        k_min=int(k_min),
        satisfaction_threshold=int(satisfaction_threshold),
        grade_thresholds=grade_thresholds,
        created_by=actor,
    )
    RoundQuestion.objects.bulk_create(
        [RoundQuestion(round=round_, position=i, **q) for i, q in enumerate(questions, 1)]
    )
    for t in targets:
        t.round = round_
    RoundTarget.objects.bulk_create(targets)
    RaterGroup.objects.bulk_create([RaterGroup(round=round_, **g) for g in cleaned_groups])
    audit_log(
        actor=actor,
        action="evaluation.round.create",
        obj=round_,
        scope_path=organisation.path,
        after={"name": name, "kind": kind, "status": round_.status},
        extra={"targets": len(targets), "groups": [f"{g['name']} {g['weight']}%" for g in cleaned_groups]},
    )
    return round_


ROUND_SETTINGS = ("name", "opens_at", "closes_at", "k_min", "satisfaction_threshold", "grade_thresholds")


@transaction.atomic
def round_update(*, actor, round_: Round, weights: dict | None = None, **changes) -> Round:
    """Correct a round's settings before it opens; once open, only move its deadline (延期); closed: nothing.

    `changes` may name ROUND_SETTINGS; `weights` maps rater group id → weight (the groups themselves stay,
    since codes belong to them). Checked like round_create (window, step window of the campaign, k, lines).
    """
    _require(can_manage_round(actor, round_))
    unknown = set(changes) - set(ROUND_SETTINGS)
    if unknown:
        raise ValidationError(
            _("不能修改：%(f)s") % {"f": "、".join(sorted(unknown))}, field=sorted(unknown)[0]
        )
    current = locked(Round.objects.select_related("organisation", "campaign"), round_.pk)
    changes = {k: v for k, v in changes.items() if v is not None and v != getattr(current, k)}
    groups = list(RaterGroup.objects.filter(round=current).order_by("order", "id"))
    new_weights = {}
    if weights:
        by_id = {g.pk: g for g in groups}
        if set(map(int, weights)) - set(by_id):
            raise ValidationError(_("该评议没有这个评议主体"), field="weights")
        new_weights = {int(k): v for k, v in weights.items() if by_id[int(k)].weight != _int_or(v)}
    if not changes and not new_weights:
        return current
    if current.status == RoundStatus.CLOSED:
        raise RoundStateError(_("评议已结束，不能修改；如需重新开放，请联系活动办公室"))
    if current.status == RoundStatus.OPEN and (set(changes) - {"closes_at"} or new_weights):
        raise RoundStateError(_("评议已开始，只能修改截止时间（延期或提前结束）"))
    if "name" in changes:
        changes["name"] = (changes["name"] or "").strip()
        if not changes["name"]:
            raise ValidationError(_("请填写评议名称"), field="name")
    opens_at = changes.get("opens_at", current.opens_at)
    closes_at = changes.get("closes_at", current.closes_at)
    if closes_at <= opens_at:
        raise ValidationError(_("截止时间必须晚于开始时间"), field="closes_at")
    if current.status == RoundStatus.OPEN and closes_at <= timezone.now():
        raise ValidationError(_("截止时间不能早于现在；要立即结束，请点“改为已结束”"), field="closes_at")
    if "k_min" in changes:
        _check_k(changes["k_min"])
    if "satisfaction_threshold" in changes and not 0 <= int(changes["satisfaction_threshold"]) <= 100:
        raise ValidationError(_("满意度警戒线应在 0–100 之间"), field="satisfaction_threshold")
    if "grade_thresholds" in changes:
        changes["grade_thresholds"] = _clean_thresholds(changes["grade_thresholds"])
        if changes["grade_thresholds"] == current.grade_thresholds:
            del changes["grade_thresholds"]
    if new_weights:
        cleaned = _clean_groups(
            [
                {"name": g.name, "kind": g.kind, "mode": g.mode, "weight": new_weights.get(g.pk, g.weight)}
                for g in groups
            ]
        )
        new_weights = {
            g.pk: c["weight"] for g, c in zip(groups, cleaned, strict=True) if g.weight != c["weight"]
        }
        for group_id, weight in new_weights.items():
            RaterGroup.objects.filter(pk=group_id).update(weight=weight)
    if current.campaign_id and ({"opens_at", "closes_at"} & set(changes)):
        require_in_step_window(
            campaign=current.campaign,
            organisation=current.organisation,
            kind=current.kind,
            opens_at=opens_at,
            closes_at=closes_at,
        )
    before = {k: getattr(current, k) for k in changes}
    before.update({f"weight:{g.name}": g.weight for g in groups if g.pk in new_weights})
    Round.objects.filter(pk=current.pk).update(**changes, version=F("version") + 1)
    current.refresh_from_db()
    after = {k: getattr(current, k) for k in changes}
    after.update({f"weight:{g.name}": new_weights[g.pk] for g in groups if g.pk in new_weights})
    audit_log(
        actor=actor,
        action="evaluation.round.update",
        obj=current,
        before=before,
        after=after,
    )
    return current


def _int_or(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return value


def _clean_questions(questions: list[dict]) -> list[dict]:
    """Text 1–200 characters, a relative weight 1–100, at most MAX_QUESTIONS; errors name the row."""
    # Numbered as given (an editor's blank rows are skipped but keep the numbering the user sees).
    rows = [
        (i, q)
        for i, q in enumerate(questions or [], 1)
        if (q.get("text") or "").strip() or (q.get("hint") or "").strip()
    ]
    if not rows:
        raise ValidationError(_("请至少填写一项评议内容"), field="questions")
    if len(rows) > MAX_QUESTIONS:
        raise ValidationError(_("评议内容最多 %(n)d 项") % {"n": MAX_QUESTIONS}, field="questions")
    cleaned, seen = [], set()
    for i, q in rows:
        text = (q.get("text") or "").strip()
        if not text:
            raise ValidationError(_("第 %(i)d 项只有说明，没有评议内容") % {"i": i}, field=f"q{i}_text")
        if len(text) > 200:
            raise ValidationError(_("第 %(i)d 项评议内容超过 200 字") % {"i": i}, field=f"q{i}_text")
        if text in seen:
            raise ValidationError(_("评议内容“%(t)s”重复") % {"t": text}, field=f"q{i}_text")
        seen.add(text)
        raw = q.get("weight")
        try:
            weight = int(raw) if raw not in (None, "") else 100
        except (TypeError, ValueError):
            raise ValidationError(
                _("第 %(i)d 项“%(t)s”的权重必须是整数") % {"i": i, "t": text}, field=f"q{i}_weight"
            ) from None
        if not 1 <= weight <= 100:
            raise ValidationError(
                _("第 %(i)d 项“%(t)s”的权重应在 1–100 之间") % {"i": i, "t": text}, field=f"q{i}_weight"
            )
        cleaned.append({"text": text, "hint": (q.get("hint") or "").strip(), "weight": weight})
    return cleaned


MAX_TARGETS = 2000


def round_set_up(
    *,
    actor,
    organisation: Organisation,
    target_mode: str,
    campaign: Campaign | None = None,
    criteria_set: CriteriaSet | None = None,
    opens_at: datetime.datetime | None = None,
    closes_at: datetime.datetime | None = None,
    **fields,
) -> Round:
    """round_create over a whole subtree, as the page and the API set rounds up.

    target_mode "orgs": every active organisation below `organisation`; "members": every active member in
    its subtree. A round of a campaign may leave its dates out: it then takes the campaign's step window.
    """
    from pacesetter.orgs.selectors import subtree_q

    from ..selectors import targets_in_subtree

    if target_mode not in ("orgs", "members"):
        raise ValidationError(_("评议对象只能是“下级党组织”或“本组织党员”"), field="target_mode")
    if fields.get("kind") == RoundKind.SURVEY:
        if criteria_set is None:
            raise ValidationError(_("具体标准征询问卷须选择要征询意见的评价标准"), field="criteria_set")
        # the one target is the organisation whose standard is being worded
        target_mode = "self"
    if campaign is None and criteria_set is not None:
        campaign = criteria_set.campaign
    if campaign is not None and not (opens_at and closes_at):
        window = default_window(campaign=campaign, organisation=organisation, kind=fields.get("kind", ""))
        if window is None:
            raise ValidationError(
                _("活动“%(c)s”没有尚未结束的评议步骤，请填写开始和截止时间") % {"c": campaign.name},
                field="opens_at",
            )
        opens_at, closes_at = opens_at or window[0], closes_at or window[1]
    if not (opens_at and closes_at):
        raise ValidationError(_("请填写开始和截止时间"), field="opens_at")
    if target_mode == "self":
        targets = {"target_orgs": [organisation]}
        count = 1
    elif target_mode == "members":
        targets = {
            "target_members": list(
                Member.objects.select_related("organisation")
                .filter(subtree_q(organisation.path, "organisation__path"), is_active=True)
                .order_by("organisation__path", "name", "id")[: MAX_TARGETS + 1]
            )
        }
        count = len(targets["target_members"])
    else:
        targets = {"target_orgs": list(targets_in_subtree(organisation)[: MAX_TARGETS + 1])}
        count = len(targets["target_orgs"])
    if count > MAX_TARGETS:
        raise ValidationError(
            _("评议对象超过 %(n)d 个，请在下一级组织分别组织评议") % {"n": MAX_TARGETS}, field="organisation"
        )
    return round_create(
        actor=actor,
        organisation=organisation,
        campaign=campaign,
        criteria_set=criteria_set,
        opens_at=opens_at,
        closes_at=closes_at,
        **targets,
        **fields,
    )


@transaction.atomic
def round_questions_set(*, actor, round_: Round, questions: list[dict], scale: str | None = None) -> Round:
    """Replace the questions (and optionally the answer scale) until the first real ballot freezes them.

    Refused once frozen or after close. In trial mode the test ballots no longer fit the new questions,
    so they are discarded (and their codes made usable again), as they would be on opening.
    """
    _require(can_manage_round(actor, round_))
    is_locked, status, old_scale = (
        Round.objects.select_for_update(of=("self",))
        .filter(pk=round_.pk)
        .values_list("questions_locked", "status", "scale")
        .get()
    )
    if is_locked or status == RoundStatus.CLOSED:
        raise RoundStateError(_("已有正式选票，评议内容和答案选项已冻结，不能修改"))
    scale = scale or old_scale
    if scale not in Scale.values:
        raise ValidationError(_("答案选项无效"), field="scale")
    cleaned = _clean_questions(questions)
    before = [
        {"text": t, "weight": w}
        for t, w in round_.questions.order_by("position").values_list("text", "weight")
    ]
    discarded = _discard_trial(round_) if status == RoundStatus.TRIAL else 0
    round_.questions.all().delete()
    RoundQuestion.objects.bulk_create(
        [RoundQuestion(round=round_, position=i, **q) for i, q in enumerate(cleaned, 1)]
    )
    Round.objects.filter(pk=round_.pk).update(version=F("version") + 1, scale=scale)
    round_.refresh_from_db()
    audit_log(
        actor=actor,
        action="evaluation.round.questions",
        obj=round_,
        before={"questions": before, "scale": old_scale},
        after={"questions": [{"text": q["text"], "weight": q["weight"]} for q in cleaned], "scale": scale},
        extra={"discarded_trial_sheets": discarded} if discarded else None,
    )
    return round_


def _discard_trial(round_: Round) -> int:
    """Test ballots and test participation go; codes used in the trial become unspent again."""
    n = BallotSheet.objects.filter(round=round_).count()
    Ballot.objects.filter(round=round_).delete()
    BallotSheet.objects.filter(round=round_).delete()
    MemberParticipation.objects.filter(round=round_).delete()
    BallotCode.objects.filter(round=round_, spent=True).update(spent=False, channel="")
    Suggestion.objects.filter(round=round_).delete()  # trial 意见建议 go with the trial ballots
    return n
