"""Pages: a member's account, claim and standing; the secretary's queue and award; the office's rules; exports."""

import io

from django.urls import reverse
from openpyxl import load_workbook

from pacesetter.points.enums import ClaimStatus
from pacesetter.points.models import PointClaim, PointEntry, PointRule

from .conftest import TODAY, attended_meeting


def test_member_sees_own_account_and_files_a_claim(city, camp, period, rules, client_for):
    attended_meeting(city)
    from pacesetter.points import services

    services.points_sweep()
    c = client_for(city.member_user)
    page = c.get(reverse("points:home")).content.decode()
    assert "十二月支部党员大会" in page and 'data-testid="points-total">2<' in page
    r = c.post(
        f"{reverse('points:claim-create')}?period={period.pk}",
        {"rule": rules["service"].pk, "occurred_on": TODAY.isoformat(), "text": "义务理发"},
    )
    assert r.status_code == 302
    assert PointClaim.objects.get().status == ClaimStatus.SUBMITTED
    # A refusal shows on the form, nothing stored.
    r = c.post(
        reverse("points:claim-create"),
        {"rule": rules["service"].pk, "occurred_on": "2001-01-01", "text": "x"},
    )
    assert r.status_code == 200 and "日期应在" in r.content.decode()
    assert PointClaim.objects.count() == 1


def test_secretary_approves_on_the_page(city, period, rules, client_for):
    from pacesetter.points import services

    claim = services.claim_file(
        actor=city.member_user, rule=rules["service"], text="义务理发", occurred_on=TODAY
    )
    c = client_for(city.secretary)
    assert "林老师" in c.get(reverse("points:claim-queue")).content.decode()
    r = c.post(reverse("points:claim-detail", args=[claim.pk]), {"action": "return"})
    assert "请填写审核意见" in r.content.decode()
    r = c.post(reverse("points:claim-detail", args=[claim.pk]), {"action": "approve"})
    assert r.status_code == 302
    assert PointEntry.objects.get().points == 3
    # The member cannot decide their own claim.
    other = services.claim_file(actor=city.member_user, rule=rules["service"], text="再次", occurred_on=TODAY)
    r = client_for(city.member_user).post(
        reverse("points:claim-detail", args=[other.pk]), {"action": "approve"}
    )
    assert r.status_code == 404


def test_award_page_refusal_on_the_form(city, period, rules, client_for):
    c = client_for(city.secretary)
    url = f"{reverse('points:award')}?member={city.teacher.pk}&period={period.pk}"
    r = c.post(url, {"rule": rules["service"].pk, "points": "abc", "reason": "辅导"})
    assert r.status_code == 200 and "分值应为整数" in r.content.decode()
    assert c.post(url, {"rule": rules["service"].pk, "reason": "辅导"}).status_code == 302
    assert PointEntry.objects.get().points == 3


def test_office_adds_a_rule_and_a_bad_one_is_shown_on_its_field(city, period, client_for):
    c = client_for(city.office)
    url = reverse("points:period-detail", args=[period.pk])
    r = c.post(
        url, {"name": "服务", "event_type": "manual", "points": "3", "cap": "1", "manual_by": "secretary"}
    )
    assert r.status_code == 200 and "年度上限不能小于每次分值" in r.content.decode()
    assert PointRule.objects.count() == 0
    r = c.post(url, {"name": "服务", "event_type": "manual", "points": "3", "manual_by": "secretary"})
    assert r.status_code == 302 and PointRule.objects.get().points == 3
    assert c.get(reverse("points:period-list")).status_code == 200
    assert c.get(reverse("points:rule-edit", args=[PointRule.objects.get().pk])).status_code == 200


def test_standings_and_exports(city, period, rules, client_for):
    from pacesetter.points import services

    services.points_award(actor=city.secretary, rule=rules["service"], member=city.teacher, reason="辅导")
    member = client_for(city.member_user)
    page = member.get(reverse("points:member-standing", args=[city.school.pk])).content.decode()
    assert "林老师" in page and "共 1 名党员参与排名" in page
    # A member of the school does not see another branch's standing.
    assert member.get(reverse("points:member-standing", args=[city.village.pk])).status_code == 404
    office = client_for(city.office)
    page = office.get(
        f"{reverse('points:org-standing', args=[city.city.pk])}?depth={city.school.depth}"
    ).content
    assert "城厢区实验小学党支部" in page.decode()
    r = office.get(f"{reverse('points:org-standing-xlsx', args=[city.city.pk])}?depth={city.school.depth}")
    ws = load_workbook(io.BytesIO(r.content)).active
    assert [c.value for c in ws[3]][:5] == [1, "城厢区委 / 城厢区实验小学党支部", 1, 3, 3.0]
    r = member.get(reverse("points:account-xlsx", args=[city.teacher.pk]))
    ws = load_workbook(io.BytesIO(r.content)).active
    assert [c.value for c in ws[3]][1:] == ["带头服务群众", "手工加减分", "辅导", 3]
    r = member.get(reverse("points:member-standing-xlsx", args=[city.school.pk]))
    assert load_workbook(io.BytesIO(r.content)).active["B3"].value == "林老师"


def test_account_of_another_member_needs_scope(city, period, client_for):
    assert (
        client_for(city.member_user).get(reverse("points:member-account", args=[city.farmer.pk])).status_code
        == 404
    )
    assert (
        client_for(city.secretary).get(reverse("points:member-account", args=[city.teacher.pk])).status_code
        == 200
    )
