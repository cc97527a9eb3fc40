"""Generating one-time ballot codes for a code group (the clear codes are never stored)."""

from django.db import transaction
from django.utils.translation import gettext as _

from pacesetter.core import codes as codebook
from pacesetter.core.audit import audit_log
from pacesetter.core.errors import ValidationError

from ..enums import (
    GroupMode,
    RoundStatus,
)
from ..errors import (
    RoundStateError,
)
from ..models import (
    BallotCode,
    RaterGroup,
    Round,
)
from ..rules import can_manage_round
from .base import _require

MAX_CODES_PER_BATCH = 5000


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
        extra={"group": group.name, "count": len(clear_list), "batch": batch},
    )
    return clear_list
