"""评诺: one rating per member (database constraint), public ratings per device and rate-limited per address,
public comments held for moderation and never hidden by count."""

import pytest
from django.db import IntegrityError, transaction

from pacesetter.commitments import selectors, services
from pacesetter.commitments.enums import CommitmentStatus as S
from pacesetter.commitments.enums import Moderation, RatingSource
from pacesetter.commitments.models import Rating
from pacesetter.core.errors import PermissionDeniedError, StateError
from pacesetter.orgs.enums import Role
from tests.factories import make_member, make_user

from .conftest import advance, member_commitment, org_commitment

pytestmark = pytest.mark.django_db
DEVICE = "d" * 32


@pytest.fixture
def published(city, camp):
    return advance(city, org_commitment(city, camp), S.PUBLISHED)


def test_member_rates_once_enforced_by_database(city, published):
    services.rating_submit_member(
        actor=city.member_user, commitment=published, level="satisfied", comment="好"
    )
    with pytest.raises(StateError) as exc:
        services.rating_submit_member(actor=city.member_user, commitment=published, level="basic")
    assert str(exc.value.message) == "您已经评价过这项承诺"
    with pytest.raises(IntegrityError), transaction.atomic():
        Rating.objects.create(
            commitment=published, source=RatingSource.MEMBER, member=city.teacher, level="basic"
        )
    assert Rating.objects.filter(commitment=published).count() == 1
    # A member's comment is shown at once.
    assert [r.comment for r in selectors.visible_comments(published)] == ["好"]


def test_only_members_of_the_organisation_rate(city, published):
    with pytest.raises(PermissionDeniedError) as exc:
        services.rating_submit_member(actor=city.secretary, commitment=published, level="satisfied")
    assert str(exc.value.message) == "只有“城厢区实验小学党支部”的党员可以作为党员评价该承诺"
    farmer_user = make_user("farmer", Role.MEMBER, city.village)
    city.farmer.user = farmer_user
    city.farmer.save()
    with pytest.raises(PermissionDeniedError):
        services.rating_submit_member(actor=farmer_user, commitment=published, level="satisfied")


def test_owner_cannot_rate_own_and_drafts_cannot_be_rated(city, camp):
    c = member_commitment(city, camp)
    colleague = make_member(city.school, "赵老师")
    colleague.user = make_user("zhao", Role.MEMBER, city.school)
    colleague.save()
    with pytest.raises(StateError) as exc:
        services.rating_submit_member(actor=colleague.user, commitment=c, level="satisfied")
    assert str(exc.value.message) == "承诺当前状态为“草稿”，不能评价"
    c = advance(city, c, S.PUBLISHED)
    with pytest.raises(PermissionDeniedError) as exc:
        services.rating_submit_member(actor=city.member_user, commitment=c, level="satisfied")
    assert str(exc.value.message) == "不能评价本人的承诺"
    services.rating_submit_member(actor=colleague.user, commitment=c, level="unsatisfied")


def test_public_rating_once_per_device_and_comment_moderated(city, published):
    r = services.rating_submit_public(
        commitment=published, level="satisfied", comment="很好，点赞", device=DEVICE, ip="10.0.0.1"
    )
    assert r.moderation == Moderation.PENDING and r.member_id is None
    assert r.ip_hash and "10.0.0.1" not in r.ip_hash
    with pytest.raises(StateError) as exc:
        services.rating_submit_public(commitment=published, level="basic", device=DEVICE, ip="10.0.0.2")
    assert str(exc.value.message) == "本设备已经提交过未验证的评价；验证手机号或使用评价凭条后可再评价"
    assert selectors.visible_comments(published) == []
    # unverified: kept and shown apart, not counted
    s = selectors.rating_summary(published)
    assert (s.satisfied, s.total, s.unverified) == (0, 0, 1)
    assert list(selectors.moderation_queue_for(city.secretary)) == [r]
    assert list(selectors.moderation_queue_for(city.town_secretary)) == []
    with pytest.raises(PermissionDeniedError):
        services.rating_moderate(actor=city.town_secretary, rating=r, approve=True)
    services.rating_moderate(actor=city.secretary, rating=r, approve=True)
    assert [x.comment for x in selectors.visible_comments(published)] == ["很好，点赞"]
    with pytest.raises(StateError) as exc:
        services.rating_moderate(actor=city.secretary, rating=r, approve=False)
    assert str(exc.value.message) == "该留言已处理"


def test_rejected_comment_stays_hidden_and_nothing_is_hidden_by_count(city, published):
    rs = [
        services.rating_submit_public(
            commitment=published, level="unsatisfied", comment=f"意见{i}", device=f"{i:032d}", ip="10.0.0.9"
        )
        for i in range(5)
    ]
    services.rating_moderate(actor=city.secretary, rating=rs[0], approve=False)
    services.rating_moderate(actor=city.secretary, rating=rs[1], approve=True)
    assert [x.comment for x in selectors.visible_comments(published)] == ["意见1"]
    assert selectors.moderation_queue_for(city.secretary).count() == 3  # still waiting, none auto-hidden
    s = selectors.rating_summary(published)
    assert (s.unsatisfied, s.total, s.rate, s.unverified) == (0, 0, None, 5)


def test_public_rate_limit_per_address_is_stored_in_the_database(city, published, settings):
    settings.COMMITMENT_PUBLIC_RATINGS_PER_HOUR = 2
    for i in range(2):
        services.rating_submit_public(commitment=published, level="basic", device=f"{i:032d}", ip="10.1.1.1")
    with pytest.raises(StateError) as exc:
        services.rating_submit_public(commitment=published, level="basic", device="x" * 32, ip="10.1.1.1")
    assert str(exc.value.message) == "该网络提交的评价过于频繁，请一小时后再试"
    services.rating_submit_public(commitment=published, level="basic", device="y" * 32, ip="10.1.1.2")
    assert Rating.objects.count() == 3


def test_satisfaction_rate_needs_minimum_ratings(city, published):
    def rate(level, person):
        services.rating_submit_public(
            commitment=published, level=level, device="", ip="1.1.1.1", person_key=person
        )

    rate("satisfied", "a")
    rate("basic", "b")
    assert selectors.rating_summary(published).rate is None
    rate("unsatisfied", "c")
    assert selectors.rating_summary(published).rate == 67


def test_public_rating_form_is_a_named_group_with_real_labels(city, published, client):
    import re

    body = client.get(f"/wall/c/{published.pk}/").content.decode()
    form = body[
        body.index('data-testid="rating-form"') : body.index(
            "</form>", body.index('data-testid="rating-form"')
        )
    ]
    assert '<legend class="fs-6 mb-1">您对这项承诺的评价</legend>' in form
    radios = re.findall(r'<input class="form-check-input" type="radio" name="level" id="([^"]+)"', form)
    labels = re.findall(r'<label class="form-check-label" for="([^"]+)">([^<]+)</label>', form)
    assert radios == ["level-satisfied", "level-basic", "level-unsatisfied"]
    assert labels == [
        ("level-satisfied", "满意"),
        ("level-basic", "基本满意"),
        ("level-unsatisfied", "不满意"),
    ]
    assert '<label class="form-label small mb-1" for="rating-comment">意见建议（选填）</label>' in form
    assert 'id="rating-comment"' in form and "placeholder" not in form
