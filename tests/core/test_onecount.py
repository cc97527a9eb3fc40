"""One person, one count: phone codes, the text gateway, count_once under concurrency, printable slips."""

import re
import threading
from datetime import timedelta

import pytest
from django.utils import timezone

from pacesetter import onecount
from pacesetter.core.errors import (
    PermissionDeniedError,
    RateLimitedError,
    StateError,
    ValidationError,
)
from pacesetter.core.models import AuditEntry, OneCount, PhoneCode, Slip, TextQuota
from pacesetter.notifications import sms
from pacesetter.notifications.models import TextMessage
from tests.file_sqlite import reran_on_file_sqlite

PHONE = "13812345678"
INNER = "PACESETTER_ONECOUNT_INNER"


@pytest.fixture
def texts(settings):
    settings.PACESETTER_SMS_BACKEND = "pacesetter.notifications.sms.LocmemBackend"
    sms.outbox.clear()
    yield sms.outbox
    sms.outbox.clear()


def _last_code(outbox) -> str:
    return re.search(r"\d{6}", outbox[-1][1]).group(0)


def _age_codes(seconds=120):
    PhoneCode.objects.update(created_at=timezone.now() - timedelta(seconds=seconds))


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("13812345678", "13812345678"),
        (" 138 1234-5678 ", "13812345678"),
        ("+86 138 1234 5678", "13812345678"),
        ("008613812345678", "13812345678"),
        ("8613812345678", "13812345678"),
    ],
)
def test_normalise_phone_accepts_mainland_mobiles(raw, expected):
    assert onecount.normalise_phone(raw) == expected


@pytest.mark.parametrize("raw", ["", "1381234567", "23812345678", "12812345678", "138123456789", "abc", None])
def test_normalise_phone_refuses_others(raw):
    with pytest.raises(ValidationError) as exc:
        onecount.normalise_phone(raw)
    assert exc.value.field == "phone"


def test_phone_key_is_stable_salted_and_hides_the_phone(settings):
    key = onecount.phone_key("138 1234 5678")
    assert key == onecount.phone_key(PHONE)
    assert len(key) == 64
    assert PHONE not in key
    assert key != onecount.phone_key("13812345679")
    settings.SECRET_KEY = "another-secret-key-for-this-test-only-0123456789"
    assert onecount.phone_key(PHONE) != key


@pytest.mark.django_db
def test_send_text_console_backend_prints_and_records_masked(settings, capsys):
    settings.PACESETTER_SMS_BACKEND = "pacesetter.notifications.sms.ConsoleBackend"
    sms.send_text(phone=PHONE, text="你好", kind="test")
    assert "13812345678: 你好" in capsys.readouterr().out
    row = TextMessage.objects.get()
    assert (row.phone_masked, row.kind, row.status) == ("138****5678", "test", "sent")


class _Broken:
    def send(self, phone, text, *, urgent=False):
        raise OSError("provider down")


@pytest.mark.django_db
def test_send_text_failure_of_a_provider_is_recorded_and_raised(settings):
    settings.PACESETTER_SMS_BACKEND = "tests.core.test_onecount._Broken"
    with pytest.raises(OSError):
        sms.send_text(phone=PHONE, text="x")
    row = TextMessage.objects.get()
    assert (row.status, row.error) == ("failed", "provider down")


@pytest.mark.django_db
def test_phone_code_send_then_confirm_returns_the_phone_key(texts):
    onecount.phone_code_send(phone=PHONE, client_ip="10.0.0.1", purpose="rate")
    assert len(texts) == 1
    assert texts[0][0] == PHONE
    code = _last_code(texts)
    assert onecount.phone_code_confirm(phone=PHONE, code=code, purpose="rate") == onecount.phone_key(PHONE)
    stored = PhoneCode.objects.get()
    assert PHONE not in stored.phone_key and code not in stored.code_hash
    assert TextMessage.objects.get().phone_masked == "138****5678"
    assert not TextMessage.objects.filter(phone_masked__contains="12345678").exists()


@pytest.mark.django_db
def test_phone_code_confirm_refuses_a_used_code(texts):
    onecount.phone_code_send(phone=PHONE, client_ip="10.0.0.1", purpose="rate")
    code = _last_code(texts)
    onecount.phone_code_confirm(phone=PHONE, code=code, purpose="rate")
    with pytest.raises(ValidationError) as exc:
        onecount.phone_code_confirm(phone=PHONE, code=code, purpose="rate")
    assert exc.value.field == "code"


@pytest.mark.django_db
def test_phone_code_confirm_refuses_another_purpose_or_phone(texts):
    onecount.phone_code_send(phone=PHONE, client_ip="10.0.0.1", purpose="rate")
    code = _last_code(texts)
    with pytest.raises(ValidationError):
        onecount.phone_code_confirm(phone=PHONE, code=code, purpose="follow")
    with pytest.raises(ValidationError):
        onecount.phone_code_confirm(phone="13812345679", code=code, purpose="rate")


@pytest.mark.django_db
def test_phone_code_confirm_refuses_an_expired_code(texts):
    onecount.phone_code_send(phone=PHONE, client_ip="10.0.0.1", purpose="rate")
    PhoneCode.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    with pytest.raises(ValidationError) as exc:
        onecount.phone_code_confirm(phone=PHONE, code=_last_code(texts), purpose="rate")
    assert str(exc.value.message) == "验证码已失效，请重新获取"


@pytest.mark.django_db
def test_phone_code_confirm_locks_the_code_after_the_tries(texts, settings):
    settings.ONECOUNT_CODE_TRIES = 3
    onecount.phone_code_send(phone=PHONE, client_ip="10.0.0.1", purpose="rate")
    code = _last_code(texts)
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    for _i in range(3):
        with pytest.raises(ValidationError) as exc:
            onecount.phone_code_confirm(phone=PHONE, code=wrong, purpose="rate")
        assert str(exc.value.message) == "验证码不正确，请核对短信后重新输入"
    with pytest.raises(ValidationError) as exc:
        onecount.phone_code_confirm(phone=PHONE, code=code, purpose="rate")
    assert str(exc.value.message) == "验证码输错次数过多，请重新获取"


@pytest.mark.django_db
def test_phone_code_confirm_refuses_a_malformed_code(texts):
    with pytest.raises(ValidationError) as exc:
        onecount.phone_code_confirm(phone=PHONE, code="12a456", purpose="rate")
    assert exc.value.field == "code"


@pytest.mark.django_db
def test_phone_code_send_waits_a_minute_between_texts(texts):
    onecount.phone_code_send(phone=PHONE, client_ip="10.0.0.1", purpose="rate")
    with pytest.raises(RateLimitedError) as exc:
        onecount.phone_code_send(phone=PHONE, client_ip="10.0.0.1", purpose="rate")
    assert exc.value.status == 429
    assert "秒后再重新获取" in str(exc.value.message)
    assert len(texts) == 1


@pytest.mark.django_db
def test_phone_code_send_limits_texts_per_phone_per_day(texts, settings):
    settings.ONECOUNT_TEXTS_PER_PHONE_PER_DAY = 2
    for i in range(2):
        onecount.phone_code_send(phone=PHONE, client_ip=f"10.0.0.{i}", purpose="rate")
        _age_codes()
    with pytest.raises(RateLimitedError) as exc:
        onecount.phone_code_send(phone=PHONE, client_ip="10.0.0.9", purpose="rate")
    assert str(exc.value.message) == "该手机号今天获取验证码的次数已达上限，请明天再试"
    assert len(texts) == 2
    # the refused attempt was not counted against the address
    assert TextQuota.objects.filter(key__startswith="addr:", sent=1).count() == 2
    assert not TextQuota.objects.filter(key__startswith="addr:", sent=0).exists()


@pytest.mark.django_db
def test_phone_code_send_limits_texts_per_address_per_day(texts, settings):
    settings.ONECOUNT_TEXTS_PER_ADDRESS_PER_DAY = 3
    for i in range(3):
        onecount.phone_code_send(phone=f"1381234567{i}", client_ip="10.0.0.1", purpose="rate")
    with pytest.raises(RateLimitedError) as exc:
        onecount.phone_code_send(phone="13812345679", client_ip="10.0.0.1", purpose="rate")
    assert str(exc.value.message) == "您所在的网络今天获取验证码的次数已达上限，请明天再试"
    assert len(texts) == 3
    onecount.phone_code_send(phone="13812345679", client_ip="10.0.0.2", purpose="rate")
    assert len(texts) == 4


@pytest.mark.django_db
def test_count_once_counts_a_person_once_per_subject():
    assert onecount.count_once(subject="s:1", person_key="k") is True
    assert onecount.count_once(subject="s:1", person_key="k") is False
    assert onecount.count_once(subject="s:2", person_key="k") is True
    assert onecount.count_once(subject="s:1", person_key="other") is True
    assert OneCount.objects.count() == 3


@pytest.mark.django_db(transaction=True)
def test_count_once_under_concurrency_counts_exactly_once(request, tmp_path):
    """24 threads, each on its own database connection, count the same person at the same moment."""
    if reran_on_file_sqlite(request, tmp_path, INNER):
        return
    n = 24
    barrier = threading.Barrier(n)
    results, errors = [], []

    def worker():
        from django.db import connection as conn

        try:
            barrier.wait()
            for _attempt in range(20):
                try:
                    results.append(onecount.count_once(subject="race", person_key="same-person"))
                    break
                except Exception as exc:  # SQLite "database is locked": retry, as a request would
                    if "locked" not in str(exc):
                        raise
            else:
                errors.append("gave up")
        except Exception as exc:
            errors.append(repr(exc))
        finally:
            conn.close()

    threads = [threading.Thread(target=worker) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert sorted(results) == [False] * (n - 1) + [True]
    assert OneCount.objects.filter(subject="race").count() == 1


@pytest.mark.django_db
def test_slip_sheet_create_stores_only_hashes(city):
    sheet = onecount.slip_sheet_create(actor=city.secretary, org=city.school, count=5)
    assert len(sheet.codes) == 5
    assert len(set(sheet.codes)) == 5
    hashes = set(Slip.objects.filter(sheet=sheet).values_list("code_hash", flat=True))
    assert len(hashes) == 5
    assert not hashes & set(sheet.codes)
    entry = AuditEntry.objects.get(action="onecount.slips.create")
    assert (entry.actor, entry.scope_path) == (city.secretary, city.school.path)


@pytest.mark.django_db
def test_slip_sheet_create_refuses_outside_scope_and_bad_counts(city):
    with pytest.raises(PermissionDeniedError):
        onecount.slip_sheet_create(actor=city.town_secretary, org=city.school, count=5)
    with pytest.raises(PermissionDeniedError):
        onecount.slip_sheet_create(actor=city.member_user, org=city.school, count=5)
    for bad in (0, 501, "x"):
        with pytest.raises(ValidationError):
            onecount.slip_sheet_create(actor=city.office, org=city.school, count=bad)
    assert not Slip.objects.exists()


@pytest.mark.django_db
def test_slip_redeem_once_per_subject(city):
    code = onecount.slip_sheet_create(actor=city.secretary, org=city.school, count=1).codes[0]
    key = onecount.slip_redeem(code=onecount.slip_display(code).lower(), subject="a")
    assert key == f"slip:{Slip.objects.get().pk}"
    assert onecount.count_once(subject="a", person_key=key) is True
    with pytest.raises(StateError):
        onecount.slip_redeem(code=code, subject="a")
    assert onecount.slip_redeem(code=code, subject="b") == key


@pytest.mark.django_db
def test_slip_redeem_refuses_unknown_codes_and_other_organisations(city):
    code = onecount.slip_sheet_create(actor=city.secretary, org=city.school, count=1).codes[0]
    for bad in ("", "a/b", "ABCDEFGHJKMN", "%00"):
        with pytest.raises(ValidationError) as exc:
            onecount.slip_redeem(code=bad, subject="a")
        assert exc.value.field == "slip"
    with pytest.raises(ValidationError):
        onecount.slip_redeem(code=code, subject="a", org=city.village)
    with pytest.raises(ValidationError):
        onecount.slip_redeem(code=code, subject="a", org=city.district)
    assert onecount.slip_redeem(code=code, subject="a", org=city.school).startswith("slip:")
