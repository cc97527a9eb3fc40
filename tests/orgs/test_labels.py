"""Organisations that share a name (several 英语教研组党支部) are shown with their parent wherever a person
picks or reads one: Organisation.label in lists and selects, distinct_labels on a ballot."""

import datetime

from django.utils import timezone

from pacesetter.evaluations import services
from pacesetter.evaluations.enums import RoundKind, Scale
from pacesetter.orgs.enums import OrgType, Sector
from pacesetter.orgs.models import Organisation
from pacesetter.orgs.selectors import distinct_labels
from tests.evaluations.helpers import GROUPS
from tests.factories import make_member, make_org


def _twins(city):
    one = make_org("第一中学党总支", city.district, OrgType.GENERAL_BRANCH, Sector.SCHOOL)
    two = make_org("第二中学党总支", city.district, OrgType.GENERAL_BRANCH, Sector.SCHOOL)
    return (
        make_org("英语教研组党支部", one, OrgType.BRANCH, Sector.SCHOOL),
        make_org("英语教研组党支部", two, OrgType.BRANCH, Sector.SCHOOL),
    )


def test_label_uses_a_loaded_parent_and_never_queries(city, django_assert_num_queries):
    a, _b = _twins(city)
    loaded = Organisation.objects.select_related("parent").get(pk=a.pk)
    bare = Organisation.objects.get(pk=a.pk)
    with django_assert_num_queries(0):
        assert loaded.label == "第一中学党总支 / 英语教研组党支部"
        assert bare.label == "英语教研组党支部"
    assert Organisation.objects.get(pk=city.city.pk).label == "示范市委"


def test_member_list_and_org_suggestions_tell_twins_apart(city, client_for):
    a, b = _twins(city)
    make_member(a, "周老师")
    make_member(b, "吴老师")
    c = client_for(city.secretary)
    page = c.get("/members/?q=老师").content.decode()
    assert "第一中学党总支 / 英语教研组党支部" in page and "第二中学党总支 / 英语教研组党支部" in page
    options = c.get("/orgs/?options=1&q=英语").content.decode()
    assert options == (
        '<option value="第一中学党总支/英语教研组党支部"><option value="第二中学党总支/英语教研组党支部">'
    )


def test_ballot_targets_with_a_shared_name_carry_their_parent(city):
    a, b = _twins(city)
    assert distinct_labels([a, b, city.school]) == {
        a.pk: "第一中学党总支 / 英语教研组党支部",
        b.pk: "第二中学党总支 / 英语教研组党支部",
        city.school.pk: "城厢区实验小学党支部",
    }
    now = timezone.now()
    r = services.round_create(
        actor=city.office,
        organisation=city.city,
        name="教研组评议",
        kind=RoundKind.PUBLIC_REVIEW,
        scale=Scale.SATISFACTION,
        opens_at=now,
        closes_at=now + datetime.timedelta(days=7),
        groups=GROUPS,
        k_min=3,
        target_orgs=[a, b, city.school],
    )
    assert list(r.targets.order_by("order").values_list("name", flat=True)) == [
        "第一中学党总支 / 英语教研组党支部",
        "第二中学党总支 / 英语教研组党支部",
        "城厢区实验小学党支部",
    ]


def test_record_export_and_plan_home_tell_twins_apart(city, client_for):
    """The records Excel and the plan home page name each organisation with its parent (#22)."""
    import io

    import openpyxl

    from pacesetter.orgs.enums import Role
    from pacesetter.records import services as records
    from tests.factories import make_user
    from tests.records.conftest import record_fields

    a, b = _twins(city)
    for org in (a, b):
        records.record_create(actor=city.secretary, organisation=org, **record_fields(kind="study"))
    ws = openpyxl.load_workbook(
        io.BytesIO(client_for(city.secretary).get("/records/export.xlsx").content)
    ).active
    names = {row[3] for row in list(ws.iter_rows(values_only=True))[1:]}
    assert names == {"第一中学党总支 / 英语教研组党支部", "第二中学党总支 / 英语教研组党支部"}

    writer = make_user("twin_writer", Role.SECRETARY, a)
    from tests.plans.conftest import make_campaign

    make_campaign(city.city)
    assert "第一中学党总支 / 英语教研组党支部" in client_for(writer).get("/plans/").content.decode()


def test_old_rounds_get_their_twin_targets_named_apart(city):
    """The data migration names apart the shared-name targets of rounds made before distinct_labels."""
    import importlib

    from django.apps import apps

    from pacesetter.evaluations.models import RoundTarget

    a, b = _twins(city)
    now = timezone.now()
    r = services.round_create(
        actor=city.office,
        organisation=city.city,
        name="旧评议",
        kind=RoundKind.PUBLIC_REVIEW,
        scale=Scale.SATISFACTION,
        opens_at=now,
        closes_at=now + datetime.timedelta(days=7),
        groups=GROUPS,
        k_min=3,
        target_orgs=[a, b, city.school],
    )
    # as an old round stored them: bare names, one changed by hand
    for t in r.targets.all():
        t.name = t.organisation.name
        t.save()
    RoundTarget.objects.filter(round=r, organisation=city.school).update(name="实验小学（手改）")
    migration = importlib.import_module("pacesetter.evaluations.migrations.0009_target_names_with_parent")
    migration.name_apart(apps, None)
    assert list(r.targets.order_by("order").values_list("name", flat=True)) == [
        "第一中学党总支 / 英语教研组党支部",
        "第二中学党总支 / 英语教研组党支部",
        "实验小学（手改）",
    ]


def test_points_standing_below_the_children_carries_the_parent(city):
    """An organisation standing two levels down (branches of every school) names each branch with its parent;
    the root's own children need no parent (it is the page's heading)."""
    from pacesetter.points import services as points
    from pacesetter.points.selectors import org_standing
    from tests.commitments.conftest import make_campaign

    _twins(city)
    period = points.period_create(
        actor=city.office, campaign=make_campaign(city), year=timezone.localdate().year
    )
    branches = {r.label for r in org_standing(city.district, period, depth=city.district.depth + 2).rows}
    assert branches == {"第一中学党总支 / 英语教研组党支部", "第二中学党总支 / 英语教研组党支部"}
    children = {r.label for r in org_standing(city.district, period).rows}
    assert "第一中学党总支" in children and "城厢区实验小学党支部" in children


def test_an_organisation_picked_from_a_list_shows_its_parent(city, django_assert_num_queries):
    """OrgChoiceField (the mass organisation's 所属党组织, the nomination's 推荐单位) labels each choice with
    its parent, loaded in the same query."""
    from pacesetter.orgs.forms import OrgChoiceField

    a, b = _twins(city)
    field = OrgChoiceField(queryset=Organisation.objects.filter(pk__in=[a.pk, b.pk]).order_by("path"))
    with django_assert_num_queries(1):
        labels = [label for _value, label in field.choices][1:]
    assert labels == ["第一中学党总支 / 英语教研组党支部", "第二中学党总支 / 英语教研组党支部"]
    field.queryset = Organisation.objects.filter(pk=a.pk).select_related("parent")
    assert [label for _v, label in field.choices][1:] == ["第一中学党总支 / 英语教研组党支部"]
