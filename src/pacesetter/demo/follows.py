"""Demo notification preferences and followers (关注) for `pacesetter demo`."""

from django.contrib.auth import get_user_model
from django.utils import timezone

from pacesetter.orgs.models import Organisation
from pacesetter.orgs.selectors import subtree_q

DEMO_PHONE = "13800138000"
DEMO_EMAIL = "follower@example.cn"


def _subjects(root: Organisation):
    from pacesetter.commitments.enums import PUBLIC_STATES
    from pacesetter.commitments.models import Commitment

    org_ids = list(Organisation.objects.filter(subtree_q(root.path)).values_list("pk", flat=True))
    commitment_ids = list(Commitment.objects.filter(organisation_id__in=org_ids).values_list("pk", flat=True))
    first_public = (
        Commitment.objects.filter(organisation_id__in=org_ids, status__in=PUBLIC_STATES)
        .order_by("pk")
        .first()
    )
    return org_ids, commitment_ids, first_public


def remove_follows(root: Organisation) -> None:
    from pacesetter.follows.models import Follow

    org_ids, commitment_ids, _first = _subjects(root)
    Follow.objects.filter(subject_type="org", subject_id__in=org_ids).delete()
    Follow.objects.filter(subject_type="commitment", subject_id__in=commitment_ids).delete()


def ensure_follows(root: Organisation) -> int:
    """Some preferences for the demo secretaries and two followers; returns how many follows were made."""
    from pacesetter.follows.enums import FollowStatus, Subject, Via
    from pacesetter.follows.models import Follow
    from pacesetter.follows.services import _address_key
    from pacesetter.notifications.kinds import Channel, Kind
    from pacesetter.notifications.models import Preference

    users = {u.username: u for u in get_user_model().objects.filter(username__in=["cx_secretary", "office"])}
    choices = {
        "cx_secretary": [(Kind.PLAN_RESULT, Channel.DIGEST, True), (Kind.RECTIFICATION, Channel.SMS, True)],
        "office": [(Kind.BULLETIN, Channel.IN_APP, False), (Kind.CASE_REMINDER, Channel.EMAIL, False)],
    }
    for username, rows in choices.items():
        if username in users:
            for kind, channel, enabled in rows:
                Preference.objects.update_or_create(
                    user=users[username], kind=kind, channel=channel, defaults={"enabled": enabled}
                )
    _org_ids, _c, first_public = _subjects(root)
    school = Organisation.objects.filter(subtree_q(root.path), name="城厢区实验小学党支部").first()
    made = 0
    now = timezone.now()
    wanted = []
    if first_public is not None:
        wanted.append((Subject.COMMITMENT, first_public.pk, Via.SMS, DEMO_PHONE))
    if school is not None:
        wanted.append((Subject.ORG, school.pk, Via.EMAIL, DEMO_EMAIL))
    for subject_type, subject_id, via, address in wanted:
        _row, created = Follow.objects.get_or_create(
            subject_type=subject_type,
            subject_id=subject_id,
            address_key=_address_key(via, address),
            defaults={
                "via": via,
                "address": address,
                "status": FollowStatus.ACTIVE,
                "confirmed_at": now,
                "news_since": now,
            },
        )
        made += created
    return made
