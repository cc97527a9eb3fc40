import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from pacesetter.core.errors import PermissionDeniedError, StateError, ValidationError
from pacesetter.publicity import search, services
from pacesetter.publicity.enums import ArticleAction, ArticleStatus

pytestmark = pytest.mark.django_db


def _jpeg_with_gps(size=(4000, 3000)) -> bytes:
    img = Image.new("RGB", size, (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x8825] = {1: "N", 2: (26.0, 5.0, 0.0)}  # GPS IFD
    out = io.BytesIO()
    img.save(out, format="JPEG", exif=exif)
    return out.getvalue()


def _article(city, actor, **kw):
    data = {
        "section": "experience",
        "title": "八一村“五个好”党支部创建经验",
        "body": "<p>八一村深入开展创先争优活动。</p><script>alert(1)</script><p onclick='x'>强村富民</p>",
        "tags": ["五个好", "农村"],
        **kw,
    }
    return services.article_create(actor=actor, organisation=city.village, **data)


def test_article_is_sanitised_and_public_only_after_review(city, client):
    a = _article(city, city.town_secretary)
    assert "<script>" not in a.body and "onclick" not in a.body and "<p>强村富民</p>" in a.body
    assert client.get(f"/news/a/{a.pk}/").status_code == 404
    assert search.search_public("五个好") == []
    services.article_transition(actor=city.town_secretary, article=a, action=ArticleAction.SUBMIT)
    with pytest.raises(PermissionDeniedError):  # a secretary drafts, only an editor publishes
        services.article_transition(actor=city.town_secretary, article=a, action=ArticleAction.PUBLISH)
    a = services.article_transition(actor=city.office, article=a, action=ArticleAction.PUBLISH)
    assert a.status == ArticleStatus.PUBLISHED and a.published_at is not None
    page = client.get(f"/news/a/{a.pk}/")
    assert page.status_code == 200
    assert "八一村“五个好”党支部创建经验" in page.content.decode()
    assert [h.object_id for h in search.search_public("五个好")] == [a.pk]
    services.article_transition(
        actor=city.office, article=a, action=ArticleAction.WITHDRAW, comment="数据有误"
    )
    assert client.get(f"/news/a/{a.pk}/").status_code == 404
    assert search.search_public("五个好") == []


def test_article_cannot_publish_a_draft_without_review(city):
    a = _article(city, city.office)
    with pytest.raises(StateError):
        services.article_transition(actor=city.office, article=a, action=ArticleAction.PUBLISH)


def test_editor_role_publishes(city, editor):
    a = _article(city, city.town_secretary)
    services.article_transition(actor=city.town_secretary, article=a, action=ArticleAction.SUBMIT)
    a = services.article_transition(actor=editor, article=a, action=ArticleAction.PUBLISH)
    assert a.status == ArticleStatus.PUBLISHED


def test_event_needs_date_and_place(city):
    with pytest.raises(ValidationError) as e:
        _article(city, city.office, event_kind="observation", section="events")
    assert e.value.field == "event_date"


def test_body_only_script_is_refused(city):
    with pytest.raises(ValidationError) as e:
        _article(city, city.office, body="<script>alert(1)</script>")
    assert e.value.field == "body"


def test_photo_loses_exif_and_gps_and_is_resized(city):
    upload = SimpleUploadedFile("现场.jpg", _jpeg_with_gps(), content_type="image/jpeg")
    assert Image.open(io.BytesIO(_jpeg_with_gps())).getexif()  # the fixture does carry EXIF
    a = _article(city, city.office, photos=[upload])
    photo = a.photos.get()
    with photo.file.open("rb") as f:
        stored = Image.open(io.BytesIO(f.read()))
    assert (stored.width, stored.height) == (1920, 1440)
    assert dict(stored.getexif()) == {}
    assert "exif" not in stored.info


def test_photo_that_is_not_an_image_is_refused(city):
    fake = SimpleUploadedFile("x.jpg", b"\xff\xd8\xff" + b"0" * 100, content_type="image/jpeg")
    with pytest.raises(ValidationError) as e:
        _article(city, city.office, photos=[fake])
    assert e.value.field == "photos"
    exe = SimpleUploadedFile("x.exe", b"MZ" + b"0" * 100)
    with pytest.raises(ValidationError):
        _article(city, city.office, photos=[exe])


def test_article_word_download(city, client):
    a = _article(city, city.office)
    services.article_transition(actor=city.office, article=a, action=ArticleAction.SUBMIT)
    services.article_transition(actor=city.office, article=a, action=ArticleAction.PUBLISH)
    r = client.get(f"/news/a/{a.pk}/word.docx")
    assert r.status_code == 200 and r.content[:2] == b"PK"
    from docx import Document

    text = "\n".join(p.text for p in Document(io.BytesIO(r.content)).paragraphs)
    assert "八一村“五个好”党支部创建经验" in text and "强村富民" in text and "alert" not in text


def test_item_to_article(city, school_secretary):
    from pacesetter.publicity.enums import ItemAction

    item = services.item_create(
        actor=school_secretary, organisation=city.school, kind="experience", title="经验", body="正文"
    )
    with pytest.raises(StateError):
        services.article_from_item(actor=city.office, item=item)
    services.item_transition(actor=school_secretary, item=item, action=ItemAction.SUBMIT)
    services.item_transition(actor=city.office, item=item, action=ItemAction.ACCEPT)
    with pytest.raises(PermissionDeniedError):
        services.article_from_item(actor=city.secretary, item=item)
    a = services.article_from_item(actor=city.office, item=item)
    assert (a.status, a.section, a.source_item_id, a.body) == ("draft", "experience", item.pk, "<p>正文</p>")
