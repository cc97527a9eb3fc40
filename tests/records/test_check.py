"""检查 of activity records: who checks what, the transition table, edits that uncheck, page and API."""

import json

import pytest
from django.test import Client

from pacesetter.core.errors import PermissionDeniedError, StateError, ValidationError
from pacesetter.core.models import AuditEntry
from pacesetter.core.services import token_create
from pacesetter.records import services
from pacesetter.records.enums import CHECK_TRANSITIONS, CheckAction, CheckStatus
from pacesetter.records.models import ActivityRecord
from pacesetter.records.rules import can_check_record

from .conftest import png_upload, record_fields


@pytest.fixture
def org_record(city):
    return services.record_create(actor=city.secretary, organisation=city.school, **record_fields())


@pytest.fixture
def district_record(city):
    return services.record_create(actor=city.secretary, organisation=city.district, **record_fields())


def test_records_start_unchecked(org_record, personal_record):
    assert org_record.check_status == personal_record.check_status == CheckStatus.UNCHECKED


def test_parent_checks_org_record_the_org_itself_may_not(city, org_record, district_record):
    # 城厢区委's secretary is the school branch's parent: may check the branch's record, not the 区委's own.
    assert can_check_record(city.secretary, org_record)
    assert not can_check_record(city.secretary, district_record)
    assert can_check_record(city.office, district_record)
    assert not can_check_record(city.town_secretary, org_record)
    assert not can_check_record(city.member_user, org_record)
    assert not can_check_record(city.leader, org_record)
    with pytest.raises(PermissionDeniedError):
        services.record_check(actor=city.secretary, record=district_record, action=CheckAction.CHECK)
    district_record.refresh_from_db()
    assert district_record.check_status == CheckStatus.UNCHECKED


def test_branch_checks_personal_record_not_the_member(city, personal_record):
    assert can_check_record(city.secretary, personal_record)
    assert not can_check_record(city.member_user, personal_record)
    with pytest.raises(PermissionDeniedError):
        services.record_check(actor=city.member_user, record=personal_record, action=CheckAction.CHECK)


def test_check_then_edit_unchecks_with_audit(city, org_record):
    services.record_check(actor=city.secretary, record=org_record, action=CheckAction.CHECK)
    org_record.refresh_from_db()
    assert (org_record.check_status, org_record.checked_by) == (CheckStatus.CHECKED, city.secretary)
    services.record_update(actor=city.secretary, record=org_record, title="改过的标题")
    org_record.refresh_from_db()
    assert (org_record.check_status, org_record.checked_by, org_record.checked_at) == (
        CheckStatus.UNCHECKED,
        None,
        None,
    )
    actions = list(
        AuditEntry.objects.filter(object_id=str(org_record.pk), action__startswith="record.check")
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == ["record.check.check", "record.check.edit"]


def test_adding_a_photo_to_a_checked_record_unchecks_it(city, personal_record):
    services.record_check(actor=city.secretary, record=personal_record, action=CheckAction.CHECK)
    services.photo_add(actor=city.member_user, record=personal_record, file=png_upload())
    personal_record.refresh_from_db()
    assert personal_record.check_status == CheckStatus.UNCHECKED


def test_return_needs_a_comment_and_changes_nothing_without(city, org_record):
    with pytest.raises(ValidationError) as exc:
        services.record_check(actor=city.secretary, record=org_record, action=CheckAction.RETURN, comment=" ")
    assert exc.value.field == "comment"
    org_record.refresh_from_db()
    assert org_record.check_status == CheckStatus.UNCHECKED
    services.record_check(
        actor=city.secretary, record=org_record, action=CheckAction.RETURN, comment="请补充照片"
    )
    org_record.refresh_from_db()
    assert (org_record.check_status, org_record.check_comment) == (CheckStatus.RETURNED, "请补充照片")


@pytest.mark.parametrize(
    ("start", "action"),
    [(s, a) for s in CheckStatus.values for a in CheckAction.values],
)
def test_every_transition_allowed_or_refused_per_table(city, org_record, start, action):
    ActivityRecord.objects.filter(pk=org_record.pk).update(check_status=start)
    org_record.refresh_from_db()
    row = CHECK_TRANSITIONS.get((start, action))
    if action == CheckAction.EDIT:
        # EDIT is never offered to a person: it happens when the record is changed.
        with pytest.raises(ValidationError):
            services.record_check(actor=city.secretary, record=org_record, action=action)
        services.record_update(actor=city.secretary, record=org_record, title="再改")
    elif row is None:
        with pytest.raises(StateError):
            services.record_check(actor=city.secretary, record=org_record, action=action, comment="x")
    else:
        services.record_check(actor=city.secretary, record=org_record, action=action, comment="x")
    org_record.refresh_from_db()
    assert org_record.check_status == (row.target if row else start)


def test_unknown_action_and_deleted_record_refused(city, org_record):
    with pytest.raises(ValidationError):
        services.record_check(actor=city.secretary, record=org_record, action="approve\x00")
    services.record_delete(actor=city.secretary, record=org_record)
    with pytest.raises(StateError):
        services.record_check(actor=city.office, record=org_record, action=CheckAction.CHECK)


def test_page_check_and_return(city, client_for, org_record):
    c = client_for(city.secretary)
    page = c.get(f"/records/{org_record.pk}/").content.decode()
    assert 'data-testid="check-form"' in page
    r = c.post(f"/records/{org_record.pk}/check/", {"action": "return", "comment": ""}, follow=True)
    assert "请填写检查意见" in r.content.decode()
    r = c.post(f"/records/{org_record.pk}/check/", {"action": "check", "comment": "材料齐全"}, follow=True)
    assert r.status_code == 200
    org_record.refresh_from_db()
    assert (org_record.check_status, org_record.check_comment) == (CheckStatus.CHECKED, "材料齐全")
    # The branch's own member sees the status but no form.
    page = client_for(city.office).get(f"/records/{org_record.pk}/").content.decode()
    assert "已检查" in page


def test_page_hides_form_from_those_who_may_not_check(city, client_for, district_record):
    page = client_for(city.secretary).get(f"/records/{district_record.pk}/").content.decode()
    assert 'data-testid="check-status"' in page and 'data-testid="check-form"' not in page
    r = client_for(city.secretary).post(f"/records/{district_record.pk}/check/", {"action": "check"})
    assert r.status_code == 403


def test_api_check_and_filter(city, org_record, personal_record):
    _token, key = token_create(actor=city.secretary, name="t")
    c = Client(HTTP_AUTHORIZATION=f"Bearer {key}")
    r = c.post(
        f"/api/records/{org_record.pk}/check",
        json.dumps({"action": "check"}),
        content_type="application/json",
    )
    assert r.status_code == 200, r.content
    assert r.json()["check_status"] == "checked"
    r = c.post(
        f"/api/records/{personal_record.pk}/check",
        json.dumps({"action": "return", "comment": ""}),
        content_type="application/json",
    )
    assert r.status_code == 422 and r.json()["field"] == "comment"
    ids = [x["id"] for x in c.get("/api/records?check=checked").json()]
    assert ids == [org_record.pk]
