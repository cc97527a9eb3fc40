import pytest

from pacesetter.core.errors import PermissionDeniedError, StateError, ValidationError
from pacesetter.core.models import AuditEntry
from pacesetter.publicity import selectors, services
from pacesetter.publicity.enums import ITEM_TRANSITIONS, ItemAction, ItemStatus

pytestmark = pytest.mark.django_db


def _item(city, actor, org=None):
    return services.item_create(
        actor=actor,
        organisation=org or city.school,
        kind="experience",
        title="“四比四看”经验",
        body="做法一\n做法二",
    )


def test_item_flow_school_to_district_to_office_counts_for_sender(city, school_secretary):
    item = _item(city, school_secretary)
    assert item.status == ItemStatus.DRAFT
    services.item_transition(actor=school_secretary, item=item, action=ItemAction.SUBMIT)
    # the district (parent) edits and forwards
    assert list(selectors.item_review_queue_for(city.secretary)) == [item]
    services.item_update(actor=city.secretary, item=item, title="城厢区实验小学“四比四看”经验", body="改")
    services.item_transition(actor=city.secretary, item=item, action=ItemAction.FORWARD)
    assert list(selectors.item_review_queue_for(city.secretary)) == []
    assert list(selectors.item_review_queue_for(city.office)) == [item]
    assert selectors.accepted_items_count(city.school) == 0
    item = services.item_transition(actor=city.office, item=item, action=ItemAction.ACCEPT)
    assert item.status == ItemStatus.ACCEPTED and item.accepted_at is not None
    assert selectors.accepted_items_count(city.school) == 1
    assert selectors.accepted_items_count(city.district) == 0
    assert selectors.accepted_items_count(city.district, subtree=True) == 1
    actions = list(
        AuditEntry.objects.filter(object_type="publicity.infoitem", object_id=str(item.pk))
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == [
        "publicity.item_create",
        "publicity.item_submit",
        "publicity.item_edit",
        "publicity.item_forward",
        "publicity.item_accept",
    ]


def test_item_sender_cannot_forward_or_accept(city, school_secretary):
    item = _item(city, school_secretary)
    services.item_transition(actor=school_secretary, item=item, action=ItemAction.SUBMIT)
    for action in (ItemAction.FORWARD, ItemAction.ACCEPT, ItemAction.RETURN):
        with pytest.raises(PermissionDeniedError):
            services.item_transition(actor=school_secretary, item=item, action=action, comment="x")
    item.refresh_from_db()
    assert item.status == ItemStatus.SUBMITTED


def test_item_parent_cannot_accept_but_office_can_accept_directly(city, school_secretary):
    item = _item(city, school_secretary)
    services.item_transition(actor=school_secretary, item=item, action=ItemAction.SUBMIT)
    with pytest.raises(PermissionDeniedError):
        services.item_transition(actor=city.secretary, item=item, action=ItemAction.ACCEPT)
    services.item_transition(actor=city.office, item=item, action=ItemAction.ACCEPT)
    item.refresh_from_db()
    assert item.status == ItemStatus.ACCEPTED


def test_item_return_needs_comment_and_sender_resubmits(city, school_secretary):
    item = _item(city, school_secretary)
    services.item_transition(actor=school_secretary, item=item, action=ItemAction.SUBMIT)
    with pytest.raises(ValidationError) as e:
        services.item_transition(actor=city.secretary, item=item, action=ItemAction.RETURN)
    assert e.value.field == "comment"
    services.item_transition(actor=city.secretary, item=item, action=ItemAction.RETURN, comment="请补充数据")
    item.refresh_from_db()
    assert (item.status, item.comment) == (ItemStatus.RETURNED, "请补充数据")
    services.item_update(actor=school_secretary, item=item, title="补充后", body="有数据")
    services.item_transition(actor=school_secretary, item=item, action=ItemAction.SUBMIT)
    item.refresh_from_db()
    assert item.status == ItemStatus.SUBMITTED


def test_every_item_transition_refused_from_other_states(city, school_secretary):
    item = _item(city, school_secretary)
    allowed = {a for (s, a) in ITEM_TRANSITIONS if s == ItemStatus.DRAFT}
    for action in set(ItemAction.values) - allowed:
        with pytest.raises((StateError, PermissionDeniedError)):
            services.item_transition(actor=city.office, item=item, action=action, comment="x")
    with pytest.raises(ValidationError):
        services.item_transition(actor=city.office, item=item, action="nope")


def test_item_outsider_and_other_branch_refused(city, school_secretary):
    with pytest.raises(PermissionDeniedError):
        _item(city, city.town_secretary)  # the school is not under the town
    with pytest.raises(PermissionDeniedError):
        _item(city, city.member_user)
    item = _item(city, school_secretary)
    assert selectors.item_list_for(city.town_secretary).count() == 0
    with pytest.raises(PermissionDeniedError):
        services.item_transition(actor=city.town_secretary, item=item, action=ItemAction.SUBMIT)


def test_item_bad_input(city, school_secretary):
    for kw, field in (
        ({"title": ""}, "title"),
        ({"title": "x" * 201}, "title"),
        ({"body": " "}, "body"),
        ({"kind": "gossip"}, "kind"),
    ):
        data = {"kind": "news", "title": "标题", "body": "正文", **kw}
        with pytest.raises(ValidationError) as e:
            services.item_create(actor=school_secretary, organisation=city.school, **data)
        assert e.value.field == field
