"""Fixtures for commitments: an active campaign over the test city with the 公开承诺 and 践诺 windows open."""

import datetime
from datetime import timedelta

import pytest
from django.utils import timezone

from pacesetter.campaigns import tallies
from pacesetter.campaigns.enums import CampaignStatus, CriteriaSubject, StepCapability, StepKind
from pacesetter.campaigns.models import Campaign, CriteriaItem, Stage, Step
from pacesetter.campaigns.services import criteria_seed_defaults
from pacesetter.commitments import services
from pacesetter.commitments.enums import CommitmentAction as A
from pacesetter.commitments.enums import CommitmentStatus as S
from pacesetter.orgs.enums import Role
from tests.factories import make_user


def make_campaign(city, *, commit_open=True, fulfil_open=True) -> Campaign:
    today = timezone.localdate()
    campaign = Campaign.objects.create(
        name="示范市创先争优活动",
        organisation=city.city,
        starts_on=today - timedelta(days=30),
        ends_on=today + timedelta(days=365),
        status=CampaignStatus.ACTIVE,
    )
    criteria_seed_defaults(campaign=campaign)
    stage = Stage.objects.create(
        campaign=campaign, name="第一阶段", starts_on=campaign.starts_on, ends_on=campaign.ends_on
    )
    for kind, cap, is_open in (
        (StepKind.COMMIT, StepCapability.COMMITMENTS, commit_open),
        (StepKind.STRIVE, StepCapability.FULFILMENT, fulfil_open),
    ):
        Step.objects.create(campaign=campaign, stage=stage, kind=kind, capabilities=[cap], **window(is_open))
    tallies.rebuild(
        campaign
    )  # as campaign_create does: the dashboard's counters start with every organisation
    return campaign


def window(is_open: bool) -> dict:
    now = timezone.now()
    if is_open:
        return {"opens_at": now - timedelta(days=1), "closes_at": now + timedelta(days=60)}
    return {"opens_at": now - timedelta(days=20), "closes_at": now - timedelta(days=10)}


def set_window(campaign, capability: str, is_open: bool) -> Step:
    step = next(s for s in campaign.steps.all() if capability in s.capabilities)
    for k, v in window(is_open).items():
        setattr(step, k, v)
    step.save()
    return step


def item(campaign, subject=CriteriaSubject.ORGANISATION, n=0) -> CriteriaItem:
    return list(
        CriteriaItem.objects.filter(criteria_set__campaign=campaign, criteria_set__subject=subject).order_by(
            "order"
        )
    )[n]


def deadline(days=60) -> datetime.date:
    return timezone.localdate() + timedelta(days=days)


@pytest.fixture
def camp(city):
    city.school_secretary = make_user("school_secretary", Role.SECRETARY, city.school)
    return make_campaign(city)


def org_commitment(city, campaign, org=None, actor=None, **kw):
    org = org or city.school
    actor = actor or city.secretary
    fields = {
        "criteria_item": item(campaign),
        "title": kw.pop("title", "为辖区困难群众办实事"),
        "target": "走访困难群众 30 户",
        "deadline": kw.pop("deadline", deadline()),
        "responsible": "张书记、李委员",
        "content": "逐户走访，建立台账。",
        **kw,
    }
    return services.commitment_create(actor=actor, campaign=campaign, organisation=org, **fields)


def member_commitment(city, campaign, **kw):
    services.post_set(actor=city.member_user, campaign=campaign, member=city.teacher, title="班主任")
    fields = {
        "criteria_item": item(campaign, CriteriaSubject.MEMBER, 2),
        "title": kw.pop("title", "每周为学生义务辅导两小时"),
        "target": "全年辅导不少于 80 小时",
        "deadline": kw.pop("deadline", deadline()),
        "responsible": "林老师",
        **kw,
    }
    return services.commitment_create(
        actor=city.member_user, campaign=campaign, member=city.teacher, **fields
    )


def reviewer_of(city, c):
    """The natural reviewer: the branch secretary's district for the teacher, the district for the school."""
    if c.organisation_id in (city.school.pk,):
        return city.secretary
    return city.office


def owner_of(city, c):
    return (
        city.member_user
        if c.member_id
        else city.school_secretary
        if c.organisation_id == city.school.pk
        else city.secretary
    )


PATH = {
    S.SUBMITTED: [A.SUBMIT],
    S.APPROVED: [A.SUBMIT, A.APPROVE],
    S.RETURNED: [A.SUBMIT, A.RETURN],
    S.PUBLISHED: [A.SUBMIT, A.APPROVE, A.PUBLISH],
    S.REPORTED: [A.SUBMIT, A.APPROVE, A.PUBLISH, A.REPORT],
    S.CLOSED: [A.SUBMIT, A.APPROVE, A.PUBLISH, A.REPORT, A.CLOSE],
}
REVIEWER_ACTIONS = {A.APPROVE, A.RETURN, A.CLOSE}


def advance(city, c, target):
    for action in PATH.get(target, []):
        actor = reviewer_of(city, c) if action in REVIEWER_ACTIONS else owner_of(city, c)
        comment = "请补充量化目标" if action == A.RETURN else ("全部完成" if action == A.REPORT else "")
        c = services.commitment_transition(actor=actor, commitment=c, action=action, comment=comment)
    c.refresh_from_db()
    return c
