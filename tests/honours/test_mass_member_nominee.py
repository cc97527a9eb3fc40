"""A 群团成员 (MassMember) nominated as 先进个人 in a mass-member category (优秀共青团员): through the service, the
page and the API; refused when inactive, out of scope, nominated twice or in the wrong kind of category; shown
on the 公示 page, the roll and the certificate with the mass organisation as unit and never the phone."""

import datetime
import io
import json

import pytest
from django.db import IntegrityError, transaction
from django.test import Client
from django.utils import timezone
from docx import Document

from pacesetter.core.audit import AuditEntry
from pacesetter.core.errors import ValidationError
from pacesetter.core.services import token_create
from pacesetter.honours import documents, services
from pacesetter.honours.enums import NominationStatus, Rule, Subject
from pacesetter.honours.models import Nomination
from pacesetter.massorgs import services as mass

from .conftest import DEED

PHONE = "13955556666"


@pytest.fixture
def league(city):
    return mass.mass_org_create(
        actor=city.office, party_org=city.school, kind="youth_league", name="实验小学团支部"
    )


@pytest.fixture
def li(city, league):
    return mass.mass_member_add(
        actor=city.office, mass_org=league, name="李青", gender="F", post="团支部书记", phone=PHONE
    )


@pytest.fixture
def wang(city, league):
    return mass.mass_member_add(actor=city.office, mass_org=league, name="王小明", gender="M")


@pytest.fixture
def town_member(city):
    women = mass.mass_org_create(actor=city.office, party_org=city.town, kind="women", name="和林镇妇联")
    return mass.mass_member_add(actor=city.office, mass_org=women, name="赵红", gender="F")


@pytest.fixture
def league_cat(city, programme):
    cat = services.category_save(
        actor=city.office,
        programme=programme,
        name="优秀共青团员",
        subject=Subject.MASS_MEMBER,
        quota=5,
        # a Party organisation's rectification still counts; the report rule is about Party members: skipped
        rules=[{"rule": Rule.NO_OPEN_RECTIFICATION}, {"rule": Rule.NO_UPHELD_REPORT}],
    )
    services.quota_allocate(actor=city.office, category=cat, organisation=city.district, amount=3)
    return cat


def _nominate(city, cat, **subject):
    return services.nomination_create(
        actor=city.secretary,
        category=cat,
        nominator=city.district,
        summary="带领团员青年开展志愿服务。",
        deed=DEED,
        **subject,
    )


def _api(user):
    _token, key = token_create(actor=user, name="test")
    return Client(HTTP_AUTHORIZATION=f"Bearer {key}")


def _api_post(c, programme, cat, **subject):
    body = {
        "category_id": cat.pk,
        "nominator_id": subject.pop("nominator_id"),
        "summary": "带领团员青年开展志愿服务。",
        "deed": DEED,
        **subject,
    }
    return c.post(
        f"/api/honours/programmes/{programme.pk}/nominations",
        json.dumps(body),
        content_type="application/json",
    )


# ---------------------------------------------------------------- service


def test_service_nominates_a_mass_member_with_the_party_org_standing_in(city, league_cat, li):
    n = _nominate(city, league_cat, subject_mass_member=li)
    assert (n.subject_mass_member, n.subject_org, n.subject_mass_org, n.subject_member) == (
        li,
        city.school,
        None,
        None,
    )
    assert (n.display_name, n.gender, n.post) == ("李青", "女", "团支部书记")
    assert n.org_label == "城厢区实验小学党支部 / 实验小学团支部"
    assert n.status == NominationStatus.UNDER_REVIEW and n.reviewer == city.city
    assert list(n.events.values_list("action", flat=True)) == ["nominate"]
    assert AuditEntry.objects.filter(action="honours.nomination.nominate", object_id=str(n.pk)).count() == 1
    assert PHONE not in json.dumps([n.display_name, n.gender, n.org_label, n.post, n.summary, n.deed])


def test_two_members_of_one_party_org_and_the_org_itself_all_nominated(city, programme, league_cat, li, wang):
    a = _nominate(city, league_cat, subject_mass_member=li)
    b = _nominate(city, league_cat, subject_mass_member=wang)
    orgs_cat = programme.categories.get(name="先进基层党组织")
    c = _nominate(city, orgs_cat, subject_org=city.school)
    assert {a.subject_org, b.subject_org, c.subject_org} == {city.school}


def test_inactive_mass_member_refused(city, league_cat, li):
    mass.mass_member_remove(actor=city.office, member=li)
    li.refresh_from_db()
    with pytest.raises(ValidationError, match="已不在实验小学团支部的名册中") as exc:
        _nominate(city, league_cat, subject_mass_member=li)
    assert exc.value.field == "subject" and not Nomination.objects.exists()


def test_mass_member_outside_the_nominators_subtree_refused(city, league_cat, town_member):
    with pytest.raises(ValidationError, match="不在城厢区委的范围内") as exc:
        _nominate(city, league_cat, subject_mass_member=town_member)
    assert exc.value.field == "subject" and not Nomination.objects.exists()


def test_mass_member_nominated_twice_refused_by_service_and_database(city, league_cat, li):
    first = _nominate(city, league_cat, subject_mass_member=li)
    with pytest.raises(ValidationError, match="“李青”已被推荐"):
        _nominate(city, league_cat, subject_mass_member=li)
    # the partial unique constraint holds without the service's check
    with pytest.raises(IntegrityError), transaction.atomic():
        Nomination.objects.create(
            programme=first.programme,
            category=league_cat,
            nominator=city.district,
            path=city.district.path,
            subject_org=city.school,
            subject_mass_member=li,
            display_name="李青",
            org_label="x",
            deed=DEED,
            summary="x",
        )


def test_wrong_category_kind_refused_both_ways(city, programme, league_cat, li):
    members_cat = programme.categories.get(name="优秀共产党员")
    with pytest.raises(ValidationError, match="不能推荐群团成员") as exc:
        _nominate(city, members_cat, subject_mass_member=li)
    assert exc.value.field == "subject"
    with pytest.raises(ValidationError, match="表彰的是群团成员") as exc:
        _nominate(city, league_cat, subject_member=city.teacher)
    assert exc.value.field == "subject" and not Nomination.objects.exists()


def test_assessment_grade_rule_refused_for_a_mass_member_category(city, programme):
    with pytest.raises(ValidationError, match="不适用于群团成员") as exc:
        services.category_save(
            actor=city.office,
            programme=programme,
            name="优秀团员",
            subject=Subject.MASS_MEMBER,
            quota=1,
            rules=[{"rule": Rule.ASSESSMENT_GRADE, "min": "excellent"}],
        )
    assert exc.value.field == "rules"


def test_stored_party_rules_are_skipped_for_a_mass_member(city, league_cat, li):
    # a rule stored before validation refused it (here written directly) is skipped, not a crash
    league_cat.rules = [
        {"rule": Rule.ASSESSMENT_GRADE, "min": "excellent"},
        {"rule": Rule.PARTY_YEARS, "years": 3},
    ]
    league_cat.save()
    assert _nominate(city, league_cat, subject_mass_member=li).display_name == "李青"


# ---------------------------------------------------------------- page


def test_page_offers_only_nominable_people_and_nominates(
    city, programme, league_cat, li, wang, town_member, client_for
):
    mass.mass_member_remove(actor=city.office, member=wang)
    c = client_for(city.secretary)
    page = c.get(f"/honours/{programme.pk}/nominate/").content.decode()
    assert 'name="subject_mass_member"' in page and "李青" in page
    assert "王小明" not in page and "赵红" not in page and PHONE not in page
    form = {"category": league_cat.pk, "nominator": city.district.pk, "summary": "带领团员青年开展志愿服务。"}
    r = c.post(
        f"/honours/{programme.pk}/nominate/", {**form, "deed": DEED, "subject_mass_member": town_member.pk}
    )
    assert r.status_code == 422 and not Nomination.objects.exists()
    r = c.post(f"/honours/{programme.pk}/nominate/", {**form, "deed": DEED, "subject_name": "李青"})
    assert r.status_code == 422 and "表彰的是群团成员" in r.content.decode()
    r = c.post(f"/honours/{programme.pk}/nominate/", {**form, "deed": DEED, "subject_mass_member": li.pk})
    assert r.status_code == 302, r.content.decode()[:2000]
    n = Nomination.objects.get()
    assert (n.subject_mass_member, n.subject_org, n.display_name) == (li, city.school, "李青")


def test_page_has_no_mass_member_picker_without_such_a_category(city, programme, li, client_for):
    page = client_for(city.secretary).get(f"/honours/{programme.pk}/nominate/").content.decode()
    assert 'name="subject_mass_member"' not in page and "李青" not in page


# ---------------------------------------------------------------- API


def test_api_nominates_a_mass_member(city, programme, league_cat, li):
    r = _api_post(
        _api(city.secretary),
        programme,
        league_cat,
        nominator_id=city.district.pk,
        subject_mass_member_id=li.pk,
    )
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["subject_mass_member_id"] == li.pk and body["display_name"] == "李青"
    assert body["org_label"] == "城厢区实验小学党支部 / 实验小学团支部" and PHONE not in r.content.decode()


@pytest.mark.parametrize("bad", ["abc", 10**30, 0, "out_of_scope", "inactive"])
def test_api_refuses_bad_mass_member_ids_with_json(city, programme, league_cat, li, town_member, bad):
    if bad == "out_of_scope":
        bad = town_member.pk
    elif bad == "inactive":
        mass.mass_member_remove(actor=city.office, member=li)
        bad = li.pk
    r = _api_post(
        _api(city.secretary), programme, league_cat, nominator_id=city.district.pk, subject_mass_member_id=bad
    )
    assert 400 <= r.status_code < 500, r.content
    body = r.json()
    assert set(body) >= {"code", "message", "field"}
    assert body["field"] in ("subject_mass_member_id", "subject"), body
    assert not Nomination.objects.exists()


# ---------------------------------------------------------------- 公示, roll and certificate


def test_notice_roll_and_certificate_show_the_mass_org_not_the_phone(
    city, programme, league_cat, li, client_for
):
    n = _nominate(city, league_cat, subject_mass_member=li)
    services.nomination_review(actor=city.office, nomination=n, action="approve")
    services.notice_start(actor=city.office, programme=programme)
    anon = client_for(None)
    page = anon.get(f"/h/{programme.pk}/").content.decode()
    assert "李青" in page and "实验小学团支部" in page and "优秀共青团员" in page
    assert PHONE not in page
    d = services.decision_issue(
        actor=city.office,
        programme=programme,
        number="示委〔2011〕9号",
        now=timezone.now() + datetime.timedelta(days=8),
    )
    roll = anon.get("/h/roll/").content.decode()
    assert "李青" in roll and "实验小学团支部" in roll and PHONE not in roll
    r = client_for(city.office).get(f"/honours/decisions/{d.pk}/certificates.docx")
    assert r.status_code == 200
    text = "\n".join(p.text for p in Document(io.BytesIO(r.content)).paragraphs)
    assert "实验小学团支部　李青：" in text and "优秀共青团员" in text and PHONE not in text
    h = d.honours.get()
    assert (h.display_name, h.member) == ("李青", None)
    # a personal honour: not on the school's own record
    from pacesetter.honours.selectors import honours_of_org

    assert list(honours_of_org(city.school)) == []
    assert documents.certificates_docx([h], url_for=lambda h: "https://example.org/")[:2] == b"PK"


@pytest.mark.django_db
def test_demo_nominates_a_league_member_once(settings):
    from io import StringIO

    from django.core.management import call_command

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("demo", stdout=StringIO())
    call_command("demo", stdout=StringIO())  # idempotent
    n = Nomination.objects.get(subject_mass_member__isnull=False)
    assert n.category.name == "优秀共青团员" and n.category.subject == Subject.MASS_MEMBER
    assert n.subject_mass_member.mass_org.kind == "youth_league"
    assert (
        n.display_name == n.subject_mass_member.name
        and n.subject_org == n.subject_mass_member.mass_org.party_org
    )
