"""Nominating with photos through the API (#15): `POST …/nominations/with-photos` checks the photos as the page
does — type by content, size, at most three, decompression bombs — with {code, message, field} errors, and
stores nothing when one is refused."""

import struct
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from pacesetter.core.models import AuditEntry
from pacesetter.core.services import token_create
from pacesetter.honours.models import Nomination, NominationPhoto
from tests.records.conftest import png_bytes

from .conftest import DEED

pytestmark = pytest.mark.django_db


def _api(user):
    _token, key = token_create(actor=user, name="test")
    return Client(HTTP_AUTHORIZATION=f"Bearer {key}")


def _png(name="a.png", **size):
    return SimpleUploadedFile(name, png_bytes(**size), "image/png")


def _png_claiming(width: int, height: int) -> SimpleUploadedFile:
    """A few hundred bytes whose header claims width × height pixels: a decompression bomb's shape."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    data = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
    return SimpleUploadedFile("bomb.png", data + chunk(b"IEND", b""), "image/png")


@pytest.fixture
def post(city, programme):
    cat = programme.categories.get(name="优秀共产党员")
    url = f"/api/honours/programmes/{programme.pk}/nominations/with-photos"
    form = {
        "category_id": cat.pk,
        "nominator_id": city.district.pk,
        "subject_member_id": city.teacher.pk,
        "summary": "扎根农村教育二十年，带头服务群众。",
        "deed": DEED,
    }
    client = _api(city.secretary)
    return lambda photos: client.post(url, {**form, "photos": photos})


def _nothing_stored(settings):
    media = settings.MEDIA_ROOT
    assert not Nomination.objects.exists() and not NominationPhoto.objects.exists()
    assert not AuditEntry.objects.filter(action="honours.nomination.nominate").exists()
    assert not media.exists() or [p for p in media.rglob("*") if p.is_file()] == []


def test_api_photos_accepted_and_stored(city, post, client_for):
    r = post([_png("甲.png"), _png("乙.jpg", width=3, height=2)])  # a PNG named .jpg: judged by its bytes
    assert r.status_code == 201, r.content
    n = Nomination.objects.get(pk=r.json()["id"])
    photos = list(n.photos.order_by("pk"))
    assert [(p.name, p.content_type) for p in photos] == [("甲.png", "image/png"), ("乙.jpg", "image/png")]
    assert all(p.file.name.endswith(".png") and p.file.size == p.size for p in photos)
    entry = AuditEntry.objects.get(action="honours.nomination.nominate")
    assert entry.changes["photos"] == [None, 2]


def test_api_fourth_photo_refused_and_nothing_stored(post, settings):
    r = post([_png(f"{i}.png") for i in range(4)])
    assert r.status_code == 422
    assert r.json() == {"code": "validation_error", "message": "最多上传 3 张照片", "field": "photos"}
    _nothing_stored(settings)


def test_api_non_image_refused_and_nothing_stored(post, settings):
    r = post([_png("ok.png"), SimpleUploadedFile("x.png", b"MZ\x90\x00 not an image", "image/png")])
    assert r.status_code == 422
    body = r.json()
    assert body["field"] == "photos" and "“x.png”的内容与扩展名 .png 不符" in body["message"]
    _nothing_stored(settings)


def test_api_image_that_cannot_be_opened_refused(post, settings):
    # the right first bytes, then rubbish: not a picture anything could show
    r = post([SimpleUploadedFile("x.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, "image/png")])
    assert r.status_code == 422 and r.json()["message"] == "“x.png”不是可以打开的图片"
    _nothing_stored(settings)


@pytest.mark.parametrize(
    ("size", "message"),
    [
        ((9000, 9000), "“bomb.png”像素过多（9000×9000），请缩小后再上传"),  # over our limit
        ((20000, 20000), "“bomb.png”像素过多，请缩小后再上传"),  # Pillow will not even open it
    ],
)
def test_api_decompression_bomb_refused(post, settings, size, message):
    r = post([_png_claiming(*size)])
    assert r.status_code == 422
    assert r.json() == {"code": "validation_error", "message": message, "field": "photos"}
    _nothing_stored(settings)


def test_api_oversized_photo_refused(post, settings):
    big = SimpleUploadedFile("big.png", png_bytes() + b"\x00" * (5 * 1024 * 1024), "image/png")
    r = post([big])
    assert r.status_code == 422 and r.json()["field"] == "photos" and "超过 5" in r.json()["message"]
    _nothing_stored(settings)


def test_page_refuses_a_decompression_bomb_too(city, programme, client_for, settings):
    cat = programme.categories.get(name="优秀共产党员")
    r = client_for(city.secretary).post(
        f"/honours/{programme.pk}/nominate/",
        {
            "category": cat.pk,
            "nominator": city.district.pk,
            "subject_name": "林老师@城厢区实验小学党支部",
            "summary": "扎根农村教育二十年，带头服务群众。",
            "deed": DEED,
            "photos": [_png_claiming(9000, 9000)],
        },
    )
    assert r.status_code == 422
    assert "像素过多（9000×9000）" in r.content.decode()
    _nothing_stored(settings)
