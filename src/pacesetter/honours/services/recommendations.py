"""群众推荐: the public's recommendations, counted once per person (a texted code or a printed slip)."""

from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from pacesetter import onecount
from pacesetter.core.errors import StateError

from ..enums import RECOMMENDABLE_STATES, ProgrammeStatus
from ..models import Nomination


def recommendation_subject(nomination: Nomination) -> str:
    return f"honours-recommend:{nomination.pk}"


def recommend_code_send(*, nomination: Nomination, phone: str, ip: str | None) -> None:
    _recommendable(nomination)
    onecount.phone_code_send(phone=phone, client_ip=ip, purpose="recommend")


def _recommendable(nomination: Nomination) -> None:
    if (
        nomination.programme.status != ProgrammeStatus.NOMINATING
        or nomination.status not in RECOMMENDABLE_STATES
    ):
        raise StateError(_("群众推荐已结束"))


@transaction.atomic
def recommend(
    *, nomination: Nomination, phone: str = "", code: str = "", slip: str = "", person_key: str = ""
) -> bool:
    """群众推荐: counted once per person (a phone confirmed by a texted code, or a printed slip); returns
    False when this person had already recommended this nominee (nothing counted twice)."""
    _recommendable(nomination)
    if not person_key:
        if slip:
            person_key = onecount.slip_redeem(code=slip, subject=recommendation_subject(nomination))
        else:
            person_key = onecount.phone_code_confirm(phone=phone, code=code, purpose="recommend")
    counted = onecount.count_once(subject=recommendation_subject(nomination), person_key=person_key)
    if counted:
        Nomination.objects.filter(pk=nomination.pk).update(recommendations=F("recommendations") + 1)
    return counted
