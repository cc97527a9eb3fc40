"""Lockouts against password and API-token guessing, on top of django-axes' failure records.

django-axes records every failed sign-in (AXES_ENABLE_ACCESS_FAILURE_LOG: one `AccessFailureLog` row
per failure, with its time) and refuses a locked request before any password is checked. It knows one
failure limit and one cool-off; our rule has two tiers, so this handler answers "locked?" itself from
those rows, in true sliding windows:

- 5 failures for one account from one address within 15 minutes lock that pair for 15 minutes from
  the failure that reached 5 (an attacker elsewhere does not lock the real user out);
- 20 failures for one account from any addresses within 30 minutes lock the account for 30 minutes;
- 10 bad API tokens from one address within 15 minutes (rows with no account) block it for 15 minutes.

Failures during a lock are not recorded (AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT off), so a lock
ends when announced.
Figures come from settings (LOCKOUT_*). Every lock ends by itself; the office lifts one earlier with
`lockout_lift`. The address is always `client_ip` (trusted proxies only), never a header the client
wrote. Each new lock and each lift writes an audit entry.
"""

import datetime
from dataclasses import dataclass

from axes.backends import AxesStandaloneBackend
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from axes.models import AccessAttempt, AccessFailureLog
from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from .audit import audit_log
from .middleware import client_ip


def _pair_window() -> datetime.timedelta:
    return datetime.timedelta(minutes=settings.LOCKOUT_PAIR_MINUTES)


def _account_window() -> datetime.timedelta:
    return datetime.timedelta(minutes=settings.LOCKOUT_ACCOUNT_MINUTES)


@dataclass(frozen=True)
class Lock:
    """One lock in force: `kind` is "pair" (account from one address), "account" or "token" (address)."""

    kind: str
    username: str
    ip_address: str
    failures: int
    until: datetime.datetime

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.username}:{self.ip_address}"


def _lock_from(times: list[datetime.datetime], limit: int, window: datetime.timedelta, now) -> tuple:
    """(until, failures) of the lock that `times` (ascending) put in force now, or (None, 0).

    A failure that is the `limit`-th within `window` locks for `window` from that failure."""
    for i in range(len(times) - 1, limit - 2, -1):
        if times[i] + window <= now:
            break
        first = i - limit + 1
        if times[i] - times[first] <= window:
            return times[i] + window, sum(1 for t in times[: i + 1] if t >= times[i] - window)
    return None, 0


def _times(rows, window: datetime.timedelta, now) -> list[datetime.datetime]:
    since = now - 2 * window
    return list(
        rows.filter(attempt_time__gte=since).order_by("attempt_time").values_list("attempt_time", flat=True)
    )


def locks_for(username: str, ip_address: str | None, *, now=None) -> list[Lock]:
    """The locks in force against `username` signing in from `ip_address` (none, one or both tiers)."""
    now = now or timezone.now()
    rows = AccessFailureLog.objects.filter(username=username)
    found = []
    pair, account = _pair_window(), _account_window()
    until, n = _lock_from(
        _times(rows.filter(ip_address=ip_address), pair, now), settings.LOCKOUT_PAIR_FAILURES, pair, now
    )
    if until:
        found.append(Lock("pair", username, ip_address or "", n, until))
    until, n = _lock_from(_times(rows, account, now), settings.LOCKOUT_ACCOUNT_FAILURES, account, now)
    if until:
        found.append(Lock("account", username, "", n, until))
    return found


def lock_for(username: str | None, ip_address: str | None, *, now=None) -> Lock | None:
    """The lock that refuses `username` from `ip_address` now; the later-ending one if both tiers hold."""
    locks = locks_for(username, ip_address, now=now) if username else []
    return max(locks, key=lambda lock: lock.until) if locks else None


def token_lock_for(ip_address: str | None, *, now=None) -> Lock | None:
    now = now or timezone.now()
    rows = AccessFailureLog.objects.filter(username__isnull=True, ip_address=ip_address)
    until, n = _lock_from(
        _times(rows, _pair_window(), now), settings.LOCKOUT_TOKEN_FAILURES, _pair_window(), now
    )
    return Lock("token", "", ip_address or "", n, until) if until else None


def audit_lock(lock: Lock, scope_path: str = "", *, actor=None, action: str = "auth.lockout") -> None:
    """The audit row of a lock: set (by the system) or, with `actor` and `action`, lifted by the office."""
    audit_log(
        actor=actor,
        action=action,
        object_type="auth.lockout",
        object_id=lock.username or lock.ip_address,
        object_repr=lock.username or lock.ip_address,
        extra={"kind": lock.kind, "ip": lock.ip_address, "failures": lock.failures, "until": lock.until},
        scope_path=scope_path,
    )


class LockoutBackend(AxesStandaloneBackend):
    """axes' gate, first of AUTHENTICATION_BACKENDS. A check of a password with no request (a management
    command, the test client's login()) has no client address to count or lock; axes would refuse it
    outright, we let the next backend answer. Every sign-in over HTTP passes its request."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


class LockoutHandler(AxesDatabaseHandler):
    """axes' database handler with our two-tier rule (see the module docstring). orgs.accounts subclasses it
    to file each lock's audit entry under the account's organisation (core knows no organisations)."""

    def audit_scope_path(self, username: str) -> str:
        return ""

    def get_failures(self, request, credentials=None) -> int:
        # AXES_FAILURE_LIMIT is 1: "failures" here means "a lock holds", so axes' own checks follow our rule.
        username = get_client_username(request, credentials)
        return 1 if lock_for(username, request.axes_ip_address, now=request.axes_attempt_time) else 0

    def remove_out_of_limit_failure_logs(self, *, username: str, limit=None) -> int:
        # axes trims a user's failure log past a count, from the newest end (its default ordering): an
        # attacker past that count would have each new failure deleted at once and never be locked. We
        # keep every row the windows need and drop only those older than twice the longest window.
        cutoff = timezone.now() - 2 * max(_pair_window(), _account_window())
        count, _ = AccessFailureLog.objects.filter(username=username, attempt_time__lt=cutoff).delete()
        return count

    def reset_user_attempts(self, request, credentials=None) -> int:
        # A success clears only its own pair: the account's failures from other addresses (someone else
        # guessing) must not be wiped by the real user signing in. Past locks stay in the audit log.
        username = get_client_username(request, credentials)
        pair = {"username": username, "ip_address": request.axes_ip_address}
        AccessAttempt.objects.filter(**pair).delete()
        count, _ = AccessFailureLog.objects.filter(**pair).delete()
        return count

    def user_login_failed(self, sender, credentials: dict, request=None, **kwargs):
        was_locked = bool(getattr(request, "axes_locked_out", False))
        super().user_login_failed(sender, credentials, request, **kwargs)
        if request is None or was_locked:
            return
        # axes writes the failure row after its own "locked?" check, so the failure that reaches the
        # limit is judged here: it already gets the lockout page, and the new lock its audit entry.
        lock = lock_for(get_client_username(request, credentials), request.axes_ip_address)
        if lock is not None:
            request.axes_locked_out = True
            request.axes_credentials = credentials
            audit_lock(lock, self.audit_scope_path(lock.username))


def lockout_message(lock: Lock) -> str:
    until = timezone.localtime(lock.until)
    minutes = max(1, -(-int((lock.until - timezone.now()).total_seconds()) // 60))
    when = (
        date_format(until, "H:i") if until.date() == timezone.localdate() else date_format(until, "Y-m-d H:i")
    )
    if lock.kind == "token":
        return _(
            "来自该地址的无效 API 令牌过多，已暂停受理。请在 %(time)s（约 %(minutes)s 分钟后）再试。"
        ) % {
            "time": when,
            "minutes": minutes,
        }
    return _(
        "登录失败次数过多，该账号已暂时锁定。请在 %(time)s（约 %(minutes)s 分钟后）再试；"
        "如需提前解锁，请联系活动办公室。"
    ) % {"time": when, "minutes": minutes}


def lockout_response(request, original_response=None, credentials=None):
    """What axes sends a locked-out sign-in: the login page again, with when to try again."""
    from django.contrib.auth.forms import AuthenticationForm

    lock = lock_for(get_client_username(request, credentials), client_ip(request))
    message = lockout_message(lock) if lock else _("登录失败次数过多，请稍后再试。")
    form = AuthenticationForm(request, data=request.POST or None)
    context = {"form": form, "lockout_message": message, "next": request.POST.get("next", "")}
    return render(request, "registration/login.html", context, status=429)


# API tokens -----------------------------------------------------------------------------------------------


def token_refusal(request) -> JsonResponse | None:
    """A 429 for an address that sent too many bad tokens lately, else None."""
    lock = token_lock_for(client_ip(request))
    if lock is None:
        return None
    response = JsonResponse({"code": "too_many_requests", "message": lockout_message(lock)}, status=429)
    response["Retry-After"] = str(max(1, int((lock.until - timezone.now()).total_seconds())))
    return response


def token_failure_record(request) -> None:
    """Record one bad token from the request's address (an axes failure row with no account)."""
    ip = client_ip(request)
    now = timezone.now()
    AccessFailureLog.objects.filter(
        username__isnull=True, ip_address=ip, attempt_time__lt=now - 2 * _pair_window()
    ).delete()
    AccessFailureLog.objects.create(
        username=None,
        ip_address=ip,
        user_agent=request.headers.get("User-Agent", "")[:255],
        http_accept=request.headers.get("Accept", "")[:1025],
        path_info=request.path_info[:255],
    )
    lock = token_lock_for(ip, now=now)
    if lock is not None:  # refused requests are not recorded: this failure started the lock
        audit_lock(lock)


def lock_list(*, now=None) -> list[Lock]:
    """Every lock in force, latest-ending first (the caller filters by scope)."""
    now = now or timezone.now()
    since = now - 2 * max(_pair_window(), _account_window())
    pairs = (
        AccessFailureLog.objects.filter(attempt_time__gte=since)
        .values_list("username", "ip_address")
        .distinct()
        .order_by("username", "ip_address")
    )
    locks: dict[str, Lock] = {}
    for username, ip in pairs:
        found: list[Lock | None] = (
            list(locks_for(username, ip, now=now)) if username else [token_lock_for(ip, now=now)]
        )
        locks.update((lock.key, lock) for lock in found if lock is not None)
    return sorted(locks.values(), key=lambda lock: lock.until, reverse=True)


def lock_clear(lock: Lock) -> None:
    """Delete the failure records behind `lock`, so counting starts afresh."""
    match: dict[str, object]
    if lock.kind == "pair":
        match = {"username": lock.username, "ip_address": lock.ip_address}
    elif lock.kind == "account":
        match = {"username": lock.username}
    else:
        match = {"username__isnull": True, "ip_address": lock.ip_address}
    AccessAttempt.objects.filter(**match).delete()
    AccessFailureLog.objects.filter(**match).delete()
