"""Organisation and member services: each write validates, changes, and leaves an audit entry."""

import datetime

import pytest

from pacesetter.core.errors import PermissionDeniedError, StateError, ValidationError
from pacesetter.core.models import AuditEntry
from pacesetter.orgs import services
from pacesetter.orgs.enums import OrgType, Sector
from pacesetter.orgs.models import Member, Organisation
from pacesetter.orgs.selectors import annotate_subtree_counts
from tests.factories import make_id_number, make_member, make_org


def test_org_create_sets_path_depth_and_audit(city):
    org = services.org_create(
        actor=city.office,
        parent=city.town,
        name="永安八一村党支部",
        org_type=OrgType.BRANCH,
        sector=Sector.VILLAGE,
    )
    assert org.path.startswith(city.town.path) and len(org.path) == len(city.town.path) + 4
    assert org.depth == 2
    entry = AuditEntry.objects.get(action="org.create", object_id=str(org.pk))
    assert entry.actor == city.office
    assert entry.changes["name"] == [None, "永安八一村党支部"]
    assert entry.scope_path == org.path


def test_org_create_refuses_duplicate_name_and_branch_parent(city):
    with pytest.raises(ValidationError, match="已有名为"):
        services.org_create(
            actor=city.office,
            parent=city.district,
            name="城厢区实验小学党支部",
            org_type=OrgType.BRANCH,
            sector=Sector.SCHOOL,
        )
    with pytest.raises(ValidationError, match="党支部下不能再设下级组织"):
        services.org_create(
            actor=city.office, parent=city.school, name="x", org_type=OrgType.BRANCH, sector=Sector.SCHOOL
        )
    assert Organisation.objects.count() == 5


def test_secretary_cannot_create_org(city):
    with pytest.raises(PermissionDeniedError):
        services.org_create(
            actor=city.secretary,
            parent=city.district,
            name="新支部",
            org_type=OrgType.BRANCH,
            sector=Sector.SCHOOL,
        )


def test_org_move_rewrites_subtree_paths_and_counts(city):
    services.org_move(actor=city.office, org=city.district, new_parent=city.town)
    city.district.refresh_from_db()
    city.school.refresh_from_db()
    city.town.refresh_from_db()
    assert city.district.parent == city.town
    assert city.district.depth == 2 and city.school.depth == 3
    assert city.school.path.startswith(city.district.path) and city.district.path.startswith(city.town.path)
    annotate_subtree_counts([city.town])
    assert city.town.subtree_members == 2
    assert AuditEntry.objects.filter(action="org.move", object_id=str(city.district.pk)).count() == 1


def test_org_move_into_own_subtree_refused(city):
    with pytest.raises(ValidationError, match="自己或它的下级"):
        services.org_move(actor=city.office, org=city.district, new_parent=city.district)
    sub = make_org("城厢区教育局党委", city.district)
    with pytest.raises(ValidationError):
        services.org_move(actor=city.office, org=city.district, new_parent=sub)


def test_deactivate_refused_with_members_then_allowed(city):
    with pytest.raises(StateError, match="在册党员"):
        services.org_set_active(actor=city.office, org=city.village, active=False)
    services.member_set_active(actor=city.office, member=city.farmer, active=False)
    city.village.refresh_from_db()
    assert city.village.member_count == 0
    services.org_set_active(actor=city.office, org=city.village, active=False)
    city.village.refresh_from_db()
    assert city.village.is_active is False
    assert Organisation.objects.filter(pk=city.village.pk).exists()  # soft: nothing deleted
    with pytest.raises(StateError, match="下级组织"):
        services.org_set_active(actor=city.office, org=city.city, active=False)


def _member_data(**kw):
    data = dict(
        name="陈红",
        gender="F",
        ethnicity="汉族",
        birth_date=datetime.date(1985, 3, 2),
        joined_on=datetime.date(2006, 7, 1),
        post="班主任",
        phone="13600001111",
    )
    data["id_number"] = make_id_number(data["birth_date"])
    data.update(kw)
    return data


def test_member_create_by_secretary_counts_and_audits_masked(city):
    data = _member_data()
    m = services.member_create(actor=city.secretary, organisation=city.school, **data)
    city.school.refresh_from_db()
    assert city.school.member_count == 2
    entry = AuditEntry.objects.get(action="member.create", object_id=str(m.pk))
    assert data["id_number"] not in str(entry.changes)
    assert "13600001111" not in str(entry.changes)
    assert entry.changes["phone"] == [None, "136****1111"]


@pytest.mark.parametrize(
    ("override", "field", "message"),
    [
        ({"name": " "}, "name", "姓名不能为空"),
        ({"gender": "X"}, "gender", "性别"),
        ({"id_number": "35010219850302001"}, "id_number", "18位"),
        ({"id_number": "350102198503020010"}, "id_number", "校验位"),
        ({"phone": "12345"}, "phone", "11位手机号"),
        ({"joined_on": datetime.date(1980, 1, 1)}, "joined_on", "早于出生日期"),
    ],
)
def test_member_create_rejects_bad_input_and_changes_nothing(city, override, field, message):
    before = Member.objects.count()
    with pytest.raises(ValidationError) as exc:
        services.member_create(actor=city.office, organisation=city.school, **_member_data(**override))
    assert exc.value.field == field
    assert message in str(exc.value.message)
    assert Member.objects.count() == before
    assert not AuditEntry.objects.filter(action="member.create").exists()


def test_member_birth_date_must_match_id(city):
    data = _member_data()
    data["birth_date"] = datetime.date(1985, 3, 3)
    with pytest.raises(ValidationError, match="不一致"):
        services.member_create(actor=city.office, organisation=city.school, **data)


def test_member_duplicate_id_refused(city):
    data = _member_data(id_number=city.farmer.id_number, birth_date=city.farmer.birth_date)
    with pytest.raises(ValidationError, match="已登记"):
        services.member_create(actor=city.office, organisation=city.school, **data)


def test_member_transfer_updates_both_counts(city):
    data = {
        f: getattr(city.teacher, f)
        for f in ("name", "gender", "ethnicity", "birth_date", "joined_on", "post", "phone", "id_number")
    }
    services.member_update(actor=city.office, member=city.teacher, organisation=city.village, **data)
    city.school.refresh_from_db()
    city.village.refresh_from_db()
    assert (city.school.member_count, city.village.member_count) == (0, 2)


def test_secretary_cannot_move_member_out_of_scope(city):
    data = {
        f: getattr(city.teacher, f)
        for f in ("name", "gender", "ethnicity", "birth_date", "joined_on", "post", "phone", "id_number")
    }
    with pytest.raises(PermissionDeniedError):
        services.member_update(actor=city.secretary, member=city.teacher, organisation=city.village, **data)
    city.teacher.refresh_from_db()
    assert city.teacher.organisation == city.school


def test_audit_entries_are_append_only(city):
    entry = AuditEntry.objects.first()
    entry.action = "tampered"
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()
    with pytest.raises(PermissionError):
        AuditEntry.objects.all().delete()
    with pytest.raises(PermissionError):
        AuditEntry.objects.update(action="x")


def test_account_for_member_links_and_grants_member_role(city, client):
    services.account_create(
        actor=city.secretary,
        member=make_member(city.school, "赵敏"),
        username="zhaomin",
        password="good-pass-2010",
        full_name="赵敏",
    )
    m = Member.objects.get(name="赵敏")
    assert m.user.username == "zhaomin"
    assert client.login(username="zhaomin", password="good-pass-2010")
    assert client.get(f"/members/{m.pk}/").status_code == 200


def test_account_weak_password_refused(city):
    with pytest.raises(ValidationError, match="密码"):
        services.account_create(
            actor=city.office, username="x1", password="123", full_name="x", scope=city.city
        )
