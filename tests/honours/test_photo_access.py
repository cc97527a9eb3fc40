"""Deed photos (事迹照片) in the API's nomination output (#15): count and URLs, each URL opening for exactly those
who may open the nomination (the page's rule), and nothing of them on the public 公示."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from pacesetter.core.services import token_create
from pacesetter.honours import services
from tests.records.conftest import png_bytes

from .conftest import DEED

pytestmark = pytest.mark.django_db


def _api(user):
    _token, key = token_create(actor=user, name="test")
    return Client(HTTP_AUTHORIZATION=f"Bearer {key}")


@pytest.fixture
def nomination(city, programme):
    return services.nomination_create(
        actor=city.secretary,
        category=programme.categories.get(name="优秀共产党员"),
        nominator=city.district,
        subject_member=city.teacher,
        summary="扎根农村教育二十年，带头服务群众。",
        deed=DEED,
        photos=[
            SimpleUploadedFile("课堂.png", png_bytes(), "image/png"),
            SimpleUploadedFile("家访.png", png_bytes(width=3, height=2), "image/png"),
        ],
    )


def test_api_nomination_detail_and_list_carry_the_photos(city, programme, nomination):
    ids = list(nomination.photos.order_by("pk").values_list("pk", flat=True))
    expected = [
        {
            "id": pk,
            "name": name,
            "content_type": "image/png",
            "size": nomination.photos.get(pk=pk).size,
            "url": f"/honours/n/photos/{pk}/",
        }
        for pk, name in zip(ids, ["课堂.png", "家访.png"], strict=True)
    ]
    office = _api(city.office)
    detail = office.get(f"/api/honours/nominations/{nomination.pk}").json()
    assert detail["photo_count"] == 2 and detail["photos"] == expected
    listed = office.get(f"/api/honours/programmes/{programme.pk}/nominations").json()
    assert [(r["id"], r["photo_count"], r["photos"]) for r in listed] == [(nomination.pk, 2, expected)]


def test_api_nomination_list_photo_queries_do_not_grow_per_row(city, programme, nomination):
    services.nomination_create(
        actor=city.secretary,
        category=programme.categories.get(name="先进基层党组织"),
        nominator=city.district,
        subject_org=city.school,
        summary="扎根农村教育二十年，带头服务群众。",
        deed=DEED,
        photos=[SimpleUploadedFile("a.png", png_bytes(), "image/png")],
    )
    office = _api(city.office)
    url = f"/api/honours/programmes/{programme.pk}/nominations"
    with CaptureQueriesContext(connection) as two:
        rows = office.get(url).json()
    assert [r["photo_count"] for r in rows] == [2, 1]
    photo_queries = [q for q in two.captured_queries if "honours_nominationphoto" in q["sql"]]
    assert len(photo_queries) == 1  # one prefetch, not one query per nomination


def test_photo_url_opens_for_whoever_may_open_the_nomination_only(city, nomination, client_for):
    url = f"/honours/n/photos/{nomination.photos.order_by('pk').first().pk}/"
    for user in (city.office, city.secretary):
        r = client_for(user).get(url)
        assert r.status_code == 200 and r["Content-Type"] == "image/png"
        assert b"".join(r.streaming_content).startswith(b"\x89PNG")
        assert r["Cache-Control"] == "private, max-age=3600"
    assert client_for(city.town_secretary).get(url).status_code == 404  # another subtree
    assert client_for(city.outsider).get(url).status_code in (403, 404)
    anonymous = Client().get(url)
    assert anonymous.status_code == 302 and "/login" in anonymous["Location"]
    assert client_for(city.office).get("/honours/n/photos/99999999999999999999/").status_code == 404


def test_public_notice_exposes_no_photo(city, programme, nomination):
    services.nomination_review(actor=city.office, nomination=nomination, action="approve")
    services.notice_start(actor=city.office, programme=programme)
    page = Client().get(f"/h/{programme.pk}/").content.decode()
    assert nomination.display_name in page
    assert "/honours/n/photos/" not in page and "课堂.png" not in page
    roll = Client().get("/api/public/honours")
    assert roll.status_code == 200 and "photo" not in json.dumps(roll.json())
