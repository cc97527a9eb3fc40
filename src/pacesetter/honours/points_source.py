"""Commendation (评选表彰) as an automatic points source (积分: 获得表彰): registered here, in the app above
points, so that points never imports honours (import-linter's layers). Loaded by HonoursConfig.ready.

An event is a member's honour (a certificate of a 表彰决定) of the period's year in a programme of the period's
campaign; the points sweep writes each once (the ledger's unique key), within the rule's cap.
"""

from django.urls import reverse

from pacesetter.points.enums import EventType
from pacesetter.points.events import Event, register, unwritten
from pacesetter.points.models import PointRule

from .models import Honour


def honours_awarded(rule: PointRule, limit: int, after: int = 0) -> list[Event]:
    period = rule.period
    honours = Honour.objects.filter(
        member__isnull=False,
        member__is_active=True,
        year=period.year,
        nomination__programme__campaign_id=period.campaign_id,
    )
    fields = ("pk", "member_id", "member__organisation_id", "decision__issued_on", "certificate_no", "title")
    qs = unwritten(honours, rule, after, limit, *fields)
    return [
        Event(pk, m, o, day, reverse("honours-public:honour", args=[no]), f"{title}（{no}）")
        for pk, m, o, day, no, title in qs
    ]


register(EventType.HONOUR_AWARDED, honours_awarded)
