"""Writes for evaluations: set up and run rounds, generate codes, cast ballots, close, publish, rectify.

Casting is the hot path (a meeting of 300 people scanning at once): one read of the code with its round,
then ONE transaction that spends the code with a conditional UPDATE (rowcount must be 1) and inserts the
sheet and its ballots. Nothing in it names the rater.
"""

import datetime
import functools
import hashlib
import json
import secrets
import time
import uuid
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal

from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from pacesetter.campaigns.models import Campaign, CriteriaSet
from pacesetter.core import codes as codebook
from pacesetter.core.audit import audit_log
from pacesetter.core.context import current_ip
from pacesetter.core.errors import PermissionDeniedError, ValidationError
from pacesetter.notifications.kinds import Kind
from pacesetter.notifications.services import notify
from pacesetter.orgs.enums import Role
from pacesetter.orgs.models import Member, Organisation, RoleGrant
from pacesetter.orgs.selectors import distinct_labels

from .enums import (
    DEFAULT_GRADE_THRESHOLDS,
    ROUND_TRANSITIONS,
    CaseStatus,
    Channel,
    GroupKind,
    GroupMode,
    RoundKind,
    RoundStatus,
    Scale,
    Subject,
)
from .errors import (
    AlreadyVotedError,
    BallotIncompleteError,
    CodeSpentError,
    CodeUnknownError,
    RateLimitedError,
    RoundNotOpenError,
    RoundStateError,
)
from .models import (
    K_MAX,
    K_MIN_FLOOR,
    MAX_QUESTIONS,
    Ballot,
    BallotCode,
    BallotSheet,
    CodeAttempt,
    LowSatisfactionCase,
    MemberGrade,
    MemberParticipation,
    RaterGroup,
    Round,
    RoundQuestion,
    RoundTarget,
)
from .rules import can_answer_case, can_enter_paper_ballots, can_manage_round, can_reopen_round
from .selectors import BallotForm, ballot_form, member_group_for, member_may_vote, round_accepts_ballots

MAX_CODES_PER_BATCH = 5000
# Failed code entries allowed per client address per window. Only failures count: a meeting of 300
# people behind one Wi-Fi address must not lock itself out, while guessing (59-bit codes) stays hopeless.
MAX_FAILED_CODES = 20
ATTEMPT_WINDOW_SECONDS = 600


def _require(ok: bool) -> None:
    if not ok:
        raise PermissionDeniedError()


# ---------------------------------------------------------------- set-up


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


def _clean_thresholds(thresholds: dict | None) -> dict:
    """优秀 > 合格 > 基本合格 score lines, each 0–100; missing ones take the defaults."""
    cleaned = dict(DEFAULT_GRADE_THRESHOLDS)
    labels = {"excellent": _("优秀"), "qualified": _("合格"), "basic": _("基本合格")}
    for key, label in labels.items():
        value = (thresholds or {}).get(key)
        if value in (None, ""):
            continue
        try:
            value = int(value)
        except (TypeError, ValueError):
            raise ValidationError(_("“%(g)s”分数线必须是整数") % {"g": label}, field=f"grade_{key}") from None
        if not 0 <= value <= 100:
            raise ValidationError(_("“%(g)s”分数线应在 0–100 之间") % {"g": label}, field=f"grade_{key}")
        cleaned[key] = value
    if not cleaned["excellent"] > cleaned["qualified"] > cleaned["basic"]:
        raise ValidationError(
            _("分数线须依次降低：优秀 %(e)d > 合格 %(q)d > 基本合格 %(b)d")
            % {"e": cleaned["excellent"], "q": cleaned["qualified"], "b": cleaned["basic"]},
            field="grade_qualified",
        )
    return cleaned


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


def round_capability(kind: str) -> str:
    """The campaign step capability a round of this kind belongs to: 组织考核 or 群众评议."""
    from pacesetter.campaigns.enums import StepCapability

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

    windows = capability_schedule(campaign=campaign, capability=round_capability(kind), org=organisation)
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

    now = timezone.now()
    for _s, opens, closes, _e in capability_schedule(
        campaign=campaign, capability=round_capability(kind), org=organisation
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
        if criteria_set is not None and criteria_set.subject != "org":
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
    current = (
        Round.objects.select_for_update(of=("self",))
        .select_related("organisation", "campaign")
        .get(pk=round_.pk)
    )
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
        scope_path=current.organisation.path,
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

    from .selectors import targets_in_subtree

    if target_mode not in ("orgs", "members"):
        raise ValidationError(_("评议对象只能是“下级党组织”或“本组织党员”"), field="target_mode")
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
    if target_mode == "members":
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
        scope_path=round_.organisation.path,
        before={"questions": before, "scale": old_scale},
        after={"questions": [{"text": q["text"], "weight": q["weight"]} for q in cleaned], "scale": scale},
        extra={"discarded_trial_sheets": discarded} if discarded else None,
    )
    return round_


# ---------------------------------------------------------------- status


def _discard_trial(round_: Round) -> int:
    """Test ballots and test participation go; codes used in the trial become unspent again."""
    n = BallotSheet.objects.filter(round=round_).count()
    Ballot.objects.filter(round=round_).delete()
    BallotSheet.objects.filter(round=round_).delete()
    MemberParticipation.objects.filter(round=round_).delete()
    BallotCode.objects.filter(round=round_, spent=True).update(spent=False, channel="")
    return n


@transaction.atomic
def round_transition(*, actor, round_: Round, to_status: str) -> Round:
    """Change a round's status along ROUND_TRANSITIONS (compare-and-set), with the side effects of each step."""
    if round_.status == RoundStatus.CLOSED and to_status == RoundStatus.OPEN:
        _require(can_reopen_round(actor, round_))
    else:
        _require(can_manage_round(actor, round_))
    return _transition(actor=actor, round_=round_, to_status=to_status)


def rounds_close_due(*, now=None) -> int:
    """Close every open round whose deadline has passed, as the system (the worker's sweep).

    Closing is what publishes the digest, flags low satisfaction and files grades: it must not wait for
    somebody to remember to press the button. Each round is closed in its own transaction.
    """
    now = now or timezone.now()
    closed = 0
    for round_ in Round.objects.select_related("organisation").filter(
        status=RoundStatus.OPEN, closes_at__lte=now
    ):
        try:
            with transaction.atomic():
                _transition(actor=None, round_=round_, to_status=RoundStatus.CLOSED, extra={"auto": True})
        except RoundStateError:
            continue  # closed by someone else meanwhile
        closed += 1
    return closed


def _transition(*, actor, round_: Round, to_status: str, extra: dict | None = None) -> Round:
    current = round_.status
    if to_status not in ROUND_TRANSITIONS.get(current, frozenset()):
        raise RoundStateError(
            _("评议“%(n)s”当前为“%(a)s”，不能改为“%(b)s”")
            % {"n": round_.name, "a": RoundStatus(current).label, "b": RoundStatus(to_status).label}
        )
    now = timezone.now()
    fields: dict = {"status": to_status}
    extra = dict(extra or {})
    if to_status == RoundStatus.OPEN and current in (RoundStatus.DRAFT, RoundStatus.TRIAL):
        if round_.campaign_id:  # the campaign's steps may have moved since the round was set up
            require_in_step_window(
                campaign=Campaign.objects.get(pk=round_.campaign_id),
                organisation=round_.organisation,
                kind=round_.kind,
                opens_at=round_.opens_at,
                closes_at=round_.closes_at,
            )
        extra["discarded_trial_sheets"] = _discard_trial(round_)
    if to_status == RoundStatus.CLOSED:
        _close_lock()
        digest, count = receipts_digest(round_)
        fields.update(digest=digest, ballot_count=count, closed_at=now)
        extra.update(digest=digest, ballots=count)
    if current == RoundStatus.CLOSED:
        fields.update(digest="", closed_at=None, published=False)
    changed = Round.objects.filter(pk=round_.pk, status=current).update(**fields)
    if not changed:
        raise RoundStateError(_("评议状态已被他人修改，请刷新后重试"))
    for k, v in fields.items():
        setattr(round_, k, v)
    if to_status == RoundStatus.CLOSED:
        extra["low_satisfaction"] = _flag_low_satisfaction(round_)
        if round_.kind == RoundKind.ASSESSMENT:
            extra["grades"] = _grade_members(round_)
    audit_log(
        actor=actor,
        action="evaluation.round.reopen" if current == RoundStatus.CLOSED else "evaluation.round.status",
        obj=round_,
        scope_path=round_.organisation.path,
        before={"status": current},
        after={"status": to_status},
        extra=extra,
    )
    return round_


def receipts_digest(round_: Round) -> tuple[str, int]:
    """sha256 over the round's receipts, sorted, one per line: reveals nothing about order of casting."""
    h = hashlib.sha256()
    n = 0
    for receipt in (
        BallotSheet.objects.filter(round=round_)
        .order_by("receipt")
        .values_list("receipt", flat=True)
        .iterator(chunk_size=5000)
    ):
        h.update(receipt.encode() + b"\n")
        n += 1
    return h.hexdigest(), n


@transaction.atomic
def round_publish(*, actor, round_: Round, published: bool = True) -> Round:
    _require(can_manage_round(actor, round_))
    if round_.status != RoundStatus.CLOSED:
        raise RoundStateError(_("评议结束后才能公开结果"))
    Round.objects.filter(pk=round_.pk).update(published=published)
    round_.published = published
    audit_log(
        actor=actor,
        action="evaluation.round.publish" if published else "evaluation.round.unpublish",
        obj=round_,
        scope_path=round_.organisation.path,
        after={"published": published},
    )
    return round_


def _flag_low_satisfaction(round_: Round) -> int:
    """Open a rectification case for every target below the threshold; notify the secretaries who answer.

    An organisation answers for itself; a member's case goes to the secretary of the member's organisation.
    """
    from .results import round_results

    results = round_results(round_)
    flagged = [t for t in results.targets if t.low_satisfaction]
    if round_.is_member_subject and flagged:
        org_of = dict(
            Member.objects.filter(pk__in=[t.member_id for t in flagged]).values_list("pk", "organisation_id")
        )
        for t in flagged:
            t.organisation_id = org_of[t.member_id]
    existing = set(LowSatisfactionCase.objects.filter(round=round_).values_list("target_id", flat=True))
    cases = [
        LowSatisfactionCase(
            round=round_,
            target_id=t.target_id,
            organisation_id=t.organisation_id,
            satisfaction=Decimal(str(round(t.satisfaction, 1))),
        )
        for t in flagged
        if t.target_id not in existing
    ]
    LowSatisfactionCase.objects.bulk_create(cases)
    _open_engine_cases(round_, [c.pk for c in cases] if all(c.pk for c in cases) else None)
    if cases:
        org_ids = [c.organisation_id for c in cases]
        secretaries = {
            g.user
            for g in RoleGrant.objects.select_related("user").filter(
                organisation_id__in=org_ids, role=Role.SECRETARY, revoked_at__isnull=True
            )
        }
        notify(
            kind=Kind.EVALUATION,
            recipients=secretaries,
            title=_("满意度过低 — 需分析原因、整改提高：%(n)s") % {"n": round_.name},
            body=_("请在“评议整改”中报送原因分析和整改措施。"),
            url="/evaluations/cases/",
        )
    return len(cases)


def _open_engine_cases(round_: Round, ids) -> None:
    """Each new low-satisfaction case is a case on the one engine (complaints.Case, kind low_satisfaction)."""
    from pacesetter.complaints.enums import CaseKind
    from pacesetter.complaints.services import LOW_SATISFACTION_SOURCE, case_open

    qs = LowSatisfactionCase.objects.select_related("organisation").filter(round=round_, case__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    for low in qs:
        case, _password = case_open(
            actor=None,
            kind=CaseKind.LOW_SATISFACTION,
            organisation=low.organisation,
            text=_("“%(r)s”群众评议满意度 %(s)s%%，低于要求，请分析原因、整改提高。")
            % {"r": round_.name, "s": low.satisfaction},
            source_type=LOW_SATISFACTION_SOURCE,
            source_id=low.pk,
            quiet=True,
        )
        LowSatisfactionCase.objects.filter(pk=low.pk).update(case=case)


def _grade_members(round_: Round) -> int:
    """组织考核: a grade per member from the round's weighted score, stored for commendation."""
    from .results import round_results

    results = round_results(round_)
    MemberGrade.objects.filter(round=round_).delete()
    rows = [
        MemberGrade(
            round=round_,
            member_id=t.member_id,
            score=Decimal(str(round(t.score, 1))) if t.score is not None else None,
            grade=t.grade,
            sample=t.sample,
        )
        for t in results.targets
        if t.member_id is not None
    ]
    MemberGrade.objects.bulk_create(rows)
    return len(rows)


# ---------------------------------------------------------------- codes


@transaction.atomic
def codes_generate(*, actor, round_: Round, group: RaterGroup, count: int) -> list[str]:
    """N fresh codes for a code group; the clear codes are returned once (for the slips) and never stored."""
    _require(can_manage_round(actor, round_))
    if group.round_id != round_.pk or group.mode != GroupMode.CODES:
        raise ValidationError(_("该评议主体不使用评议码"), field="group")
    if round_.status == RoundStatus.CLOSED:
        raise RoundStateError(_("评议已结束，不能再生成评议码"))
    if not 1 <= int(count) <= MAX_CODES_PER_BATCH:
        raise ValidationError(_("每次可生成 1–%(n)d 个评议码") % {"n": MAX_CODES_PER_BATCH}, field="count")
    batch = (
        BallotCode.objects.filter(round=round_, group=group)
        .order_by("-batch")
        .values_list("batch", flat=True)
        .first()
        or 0
    ) + 1
    clear = set()
    while len(clear) < int(count):
        clear.add(codebook.code_generate())
    clear_list = sorted(clear)
    BallotCode.objects.bulk_create(
        [
            BallotCode(round=round_, group=group, code_hash=codebook.code_hash(c), batch=batch)
            for c in clear_list
        ]
    )
    audit_log(
        actor=actor,
        action="evaluation.codes.generate",
        obj=round_,
        scope_path=round_.organisation.path,
        extra={"group": group.name, "count": len(clear_list), "batch": batch},
    )
    return clear_list


# ---------------------------------------------------------------- rate limit


def _client_key(client: str | None) -> str:
    return hashlib.sha256(f"pacesetter-client:{client or '-'}".encode()).hexdigest()


def code_attempts_check(client: str | None) -> None:
    window = int(time.time()) // ATTEMPT_WINDOW_SECONDS
    # [:1], not .first(): first() adds ORDER BY id, and PostgreSQL may then walk the primary key.
    failures = next(
        iter(
            CodeAttempt.objects.filter(client=_client_key(client), window=window).values_list(
                "failures", flat=True
            )[:1]
        ),
        None,
    )
    if failures is not None and failures >= MAX_FAILED_CODES:
        raise RateLimitedError()


def code_attempt_failed(client: str | None) -> None:
    """Count a failed entry in the database, shared by every worker (update, else insert; a race retries)."""
    key, window = _client_key(client), int(time.time()) // ATTEMPT_WINDOW_SECONDS
    for _i in range(2):
        if CodeAttempt.objects.filter(client=key, window=window).update(failures=F("failures") + 1):
            return
        try:
            with transaction.atomic():
                CodeAttempt.objects.create(client=key, window=window, failures=1)
            return
        except IntegrityError:
            continue


# ---------------------------------------------------------------- casting


def canonical_content(round_id: int, ballots: list[tuple[int, list[int | None]]]) -> str:
    """The hashed ballot content: round and, per target in id order, the answers in question order."""
    return json.dumps(
        {"round": round_id, "ballots": [[t, answers] for t, answers in sorted(ballots)]},
        separators=(",", ":"),
        ensure_ascii=False,
    )


def receipt_for(nonce: str, content: str) -> str:
    return hashlib.sha256((nonce + content).encode()).hexdigest()


def _clean_answers(form: BallotForm, answers: dict, targets) -> list[tuple[int, list[int | None]]]:
    """Every target × question answered (an option or 不了解 = None); else 422 naming what is missing.

    Answers for a target or question the round does not have are refused, not dropped: a client that sends
    them has the wrong ballot, and storing the rest would count a sheet its rater never saw.
    """
    allowed = form.allowed_scores
    missing, invalid, rows = [], [], []
    answers = {str(k): v for k, v in (answers or {}).items()}
    known_targets = {str(t.id) for t in form.targets}
    known_questions = {str(q.position) for q in form.questions}
    for key, given in answers.items():
        if key not in known_targets:
            raise ValidationError(
                _("评议对象“%(target)s”不在本次评议中，未保存任何内容") % {"target": key[:20]},
                field=f"answers.{key[:20]}",
            )
        for position in given if isinstance(given, dict) else ():
            if str(position) not in known_questions:
                raise ValidationError(
                    _("本次评议没有第“%(q)s”题，未保存任何内容") % {"q": str(position)[:20]},
                    field=f"answers.{key}.{str(position)[:20]}",
                )
    for t in targets:
        given = answers.get(str(t.id))
        given = {str(k): v for k, v in given.items()} if isinstance(given, dict) else {}
        row: list[int | None] = []
        for q in form.questions:
            key = str(q.position)
            if key not in given or given[key] == "":
                missing.append({"field": f"t{t.id}_q{q.position}", "message": f"{t.name} · {q.text}"})
                row.append(None)
                continue
            value = given[key]
            if value is None or value == "dk":
                row.append(None)
                continue
            try:
                value = int(value)
            except (TypeError, ValueError):
                value = -1
            if value not in allowed:
                invalid.append({"field": f"t{t.id}_q{q.position}", "message": f"{t.name} · {q.text}"})
            row.append(value)
        rows.append((t.id, row))
    if missing:
        raise BallotIncompleteError(
            _("以下 %(n)d 项未填写（可选“不了解”），未保存任何内容：%(items)s")
            % {"n": len(missing), "items": _first_items(missing)},
            details=missing,
        )
    if invalid:
        raise ValidationError(
            _("以下各项的选择无效：%(items)s") % {"items": _first_items(invalid)},
            details=invalid,
        )
    return rows


def _first_items(problems: list[dict], shown: int = 20) -> str:
    """The first items by name; past `shown`, say how many more (each is also marked on the page)."""
    text = "；".join(p["message"] for p in problems[:shown])
    if len(problems) > shown:
        text += _("……等 %(n)d 项（已在表中标出）") % {"n": len(problems)}
    return text


def _store_sheet(
    *, round_: Round, form: BallotForm, group_id: int, channel: str, rows, entered_by=None
) -> str:
    """Insert the sheet and all its ballots (one multi-row INSERT); returns the receipt.

    Plain SQL through Django's cursor: the ORM's per-row model instances and SQL compilation were a large
    share of a cast's time. On PostgreSQL the two INSERTs travel as ONE statement (a data-modifying WITH),
    saving a round trip; SQLite runs them one after the other. Named parameters: the shared values are
    sent once, which keeps a typical sheet under psycopg's limit for caching the parsed query. Keys are
    random UUIDs; nothing here names the rater or the time.
    """
    nonce = secrets.token_hex(16)
    receipt = receipt_for(nonce, canonical_content(round_.pk, rows))
    answer_cols = [f"a{q.position}" for q in form.questions]
    if connection.vendor == "postgresql":
        params = {
            "round": round_.pk,
            "group": group_id,
            "channel": channel,
            "entered_by": entered_by.pk if entered_by is not None else None,
            "nonce": nonce,
            "receipt": receipt,
            "rows": json.dumps([[target_id, *row] for target_id, row in rows], separators=(",", ":")),
        }
        with connection.cursor() as cur:
            cur.execute(_pg_store_sql(len(answer_cols)), params)
        return receipt
    native_uuid = connection.features.has_native_uuid_field

    def key():
        u = uuid.uuid4()
        return u if native_uuid else u.hex

    params = {
        "sheet": key(),
        "round": round_.pk,
        "group": group_id,
        "channel": channel,
        "entered_by": entered_by.pk if entered_by is not None else None,
        "nonce": nonce,
        "receipt": receipt,
    }
    values = []
    for i, (target_id, row) in enumerate(rows):
        params[f"i{i}"], params[f"t{i}"] = key(), target_id
        for col, value in zip(answer_cols, row, strict=True):
            params[f"{col}_{i}"] = value
        values.append(
            f"(%(i{i})s, %(sheet)s, %(round)s, %(group)s, %(t{i})s, %(channel)s, "
            + ", ".join(f"%({col}_{i})s" for col in answer_cols)
            + ")"
        )
    sheet_sql = (
        f"INSERT INTO {_SHEET_TABLE} (id, round_id, group_id, channel, entered_by_id, nonce, receipt)"
        " VALUES (%(sheet)s, %(round)s, %(group)s, %(channel)s, %(entered_by)s, %(nonce)s, %(receipt)s)"
    )
    ballots_sql = (
        f"INSERT INTO {_BALLOT_TABLE} (id, sheet_id, round_id, group_id, target_id, channel, "
        + ", ".join(answer_cols)
        + ") VALUES "
        + ", ".join(values)
    )
    with connection.cursor() as cur:
        cur.execute(sheet_sql, params)
        cur.execute(ballots_sql, params)
    return receipt


@functools.cache
def _pg_store_sql(n_questions: int) -> str:
    """PostgreSQL: the sheet and its ballots in ONE statement, the ballot rows as ONE JSON parameter.

    A data-modifying WITH inserts the sheet and hands its key to the ballots, which are unpacked from a JSON
    array of [target, a1, …, an] with json_array_elements: seven parameters whatever the sheet's size, so
    psycopg converts 7 values instead of 7 × targets × questions. Keys are gen_random_uuid() (random, no order).
    """
    cols = [f"a{i}" for i in range(1, n_questions + 1)]
    picks = ", ".join(f"(r->>{i})::smallint" for i in range(1, n_questions + 1))
    return (
        f"WITH sheet AS (INSERT INTO {_SHEET_TABLE} (id, round_id, group_id, channel, entered_by_id, nonce, receipt)"
        " VALUES (gen_random_uuid(), %(round)s, %(group)s, %(channel)s, %(entered_by)s, %(nonce)s, %(receipt)s)"
        " RETURNING id)"
        f" INSERT INTO {_BALLOT_TABLE} (id, sheet_id, round_id, group_id, target_id, channel, {', '.join(cols)})"
        f" SELECT gen_random_uuid(), sheet.id, %(round)s, %(group)s, (r->>0)::int, %(channel)s, {picks}"
        " FROM sheet, json_array_elements(%(rows)s::json) AS r"
    )


def _freeze_on_first_ballot(round_: Round) -> None:
    """Questions and the campaign's criteria set freeze when the first real (non-trial) ballot arrives.

    Runs inside the cast's transaction. The UPDATE matches only the version of the questions the sheet was
    checked against: if a clerk changed them meanwhile (round_questions_set holds the round's row and bumps
    the version), the sheet was filled in against questions that no longer exist, and it is refused.
    """
    if round_.questions_locked or round_.status != RoundStatus.OPEN:
        return
    frozen = Round.objects.filter(pk=round_.pk, questions_locked=False, version=round_.version).update(
        questions_locked=True
    )
    if not frozen:
        if not Round.objects.filter(pk=round_.pk, questions_locked=True, version=round_.version).exists():
            raise RoundStateError(_("评议内容刚刚修改过，请刷新页面后重新填写"))
        round_.questions_locked = True  # another first ballot froze the same questions
        return
    round_.questions_locked = True
    if round_.criteria_set_id:
        from pacesetter.campaigns.services import criteria_set_lock

        # The audit entry is the system's act; the address of the rater whose ballot froze the
        # questions must not be written next to it (it would date and locate one ballot).
        token = current_ip.set(None)
        try:
            criteria_set_lock(
                actor=None,
                criteria_set=CriteriaSet.objects.select_related("campaign__organisation").get(
                    pk=round_.criteria_set_id
                ),
            )
        finally:
            current_ip.reset(token)


def code_lookup(code_text: str, *, client: str | None = None) -> tuple[BallotCode, Round]:
    """The code and its round, with the rate limit; unknown codes count as failures for this client."""
    code_attempts_check(client)
    code = codebook.code_normalise(code_text)
    found = None
    if codebook.code_is_well_formed(code):
        found = next(
            iter(
                BallotCode.objects.select_related("round", "round__organisation").filter(
                    code_hash=codebook.code_hash(code)
                )[:1]
            ),
            None,
        )
    if found is None:
        code_attempt_failed(client)
        raise CodeUnknownError()
    return found, found.round


_SHEET_TABLE = BallotSheet._meta.db_table
_BALLOT_TABLE = Ballot._meta.db_table
_ROUND_TABLE = Round._meta.db_table


_ROUND_COLUMNS = ("version", "scale", "created_at", "status", "questions_locked", "criteria_set_id")


@functools.cache
def _spend_sql(vendor: str, with_round: bool) -> str:
    """The conditional UPDATE that spends a code, with every precondition of a cast folded into it.

    It matches only when the code exists, is unspent, (for paper entry) belongs to the given round, its
    round accepts ballots now (trial, or open inside its window), and the client is not rate-limited.
    RETURNING hands back what the cast needs of the code and its round, so the happy path reads nothing
    else. PostgreSQL joins the round with UPDATE … FROM; SQLite (≥ 3.35 for RETURNING) may not return
    columns of a FROM table, so it reads them with scalar subqueries. The parameters are the same.
    """
    q = connection.ops.quote_name
    code_t, attempt_t, round_t = q(BallotCode._meta.db_table), q(CodeAttempt._meta.db_table), q(_ROUND_TABLE)
    window_ok = "(r.status = %s OR (r.status = %s AND r.opens_at <= %s AND r.closes_at > %s))"
    not_limited = f"NOT EXISTS (SELECT 1 FROM {attempt_t} a WHERE a.client = %s AND a.{q('window')} = %s AND a.failures >= %s)"
    # SQLite's RETURNING cannot see a table alias: there the code table is named in full.
    c = "c" if vendor == "postgresql" else code_t
    code_ok = f"{c}.code_hash = %s AND {c}.spent = %s" + (f" AND {c}.round_id = %s" if with_round else "")
    if vendor == "postgresql":
        return (
            f"UPDATE {code_t} AS c SET spent = %s, channel = %s FROM {round_t} AS r"
            f" WHERE {code_ok} AND r.id = c.round_id AND {window_ok} AND {not_limited}"
            " RETURNING c.round_id, c.group_id, " + ", ".join(f"r.{q(col)}" for col in _ROUND_COLUMNS)
        )
    # SQLite: the same conditions and parameters, the round in a correlated EXISTS, its columns as subqueries.
    return (
        f"UPDATE {code_t} SET spent = %s, channel = %s"
        f" WHERE {code_ok} AND EXISTS (SELECT 1 FROM {round_t} r WHERE r.id = {c}.round_id AND {window_ok})"
        f" AND {not_limited}"
        " RETURNING round_id, group_id, "
        + ", ".join(
            f"(SELECT r.{q(col)} FROM {round_t} r WHERE r.id = {c}.round_id)" for col in _ROUND_COLUMNS
        )
    )


def _cast_refusal(code: str, *, client: str | None, round_: Round | None) -> Exception:
    """Why the spending UPDATE matched nothing, checked in the order a rater should hear it.

    Only this (failure) path reads the rate limit and the code separately; unknown codes count as failures.
    """
    found, code_round = code_lookup(code, client=client)
    if round_ is not None and code_round.pk != round_.pk:
        code_attempt_failed(client)
        return CodeUnknownError(_("该评议码不属于本次评议"))
    if found.spent:
        return CodeSpentError()
    if not round_accepts_ballots(code_round):
        return RoundNotOpenError(_round_closed_message(code_round))
    return None  # a concurrent change (e.g. the round just opened): try the UPDATE again


def ballot_cast_code(
    *,
    code: str,
    answers: dict,
    channel: str = Channel.WEB,
    entered_by=None,
    client: str | None = None,
    round_: Round | None = None,
    audit_actor=None,
) -> str:
    """Cast one sheet with a one-time code; returns the receipt. Spent, unknown or closed codes refuse.

    One transaction: the conditional UPDATE … RETURNING spends the code (rowcount must be 1; it also
    checks the round's window and the client's rate limit), the answers are checked against the round's
    cached form, and the sheet and its ballots are inserted. Any refusal rolls all of it back.
    """
    normalised = codebook.code_normalise(code)
    if not codebook.code_is_well_formed(normalised):
        raise _cast_refusal(code, client=client, round_=round_) or CodeUnknownError()
    code_hash = codebook.code_hash(normalised)
    window = int(time.time()) // ATTEMPT_WINDOW_SECONDS
    sql = _spend_sql(connection.vendor, round_ is not None)
    for _attempt in range(3):
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        params = [True, channel, code_hash, False]
        if round_ is not None:
            params.append(round_.pk)
        params += [
            RoundStatus.TRIAL,
            RoundStatus.OPEN,
            now,
            now,
            _client_key(client),
            window,
            MAX_FAILED_CODES,
        ]
        with transaction.atomic():
            with connection.cursor() as cur:
                cur.execute(sql, params)
                spent = cur.fetchall()
            if len(spent) == 1:
                round_id, group_id, version, scale, created_at, status, locked, criteria_set_id = spent[0]
                cast_round = _CastRound(
                    pk=round_id,
                    version=version,
                    scale=scale,
                    created_at=created_at,
                    status=status,
                    questions_locked=bool(locked),
                    criteria_set_id=criteria_set_id,
                )
                form = ballot_form(cast_round)
                # A refusal here raises out of the atomic block: the code is not spent, nothing is stored.
                rows = _clean_answers(form, answers, form.targets)
                receipt = _store_sheet(
                    round_=cast_round,
                    form=form,
                    group_id=group_id,
                    channel=channel,
                    rows=rows,
                    entered_by=entered_by,
                )
                _freeze_on_first_ballot(cast_round)
                if audit_actor is not None:
                    # A clerk's entry is their act: who, when, which round and channel. Not the code
                    # and not the receipt, which would tie this moment to one published sheet.
                    audit_log(
                        actor=audit_actor,
                        action="evaluation.paper.enter",
                        obj=round_,
                        scope_path=round_.organisation.path,
                        extra={"channel": channel},
                    )
                return receipt
            if spent:  # code_hash is unique: more than one row cannot happen
                raise CodeSpentError()
        refusal = _cast_refusal(code, client=client, round_=round_)
        if refusal is not None:
            raise refusal
    raise CodeSpentError()


@dataclass(slots=True)
class _CastRound:
    """What a cast needs of its round, as the spending UPDATE returns it (cheaper than a model instance)."""

    pk: int
    version: int
    scale: str
    created_at: datetime.datetime
    status: str
    questions_locked: bool
    criteria_set_id: int | None


def _round_closed_message(round_: Round) -> str:
    if round_.status == RoundStatus.CLOSED:
        return _("评议“%(n)s”已结束，不再接受投票") % {"n": round_.name}
    if round_.status == RoundStatus.DRAFT:
        return _("评议“%(n)s”尚未开始") % {"n": round_.name}
    local = timezone.localtime(round_.opens_at if timezone.now() < round_.opens_at else round_.closes_at)
    if timezone.now() < round_.opens_at:
        return _("评议“%(n)s”将于 %(t)s 开始") % {"n": round_.name, "t": f"{local:%Y-%m-%d %H:%M}"}
    return _("评议“%(n)s”已于 %(t)s 截止") % {"n": round_.name, "t": f"{local:%Y-%m-%d %H:%M}"}


ENTERED_CHANNELS = (Channel.PAPER, Channel.ASSISTED)


def ballot_enter_paper(
    *, actor, round_: Round, code: str, answers: dict, channel: str = Channel.PAPER
) -> str:
    """A clerk enters a sheet for the code on a slip; the clerk is recorded as `entered_by`.

    channel=paper: a 纸质测评表 filled in by the rater and typed in later; channel=assisted: the clerk fills
    it in for a rater who is present and cannot use a phone (an elderly villager, say), as they answer.
    """
    _require(can_enter_paper_ballots(actor, round_))
    if channel not in ENTERED_CHANNELS:
        raise ValidationError(_("录入方式只能是“纸质”或“协助录入”"), field="channel")
    receipt = ballot_cast_code(
        code=code,
        answers=answers,
        channel=channel,
        entered_by=actor,
        client=f"user:{actor.pk}",
        round_=round_,
        audit_actor=actor,
    )
    return receipt


def ballot_cast_member(*, actor, round_: Round, answers: dict) -> list[tuple[str, str]]:
    """A signed-in member evaluates the peers they have not yet rated (never themselves).

    Returns (target name, receipt) per target. Each target's ballot is a sheet of its own: a sheet
    covering "everyone but one" would name its rater by the one it leaves out, in the database and in
    the public ballot file alike.
    """
    member = member_may_vote(actor, round_)
    if member is None:
        raise PermissionDeniedError(_("您不在本次评议的参评党员范围内"))
    if not round_accepts_ballots(round_):
        raise RoundNotOpenError(_round_closed_message(round_))
    group = member_group_for(round_)
    form = ballot_form(round_)
    done = set(
        MemberParticipation.objects.filter(round=round_, voter=actor).values_list("target_id", flat=True)
    )
    targets = [t for t in form.targets if t.id not in done and t.member_id != member.pk]
    if not targets:
        raise AlreadyVotedError()
    rows = _clean_answers(form, answers, targets)
    names = {t.id: t.name for t in targets}
    try:
        with transaction.atomic():
            _require_still_accepting(round_)
            # The unique constraint, not the check above, is what makes a second ballot fail.
            MemberParticipation.objects.bulk_create(
                [
                    MemberParticipation(round=round_, group_id=group.id, voter=actor, target_id=t.id)
                    for t in targets
                ]
            )
            receipts = [
                (
                    names[target_id],
                    _store_sheet(
                        round_=round_,
                        form=form,
                        group_id=group.id,
                        channel=Channel.WEB,
                        rows=[(target_id, row)],
                    ),
                )
                for target_id, row in rows
            ]
            _freeze_on_first_ballot(round_)
    except IntegrityError:
        raise AlreadyVotedError() from None
    return receipts


def _require_still_accepting(round_: Round) -> None:
    """Inside a cast's transaction: the round still accepts ballots (closing may have begun meanwhile).

    On PostgreSQL the sheet table is first taken in ROW EXCLUSIVE mode, which waits while a close holds
    it in SHARE mode (see _close_lock); the status read after that sees the close. SQLite's IMMEDIATE
    transactions already hold the one write lock here.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute(f"LOCK TABLE {connection.ops.quote_name(_SHEET_TABLE)} IN ROW EXCLUSIVE MODE")
    current = Round.objects.only("status", "opens_at", "closes_at", "name").get(pk=round_.pk)
    if not round_accepts_ballots(current):
        raise RoundNotOpenError(_round_closed_message(current))


def _close_lock() -> None:
    """Closing waits for casts in flight to commit and holds new ones until the digest is written.

    A code cast takes the code table (its UPDATE) and a member cast the sheet table (ROW EXCLUSIVE)
    before reading the round's status; SHARE mode on both conflicts with those, so every sheet is
    either in the digest or refused as "closed". Only PostgreSQL needs it: on SQLite the close's
    IMMEDIATE transaction already excludes every other writer.
    """
    if connection.vendor == "postgresql":
        q = connection.ops.quote_name
        with connection.cursor() as cur:
            cur.execute(f"LOCK TABLE {q(BallotCode._meta.db_table)}, {q(_SHEET_TABLE)} IN SHARE MODE")


# ---------------------------------------------------------------- rectification


@transaction.atomic
def case_answer(*, actor, case: LowSatisfactionCase, analysis: str, measures: str) -> LowSatisfactionCase:
    """The organisation's answer to a low-satisfaction flag: cause analysis and rectification measures."""
    _require(can_answer_case(actor, case))
    analysis, measures = (analysis or "").strip(), (measures or "").strip()
    if len(analysis) < 10:
        raise ValidationError(_("请认真分析原因（至少 10 个字）"), field="analysis")
    if len(measures) < 10:
        raise ValidationError(_("请写明整改措施（至少 10 个字）"), field="measures")
    before = {"status": case.status, "analysis": case.analysis, "measures": case.measures}
    case.analysis, case.measures = analysis, measures
    case.status = CaseStatus.ANSWERED
    case.answered_by, case.answered_at = actor, timezone.now()
    case.save(update_fields=["analysis", "measures", "status", "answered_by", "answered_at"])
    if case.case_id is not None:
        from pacesetter.complaints.services import low_satisfaction_answer

        low_satisfaction_answer(actor=actor, case=case.case, analysis=analysis, measures=measures)
    audit_log(
        actor=actor,
        action="evaluation.case.answer",
        obj=case,
        scope_path=case.organisation.path,
        before=before,
        after={"status": case.status, "analysis": analysis, "measures": measures},
    )
    return case
