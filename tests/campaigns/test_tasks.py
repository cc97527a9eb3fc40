"""The sweep announces each step's opening and closing once, to the secretaries inside the campaign."""

from pacesetter.campaigns import services
from pacesetter.campaigns.enums import CampaignStatus, StepKind
from pacesetter.campaigns.models import Step
from pacesetter.campaigns.tasks import announce_step_edges
from pacesetter.core.models import AuditEntry
from pacesetter.notifications.models import Notification
from pacesetter.orgs.enums import Role
from tests.factories import make_org, make_user

from .conftest import at


def test_sweep_announces_open_once_to_secretaries_in_subtree(city, active):
    other_root = make_org("邻市委")
    make_user("stranger_secretary", Role.SECRETARY, other_root)
    assert announce_step_edges() == 1
    assert announce_step_edges() == 0  # run twice: nothing new
    step = Step.objects.get(kind="mobilise")
    assert step.opened_announced_at is not None and step.closed_announced_at is None
    entries = AuditEntry.objects.filter(action="step.open")
    assert entries.count() == 1
    assert entries.get().actor is None and entries.get().object_id == str(step.pk)
    recipients = sorted(Notification.objects.values_list("recipient__username", flat=True))
    assert recipients == ["secretary", "town_secretary"]
    assert "动员部署" in Notification.objects.first().title


def test_sweep_announces_close_and_ignores_drafts(city, active):
    announce_step_edges()
    Notification.objects.all().delete()
    assert announce_step_edges(now=at(6)) == 1
    assert AuditEntry.objects.filter(action="step.close").count() == 1
    assert Notification.objects.count() == 2
    assert "已截止" in Notification.objects.first().title
    # a draft campaign's steps are not announced
    draft = services.campaign_create(
        actor=city.office,
        organisation=city.town,
        name="镇草稿活动",
        starts_on=active.starts_on,
        ends_on=active.ends_on,
    )
    stage = services.stage_create(
        actor=city.office, campaign=draft, name="一", starts_on=active.starts_on, ends_on=active.ends_on
    )
    services.step_create(
        actor=city.office, stage=stage, kind=StepKind.MOBILISE, opens_at=at(-1), closes_at=at(1)
    )
    assert announce_step_edges() == 0
    assert draft.status == CampaignStatus.DRAFT


def test_announce_is_compare_and_set(city, active):
    step = Step.objects.get(kind="mobilise")
    assert services.step_announce(step_id=step.pk, edge="open") is True
    assert services.step_announce(step_id=step.pk, edge="open") is False
    assert AuditEntry.objects.filter(action="step.open").count() == 1


def test_sweep_notifies_with_bounded_queries(city, active, django_assert_max_num_queries):
    for i in range(5):
        make_user(f"s{i}", Role.SECRETARY, make_org(f"支部{i}", city.town))
    with django_assert_max_num_queries(12):
        announce_step_edges()
    assert Notification.objects.count() == 7


def test_review_step_opening_notifies_the_liaison_leaders_not_the_secretaries(city, active):
    from pacesetter.orgs.models import Liaison

    Liaison.objects.create(leader=city.leader, organisation=city.school)
    elsewhere = make_user("other_leader", Role.LEADER, make_org("邻市委"))
    Liaison.objects.create(leader=elsewhere, organisation=elsewhere.role_grants.get().organisation)
    stage = active.stages.first()
    step = services.step_create(
        actor=city.office, stage=stage, kind=StepKind.REVIEW, opens_at=at(-1), closes_at=at(1)
    )
    assert services.step_announce(step_id=step.pk, edge="open") is True
    assert list(Notification.objects.values_list("recipient__username", flat=True)) == ["leader"]
    assert "领导点评" in Notification.objects.get().title
