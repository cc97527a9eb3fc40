"""Builders for evaluation tests: a round over the test city, codes, complete and partial answers."""

import datetime

from django.utils import timezone

from pacesetter.campaigns.models import Campaign
from pacesetter.campaigns.services import campaign_create
from pacesetter.evaluations import services
from pacesetter.evaluations.enums import GroupKind, GroupMode, RoundKind, RoundStatus, Scale
from pacesetter.evaluations.models import RaterGroup, Round
from pacesetter.evaluations.selectors import ballot_form

GROUPS = [
    {"name": "领导班子", "kind": GroupKind.LEADERS, "weight": 30, "mode": GroupMode.CODES},
    {"name": "党员", "kind": GroupKind.MEMBERS, "weight": 40, "mode": GroupMode.MEMBERS},
    {"name": "代表", "kind": GroupKind.DEPUTIES, "weight": 20, "mode": GroupMode.CODES},
    {"name": "群众", "kind": GroupKind.PUBLIC, "weight": 10, "mode": GroupMode.CODES},
]


def make_campaign(city) -> Campaign:
    today = timezone.localdate()
    return campaign_create(
        actor=city.office,
        organisation=city.city,
        name="创先争优活动",
        starts_on=today - datetime.timedelta(days=30),
        ends_on=today + datetime.timedelta(days=300),
    )


def make_round(
    city, *, criteria=None, groups=None, k_min=3, status=RoundStatus.OPEN, members=False, **kw
) -> Round:
    now = timezone.now()
    targets = (
        {"target_members": [city.teacher, city.farmer, *kw.pop("extra_members", [])]}
        if members
        else {"target_orgs": [city.district, city.school, city.town, city.village]}
    )
    round_ = services.round_create(
        actor=city.office,
        organisation=city.city,
        name=kw.pop("name", "2011年度群众评议"),
        kind=kw.pop("kind", RoundKind.PUBLIC_REVIEW),
        scale=kw.pop("scale", Scale.SATISFACTION),
        opens_at=kw.pop("opens_at", now - datetime.timedelta(hours=1)),
        closes_at=kw.pop("closes_at", now + datetime.timedelta(days=7)),
        groups=groups or GROUPS,
        criteria_set=criteria,
        k_min=k_min,
        **targets,
        **kw,
    )
    if status == RoundStatus.OPEN:
        services.round_transition(actor=city.office, round_=round_, to_status=RoundStatus.OPEN)
    elif status == RoundStatus.TRIAL:
        services.round_transition(actor=city.office, round_=round_, to_status=RoundStatus.TRIAL)
    round_.refresh_from_db()
    return round_


def group(round_, name) -> RaterGroup:
    return RaterGroup.objects.get(round=round_, name=name)


def codes(city, round_, name="群众", n=5) -> list[str]:
    return services.codes_generate(actor=city.office, round_=round_, group=group(round_, name), count=n)


def answers(round_, score=100, *, skip=None, dont_know=()) -> dict:
    """Every target × question answered with `score`; (target_id, position) in `skip` left blank."""
    form = ballot_form(round_)
    out = {}
    for t in form.targets:
        row = {}
        for q in form.questions:
            if skip and (t.id, q.position) in skip:
                continue
            row[str(q.position)] = None if (t.id, q.position) in dont_know else score
        out[str(t.id)] = row
    return out
