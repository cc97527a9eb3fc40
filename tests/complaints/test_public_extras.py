"""The public channel's API with files (multipart) and the per-address limit on unknown case numbers."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from pacesetter.complaints import services
from pacesetter.complaints.enums import UNKNOWN_NUMBERS_PER_ADDRESS_PER_DAY
from pacesetter.complaints.models import Case, CaseAttachment, ReportThrottle
from pacesetter.core.errors import NotFoundError, RateLimitedError

pytestmark = pytest.mark.django_db
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 40


def _fields(city, **kw):
    return {
        "subject_type": "org",
        "subject_id": str(city.school.pk),
        "category": "service",
        "text": "窗口工作人员态度生硬，多次推诿，群众意见很大。",
        **kw,
    }


def test_api_files_a_report_with_photos_multipart(city, client, file_case):
    file_case()  # makes the categories
    Case.objects.all().delete()
    files = [SimpleUploadedFile(f"p{i}.png", PNG, content_type="image/png") for i in range(2)]
    r = client.post("/api/public/cases/with-files", {**_fields(city), "files": files}, REMOTE_ADDR="10.2.2.2")
    assert r.status_code == 201, r.content
    case = Case.objects.get(number=r.json()["number"])
    assert [a.name for a in case.attachments.order_by("id")] == ["p0.png", "p1.png"]
    assert services.case_query(number=case.number, password=r.json()["password"]).pk == case.pk


def test_api_multipart_refuses_bad_files_and_stores_nothing(city, client, file_case):
    file_case()
    Case.objects.all().delete()
    bad = SimpleUploadedFile("x.png", b"MZ\x90\x00 not a picture", content_type="image/png")
    r = client.post("/api/public/cases/with-files", {**_fields(city), "files": [bad]}, REMOTE_ADDR="10.2.2.3")
    assert r.status_code == 422 and "files" in r.content.decode()
    four = [SimpleUploadedFile(f"{i}.png", PNG, content_type="image/png") for i in range(4)]
    r = client.post("/api/public/cases/with-files", {**_fields(city), "files": four}, REMOTE_ADDR="10.2.2.3")
    assert r.status_code == 422
    r = client.post("/api/public/cases/with-files", _fields(city, text=""), REMOTE_ADDR="10.2.2.3")
    assert r.status_code == 422
    assert Case.objects.count() == 0 and CaseAttachment.objects.count() == 0


def test_unknown_numbers_are_limited_per_address(city, file_case):
    case, password = file_case()
    for _i in range(UNKNOWN_NUMBERS_PER_ADDRESS_PER_DAY):
        with pytest.raises(NotFoundError):
            services.case_query(number="99999999", password="x", ip="10.3.3.3")
    with pytest.raises(RateLimitedError) as e:  # even the right number + password: the address waits
        services.case_query(number=case.number, password=password, ip="10.3.3.3")
    assert "24 小时" in e.value.message
    assert services.case_query(number=case.number, password=password, ip="10.3.3.4").pk == case.pk
    assert all("10.3.3.3" not in t.address_hash for t in ReportThrottle.objects.all())
    # filing from the limited address is counted apart
    file_case(ip="10.3.3.3")


def test_unknown_number_limit_on_the_page_and_the_api(city, client, file_case):
    file_case()
    for _i in range(UNKNOWN_NUMBERS_PER_ADDRESS_PER_DAY):
        r = client.post("/r/q/", {"number": "12345", "password": "x"}, REMOTE_ADDR="10.4.4.4")
        assert r.status_code == 404
    r = client.post("/r/q/", {"number": "12345", "password": "x"}, REMOTE_ADDR="10.4.4.4")
    assert r.status_code == 429 and "请明天再试" in r.content.decode()
    r = client.post(
        "/api/public/cases/query",
        {"number": "12345", "password": "x"},
        content_type="application/json",
        REMOTE_ADDR="10.4.4.4",
    )
    assert r.status_code == 429 and "请明天再试" in r.json()["message"]


def test_stats_export_names_the_organisation_with_its_parent(city, client_for):
    import io

    from openpyxl import load_workbook

    r = client_for(city.office).get(f"/complaints/stats.xlsx?org={city.school.pk}")
    assert r.status_code == 200
    title = load_workbook(io.BytesIO(r.content)).active["A1"].value
    assert title.startswith("城厢区委 / 城厢区实验小学党支部")
