"""The organisation subtree counters (orgs.subtree_tally, #23) equal the live GROUP BY after every write that
changes them, and the pages' read gives the live figures for active and inactive organisations."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db.models import F

from pacesetter.orgs import imports, services, subtree_tally
from pacesetter.orgs.enums import OrgType, Sector
from pacesetter.orgs.models import Organisation, SubtreeTally
from pacesetter.orgs.selectors import annotate_subtree_counts, annotate_subtree_counts_live
from tests.factories import make_id_number, make_member, make_org
from tests.orgs.test_imports import MEMBER_HEAD, ORG_HEAD, member, upload


def figures(orgs_of) -> dict[int, tuple[int, int]]:
    orgs = list(Organisation.objects.all())
    return {o.pk: (o.subtree_members, o.subtree_orgs) for o in orgs_of(orgs)}


def assert_counters_live():
    assert subtree_tally.differences() == []
    assert figures(annotate_subtree_counts) == figures(annotate_subtree_counts_live)


def _member_data(m):
    fields = ("name", "gender", "ethnicity", "birth_date", "joined_on", "post", "phone", "id_number")
    return {f: getattr(m, f) for f in fields}


def test_counters_follow_member_create_transfer_and_deactivate(city):
    assert_counters_live()
    make_member(city.school)
    services.member_update(
        actor=city.office, member=city.teacher, organisation=city.village, **_member_data(city.teacher)
    )
    assert_counters_live()
    services.member_set_active(actor=city.office, member=city.farmer, active=False)
    assert_counters_live()
    city.city.refresh_from_db()
    annotate_subtree_counts([city.city])
    assert city.city.subtree_members == 2  # the new member and the teacher, now in the village


def test_counters_follow_org_create_deactivate_reactivate_and_move(city):
    sub = make_org("城厢区教育局党委", city.district)
    branch = make_org("教育局机关党支部", sub, OrgType.BRANCH, Sector.AGENCY)
    make_member(branch)
    assert_counters_live()
    services.org_move(actor=city.office, org=sub, new_parent=city.town)
    assert_counters_live()
    services.member_set_active(actor=city.office, member=city.farmer, active=False)
    services.org_set_active(actor=city.office, org=city.village, active=False)
    assert_counters_live()
    services.org_set_active(actor=city.office, org=city.village, active=True)
    assert_counters_live()
    services.org_move(actor=city.office, org=city.district, new_parent=city.town)
    assert_counters_live()


def test_read_equals_live_for_inactive_orgs(city):
    services.member_set_active(actor=city.office, member=city.farmer, active=False)
    services.org_set_active(actor=city.office, org=city.village, active=False)
    # An inactive organisation with active ones below it (written past the services, as an import can).
    Organisation.objects.filter(pk=city.town.pk).update(is_active=False)
    Organisation.objects.filter(pk=city.village.pk).update(is_active=True)
    subtree_tally.rebuild()
    assert_counters_live()
    Organisation.objects.filter(pk=city.village.pk).update(is_active=False)
    subtree_tally.rebuild()
    assert_counters_live()
    town = Organisation.objects.get(pk=city.town.pk)
    annotate_subtree_counts([town])
    assert (town.subtree_orgs, town.subtree_members) == (1, 0)  # no active organisation: the live default


def test_counters_follow_member_and_org_imports_and_their_rollback(city):
    batch = upload(
        city.office,
        "members",
        [
            MEMBER_HEAD,
            member("甲", "城厢区实验小学党支部", make_id_number()),
            member("林老师", "八一村党支部", city.teacher.id_number, post="校长", phone="13700000000"),
        ],
    )
    imports.import_batch_confirm(actor=city.office, batch=batch)
    assert_counters_live()
    orgs = upload(city.office, "orgs", [ORG_HEAD, ["城厢区第二中学党总支", "城厢区委", "总支", "学校"]])
    imports.import_batch_confirm(actor=city.office, batch=orgs)
    assert_counters_live()
    imports.import_batch_rollback(actor=city.office, batch=orgs)
    assert_counters_live()
    imports.import_batch_rollback(actor=city.office, batch=batch)
    assert_counters_live()


def test_read_is_one_query_whatever_the_depths(city, django_assert_num_queries):
    orgs = list(Organisation.objects.all())
    with django_assert_num_queries(1):
        annotate_subtree_counts(orgs)


def test_command_finds_and_repairs_a_corrupted_row(city):
    call_command("subtree_tally", stdout=StringIO())
    SubtreeTally.objects.filter(node=city.city).update(members=F("members") + 5)
    out = StringIO()
    with pytest.raises(CommandError):
        call_command("subtree_tally", stdout=out)
    assert "members" in out.getvalue()
    call_command("subtree_tally", "--repair", stdout=StringIO())
    assert subtree_tally.differences() == []
