"""An honour-roll entry → an exemplary case (典型) and back (#15): the 登记为典型 button on the entry for those who
may draft for the honoured organisation, the API route with its audit row, the honour named on 找榜样 and on the
model's page, and the entry linking to its model."""

import datetime
import json

import pytest
from django.test import Client
from django.utils import timezone

from pacesetter.core.models import AuditEntry
from pacesetter.core.services import token_create
from pacesetter.honours import services as honours
from pacesetter.orgs.enums import Role
from pacesetter.publicity import exemplars
from pacesetter.publicity.enums import CultivationLevel
from pacesetter.publicity.models import Exemplar
from tests.factories import make_user
from tests.honours.conftest import DEED, campaign, programme  # noqa: F401  (fixtures)

pytestmark = pytest.mark.django_db


@pytest.fixture
def honour(city, programme):  # noqa: F811
    n = honours.nomination_create(
        actor=city.secretary,
        category=programme.categories.get(name="优秀共产党员"),
        nominator=city.district,
        subject_member=city.teacher,
        post="教师",
        summary="扎根农村教育二十年，带头服务群众。",
        deed=DEED,
    )
    honours.nomination_review(actor=city.office, nomination=n, action="approve")
    honours.notice_start(actor=city.office, programme=programme)
    later = timezone.now() + datetime.timedelta(days=8)
    d = honours.decision_issue(actor=city.office, programme=programme, number="示委〔2011〕1号", now=later)
    return d.honours.get()


def _api(user):
    _token, key = token_create(actor=user, name="test")
    c = Client(HTTP_AUTHORIZATION=f"Bearer {key}")
    c.post_json = lambda url, data: c.post(url, json.dumps(data), content_type="application/json")
    return c


def test_honour_entry_offers_register_to_drafters_only(city, honour, client_for):
    url = f"/h/c/{honour.certificate_no}/"
    page = client_for(city.office).get(url).content.decode()
    assert 'data-testid="register-exemplar"' in page
    assert f'href="/publicity/exemplars/new/?honour={honour.certificate_no}"' in page
    for who in (None, city.outsider, make_user("village_secretary", Role.SECRETARY, city.village)):
        other = client_for(who).get(url).content.decode() if who else Client().get(url).content.decode()
        assert 'data-testid="register-exemplar"' not in other and "/publicity/" not in other


def test_register_from_the_entry_then_the_entry_points_to_the_model(city, honour, client_for):
    office = client_for(city.office)
    r = office.post(
        f"/publicity/exemplars/new/?honour={honour.certificate_no}",
        {
            "organisation": honour.organisation_id,
            "member_name": city.teacher.name,
            "name": honour.display_name,
            "summary": DEED,
            "honour": honour.certificate_no,
        },
    )
    assert r.status_code == 302, r.content.decode()[:1500]
    e = Exemplar.objects.get(honour=honour)
    page = office.get(f"/h/c/{honour.certificate_no}/").content.decode()
    assert 'data-testid="register-exemplar"' not in page
    assert f'href="/publicity/exemplars/{e.pk}/"' in page and 'data-testid="open-exemplar"' in page
    # 培育 is not public: the public sees neither the story nor the library link
    public = Client().get(f"/h/c/{honour.certificate_no}/").content.decode()
    assert 'data-testid="honour-story"' not in public and f"/publicity/exemplars/{e.pk}/" not in public
    assert "2011年“七一”表彰 · 优秀共产党员" in office.get(f"/publicity/exemplars/{e.pk}/").content.decode()


def test_public_model_pages_name_the_honour_and_link_its_entry(city, honour):
    e = exemplars.exemplar_register(
        actor=city.office,
        organisation=city.school,
        member=city.teacher,
        summary=DEED,
        post="教师",
        honour=honour,
    )
    exemplars.exemplar_promote(
        actor=make_user("district_office", Role.OFFICE, city.district),
        exemplar=e,
        level=CultivationLevel.COUNTY,
    )
    found = Client().get("/news/models/", {"post": "教师"}).content.decode()
    card = found.split('data-testid="exemplar-card"')[1].split("</a>")[0]
    assert 'data-testid="exemplar-honour">2011年“七一”表彰 · 优秀共产党员<' in card
    model = Client().get(f"/news/models/{e.pk}/").content.decode()
    link = model.split('data-testid="honour-link"')[1].split("</p>")[0]
    assert f'href="/h/c/{honour.certificate_no}/"' in link and "2011年“七一”表彰 · 优秀共产党员" in link
    entry = Client().get(f"/h/c/{honour.certificate_no}/").content.decode()
    assert 'data-testid="honour-story"' in entry and f"/news/models/{e.pk}/" in entry


def test_api_registers_a_model_from_an_honour_with_an_audit_row(city, honour):
    api = _api(city.office)
    body = {"organisation_id": city.school.pk, "member_id": city.teacher.pk, "summary": DEED}
    r = api.post_json("/api/publicity/exemplars", {**body, "honour": honour.certificate_no})
    assert r.status_code == 201, r.content
    out = r.json()
    assert out["honour"] == {
        "certificate_no": honour.certificate_no,
        "year": honour.year,
        "title": "优秀共产党员",
        "programme": "2011年“七一”表彰",
        "url": f"/h/c/{honour.certificate_no}/",
    }
    e = Exemplar.objects.get(pk=out["id"])
    assert e.honour == honour and e.member == city.teacher
    entry = AuditEntry.objects.get(action="publicity.exemplar_register")
    assert entry.changes["honour"] == [None, honour.pk]
    assert (
        api.get(f"/api/publicity/exemplars/{e.pk}").json()["honour"]["certificate_no"]
        == honour.certificate_no
    )
    # one model per honour
    again = api.post_json("/api/publicity/exemplars", {**body, "honour": honour.certificate_no})
    assert again.status_code == 409 and again.json()["field"] == "honour"
    assert Exemplar.objects.count() == 1


@pytest.mark.parametrize("no", ["NOPE-1", "9" * 500])
def test_api_unknown_honour_is_a_422_naming_it(city, honour, no):
    r = _api(city.office).post_json(
        "/api/publicity/exemplars", {"organisation_id": city.school.pk, "summary": DEED, "honour": no}
    )
    assert r.status_code == 422 and r.json()["field"] == "honour"
    assert not Exemplar.objects.exists()


def test_api_honour_with_a_nul_is_refused_by_the_body_check(city, honour):
    r = _api(city.office).post_json(
        "/api/publicity/exemplars", {"organisation_id": city.school.pk, "summary": DEED, "honour": "A\x00"}
    )
    assert r.status_code == 422 and r.json()["code"] == "validation_error"
    assert not Exemplar.objects.exists()


def test_api_honour_outside_the_drafting_scope_is_refused(city, honour):
    village = make_user("village_secretary", Role.SECRETARY, city.village)
    r = _api(village).post_json(
        "/api/publicity/exemplars",
        {"organisation_id": city.village.pk, "summary": DEED, "honour": honour.certificate_no},
    )
    assert r.status_code == 422 and r.json()["field"] == "honour"
    assert not Exemplar.objects.exists()
