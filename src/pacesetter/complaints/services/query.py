"""Writes for public reports and cases (群众举报与案件): query."""

from datetime import timedelta

from django.contrib.auth.hashers import check_password
from django.utils import timezone
from django.utils.translation import gettext as _

from pacesetter.core.errors import (
    NotFoundError,
    RateLimitedError,
    ValidationError,
)

from ..enums import (
    QUERY_LOCK_MINUTES,
    QUERY_TRIES,
    UNKNOWN_NUMBERS_PER_ADDRESS_PER_DAY,
)
from ..models import (
    Case,
    ReportThrottle,
)
from ._common import _recent

# ------------------------------------------------------------------ the reporter's status query


def case_query(*, number: str, password: str, ip: str | None = None, now=None) -> Case:
    """The case for number + password. Wrong passwords are counted on the case; after QUERY_TRIES it is
    locked for QUERY_LOCK_MINUTES (the count is committed even though the query is refused). Numbers that do
    not exist are counted per address (a salted hash kept 24 hours, as for filing): after
    UNKNOWN_NUMBERS_PER_ADDRESS_PER_DAY the address may not query for 24 hours, so numbers cannot be guessed
    in bulk."""
    now = now or timezone.now()
    number = (number or "").strip()
    if not number.isdigit() or len(number) > 20:
        raise ValidationError(_("请填写正确的编号（数字）"), field="number")
    digest, misses = _recent(ip, "query", now)
    if misses >= UNKNOWN_NUMBERS_PER_ADDRESS_PER_DAY:
        raise RateLimitedError(
            _(
                "同一网络 24 小时内查询不存在的编号已达 %(n)d 次，请明天再试。"
                "如编号或密码遗失，实名反映可凭手机号向承办党组织查询；匿名反映请重新提交。"
            )
            % {"n": UNKNOWN_NUMBERS_PER_ADDRESS_PER_DAY}
        )
    case = Case.objects.select_related("owner", "category").filter(number=number).first()
    if case is None:
        ReportThrottle.objects.create(address_hash=digest, at=now)  # kept though the query is refused
        left = UNKNOWN_NUMBERS_PER_ADDRESS_PER_DAY - misses - 1
        raise NotFoundError(
            _("查无此编号，请核对后重新输入（还可以查询 %(n)d 次）") % {"n": left}
            if left < 3
            else _("查无此编号，请核对后重新输入")
        )
    if case.query_locked_until and case.query_locked_until > now:
        raise RateLimitedError(
            _("查询密码错误次数过多，请于 %(t)s 后再试")
            % {"t": timezone.localtime(case.query_locked_until).strftime("%H:%M")}
        )
    if not check_password((password or "").strip(), case.password_hash):
        failures = case.query_failures + 1
        locked = now + timedelta(minutes=QUERY_LOCK_MINUTES) if failures >= QUERY_TRIES else None
        Case.objects.filter(pk=case.pk).update(
            query_failures=0 if locked else failures, query_locked_until=locked
        )
        if locked:
            raise RateLimitedError(_("查询密码错误次数过多，请 %(m)d 分钟后再试") % {"m": QUERY_LOCK_MINUTES})
        raise ValidationError(
            _("查询密码不正确，还可以尝试 %(n)d 次") % {"n": QUERY_TRIES - failures}, field="password"
        )
    if case.query_failures:
        Case.objects.filter(pk=case.pk).update(query_failures=0)
    return case
