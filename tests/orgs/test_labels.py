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
