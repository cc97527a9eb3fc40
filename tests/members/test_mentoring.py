"""Mentoring (老带新), contact households (党员联系户): rules, masking, notes, counts, pages and API."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from pacesetter.core.errors import NotFoundError, PermissionDeniedError, StateError, ValidationError
from pacesetter.core.models import AuditEntry
from pacesetter.members import services
from pacesetter.members.models import Household, Mentorship
from pacesetter.members.selectors import (
    household_get_for,
    household_row,
    mentoring_counts,
    mentorship_get_for,
)
from pacesetter.orgs.enums import Role
from tests.factories import make_member, make_user


@pytest.fixture
def pair(city):
    city.veteran = make_member(city.school, "陈老党员")
    city.pair = services.mentorship_start(
        actor=city.secretary, mentor=city.veteran, mentee=city.teacher, kind="new", goals="一年内熟悉党务"
    )
    return city


def add_household(city, **kw):
    return services.household_add(
        actor=kw.pop("actor", city.secretary),
        member=kw.pop("member", city.teacher),
        head_name=kw.pop("head_name", "刘桂英"),
        address=kw.pop("address", "城厢区凤凰路12号3单元201"),
        phone=kw.pop("phone", "13800001234"),
        needs=kw.pop("needs", "独居老人，行动不便，需定期代购药品"),
    )


def test_a_pair_is_set_up_noted_and_ended(pair):
    m = pair.pair
    assert m.organisation == pair.school and m.status == "active"
    note = services.mentorship_note(actor=pair.member_user, mentorship=m, text="一起学习党章第一章")
    assert note.author == pair.member_user
    services.mentorship_end(actor=pair.secretary, mentorship=m)
    with pytest.raises(StateError):
        services.mentorship_note(actor=pair.secretary, mentorship=m, text="再记一条")
    assert set(
        AuditEntry.objects.filter(action__startswith="mentorship.").values_list("action", flat=True)
    ) == {
        "mentorship.start",
        "mentorship.note",
        "mentorship.end",
    }


def test_pair_refusals_name_the_field(pair):
    with pytest.raises(ValidationError, match="已在结对帮带中") as exc:
        services.mentorship_start(actor=pair.secretary, mentor=pair.veteran, mentee=pair.teacher, kind="new")
    assert exc.value.field == "mentee"
    with pytest.raises(ValidationError) as exc:
        services.mentorship_start(actor=pair.secretary, mentor=pair.teacher, mentee=pair.teacher, kind="new")
    assert exc.value.field == "mentor"
    other = make_member(pair.school, "新党员")
    with pytest.raises(ValidationError) as exc:
        services.mentorship_start(actor=pair.secretary, mentor=pair.veteran, mentee=other, kind="x" * 10_000)
    assert exc.value.field == "kind"
    with pytest.raises(ValidationError) as exc:
        services.mentorship_start(
            actor=pair.secretary,
            mentor=pair.veteran,
            mentee=other,
            kind="core",
            started_on=timezone.localdate() + dt.timedelta(days=3),
        )
    assert exc.value.field == "started_on"
    with pytest.raises(PermissionDeniedError):
        services.mentorship_start(actor=pair.town_secretary, mentor=pair.farmer, mentee=other, kind="new")
    with pytest.raises(PermissionDeniedError):
        services.mentorship_start(actor=pair.member_user, mentor=pair.veteran, mentee=other, kind="new")
    assert Mentorship.objects.count() == 1


def test_who_sees_a_pair(pair):
    for user in (pair.member_user, pair.secretary, pair.office, pair.leader):
        assert mentorship_get_for(user, pair.pair.pk) == pair.pair
    for user in (pair.town_secretary, pair.outsider):
        with pytest.raises(NotFoundError):
            mentorship_get_for(user, pair.pair.pk)


def test_household_data_is_masked_without_the_personal_data_capability(city):
    h = add_household(city)
    clear = household_row(city.secretary, h)  # secretary holds person.pii
    assert (clear.head_name, clear.phone, clear.masked) == ("刘桂英", "13800001234", False)
    own = household_row(city.member_user, h)  # the contact member
    assert not own.masked
    masked = household_row(city.leader, household_get_for(city.leader, h.pk))  # leader: person.view only
    assert masked.masked and masked.head_name == "刘**" and "凤凰路12号" not in masked.address
    assert masked.phone != "13800001234" and "独居" not in masked.needs
    with pytest.raises(NotFoundError):
        household_get_for(city.town_secretary, h.pk)
    with pytest.raises(NotFoundError):
        household_get_for(city.outsider, h.pk)
    # personal data stays out of the audit trail
    entry = AuditEntry.objects.get(action="household.add")
    assert "刘桂英" not in str(entry.__dict__) and "13800001234" not in str(entry.__dict__)


@pytest.mark.parametrize(
    ("field", "value"),
    [("head_name", ""), ("address", "路" * 10_000), ("phone", "138/0000"), ("needs", "a\x00b")],
)
def test_household_bad_input(city, field, value):
    with pytest.raises(ValidationError) as exc:
        add_household(city, **{field: value})
    assert exc.value.field == field
    assert not Household.objects.exists()


def test_household_notes_and_counts(pair):
    h = add_household(pair)
    services.household_note(actor=pair.member_user, household=h, text="代购降压药，测量血压正常")
    services.mentorship_note(actor=pair.secretary, mentorship=pair.pair, text="谈心谈话")
    other = make_user("other_member", Role.MEMBER, pair.school)
    with pytest.raises(PermissionDeniedError):
        services.household_note(actor=other, household=h, text="x")
    c = mentoring_counts(pair.city)
    assert (c.pairs, c.mentees, c.households, c.members_with_households, c.notes_recent) == (1, 1, 1, 1, 2)
    assert mentoring_counts(pair.town).pairs == 0
    services.household_end(actor=pair.secretary, household=h)
    assert mentoring_counts(pair.city).households == 0


def test_pages_and_member_panel(pair, client_for):
    h = add_household(pair)
    c = client_for(pair.secretary)
    panel = c.get(reverse("members:member-panel", args=[pair.teacher.pk])).content.decode()
    assert "刘桂英" in panel and "陈老党员" in panel
    lc = client_for(pair.leader)
    page = lc.get(reverse("members:household-detail", args=[h.pk])).content.decode()
    assert "刘桂英" not in page and "13800001234" not in page and 'data-testid="masked"' in page
    assert client_for(pair.outsider).get(reverse("members:household-detail", args=[h.pk])).status_code in (
        403,
        404,
    )
    r = c.post(reverse("members:household-note", args=[h.pk]), {"on": "", "text": ""})
    assert r.status_code == 422
    r = c.post(
        reverse("members:household-note", args=[h.pk]),
        {"on": timezone.localdate().isoformat(), "text": "走访"},
    )
    assert r.status_code == 302
    r = c.post(
        reverse("members:mentorship-create"),
        {
            "mentor": pair.veteran.pk,
            "mentee": pair.teacher.pk,
            "kind": "new",
            "started_on": timezone.localdate().isoformat(),
        },
    )
    assert r.status_code == 422 and "已在结对帮带中" in r.content.decode()
    assert (
        client_for(pair.member_user).get(reverse("orgs:member-detail", args=[pair.teacher.pk])).status_code
        == 200
    )


def test_api(pair, client_for):
    c = client_for(pair.secretary)
    r = c.post(
        "/api/mentoring/households",
        {
            "member_id": pair.teacher.pk,
            "head_name": "刘桂英",
            "address": "凤凰路12号",
            "phone": "13800001234",
        },
        content_type="application/json",
    )
    assert r.status_code == 201 and r.json()["masked"] is False
    hid = r.json()["id"]
    got = client_for(pair.leader).get(f"/api/mentoring/households/{hid}").json()
    assert got["masked"] is True and got["head_name"] == "刘**"
    assert client_for(pair.town_secretary).get(f"/api/mentoring/households/{hid}").status_code == 404
    assert client_for(None).get("/api/mentoring/households").status_code in (401, 403)
    r = c.post(
        "/api/mentoring/households",
        {"member_id": pair.teacher.pk, "head_name": "", "address": "x"},
        content_type="application/json",
    )
    assert r.status_code == 422 and r.json()["field"] == "head_name"
    r = c.post(
        f"/api/mentoring/pairs/{pair.pair.pk}/notes", {"text": "谈心"}, content_type="application/json"
    )
    assert r.status_code == 201
    r = c.get(f"/api/mentoring/counts/{pair.city.pk}")
    assert r.status_code == 404  # the secretary's scope is the district, not the city
    r = c.get(f"/api/mentoring/counts/{pair.district.pk}").json()
    assert (r["pairs"], r["households"], r["notes_recent"]) == (1, 1, 1)
    assert c.get("/api/mentoring/pairs?offset=99999999999").status_code == 422
