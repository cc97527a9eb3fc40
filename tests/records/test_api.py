"""The records API: same services and scope as the pages."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from pacesetter.core.services import token_create
from pacesetter.records import services
from pacesetter.records.models import ActivityRecord, Attendance

from .conftest import YESTERDAY, png_upload, record_fields


@pytest.fixture
def api(city):
    def make(user):
        _token, key = token_create(actor=user, name="test")
        c = Client(HTTP_AUTHORIZATION=f"Bearer {key}")
        c.json = lambda method, url, data=None: getattr(c, method)(
            url, json.dumps(data or {}), content_type="application/json"
        )
        return c

    return make


def _payload(**kw):
    data = record_fields(**kw)
    data["occurred_on"] = data["occurred_on"].isoformat()
    return data


def test_member_creates_personal_record_and_reads_it(city, api):
    c = api(city.member_user)
    r = c.json("post", "/api/records", {"personal": True, **_payload()})
    assert r.status_code == 201, r.content
    body = r.json()
    assert (body["member_id"], body["organisation_id"], body["kind_label"], body["meeting"]) == (
        city.teacher.pk,
        city.school.pk,
        "为民服务",
        None,
    )
    assert c.get(f"/api/records/{body['id']}").json()["title"] == "社区义务辅导"
    assert [x["id"] for x in c.get("/api/records?mine=true").json()] == [body["id"]]


def test_member_cannot_create_org_record_leader_cannot_write(city, api):
    r = api(city.member_user).json("post", "/api/records", {"organisation_id": city.school.pk, **_payload()})
    assert r.status_code == 403 and r.json()["code"] == "permission_denied"
    r = api(city.leader).json("post", "/api/records", {"organisation_id": city.school.pk, **_payload()})
    assert r.status_code == 403
    assert ActivityRecord.objects.count() == 0


def test_secretary_meeting_update_delete(city, api):
    c = api(city.secretary)
    r = c.json(
        "post",
        "/api/records",
        {
            "organisation_id": city.school.pk,
            **_payload(kind="committee_meeting", title="支委会"),
            "meeting": {"host": "张书记", "recorder": "李老师", "expected_count": 5},
        },
    )
    assert r.status_code == 201, r.content
    rid = r.json()["id"]
    assert r.json()["meeting"]["expected_count"] == 5 and r.json()["meeting"]["sign_in_open"] is False
    r = c.json("patch", f"/api/records/{rid}", {"title": "支委会（扩大）", "effect": "形成三项决议"})
    assert (
        r.status_code == 200
        and r.json()["title"] == "支委会（扩大）"
        and r.json()["effect"] == "形成三项决议"
    )
    assert r.json()["content"] == "为社区学生义务辅导功课两小时"
    r = c.json("post", "/api/records", {"organisation_id": city.village.pk, **_payload()})
    assert r.status_code == 404
    assert c.delete(f"/api/records/{rid}").status_code == 204
    assert c.get(f"/api/records/{rid}").status_code == 404
    assert ActivityRecord.objects.get(pk=rid).is_deleted


def test_photo_upload_multipart_and_rejection(city, api, personal_record):
    c = api(city.member_user)
    r = c.post(f"/api/records/{personal_record.pk}/photos", {"files": [png_upload()], "caption": "现场"})
    assert r.status_code == 201, r.content
    (photo,) = r.json()
    assert photo["content_type"] == "image/png" and photo["url"] == f"/records/photos/{photo['id']}/"
    bad = SimpleUploadedFile("evil.jpg", b"#!/bin/sh\necho hi\n", content_type="image/jpeg")
    r = c.post(f"/api/records/{personal_record.pk}/photos", {"files": [bad]})
    assert r.status_code == 422 and r.json()["field"] == "photos"
    assert len(c.get(f"/api/records/{personal_record.pk}/photos").json()) == 1
    r = api(city.town_secretary).post(f"/api/records/{personal_record.pk}/photos", {"files": [png_upload()]})
    assert r.status_code == 404  # record.log, but the record is outside the town secretary's scope


def test_attendance_and_sign_in(city, api, meeting_record, colleague):
    sec = api(city.secretary)
    r = sec.json(
        "post",
        f"/api/records/{meeting_record.pk}/attendance",
        {"member_id": colleague.pk, "status": "absent", "reason_kind": "other", "reason": "生病"},
    )
    assert r.status_code == 200, r.content
    assert r.json()["status"] == "absent" and r.json()["method"] == "manual"
    token = meeting_record.meeting.sign_in_token
    member = api(city.member_user)
    r = member.json("post", f"/api/records/sign-in/{token}")
    assert r.status_code == 409 and "签到已关闭" in r.json()["message"]
    services.sign_in_open(actor=city.secretary, record=meeting_record)
    r = member.json("post", f"/api/records/sign-in/{token}")
    assert (
        r.status_code == 200 and r.json()["already"] is False and r.json()["record_id"] == meeting_record.pk
    )
    assert member.json("post", f"/api/records/sign-in/{token}").json()["already"] is True
    statuses = {
        a["member_name"]: a["status"] for a in sec.get(f"/api/records/{meeting_record.pk}/attendance").json()
    }
    assert statuses == {"林老师": "present", "赵老师": "absent"}
    assert api(city.member_user).get(f"/api/records/{meeting_record.pk}/attendance").status_code == 404
    assert Attendance.objects.count() == 2
    assert meeting_record.occurred_on == YESTERDAY


def test_api_list_query_count_does_not_grow(city, api):
    c = api(city.office)

    def make(n):
        for i in range(n):
            r = services.record_create(
                actor=city.member_user, member=city.teacher, **record_fields(title=f"记实{i}")
            )
            services.photo_add(actor=city.member_user, record=r, file=png_upload())

    make(2)
    c.get("/api/records")  # the token's first use stamps last_used_at
    with CaptureQueriesContext(connection) as small:
        assert len(c.get("/api/records").json()) == 2
    make(10)
    with CaptureQueriesContext(connection) as large:
        assert len(c.get("/api/records").json()) == 12
    assert len(large) == len(small)
