"""Reads for following: which follows have news, and what the news is."""

from django.db.models import Exists, OuterRef, Q
from django.urls import reverse

from pacesetter.commitments.enums import PUBLIC_STATES, CommitmentStatus
from pacesetter.commitments.models import Commitment, CommitmentEvent, ProgressUpdate
from pacesetter.orgs.models import Organisation

from .enums import FollowStatus, Subject
from .models import Follow

# Status changes a follower hears of: 述诺 (reported) and 办结 (closed).
TOLD_STATES = (CommitmentStatus.REPORTED, CommitmentStatus.CLOSED)


def _updates(follow_ref):
    return ProgressUpdate.objects.filter(
        commitment_id=follow_ref("subject_id"), created_at__gt=follow_ref("news_since")
    )


def _events(follow_ref):
    return CommitmentEvent.objects.filter(
        commitment_id=follow_ref("subject_id"), at__gt=follow_ref("news_since"), to_status__in=TOLD_STATES
    )


def _published(follow_ref):
    return Commitment.objects.filter(
        organisation_id=follow_ref("subject_id"),
        published_at__gt=follow_ref("news_since"),
        status__in=PUBLIC_STATES,
    )


def follows_with_news(today):
    """Active follows with something new since they were last told, of people not yet told today."""
    has_news = (
        Q(subject_type=Subject.COMMITMENT) & (Exists(_updates(OuterRef)) | Exists(_events(OuterRef)))
    ) | (Q(subject_type=Subject.ORG) & Exists(_published(OuterRef)))
    told_today = Follow.objects.filter(last_sent_on=today, status=FollowStatus.ACTIVE).values("address_key")
    return Follow.objects.filter(has_news, status=FollowStatus.ACTIVE).exclude(address_key__in=told_today)


def news_lines(follow: Follow) -> list[str]:
    """What is new for one follow, as short lines (title, count, public address)."""
    since = follow.news_since
    if follow.subject_type == Subject.COMMITMENT:
        c = Commitment.objects.filter(pk=follow.subject_id).first()
        if c is None:
            return []
        n = ProgressUpdate.objects.filter(commitment=c, created_at__gt=since).count()
        events = list(
            CommitmentEvent.objects.filter(commitment=c, at__gt=since, to_status__in=TOLD_STATES).values_list(
                "to_status", flat=True
            )
        )
        parts = []
        if n:
            parts.append(f"{n} 条进展")
        parts += [str(CommitmentStatus(s).label) for s in events]
        return (
            [f"“{c.title}”：{'，'.join(parts)}  {reverse('wall:commitment', args=[c.pk])}"] if parts else []
        )
    org = Organisation.objects.filter(pk=follow.subject_id).first()
    if org is None:
        return []
    n = Commitment.objects.filter(organisation=org, published_at__gt=since, status__in=PUBLIC_STATES).count()
    return [f"“{org.name}”：新公开 {n} 项承诺  {reverse('web:public-org', args=[org.pk])}"] if n else []
