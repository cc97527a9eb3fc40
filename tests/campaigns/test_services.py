"""Campaign services: permission first, validation, transitions, criteria weights and locking, themes,
leading groups, pairings, extensions; each write audited."""

import datetime

import pytest
from django.utils import timezone

from pacesetter.campaigns import services
from pacesetter.campaigns.enums import CAMPAIGN_TRANSITIONS, StepKind
from pacesetter.campaigns.models import CriteriaSet, GroupMember, OrgTheme, Step, StepExtension
from pacesetter.campaigns.selectors import criteria_sets_for, org_theme_for
from pacesetter.core.errors import PermissionDeniedError, StateError, ValidationError
from pacesetter.core.models import AuditEntry
from pacesetter.notifications.models import Notification

from .conftest import at

TODAY = datetime.date(2010, 4, 1)


def test_create_seeds_default_criteria(city, campaign):
    sets = criteria_sets_for(campaign)
    assert [s.name for s in sets] == ["五个好", "五带头"]
    orgs, members = sets
    assert [i.name for i in orgs.items.all()] == [
        "领导班子好",
        "党员队伍好",
        "工作机制好",
        "工作业绩好",
        "群众反映好",
    ]
    assert [i.weight for i in orgs.items.all()] == [20, 20, 20, 20, 20]
    used = {x.name for i in orgs.items.all() for x in i.indicators.all()}
    assert used == {
        "比服务发展",
        "比落实任务",
        "比干群和谐",
        "比群众满意",
        "看学习能力",
        "看服务能力",
        "看执行能力",
        "看创新能力",
    }
    used = {x.name for i in members.items.all() for x in i.indicators.all()}
    assert used == {"比学习", "比服务", "比奉献", "比勤廉", "看履职", "看业绩", "看守纪", "看公论"}
    assert all(i.indicators.all() for i in members.items.all())
    assert AuditEntry.objects.filter(action="campaign.create", object_id=str(campaign.pk)).count() == 1


def test_each_campaign_has_its_own_copy(city, campaign):
    other = services.campaign_create(
        actor=city.office, organisation=city.city, name="另一活动", starts_on=TODAY, ends_on=TODAY
    )
    assert CriteriaSet.objects.filter(campaign=other).count() == 2
    assert set(CriteriaSet.objects.filter(campaign=campaign).values_list("pk", flat=True)).isdisjoint(
        CriteriaSet.objects.filter(campaign=other).values_list("pk", flat=True)
    )


def test_secretary_cannot_create_campaign(city):
    with pytest.raises(PermissionDeniedError):
        services.campaign_create(
            actor=city.secretary, organisation=city.district, name="区活动", starts_on=TODAY, ends_on=TODAY
        )


def test_campaign_dates_validated(city):
    with pytest.raises(ValidationError) as exc:
        services.campaign_create(
            actor=city.office,
            organisation=city.city,
            name="x",
            starts_on=TODAY,
            ends_on=TODAY - datetime.timedelta(days=1),
        )
    assert exc.value.field == "ends_on" and "不能早于" in str(exc.value.message)


@pytest.mark.parametrize(
    "path", [("draft", "active"), ("draft", "active", "closed"), ("draft", "active", "closed", "active")]
)
def test_allowed_transitions(city, campaign, path):
    for to in path[1:]:
        campaign = services.campaign_transition(
            actor=city.office, campaign=campaign, to_status=to, reason="补充评选"
        )
        assert campaign.status == to
    campaign.refresh_from_db()
    assert campaign.status == path[-1]


@pytest.mark.parametrize(
    "start,to", [("draft", "closed"), ("active", "draft"), ("closed", "draft"), ("active", "active")]
)
def test_forbidden_transitions(city, campaign, start, to):
    walk = {"draft": [], "active": ["active"], "closed": ["active", "closed"]}[start]
    for step in walk:
        services.campaign_transition(actor=city.office, campaign=campaign, to_status=step)
    assert to not in CAMPAIGN_TRANSITIONS[start]
    with pytest.raises(StateError) as exc:
        services.campaign_transition(actor=city.office, campaign=campaign, to_status=to)
    assert "不能改为" in str(exc.value.message)
    campaign.refresh_from_db()
    assert campaign.status == start


def test_reopen_needs_reason_and_is_audited(city, campaign):
    services.campaign_transition(actor=city.office, campaign=campaign, to_status="active")
    services.campaign_transition(actor=city.office, campaign=campaign, to_status="closed")
    with pytest.raises(ValidationError):
        services.campaign_transition(actor=city.office, campaign=campaign, to_status="active")
    services.campaign_transition(actor=city.office, campaign=campaign, to_status="active", reason="补报")
    actions = list(
        AuditEntry.objects.filter(object_type="campaigns.campaign")
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == ["campaign.create", "campaign.activate", "campaign.close", "campaign.reopen"]


def test_secretary_cannot_transition(city, campaign):
    with pytest.raises(PermissionDeniedError):
        services.campaign_transition(actor=city.secretary, campaign=campaign, to_status="active")


def test_only_one_function_assigns_status():
    import pathlib
    import re

    src = pathlib.Path(services.__file__).parent.parent  # the app: services is a package
    hits = [
        str(p.relative_to(src))
        for p in src.rglob("*.py")
        if re.search(r"\.status\s*=[^=]", p.read_text()) and "migrations" not in str(p)
    ]
    assert hits == ["services/campaigns.py"]
    assert len(re.findall(r"\.status\s*=[^=]", (src / "services" / "campaigns.py").read_text())) == 1


def test_lay_out_default_steps(city, campaign):
    steps = services.steps_lay_out_defaults(actor=city.office, stage=campaign.stage)
    assert [s.kind for s in steps] == list(StepKind.values)
    assert steps[0].capabilities == ["plans"] and steps[2].capabilities == ["fulfilment", "records"]
    assert steps[0].opens_at.date() <= campaign.stage.starts_on + datetime.timedelta(days=1)
    assert all(a.closes_at == b.opens_at for a, b in zip(steps, steps[1:], strict=False))
    with pytest.raises(StateError):
        services.steps_lay_out_defaults(actor=city.office, stage=campaign.stage)


def test_step_update_validates_window_and_capabilities(city, campaign):
    step = services.steps_lay_out_defaults(actor=city.office, stage=campaign.stage)[0]
    with pytest.raises(ValidationError) as exc:
        services.step_update(actor=city.office, step=step, opens_at=at(1), closes_at=at(0), capabilities=[])
    assert exc.value.field == "closes_at"
    with pytest.raises(ValidationError):
        services.step_update(
            actor=city.office, step=step, opens_at=at(0), closes_at=at(1), capabilities=["nope"]
        )
    step = services.step_update(
        actor=city.office, step=step, opens_at=at(0), closes_at=at(1), capabilities=["records", "plans"]
    )
    assert step.capabilities == ["plans", "records"]
    with pytest.raises(PermissionDeniedError):
        services.step_update(
            actor=city.secretary, step=step, opens_at=at(0), closes_at=at(1), capabilities=[]
        )


def test_extension_rules_and_notifications(city, active):
    step = Step.objects.get(kind="mobilise")
    with pytest.raises(ValidationError) as exc:
        services.step_extension_create(
            actor=city.office, step=step, organisation=city.district, closes_at=at(1), reason="晚"
        )
    assert exc.value.field == "closes_at" and "必须晚于" in str(exc.value.message)
    with pytest.raises(ValidationError):
        services.step_extension_create(
            actor=city.office, step=step, organisation=city.district, closes_at=at(9), reason=" "
        )
    with pytest.raises(PermissionDeniedError):
        services.step_extension_create(
            actor=city.secretary, step=step, organisation=city.district, closes_at=at(9), reason="x"
        )
    services.step_extension_create(
        actor=city.office, step=step, organisation=city.district, closes_at=at(9), reason="防汛"
    )
    assert StepExtension.objects.count() == 1
    assert list(Notification.objects.values_list("recipient__username", flat=True)) == ["secretary"]
    assert AuditEntry.objects.filter(action="step.extend").count() == 1


def test_weights_must_sum_to_100(city, campaign):
    cset = CriteriaSet.objects.get(campaign=campaign, name="五个好")
    items = [{"name": i.name, "weight": 20, "indicators": ["看学习能力"]} for i in cset.items.all()]
    items[0]["weight"] = 30
    with pytest.raises(ValidationError) as exc:
        services.criteria_set_update(actor=city.office, criteria_set=cset, items=items)
    assert "必须等于 100" in str(exc.value.message) and "110" in str(exc.value.message)
    items[1]["weight"] = 10
    items.append({"name": "新增项", "weight": 0, "indicators": []})
    with pytest.raises(ValidationError):
        services.criteria_set_update(actor=city.office, criteria_set=cset, items=items)
    items.pop()
    items.pop()  # remove 群众反映好 → 80
    items[0]["weight"] = 50
    services.criteria_set_update(actor=city.office, criteria_set=cset, items=items)
    assert [(i.name, i.weight) for i in cset.items.all()] == [
        ("领导班子好", 50),
        ("党员队伍好", 10),
        ("工作机制好", 20),
        ("工作业绩好", 20),
    ]
    assert AuditEntry.objects.filter(action="criteria.update").count() == 1


def test_secretary_cannot_edit_criteria(city, campaign):
    cset = CriteriaSet.objects.get(campaign=campaign, name="五带头")
    with pytest.raises(PermissionDeniedError):
        services.criteria_set_update(
            actor=city.secretary, criteria_set=cset, items=[{"name": "a", "weight": 100}]
        )


def test_locked_criteria_refuse_edits(city, campaign):
    cset = CriteriaSet.objects.get(campaign=campaign, name="五带头")
    assert services.criteria_set_lock(actor=None, criteria_set=cset) is True
    assert services.criteria_set_lock(actor=None, criteria_set=cset) is False
    with pytest.raises(StateError) as exc:
        services.criteria_set_update(
            actor=city.office, criteria_set=cset, items=[{"name": "a", "weight": 100}]
        )
    assert "已被评议使用并锁定" in str(exc.value.message)


def test_new_criteria_set(city, campaign):
    cset = services.criteria_set_create(actor=city.office, campaign=campaign, name="三个一", subject="org")
    services.criteria_set_update(
        actor=city.office,
        criteria_set=cset,
        items=[
            {"name": "一面旗帜", "weight": 60, "indicators": ["看公论"]},
            {"name": "一个堡垒", "weight": 40},
        ],
    )
    assert [i.weight for i in cset.items.all()] == [60, 40]
    with pytest.raises(ValidationError):
        services.criteria_set_create(actor=city.office, campaign=campaign, name="三个一", subject="org")


def test_theme_default_then_set(city, campaign):
    assert org_theme_for(campaign, city.school).theme == "爱岗敬业先锋"
    assert org_theme_for(campaign, city.village).theme == "致富带富先锋"
    services.org_theme_set(
        actor=city.secretary,
        campaign=campaign,
        organisation=city.school,
        theme="育人先锋",
        carriers=["党员示范岗", " ", "党员示范岗", "师德标兵评选"],
    )
    row = OrgTheme.objects.get()
    assert (row.theme, row.carriers, row.updated_by) == (
        "育人先锋",
        ["党员示范岗", "师德标兵评选"],
        city.secretary,
    )
    assert AuditEntry.objects.filter(action="theme.set").count() == 1


def test_secretary_cannot_set_theme_of_other_subtree(city, campaign):
    with pytest.raises(PermissionDeniedError):
        services.org_theme_set(
            actor=city.secretary, campaign=campaign, organisation=city.town, theme="x", carriers=[]
        )
    with pytest.raises(ValidationError):
        services.org_theme_set(
            actor=city.secretary, campaign=campaign, organisation=city.school, theme=" ", carriers=[]
        )


def test_group_members_replace(city, campaign):
    rows = [
        {"name": "张书记", "position": "head", "unit": "区委书记"},
        {"name": "", "position": "member", "member_id": city.teacher.pk},
        {"name": "李主任", "position": "office_head", "unit": "组织部"},
    ]
    services.group_members_replace(
        actor=city.secretary, campaign=campaign, organisation=city.school, rows=rows
    )
    got = list(GroupMember.objects.order_by("order").values_list("name", "position", "order"))
    assert got == [("张书记", "head", 1), ("林老师", "member", 2), ("李主任", "office_head", 3)]
    with pytest.raises(ValidationError) as exc:
        services.group_members_replace(
            actor=city.office,
            campaign=campaign,
            organisation=city.school,
            rows=[{"name": "x", "position": "member", "member_id": city.farmer.pk}],
        )
    assert exc.value.field == "member_id"
    with pytest.raises(PermissionDeniedError):
        services.group_members_replace(
            actor=city.secretary, campaign=campaign, organisation=city.village, rows=[]
        )
    with pytest.raises(PermissionDeniedError):
        services.group_members_replace(
            actor=city.leader, campaign=campaign, organisation=city.school, rows=[]
        )


def test_pairing_and_notes(city, campaign):
    with pytest.raises(PermissionDeniedError):
        services.pairing_create(
            actor=city.secretary,
            campaign=campaign,
            helper=city.school,
            helped=city.district,
            kind="one_to_one",
        )
    with pytest.raises(ValidationError):
        services.pairing_create(
            actor=city.office, campaign=campaign, helper=city.school, helped=city.school, kind="one_to_one"
        )
    p = services.pairing_create(
        actor=city.office,
        campaign=campaign,
        helper=city.school,
        helped=city.village,
        kind="hand_in_hand",
        goal="共建",
    )
    with pytest.raises(ValidationError):
        services.pairing_create(
            actor=city.office, campaign=campaign, helper=city.school, helped=city.village, kind="hand_in_hand"
        )
    today = timezone.localdate()
    services.pairing_note_add(actor=city.secretary, pairing=p, date=today, text="送教下乡一次")
    services.pairing_note_add(actor=city.town_secretary, pairing=p, date=today, text="村小学来访")
    with pytest.raises(PermissionDeniedError):
        services.pairing_note_add(actor=city.leader, pairing=p, date=today, text="x")
    with pytest.raises(ValidationError):
        services.pairing_note_add(
            actor=city.secretary, pairing=p, date=today + datetime.timedelta(days=1), text="x"
        )
    assert p.notes.count() == 2
    assert AuditEntry.objects.filter(action="pairing.note").count() == 2


def test_closed_campaign_refuses_changes(city, campaign):
    services.campaign_transition(actor=city.office, campaign=campaign, to_status="active")
    services.campaign_transition(actor=city.office, campaign=campaign, to_status="closed")
    campaign.refresh_from_db()
    with pytest.raises(StateError):
        services.org_theme_set(
            actor=city.secretary, campaign=campaign, organisation=city.school, theme="x", carriers=[]
        )
