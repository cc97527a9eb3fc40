"""履诺: progress updates and attachments, the roll-up rule, overdue flags frozen once, reminders once."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from pacesetter.commitments import selectors, services
from pacesetter.commitments.enums import CommitmentStatus as S
from pacesetter.commitments.models import Commitment
from pacesetter.core.errors import PermissionDeniedError, StateError, ValidationError
from pacesetter.notifications.models import Notification

from .conftest import advance, member_commitment, org_commitment

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def test_progress_update_sets_latest_percent_and_keeps_attachments(city, camp):
    c = advance(city, member_commitment(city, camp), S.PUBLISHED)
    services.progress_add(actor=city.member_user, commitment=c, percent=30, text="已辅导 24 小时")
    u = services.progress_add(
        actor=city.member_user,
        commitment=c,
        percent=60,
        text="已辅导 48 小时",
        files=[SimpleUploadedFile("现场.png", PNG, content_type="image/png")],
    )
    c.refresh_from_db()
    assert c.progress == 60
    assert [a.content_type for a in u.attachments.all()] == ["image/png"]
    assert list(c.updates.values_list("percent", flat=True)) == [60, 30]


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("a.exe", b"MZ", "不支持“a.exe”的文件类型，只能上传 JPG、PNG、WebP、PDF、Word、Excel 文件"),
        ("fake.png", b"GIF89a" + b"\x00" * 20, "“fake.png”的内容与扩展名 .png 不符，请上传原始文件"),
    ],
)
def test_progress_attachment_type_checked(city, camp, name, data, message):
    c = advance(city, member_commitment(city, camp), S.PUBLISHED)
    with pytest.raises(ValidationError) as exc:
        services.progress_add(
            actor=city.member_user, commitment=c, percent=10, text="x", files=[SimpleUploadedFile(name, data)]
        )
    assert str(exc.value.message) == message
    assert not c.updates.exists()


def test_progress_attachment_size_checked(city, camp, monkeypatch):
    from pacesetter.commitments import services as s

    monkeypatch.setattr(s.fulfilment, "ATTACHMENT_MAX_BYTES", 10)  # where progress_add reads it
    c = advance(city, member_commitment(city, camp), S.PUBLISHED)
    with pytest.raises(ValidationError) as exc:
        services.progress_add(
            actor=city.member_user,
            commitment=c,
            percent=10,
            text="x",
            files=[SimpleUploadedFile("a.png", PNG)],
        )
    assert str(exc.value.message) == f"“a.png”大小为 {len(PNG)} 字节，超过 10 字节 的限制"


def test_progress_percent_bounds_party_and_state(city, camp):
    c = member_commitment(city, camp)
    with pytest.raises(StateError) as exc:
        services.progress_add(actor=city.member_user, commitment=c, percent=10, text="x")
    assert str(exc.value.message) == "承诺当前状态为“草稿”，不能填报进度（公开后、述诺前可以填报）"
    c = advance(city, c, S.PUBLISHED)
    for bad in (-1, 101, "abc"):
        with pytest.raises(ValidationError) as exc:
            services.progress_add(actor=city.member_user, commitment=c, percent=bad, text="x")
        assert str(exc.value.message) == "进度必须是 0 到 100 之间的整数"
    with pytest.raises(PermissionDeniedError) as exc:
        services.progress_add(actor=city.secretary, commitment=c, percent=10, text="x")
    assert str(exc.value.message) == "只有承诺人可以填报践诺进度"


def test_rollup_is_mean_of_latest_with_missing_updates_as_zero(city, camp):
    a = advance(city, org_commitment(city, camp, title="甲"), S.PUBLISHED)
    b = advance(city, org_commitment(city, camp, title="乙"), S.PUBLISHED)
    advance(city, org_commitment(city, camp, title="丙"), S.PUBLISHED)  # no update: counts 0
    org_commitment(city, camp, title="草稿不计")  # drafts are not part of the roll-up
    m = advance(city, member_commitment(city, camp), S.PUBLISHED)  # personal ones are listed apart
    services.progress_add(actor=city.school_secretary, commitment=a, percent=20, text="起步")
    services.progress_add(
        actor=city.school_secretary, commitment=a, percent=90, text="接近完成"
    )  # latest wins
    services.progress_add(actor=city.school_secretary, commitment=b, percent=60, text="过半")
    services.progress_add(actor=city.member_user, commitment=m, percent=100, text="完成")
    r = selectors.org_progress(city.school)
    assert (r.percent, r.items) == (50, 3)  # (90 + 60 + 0) / 3
    assert "权重相等" in r.rule and "按 0% 计" in r.rule
    assert selectors.org_progress(city.village).percent is None


def test_overdue_flag_set_once_and_frozen(city, camp):
    c = advance(city, org_commitment(city, camp), S.PUBLISHED)
    Commitment.objects.filter(pk=c.pk).update(deadline=timezone.localdate() - timedelta(days=1))
    first = timezone.now()
    assert services.commitments_flag_overdue(now=first) == 1
    assert services.commitments_flag_overdue(now=first + timedelta(hours=1)) == 0
    # Finishing it later does not clear the flag, and a later sweep does not move it.
    services.progress_add(actor=city.school_secretary, commitment=c, percent=100, text="完成")
    services.commitments_flag_overdue(now=first + timedelta(days=3))
    c.refresh_from_db()
    assert c.overdue_at == first


def test_done_or_reported_commitments_are_not_flagged(city, camp):
    done = advance(city, org_commitment(city, camp, title="已完成"), S.PUBLISHED)
    services.progress_add(actor=city.school_secretary, commitment=done, percent=100, text="完成")
    reported = advance(city, org_commitment(city, camp, title="已述诺"), S.REPORTED)
    Commitment.objects.update(deadline=timezone.localdate() - timedelta(days=2))
    assert services.commitments_flag_overdue() == 0
    assert not Commitment.objects.filter(overdue_at__isnull=False).exists()
    assert reported.pk


def test_reminder_sent_once_n_days_before(city, camp, settings):
    settings.COMMITMENT_REMIND_DAYS = 5
    c = advance(city, member_commitment(city, camp), S.PUBLISHED)
    far = advance(city, org_commitment(city, camp, title="还早"), S.PUBLISHED)
    Commitment.objects.filter(pk=c.pk).update(deadline=timezone.localdate() + timedelta(days=5))
    Commitment.objects.filter(pk=far.pk).update(deadline=timezone.localdate() + timedelta(days=6))
    assert services.commitments_send_reminders() == 1
    assert services.commitments_send_reminders() == 0
    notes = list(Notification.objects.filter(recipient=city.member_user, title__contains="将于"))
    assert len(notes) == 1 and "还有 5 天" in notes[0].title
    c.refresh_from_db()
    assert c.reminded_at is not None


def test_sweeps_are_registered():
    from pacesetter.core import tasks

    tasks._discover()
    assert "pacesetter.commitments.tasks.flag_overdue_commitments" in tasks._sweeps
    assert "pacesetter.commitments.tasks.remind_commitment_owners" in tasks._sweeps


def test_unreported_list_shows_who_has_not_reported(city, camp):
    a = advance(city, member_commitment(city, camp), S.PUBLISHED)
    b = advance(city, org_commitment(city, camp), S.REPORTED)
    ids = set(selectors.unreported_for(city.secretary).values_list("pk", flat=True))
    assert ids == {a.pk}
    assert b.pk not in ids
    assert not selectors.unreported_for(city.town_secretary).exists()
