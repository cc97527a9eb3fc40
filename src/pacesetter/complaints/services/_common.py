"""Writes for public reports and cases (群众举报与案件): common."""

import hashlib
import secrets
from datetime import timedelta
from functools import partial

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from pacesetter.core.errors import (
    StateError,
    ValidationError,
)
from pacesetter.core.people import acting_user, actor_name
from pacesetter.core.text import clean_text
from pacesetter.core.workdays import add_working_days
from pacesetter.notifications.kinds import Kind
from pacesetter.notifications.services import notify
from pacesetter.orgs.enums import ROLE_CAPS, Cap, Role
from pacesetter.orgs.models import SEGMENT, Organisation, RoleGrant, path_chain
from pacesetter.orgs.services import acting_for, users_with_role_on

from ..enums import (
    CaseKind,
    Deadline,
)
from ..models import (
    Case,
    CaseEvent,
    Category,
    ReportThrottle,
)

PASSWORD_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"
NOTE_MAX = 5_000
# (deadline, the field marking it met, the date field, the flag field)
DEADLINES = (
    (Deadline.ACKNOWLEDGE, "acknowledged_at", "ack_by", "ack_overdue_at"),
    (Deadline.VERIFY, "verified_at", "verify_by", "verify_overdue_at"),
    (Deadline.REPLY, "replied_at", "reply_by", "reply_overdue_at"),
    (Deadline.CLOSE, "closed_at", "close_by", "close_overdue_at"),
)


# ------------------------------------------------------------------ helpers


_text = partial(clean_text, limit=NOTE_MAX)


def _tell(org, c: Case, title: str, *, kind: str = Kind.CASE, body: str = "") -> None:
    """Those acting for ``org`` are told about case ``c`` — never the person it is about — in the inbox only."""
    notify(
        kind=kind,
        recipients=acting_for(org, exclude=c.hidden_from_id),
        title=title,
        body=body,
        url=reverse("complaints:case-detail", args=[c.pk]),
        email=False,
    )


def address_hash(ip: str | None, *, now=None, purpose: str = "case") -> str:
    """A salted hash of the address that changes every day, so a kept row cannot be joined across days.
    `purpose` salts it too: filing ("case") and unknown-number queries ("query") are counted apart."""
    day = timezone.localdate(now or timezone.now()).isoformat()
    return hashlib.sha256(f"{settings.SECRET_KEY}|{purpose}|{day}|{ip or '-'}".encode()).hexdigest()


def _recent(ip: str | None, purpose: str, now) -> tuple[str, int]:
    """(today's hash, how many rows this address left in the last 24 hours): today's and yesterday's hashes,
    so the window does not restart at midnight."""
    digest = address_hash(ip, now=now, purpose=purpose)
    digests = [digest, address_hash(ip, now=now - timedelta(days=1), purpose=purpose)]
    count = ReportThrottle.objects.filter(address_hash__in=digests, at__gte=now - timedelta(hours=24)).count()
    return digest, count


def deadlines_for(category: Category | None, received_on, kind: str = CaseKind.REPORT) -> dict:
    """The four dates from the day received: the category's working days, else the kind's, else the defaults."""
    from ..enums import KIND_DAYS

    defaults = KIND_DAYS.get(kind, _default_days())
    days = {d: (category.days(d) if category else n) for d, n in defaults.items()}
    return {
        "ack_by": add_working_days(received_on, days[Deadline.ACKNOWLEDGE]),
        "verify_by": add_working_days(received_on, days[Deadline.VERIFY]),
        "reply_by": add_working_days(received_on, days[Deadline.REPLY]),
        "close_by": add_working_days(received_on, days[Deadline.CLOSE]),
    }


def _default_days():
    from ..enums import DEFAULT_DAYS

    return DEFAULT_DAYS


def _office_over(path: str, *, exclude=None):
    paths = path_chain(path)
    users = users_with_role_on(Organisation.objects.filter(path__in=paths).values("pk"), Role.OFFICE)
    return [u for u in users if exclude is None or u.pk != exclude]


def _parent(org: Organisation) -> Organisation | None:
    return org.parent if org.parent_id else None


def _handler_user_ids(org: Organisation) -> set[int]:
    """Accounts holding case.handle on `org` or one of its ancestors."""
    roles = [r for r, caps in ROLE_CAPS.items() if Cap.CASE_HANDLE in caps]
    return set(
        RoleGrant.objects.filter(
            organisation__path__in=[*org.ancestor_paths, org.path], role__in=roles, revoked_at__isnull=True
        ).values_list("user_id", flat=True)
    )


def route(subject_org: Organisation, hidden_user_id: int | None) -> Organisation:
    """The organisation that owns a case about `subject_org`: itself, unless the person the case names
    handles cases there — then the parent of the highest organisation where they do (they never see it)."""
    owner = subject_org
    while hidden_user_id is not None and hidden_user_id in _handler_user_ids(owner):
        parent = _parent(owner)
        if parent is None:
            break
        owner = parent
    return owner


def _triage_root(org: Organisation | None) -> Organisation:
    if org is not None:
        root_path = org.path[:SEGMENT]
        return Organisation.objects.get(path=root_path)
    root = Organisation.objects.filter(depth=0, is_active=True).order_by("path").first()
    if root is None:
        raise ValidationError(_("系统尚未建立党组织"))
    return root


def _new_number(now) -> str:
    for _i in range(10):
        number = f"{timezone.localdate(now):%y%m%d}{secrets.randbelow(10**6):06d}"
        if not Case.objects.filter(number=number).exists():
            return number
    raise StateError(_("编号生成失败，请重试"))


def _event(case, action, before, *, actor=None, note="", public=False, org=None, at=None):
    CaseEvent.objects.create(
        case=case,
        action=action,
        from_status=before,
        to_status=case.status,
        organisation=org or case.owner,
        actor=acting_user(actor),
        actor_name=actor_name(actor, nobody=""),
        note=note,
        public=public,
        at=at or timezone.now(),
    )
