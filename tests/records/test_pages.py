"""Record pages: logging with photos, lists and filters, detail, edit, delete, photos, attendance, sign-in, export."""

import datetime
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from pacesetter.records import services
from pacesetter.records.exporters import HEADERS
from pacesetter.records.models import ActivityRecord, Attendance, RecordPhoto

from .conftest import YESTERDAY, png_bytes, png_upload, record_fields


def _post_data(**kw):
    data = record_fields(**kw)
    data["occurred_on"] = data["occurred_on"].isoformat()
    return data


def test_member_logs_record_with_photo_and_sees_it_in_my_records(city, client_for):
    c = client_for(city.member_user)
    page = c.get("/records/new/")
    assert page.status_code == 200 and "登记个人记实" in page.content.decode()
    assert "支部党员大会" not in page.content.decode()  # meeting kinds are not offered for personal records
    data = _post_data()
    data["photos"] = [png_upload("a.png"), png_upload("b.png")]
    r = c.post("/records/new/", data)
    record = ActivityRecord.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/records/{record.pk}/"
    assert (record.member, record.organisation) == (city.teacher, city.school)
    assert record.photos.count() == 2
    html = c.get("/records/mine/").content.decode()
    assert "社区义务辅导" in html and html.count('data-testid="record-thumb"') == 2
    detail = c.get(f"/records/{record.pk}/").content.decode()
    assert detail.count('data-testid="photo"') == 2 and "为社区学生义务辅导功课两小时" in detail


def test_fake_image_rejected_and_nothing_stored(city, client_for):
    c = client_for(city.member_user)
    data = _post_data()
    data["photos"] = [SimpleUploadedFile("x.jpg", b"<html>not an image</html>", content_type="image/jpeg")]
    r = c.post("/records/new/", data)
    assert r.status_code == 200
    assert "“x.jpg”的内容与扩展名 .jpg 不符，请上传原始文件" in r.content.decode()
    assert ActivityRecord.objects.count() == 0 and RecordPhoto.objects.count() == 0


def test_member_cannot_log_an_org_record_through_the_page(city, client_for):
    c = client_for(city.member_user)
    data = _post_data(kind="study", organisation="城厢区实验小学党支部")
    r = c.post("/records/new/?mode=org", data)
    assert r.status_code == 200 and "您无权为“城厢区实验小学党支部”登记记实" in r.content.decode()
    assert ActivityRecord.objects.count() == 0


def test_secretary_logs_meeting_and_out_of_scope_refused(city, client_for):
    c = client_for(city.secretary)
    page = c.get(f"/records/new/?mode=org&org={city.school.pk}").content.decode()
    assert 'value="城厢区实验小学党支部"' in page and 'data-testid="meeting-fields"' in page
    data = _post_data(kind="theme_day", title="主题党日", organisation="城厢区实验小学党支部")
    data.update(host="张书记", recorder="李老师", minutes="重温入党誓词")
    r = c.post("/records/new/?mode=org", data)
    record = ActivityRecord.objects.get()
    assert r.status_code == 302 and record.meeting.host == "张书记" and record.meeting.expected_count == 1
    data["organisation"] = "八一村党支部"
    r = c.post("/records/new/?mode=org", data)
    assert "在您的管理范围内找不到组织“八一村党支部”" in r.content.decode()
    assert c.get(f"/records/new/?mode=org&org={city.village.pk}").status_code == 404


def test_leader_reads_but_cannot_write(city, client_for, personal_record):
    c = client_for(city.leader)
    assert "社区义务辅导" in c.get("/records/").content.decode()
    assert c.get(f"/records/{personal_record.pk}/").status_code == 200
    assert c.get("/records/new/").status_code == 403
    assert c.get(f"/records/{personal_record.pk}/edit/").status_code == 403
    assert c.post(f"/records/{personal_record.pk}/delete/").status_code == 403
    assert not ActivityRecord.objects.get().is_deleted


def test_other_member_gets_404_for_personal_record_and_photo(city, client_for, colleague, personal_record):
    photo = services.photo_add(actor=city.member_user, record=personal_record, file=png_upload())
    c = client_for(colleague.user)
    assert c.get(f"/records/{personal_record.pk}/").status_code == 404
    assert c.get(f"/records/photos/{photo.pk}/").status_code == 404
    assert "社区义务辅导" not in c.get("/records/mine/").content.decode()


def test_photo_download_is_access_checked(city, client_for, personal_record):
    photo = services.photo_add(actor=city.member_user, record=personal_record, file=png_upload())
    for user in (city.member_user, city.secretary, city.office, city.leader, city.inspector):
        r = client_for(user).get(f"/records/photos/{photo.pk}/")
        assert r.status_code == 200, user
        assert r["Content-Type"] == "image/png" and b"".join(r.streaming_content) == png_bytes()
    for user in (city.town_secretary, city.outsider):
        assert client_for(user).get(f"/records/photos/{photo.pk}/").status_code == 404
    anon = client_for(None).get(f"/records/photos/{photo.pk}/")
    assert anon.status_code == 302 and anon["Location"].startswith("/accounts/login/")
    services.record_delete(actor=city.member_user, record=personal_record)
    assert client_for(city.member_user).get(f"/records/photos/{photo.pk}/").status_code == 404


def test_edit_and_soft_delete_through_pages(city, client_for, personal_record):
    c = client_for(city.member_user)
    page = c.get(f"/records/{personal_record.pk}/edit/")
    assert page.status_code == 200 and 'value="社区义务辅导"' in page.content.decode()
    r = c.post(f"/records/{personal_record.pk}/edit/", _post_data(title="社区义务辅导（二）"))
    assert r.status_code == 302
    personal_record.refresh_from_db()
    assert personal_record.title == "社区义务辅导（二）"
    assert client_for(city.secretary).get(f"/records/{personal_record.pk}/edit/").status_code == 404
    r = c.post(f"/records/{personal_record.pk}/delete/")
    assert r.status_code == 302 and r["Location"] == "/records/mine/"
    assert 'data-testid="record-item"' not in c.get("/records/mine/").content.decode()
    assert 'data-testid="record-item"' not in client_for(city.office).get("/records/").content.decode()
    assert c.get(f"/records/{personal_record.pk}/edit/").status_code == 404
    assert ActivityRecord.objects.filter(pk=personal_record.pk, is_deleted=True).exists()


def test_list_filters(city, client_for, personal_record, meeting_record):
    c = client_for(city.secretary)

    def titles(query):
        html = c.get(f"/records/?{query}").content.decode()
        return [t for t in ("社区义务辅导", "四月支部党员大会") if t in html]

    assert titles("") == ["社区义务辅导", "四月支部党员大会"]
    assert titles("kind=branch_assembly") == ["四月支部党员大会"]
    assert titles("scope=member") == ["社区义务辅导"]
    assert titles("scope=org") == ["四月支部党员大会"]
    future = (YESTERDAY + datetime.timedelta(days=2)).isoformat()
    assert titles(f"date_from={future}") == []
    assert titles(f"date_to={YESTERDAY.isoformat()}") == ["社区义务辅导", "四月支部党员大会"]
    assert titles(f"org={city.school.pk}") == ["社区义务辅导", "四月支部党员大会"]
    assert c.get(f"/records/?org={city.village.pk}").status_code == 404
    assert (
        client_for(city.town_secretary).get("/records/").content.decode().count('data-testid="record-item"')
        == 0
    )


def _make_records(city, n):
    for i in range(n):
        r = services.record_create(
            actor=city.member_user, member=city.teacher, **record_fields(title=f"个人记实{i}")
        )
        services.photo_add(actor=city.member_user, record=r, file=png_upload())
        m = services.record_create(
            actor=city.secretary,
            organisation=city.school,
            **record_fields(kind="party_lecture", title=f"党课{i}"),
        )
        services.attendance_mark(actor=city.secretary, record=m, member=city.teacher, status="present")


@pytest.mark.parametrize("user_attr,url", [("secretary", "/records/"), ("member_user", "/records/mine/")])
def test_list_query_count_does_not_grow_with_rows(city, client_for, user_attr, url):
    c = client_for(getattr(city, user_attr))
    _make_records(city, 2)
    with CaptureQueriesContext(connection) as small:
        assert c.get(url).status_code == 200
    _make_records(city, 8)
    with CaptureQueriesContext(connection) as large:
        html = c.get(url).content.decode()
    assert html.count('data-testid="record-item"') == 20
    assert len(large) == len(small), [q["sql"] for q in large.captured_queries]


def test_list_query_count_is_pinned(city, client_for, django_assert_max_num_queries):
    _make_records(city, 3)
    c = client_for(city.secretary)
    c.get("/records/")  # warm the session
    with django_assert_max_num_queries(8):
        c.get("/records/")


def test_export_columns_and_scope(city, client_for, personal_record, meeting_record):
    services.photo_add(actor=city.member_user, record=personal_record, file=png_upload())
    r = client_for(city.secretary).get("/records/export.xlsx")
    assert r.status_code == 200 and r["Content-Type"].startswith("application/vnd.openxmlformats")
    ws = openpyxl.load_workbook(io.BytesIO(r.content)).active
    rows = list(ws.iter_rows(values_only=True))
    assert list(rows[0]) == HEADERS
    by_title = {row[2]: row for row in rows[1:]}
    assert set(by_title) == {"社区义务辅导", "四月支部党员大会"}
    p = by_title["社区义务辅导"]
    assert (p[1], p[3], p[4], p[7], p[8], p[9], p[14]) == (
        "为民服务",
        "城厢区委 / 城厢区实验小学党支部",
        "林老师",
        "为社区学生义务辅导功课两小时",
        "辅导 12 名学生",
        "家长满意",
        1,
    )
    m = by_title["四月支部党员大会"]
    assert (m[1], m[4], m[10], m[11], m[12], m[13]) == ("支部党员大会", None, "张书记", "李老师", 1, 0)
    town = client_for(city.town_secretary).get("/records/export.xlsx")
    assert len(list(openpyxl.load_workbook(io.BytesIO(town.content)).active.iter_rows())) == 1
    filtered = client_for(city.secretary).get("/records/export.xlsx?scope=org")
    assert len(list(openpyxl.load_workbook(io.BytesIO(filtered.content)).active.iter_rows())) == 2


def test_sign_in_page_flow(city, client_for, meeting_record, villager):
    sec = client_for(city.secretary)
    detail = sec.get(f"/records/{meeting_record.pk}/").content.decode()
    assert 'data-testid="open-sign-in"' in detail and "<svg" not in detail
    assert sec.post(f"/records/{meeting_record.pk}/sign-in/open/", {"minutes": "60"}).status_code == 302
    detail = sec.get(f"/records/{meeting_record.pk}/").content.decode()
    token = meeting_record.meeting.sign_in_token
    assert "<svg" in detail and f"/records/meetings/sign-in/{token}/" in detail
    url = f"/records/meetings/sign-in/{token}/"

    anon = client_for(None).get(url)
    assert anon.status_code == 302 and anon["Location"] == f"/accounts/login/?next={url}"

    member = client_for(city.member_user)
    first = member.get(url).content.decode()
    assert "签到成功" in first and "四月支部党员大会" in first
    assert "您已签到" in member.get(url).content.decode()
    assert Attendance.objects.filter(member=city.teacher, status="present", method="qr").count() == 1

    refused = client_for(villager.user).get(url)
    assert refused.status_code == 403 and "不是“城厢区实验小学党支部”的党员" in refused.content.decode()
    assert client_for(city.member_user).get("/records/meetings/sign-in/bogus/").status_code == 404

    sec.post(f"/records/{meeting_record.pk}/sign-in/close/")
    closed = member.get(url)
    assert closed.status_code == 409 and "签到已关闭" in closed.content.decode()
    # The member sees the attended meeting among their own records.
    assert "四月支部党员大会" in member.get("/records/mine/").content.decode()


def test_attendance_page_marks_absentee_with_reason(city, client_for, meeting_record, colleague):
    c = client_for(city.secretary)
    page = c.get(f"/records/{meeting_record.pk}/attendance/").content.decode()
    assert "林老师" in page and "赵老师" in page
    r = c.post(
        f"/records/{meeting_record.pk}/attendance/",
        {"member": colleague.pk, "status": "leave", "reason_kind": "official", "reason": "外出培训"},
    )
    assert r.status_code == 302
    a = Attendance.objects.get(member=colleague)
    assert (a.status, a.reason_kind, a.reason) == ("leave", "official", "外出培训")
    r = c.post(f"/records/{meeting_record.pk}/attendance/", {"member": city.farmer.pk, "status": "present"})
    assert not Attendance.objects.filter(member=city.farmer).exists()
    assert client_for(city.member_user).get(f"/records/{meeting_record.pk}/attendance/").status_code == 404
    assert client_for(city.town_secretary).get(f"/records/{meeting_record.pk}/attendance/").status_code == 404


def test_photo_add_and_delete_on_detail_page(city, client_for, personal_record):
    c = client_for(city.member_user)
    r = c.post(f"/records/{personal_record.pk}/photos/", {"photos": [png_upload()], "caption": "辅导现场"})
    assert r.status_code == 302
    photo = RecordPhoto.objects.get()
    assert photo.caption == "辅导现场"
    assert c.post(f"/records/photos/{photo.pk}/delete/").status_code == 302
    assert RecordPhoto.objects.count() == 0


def test_closed_window_message_on_the_form(city, client_for):
    from django.utils import timezone

    from .test_services import _campaign

    now = timezone.now()
    _campaign(city, now - datetime.timedelta(days=30), now - datetime.timedelta(days=1))
    data = _post_data()
    data["photos"] = [png_upload()]
    r = client_for(city.member_user).post("/records/new/", data)
    html = r.content.decode()
    assert r.status_code == 200 and 'data-testid="form-error"' in html and "已于" in html and "截止" in html
    assert ActivityRecord.objects.count() == 0 and RecordPhoto.objects.count() == 0


def test_attendance_marks_everyone_present_at_once_then_the_exceptions(
    city, client_for, meeting_record, colleague
):
    from pacesetter.records.models import MeetingDetail
    from tests.factories import make_member

    extra = make_member(city.school, "钱老师")
    c = client_for(city.secretary)
    # one exception recorded first stays as it is
    c.post(
        f"/records/{meeting_record.pk}/attendance/",
        {"member": colleague.pk, "status": "leave", "reason_kind": "official", "reason": "外出培训"},
    )
    page = c.get(f"/records/{meeting_record.pk}/attendance/").content.decode()
    assert 'data-testid="all-present">其余 2 人全部出席<' in page
    r = c.post(f"/records/{meeting_record.pk}/attendance/all-present/")
    assert r.status_code == 302
    marks = dict(Attendance.objects.values_list("member__name", "status"))
    assert marks == {"林老师": "present", "钱老师": "present", "赵老师": "leave"}
    assert MeetingDetail.objects.get(record=meeting_record).actual_count == 2
    # then an exception with its reason
    c.post(
        f"/records/{meeting_record.pk}/attendance/",
        {"member": extra.pk, "status": "absent", "reason_kind": "other", "reason": "生病"},
    )
    assert Attendance.objects.get(member=extra).reason == "生病"
    assert MeetingDetail.objects.get(record=meeting_record).actual_count == 1
    assert (
        'data-testid="all-present"' not in c.get(f"/records/{meeting_record.pk}/attendance/").content.decode()
    )
    # nobody else may do it
    assert (
        client_for(city.member_user).post(f"/records/{meeting_record.pk}/attendance/all-present/").status_code
        == 404
    )
    assert (
        client_for(city.town_secretary)
        .post(f"/records/{meeting_record.pk}/attendance/all-present/")
        .status_code
        == 404
    )
