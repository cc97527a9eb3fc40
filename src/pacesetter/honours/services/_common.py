"""What the honours services share: limits, the text check, the office check, and the only two functions that
assign a status — `_programme_transition` (Programme.status) and `_transition` (Nomination.status, with its event).
"""

from functools import partial

from django.db import transaction
from django.utils.translation import gettext as _

from pacesetter.core.audit import audit_status
from pacesetter.core.errors import PermissionDeniedError, StateError
from pacesetter.core.people import acting_user, actor_name
from pacesetter.core.text import clean_text
from pacesetter.notifications.kinds import Kind
from pacesetter.notifications.services import notify
from pacesetter.orgs.services import acting_for

from ..enums import (
    PROGRAMME_TRANSITIONS,
    TRANSITIONS,
    NominationAction,
    NominationStatus,
    Party,
    ProgrammeAction,
    ProgrammeStatus,
)
from ..models import Nomination, NominationEvent, Programme
from ..rules import is_office, parties_for

PHOTO_MAX_BYTES = 5 * 1024 * 1024
OBJECTION_SOURCE = "honours.nomination"


_text = partial(clean_text, limit=200)


def _tell(orgs, title: str, url: str) -> None:
    """Those acting for ``orgs`` are told once the write commits (nothing is sent for one rolled back)."""
    users = [u for org in orgs for u in acting_for(org)]
    transaction.on_commit(
        lambda: notify(kind=Kind.HONOURS, recipients=users, title=title, url=url, email=False)
    )


def _require_office(actor, programme: Programme) -> None:
    if not is_office(actor, programme):
        raise PermissionDeniedError(
            _("只有%(o)s的评选表彰工作人员可以进行此操作") % {"o": programme.organisation.name}
        )


def _programme_transition(actor, programme: Programme, action: str, **fields) -> Programme:
    p = Programme.objects.select_for_update().get(pk=programme.pk)
    to = PROGRAMME_TRANSITIONS.get((p.status, action))
    if to is None:
        raise StateError(
            _("评选表彰当前为“%(s)s”，不能%(a)s")
            % {"s": ProgrammeStatus(p.status).label, "a": ProgrammeAction(action).label}
        )
    before = p.status
    for k, v in fields.items():
        setattr(p, k, v)
    p.status = to
    p.save()
    audit_status(actor, f"honours.programme.{action}", p, before)
    return p


def _event(n: Nomination, action: str, before: str, *, actor, org=None, comment: str = "") -> None:
    NominationEvent.objects.create(
        nomination=n,
        action=action,
        before=before,
        after=n.status,
        organisation=org,
        actor=acting_user(actor),
        actor_name=actor_name(actor),
        comment=comment,
    )


def _transition(actor, nomination: Nomination, action: str, *, comment: str = "", **fields) -> Nomination:
    """The only place a nomination's status changes: the table row, the party, a comment where required;
    then compare-and-set, one event and one audit entry."""
    n = (
        Nomination.objects.select_for_update(of=("self",))  # PostgreSQL locks no nullable side of a join
        .select_related("programme__organisation", "nominator", "reviewer")
        .get(pk=nomination.pk)
    )
    label = NominationAction(action).label
    t = TRANSITIONS.get((n.status, action))
    if t is None:
        raise StateError(
            _("推荐对象当前为“%(s)s”，不能%(a)s") % {"s": NominationStatus(n.status).label, "a": label}
        )
    if t.party not in parties_for(actor, n) and actor is not None:
        raise PermissionDeniedError(_("只有%(p)s可以%(a)s") % {"p": Party(t.party).label, "a": label})
    comment = _text(comment, "comment", _("意见"), required=t.needs_comment, limit=1000)
    org = (
        n.reviewer
        if t.party == Party.REVIEWER
        else (n.nominator if t.party == Party.NOMINATOR else n.programme.organisation)
    )
    before = n.status
    n.status = t.to
    for k, v in fields.items():
        setattr(n, k, v)
    n.save()
    _event(n, action, before, actor=actor, org=org, comment=comment)
    audit_status(
        actor,
        f"honours.nomination.{action}",
        n,
        before,
        also={"comment": comment} if comment else {},
    )
    return n
