"""评诺 by the public counts once per person (一人一票): a phone confirmed by a texted code or a printed slip
of the commitment's organisation; unverified ratings are kept apart and not counted."""

import re

import pytest

from pacesetter import onecount
from pacesetter.commitments import selectors, services
from pacesetter.commitments.enums import CommitmentStatus as S
from pacesetter.commitments.enums import RatingVerification
from pacesetter.commitments.models import Rating
from pacesetter.core.errors import StateError, ValidationError
from pacesetter.core.models import OneCount
from pacesetter.notifications import sms

from .conftest import advance, org_commitment

pytestmark = pytest.mark.django_db
PHONE = "13812345678"


@pytest.fixture
def published(city, camp):
    return advance(city, org_commitment(city, camp), S.PUBLISHED)


@pytest.fixture
def texts(settings):
    settings.PACESETTER_SMS_BACKEND = "pacesetter.notifications.sms.LocmemBackend"
    settings.ONECOUNT_TEXTS_PER_PHONE_PER_DAY = 50
    sms.outbox.clear()
    yield sms.outbox
    sms.outbox.clear()


def _code(texts) -> str:
    return re.search(r"\d{6}", texts[-1][1]).group(0)


def _phone_rating(c, texts, level="satisfied", phone=PHONE, device=""):
    from pacesetter.core.models import PhoneCode

    PhoneCode.objects.all().delete()  # no resend wait between the test's texts
    assert services.rating_phone_code_send(commitment=c, phone=phone, ip="10.0.0.1") == "138****" + phone[-4:]
    return services.rating_submit_public(
        commitment=c, level=level, device=device, ip="10.0.0.1", phone=phone, code=_code(texts)
    )


def test_phone_confirmed_rating_counts_once(city, published, texts):
    r = _phone_rating(published, texts)
    assert r.verification == RatingVerification.PHONE
    assert r.person_key == onecount.phone_key(PHONE)
    assert (r.counted, r.device) == (True, "")
    assert selectors.rating_summary(published).satisfied == 1
    # the same phone again, from anywhere: refused once its code is confirmed (not before, which would
    # tell anyone who knows the number whether its owner rated)
    with pytest.raises(StateError) as exc:
        _phone_rating(published, texts, level="unsatisfied")
    assert str(exc.value.message) == "该手机号已经评价过这项承诺，每人只能评价一次"
    # and with the key remembered by a session
    with pytest.raises(StateError) as exc:
        services.rating_submit_public(
            commitment=published, level="unsatisfied", device="", ip="10.0.0.3", person_key=r.person_key
        )
    assert str(exc.value.message) == "该手机号已经评价过这项承诺，每人只能评价一次"
    assert Rating.objects.filter(commitment=published).count() == 1
    assert OneCount.objects.get().person_key == onecount.phone_key(PHONE)


def test_phone_rating_with_a_wrong_code_is_refused_and_stores_nothing(city, published, texts):
    services.rating_phone_code_send(commitment=published, phone=PHONE, ip="10.0.0.1")
    wrong = f"{(int(_code(texts)) + 1) % 10**6:06d}"
    with pytest.raises(ValidationError) as exc:
        services.rating_submit_public(
            commitment=published, level="satisfied", device="", ip="10.0.0.1", phone=PHONE, code=wrong
        )
    assert exc.value.field == "code"
    with pytest.raises(ValidationError) as exc:
        services.rating_submit_public(
            commitment=published, level="satisfied", device="", ip="10.0.0.1", phone="", code="123456"
        )
    assert exc.value.field == "phone"
    assert not Rating.objects.exists()
    assert not OneCount.objects.exists()


def test_the_same_phone_rates_two_commitments(city, camp, published, texts):
    other = advance(city, org_commitment(city, camp, title="第二件实事"), S.PUBLISHED)
    _phone_rating(published, texts)
    _phone_rating(other, texts, level="basic")
    assert selectors.rating_summary(published).satisfied == 1
    assert selectors.rating_summary(other).basic == 1


def test_slip_rating_counts_once_per_commitment(city, camp, published):
    code = onecount.slip_sheet_create(actor=city.secretary, org=city.school, count=2).codes[0]
    r = services.rating_submit_public(
        commitment=published, level="basic", device="", ip="10.0.0.1", slip=onecount.slip_display(code)
    )
    assert (r.verification, r.person_key) == (RatingVerification.SLIP, "")
    with pytest.raises(StateError) as exc:
        services.rating_submit_public(
            commitment=published, level="basic", device="", ip="10.0.0.1", slip=code
        )
    assert str(exc.value.message) == "这张评价凭条已经评价过这一项，每张凭条对每一项只能用一次"
    other = advance(city, org_commitment(city, camp, title="第二件实事"), S.PUBLISHED)
    services.rating_submit_public(commitment=other, level="satisfied", device="", ip="10.0.0.1", slip=code)
    assert (selectors.rating_summary(published).basic, selectors.rating_summary(other).satisfied) == (1, 1)


def test_slip_of_another_organisation_is_refused(city, published):
    code = onecount.slip_sheet_create(actor=city.town_secretary, org=city.village, count=1).codes[0]
    with pytest.raises(ValidationError) as exc:
        services.rating_submit_public(
            commitment=published, level="basic", device="", ip="10.0.0.1", slip=code
        )
    assert str(exc.value.message) == "这张评价凭条不是本组织发放的，不能用于这项评价"
    assert not Rating.objects.exists()


def test_unverified_ratings_are_kept_apart_and_not_counted(city, published, texts):
    for i in range(3):
        services.rating_submit_public(
            commitment=published, level="unsatisfied", device=f"{i:032d}", ip="10.0.0.1"
        )
    _phone_rating(published, texts, level="satisfied")
    s = selectors.rating_summary(published)
    assert (s.satisfied, s.unsatisfied, s.total, s.unverified) == (1, 0, 1, 3)


def test_unverified_rating_needs_a_device_cookie(city, published):
    with pytest.raises(ValidationError) as exc:
        services.rating_submit_public(commitment=published, level="basic", device="", ip="10.0.0.1")
    assert str(exc.value.message) == "请允许浏览器保存 Cookie 后再评价"


def test_member_ratings_stay_counted(city, published):
    r = services.rating_submit_member(actor=city.member_user, commitment=published, level="satisfied")
    assert r.verification == RatingVerification.MEMBER
    assert selectors.rating_summary(published).satisfied == 1


def test_drafts_cannot_get_a_code(city, camp, texts):
    draft = org_commitment(city, camp)
    with pytest.raises(StateError):
        services.rating_phone_code_send(commitment=draft, phone=PHONE, ip="10.0.0.1")
    assert texts == []
