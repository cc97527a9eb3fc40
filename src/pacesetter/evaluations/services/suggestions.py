"""意见建议: free text a rater may add to any round, stored apart from the ballot, reviewed and released later.

The text is written in the cast's own transaction (a refused sheet stores no suggestion) into its own table
with no link to the sheet, the ballot, the code or the rater, and with the day as its only time. Nobody reads
it while the round runs: the office reviews each suggestion after the close (approve or withhold, a
transition with an audit entry), then releases the round's approved ones; even then a rater group with
fewer than settings.EVALUATION_SUGGESTION_K ballots shows none.
"""

import unicodedata

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pacesetter.core.audit import audit_log
from pacesetter.core.errors import ValidationError

from ..enums import SUGGESTION_TRANSITIONS, RoundStatus, SuggestionStatus
from ..errors import RoundStateError
from ..models import (
    SUGGESTION_MAX_CHARS,
    Round,
    Suggestion,
    SuggestionRelease,
)
from ..rules import can_review_suggestions
from ..selectors import released_groups
from .base import _require

MAX_REVIEW_BATCH = 1000


def suggestion_clean(text) -> str:
    """The suggestion as it will be stored ("" for none); refuses control characters and overlong text."""
    if text is None:
        return ""
    if not isinstance(text, str):
        raise ValidationError(_("意见建议必须是文字"), field="suggestion")
    text = text.replace("\r\n", "\n").strip()
    if any(unicodedata.category(ch) == "Cc" and ch not in "\n\t" for ch in text):
        raise ValidationError(_("意见建议含有无法保存的控制字符，请删除后再提交"), field="suggestion")
    if len(text) > SUGGESTION_MAX_CHARS:
        raise ValidationError(
            _("意见建议最多 %(n)d 个字，现在是 %(m)d 个字") % {"n": SUGGESTION_MAX_CHARS, "m": len(text)},
            field="suggestion",
        )
    return text


def _store_suggestion(*, round_id: int, group_id: int, text: str) -> None:
    """Inside a cast's transaction: the cleaned text, with the day (Beijing time) and nothing else."""
    if text:
        Suggestion.objects.create(round_id=round_id, group_id=group_id, text=text, day=timezone.localdate())


def _require_reviewable(round_: Round) -> None:
    if round_.status != RoundStatus.CLOSED:
        raise RoundStateError(_("评议结束后才能审阅意见建议"))
    if SuggestionRelease.objects.filter(round=round_).exists():
        raise RoundStateError(_("本次评议的意见建议已经发布，不能再修改"))


@transaction.atomic
def suggestions_review(*, actor, round_: Round, ids: list, to_status: str) -> int:
    """Approve or withhold suggestions of a closed, unreleased round; returns how many changed."""
    _require(can_review_suggestions(actor, round_))
    round_ = Round.objects.select_for_update(of=("self",)).select_related("organisation").get(pk=round_.pk)
    _require_reviewable(round_)
    if to_status not in (SuggestionStatus.APPROVED, SuggestionStatus.WITHHELD):
        raise ValidationError(_("审阅结果只能是“可发布”或“不予发布”"), field="status")
    wanted = {str(i) for i in ids or []}
    if not wanted:
        raise ValidationError(_("请选择要审阅的意见建议"), field="ids")
    if len(wanted) > MAX_REVIEW_BATCH:
        raise ValidationError(_("一次最多审阅 %(n)d 条意见建议") % {"n": MAX_REVIEW_BATCH}, field="ids")
    found = dict(Suggestion.objects.filter(round=round_, pk__in=_uuids(wanted)).values_list("pk", "status"))
    found = {str(pk): status for pk, status in found.items()}
    # All or nothing: any id of another round (or none), or in a state that cannot move to to_status,
    # refuses the whole batch and names the ids, so the office can untick them and send the rest again.
    foreign = sorted(wanted - set(found))
    if foreign:
        raise ValidationError(
            _("以下意见建议不属于本次评议：%(ids)s") % {"ids": _name_ids(foreign)}, field="ids"
        )
    stuck = sorted(
        pk
        for pk, status in found.items()
        if status != to_status and to_status not in SUGGESTION_TRANSITIONS.get(status, frozenset())
    )
    if stuck:
        raise RoundStateError(_("以下意见建议当前状态不能这样修改：%(ids)s") % {"ids": _name_ids(stuck)})
    by_status: dict[str, list] = {}
    for pk, status in found.items():
        if status != to_status:
            by_status.setdefault(status, []).append(pk)
    changed = 0
    for from_status, pks in sorted(by_status.items()):
        # One compare-and-set UPDATE per (batch, from-status): a row someone else moved meanwhile is
        # not counted, and the count then falls short and refuses the whole batch.
        n = Suggestion.objects.filter(round=round_, pk__in=_uuids(set(pks)), status=from_status).update(
            status=to_status
        )
        if n != len(pks):
            raise RoundStateError(_("意见建议已被他人审阅，请刷新后重试"))
        changed += n
        # One entry per (batch, from-status); the suggestions' keys are left out so the log adds no
        # handle on them.
        audit_log(
            actor=actor,
            action="evaluation.suggestion.review",
            obj=round_,
            before={"status": from_status},
            after={"status": to_status},
            extra={"count": n},
        )
    return changed


def _name_ids(ids: list[str], shown: int = 5) -> str:
    """The first few ids for a message (the rest as a count), so a large batch gives a readable refusal."""
    head = "、".join(ids[:shown])
    if len(ids) > shown:
        return _("%(head)s 等 %(n)d 条") % {"head": head, "n": len(ids)}
    return head


def _uuids(values: set[str]) -> list:
    import uuid

    out = []
    for v in values:
        try:
            out.append(uuid.UUID(v))
        except ValueError:
            raise ValidationError(_("意见建议编号无效"), field="ids") from None
    return out


@transaction.atomic
def suggestions_release(*, actor, round_: Round) -> SuggestionRelease:
    """Release a closed round's reviewed suggestions (the approved ones of groups with k ballots)."""
    _require(can_review_suggestions(actor, round_))
    round_ = Round.objects.select_for_update(of=("self",)).select_related("organisation").get(pk=round_.pk)
    _require_reviewable(round_)
    pending = Suggestion.objects.filter(round=round_, status=SuggestionStatus.PENDING).count()
    if pending:
        raise RoundStateError(_("还有 %(n)d 条意见建议没有审阅，审阅完才能发布") % {"n": pending})
    release = SuggestionRelease.objects.create(round=round_, released_by=actor)
    shown, held = released_groups(round_)
    audit_log(
        actor=actor,
        action="evaluation.suggestion.release",
        obj=round_,
        after={"released": True},
        extra={
            "approved": Suggestion.objects.filter(
                round=round_, status=SuggestionStatus.APPROVED, group_id__in=shown
            ).count(),
            "groups_below_k": [g.name for g in held],
        },
    )
    return release


def _withdraw_release(round_: Round) -> None:
    """A re-opened round takes its release back: the office reviews again after the next close."""
    SuggestionRelease.objects.filter(round=round_).delete()
