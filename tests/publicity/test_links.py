"""典型 ↔ commendation (an honour's entry on the honour roll) and 典型 ↔ articles, on the pages."""

import datetime

import pytest
from django.utils import timezone

from pacesetter.core.errors import StateError
from pacesetter.honours import services as honours
from pacesetter.orgs.enums import Role
from pacesetter.publicity import exemplars, services
from pacesetter.publicity.enums import ArticleAction, CultivationLevel
from pacesetter.publicity.models import Exemplar
from tests.factories import make_user
from tests.honours.conftest import DEED, campaign, programme  # noqa: F401  (fixtures)

pytestmark = pytest.mark.django_db


def _honour(city, programme):  # noqa: F811
    n = honours.nomination_create(
        actor=city.secretary,
        category=programme.categories.get(name="先进基层党组织"),
        nominator=city.district,
        subject_org=city.school,
        summary="扎根农村教育二十年，带头服务群众。",
        deed=DEED,
    )
    honours.nomination_review(actor=city.office, nomination=n, action="approve")
    honours.notice_start(actor=city.office, programme=programme)
    later = timezone.now() + datetime.timedelta(days=8)
    d = honours.decision_issue(actor=city.office, programme=programme, number="示委〔2011〕1号", now=later)
    return d.honours.get()


def test_a_model_registered_from_an_honour_and_shown_on_the_honour_roll(
    city,
    programme,  # noqa: F811
    client_for,
    client,
):
    h = _honour(city, programme)
    office = client_for(city.office)
    r = office.get("/publicity/exemplars/")
    assert f"?honour={h.certificate_no}" in r.content.decode()
    page = office.get(f"/publicity/exemplars/new/?honour={h.certificate_no}").content.decode()
    assert h.display_name in page and DEED[:20] in page and 'data-testid="from-honour"' in page
    r = office.post(
        f"/publicity/exemplars/new/?honour={h.certificate_no}",
        {
            "organisation": h.organisation_id,
            "name": h.display_name,
            "summary": DEED,
            "honour": h.certificate_no,
        },
    )
    assert r.status_code == 302, r.content.decode()[:2000]
    e = Exemplar.objects.get()
    assert e.honour == h and e.organisation == city.school
    assert f"?honour={h.certificate_no}" not in office.get("/publicity/exemplars/").content.decode()
    with pytest.raises(StateError):
        exemplars.exemplar_register(actor=city.office, organisation=city.school, summary="再登记", honour=h)

    # Still 培育: not public, so the honour-roll entry shows no story yet.
    assert 'data-testid="honour-story"' not in client.get(f"/h/c/{h.certificate_no}/").content.decode()
    district_office = make_user("district_office", Role.OFFICE, city.district)
    exemplars.exemplar_promote(actor=district_office, exemplar=e, level=CultivationLevel.COUNTY)
    entry = client.get(f"/h/c/{h.certificate_no}/").content.decode()
    assert 'data-testid="honour-story"' in entry and "典型事迹" in entry and f"/news/models/{e.pk}/" in entry
    model_page = client.get(f"/news/models/{e.pk}/").content.decode()
    assert f"/h/c/{h.certificate_no}/" in model_page


def test_someone_elses_honour_is_not_found(city, programme, client_for):  # noqa: F811
    h = _honour(city, programme)
    other = make_user("village_secretary", Role.SECRETARY, city.village)
    assert client_for(other).get(f"/publicity/exemplars/new/?honour={h.certificate_no}").status_code == 404
    assert client_for(city.office).get("/publicity/exemplars/new/?honour=%00x").status_code in (400, 404)


def _published(city, title):
    a = services.article_create(
        actor=city.office, organisation=city.school, title=title, body="<p>扎根农村教育，服务群众。</p>"
    )
    services.article_transition(actor=city.office, article=a, action=ArticleAction.SUBMIT)
    return services.article_transition(actor=city.office, article=a, action=ArticleAction.PUBLISH)


def test_articles_linked_to_a_model_on_both_pages(city, client_for, client):
    a1, a2 = _published(city, "八一小学的二十年"), _published(city, "乡村教师的一天")
    e = exemplars.exemplar_register(actor=city.office, organisation=city.school, summary="扎根农村教育二十年")
    office = client_for(city.office)
    page = office.get(f"/publicity/exemplars/{e.pk}/").content.decode()
    assert 'data-testid="link-form"' in page and "尚未关联报道" in page
    r = office.post(f"/publicity/exemplars/{e.pk}/articles/", {"articles": [a1.pk]})
    assert r.status_code == 302
    assert list(e.articles.all()) == [a1]
    page = office.get(f"/publicity/exemplars/{e.pk}/").content.decode()
    assert 'data-testid="linked-articles"' in page and a1.title in page
    assert e.name in office.get(f"/publicity/articles/{a1.pk}/").content.decode()
    # A model in cultivation is not named on the public article; once promoted, it is.
    assert 'data-testid="article-exemplars"' not in client.get(f"/news/a/{a1.pk}/").content.decode()
    district_office = make_user("district_office", Role.OFFICE, city.district)
    exemplars.exemplar_promote(actor=district_office, exemplar=e, level=CultivationLevel.COUNTY)
    public = client.get(f"/news/a/{a1.pk}/").content.decode()
    assert 'data-testid="article-exemplars"' in public and f"/news/models/{e.pk}/" in public
    assert a1.title in client.get(f"/news/models/{e.pk}/").content.decode()
    # Someone without drafting rights over the school links nothing.
    other = make_user("village_secretary", Role.SECRETARY, city.village)
    r = client_for(other).post(f"/publicity/exemplars/{e.pk}/articles/", {"articles": [a2.pk]})
    assert r.status_code in (403, 404)
    assert list(e.articles.all()) == [a1]
