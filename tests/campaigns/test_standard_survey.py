"""具体标准征询问卷 (issue #17 mechanism 4): an organisation asks its members, item by item, whether the
campaign's standard fits, before it words it locally. A round of kind SURVEY whose one target is the
organisation itself, read back on the local-standards page once closed (k respected) and shown, with the
organisation's own wording, on the commitment form."""

import datetime

import pytest
from django.utils import timezone

from pacesetter.campaigns import local_standards
from pacesetter.core.errors import ValidationError
from pacesetter.evaluations import services
from pacesetter.evaluations.enums import GroupKind, GroupMode, RoundKind, RoundStatus, Scale
from pacesetter.evaluations.models import RaterGroup
from pacesetter.evaluations.selectors import ballot_form
from pacesetter.evaluations.surveys import standard_survey_for

GROUP = [{"name": "党员", "kind": GroupKind.MEMBERS, "weight": 100, "mode": GroupMode.CODES}]


@pytest.fixture
def five_good(campaign):
    return campaign.criteria_sets.get(name="五个好")


def _survey(city, cset, **kw):
    now = timezone.now()
    return services.round_set_up(
        actor=city.secretary,
        organisation=city.district,
        target_mode="orgs",
        criteria_set=cset,
        name="城厢区委具体标准征询问卷",
        kind=RoundKind.SURVEY,
        scale=Scale.SATISFACTION,
        opens_at=now - datetime.timedelta(hours=1),
        closes_at=now + datetime.timedelta(days=3),
        groups=GROUP,
        k_min=3,
        **kw,
    )


def _answer(city, round_, scores: list[int]) -> None:
    """One code ballot per score; item 1 gets 0 (需要修改) on every ballot, the others the score."""
    form = ballot_form(round_)
    group = RaterGroup.objects.get(round=round_)
    for code, score in zip(
        services.codes_generate(actor=city.secretary, round_=round_, group=group, count=len(scores)),
        scores,
        strict=True,
    ):
        t = form.targets[0]
        row = {str(q.position): (0 if q.position == 1 else score) for q in form.questions}
        services.ballot_cast_code(code=code, answers={str(t.id): row}, client="1.2.3.4", suggestion="")


def test_survey_targets_the_organisation_itself_with_the_sets_items(campaign, five_good, city):
    round_ = _survey(city, five_good)
    assert [(t.organisation_id, t.name) for t in round_.targets.all()] == [(city.district.pk, "城厢区委")]
    assert [q.text for q in round_.questions.order_by("position")] == [
        i.name for i in five_good.items.order_by("order", "id")
    ]
    # a member standard (五带头) may be surveyed too: the target stays the organisation
    five_lead = campaign.criteria_sets.get(name="五带头")
    assert _survey(city, five_lead).targets.get().organisation_id == city.district.pk


def test_survey_needs_a_standard_and_only_the_organisation(campaign, five_good, city):
    with pytest.raises(ValidationError) as exc:
        _survey(city, None)
    assert exc.value.field == "criteria_set"
    now = timezone.now()
    with pytest.raises(ValidationError) as exc:
        services.round_create(
            actor=city.secretary,
            organisation=city.district,
            name="x",
            kind=RoundKind.SURVEY,
            scale=Scale.SATISFACTION,
            opens_at=now,
            closes_at=now + datetime.timedelta(days=1),
            groups=GROUP,
            criteria_set=five_good,
            target_orgs=[city.school],
        )
    assert exc.value.field == "target_mode"


def test_results_sealed_then_per_item_with_k(campaign, five_good, city):
    assert standard_survey_for(city.district, five_good) is None
    round_ = _survey(city, five_good)
    assert standard_survey_for(city.district, five_good) is None  # a draft is not shown
    services.round_transition(actor=city.secretary, round_=round_, to_status=RoundStatus.OPEN)
    _answer(city, round_, [100, 60, 0])
    open_ = standard_survey_for(city.district, five_good)
    assert open_.sealed and open_.items == []
    services.round_transition(actor=city.secretary, round_=round_, to_status=RoundStatus.CLOSED)
    survey = standard_survey_for(city.district, five_good)
    assert not survey.sealed and not survey.held and survey.ballots == 3
    first, second = survey.items[:2]
    assert (first.answered, first.positive, first.negative, first.fit_rate) == (3, 0, 3, 0.0)
    assert (second.positive, second.negative) == (2, 1)
    assert round(second.fit_rate) == 67


def test_fewer_than_k_answers_show_no_figures(campaign, five_good, city):
    round_ = _survey(city, five_good)
    services.round_transition(actor=city.secretary, round_=round_, to_status=RoundStatus.OPEN)
    _answer(city, round_, [100, 100])
    services.round_transition(actor=city.secretary, round_=round_, to_status=RoundStatus.CLOSED)
    survey = standard_survey_for(city.district, five_good)
    assert survey.held and survey.items == []


def test_panel_on_the_local_standards_page(campaign, five_good, city, client_for):
    c = client_for(city.secretary)
    page = c.get(f"/campaigns/{campaign.pk}/criteria/local/?org={city.district.pk}").content.decode()
    assert f"/evaluations/standard-survey/?org={city.district.pk}&amp;set={five_good.pk}" in page
    html = c.get(f"/evaluations/standard-survey/?org={city.district.pk}&set={five_good.pk}").content.decode()
    assert 'data-testid="standard-survey-start"' in html and "kind=survey" in html
    round_ = _survey(city, five_good)
    services.round_transition(actor=city.secretary, round_=round_, to_status=RoundStatus.OPEN)
    _answer(city, round_, [100, 100, 60])
    services.round_transition(actor=city.secretary, round_=round_, to_status=RoundStatus.CLOSED)
    html = c.get(f"/evaluations/standard-survey/?org={city.district.pk}&set={five_good.pk}").content.decode()
    assert html.count('data-testid="survey-item"') == 5 and "城厢区委具体标准征询问卷" in html
    # the round form comes pre-filled for a survey of the organisation's members
    form = c.get(
        f"/evaluations/new/?kind=survey&criteria_set={five_good.pk}&organisation=城厢区委"
    ).content.decode()
    assert 'value="城厢区委具体标准征询问卷"' in form and 'value="survey" selected' in form


@pytest.mark.parametrize("query", ["set=abc", "set=99999999999999999999", "set=", "org=x&set=1"])
def test_panel_bad_input_is_404(campaign, five_good, city, client_for, query):
    q = query if query.startswith("org=") else f"org={city.district.pk}&{query}"
    assert client_for(city.secretary).get(f"/evaluations/standard-survey/?{q}").status_code == 404


def test_panel_refused_outside_the_writers_scope(campaign, five_good, city, client_for):
    r = client_for(city.town_secretary).get(
        f"/evaluations/standard-survey/?org={city.district.pk}&set={five_good.pk}"
    )
    assert r.status_code == 404
    assert client_for(city.member_user).get(
        f"/evaluations/standard-survey/?org={city.district.pk}&set={five_good.pk}"
    ).status_code in (403, 404)


def test_commitment_form_shows_the_local_wording(campaign, five_good, city, client_for):
    item = five_good.items.order_by("order", "id").first()
    local_standards.local_criteria_save(
        actor=city.secretary,
        org=city.district,
        criteria_set=five_good,
        texts={item.pk: "区：每月集中学习一次"},
    )
    from pacesetter.campaigns import services as campaign_services
    from pacesetter.campaigns.enums import CampaignStatus

    if campaign.status != CampaignStatus.ACTIVE:
        campaign_services.campaign_transition(
            actor=city.office, campaign=campaign, to_status=CampaignStatus.ACTIVE
        )
    html = (
        client_for(city.secretary)
        .get(f"/commitments/new/?kind=org&org={city.district.pk}&campaign={campaign.pk}")
        .content.decode()
    )
    assert f'data-testid="commitment-standard-{five_good.pk}"' in html
    assert "区：每月集中学习一次" in html and 'data-testid="standard-own"' in html


def test_api(campaign, five_good, city):
    import json

    from django.test import Client

    from pacesetter.core.services import token_create

    _t, key = token_create(actor=city.secretary, name="t")
    c = Client(HTTP_AUTHORIZATION=f"Bearer {key}")
    url = f"/api/evaluations/standard-survey?org={city.district.pk}&criteria_set={five_good.pk}"
    assert c.get(url).status_code == 204
    now = timezone.now()
    r = c.post(
        "/api/evaluations/rounds",
        json.dumps(
            {
                "organisation_id": city.district.pk,
                "name": "问卷",
                "kind": "survey",
                "criteria_set_id": five_good.pk,
                "opens_at": (now - datetime.timedelta(hours=1)).isoformat(),
                "closes_at": (now + datetime.timedelta(days=1)).isoformat(),
                "groups": GROUP,
                "k_min": 3,
            }
        ),
        content_type="application/json",
    )
    assert r.status_code == 201, r.content
    from pacesetter.evaluations.models import Round

    round_ = Round.objects.get(pk=r.json()["id"])
    services.round_transition(actor=city.secretary, round_=round_, to_status=RoundStatus.OPEN)
    _answer(city, round_, [100, 60, 100])
    services.round_transition(actor=city.secretary, round_=round_, to_status=RoundStatus.CLOSED)
    body = c.get(url).json()
    assert body["round_id"] == round_.pk and len(body["items"]) == 5
    assert body["items"][0]["negative"] == 3 and body["items"][1]["fit_rate"] == 100.0
    for bad in ("criteria_set=abc", "criteria_set=99999999999999999999999"):
        r = c.get(f"/api/evaluations/standard-survey?org={city.district.pk}&{bad}")
        assert r.status_code == 404 and r.json()["code"]
    r = c.get(f"/api/evaluations/standard-survey?org=99999999999999999999999&criteria_set={five_good.pk}")
    assert r.status_code == 404
    _t, okey = token_create(actor=city.town_secretary, name="o")
    r = Client(HTTP_AUTHORIZATION=f"Bearer {okey}").get(url)
    assert r.status_code == 404


def test_a_survey_opens_no_rectification_case_and_counts_in_no_figure(campaign, five_good, city):
    from pacesetter.evaluations.models import LowSatisfactionCase
    from pacesetter.evaluations.results import turnout_by_child

    campaign.organisation = city.city
    round_ = _survey(city, five_good)
    services.round_transition(actor=city.secretary, round_=round_, to_status=RoundStatus.OPEN)
    _answer(city, round_, [0, 0, 0])  # every item 需要修改: satisfaction 0 %
    services.round_transition(actor=city.secretary, round_=round_, to_status=RoundStatus.CLOSED)
    assert not LowSatisfactionCase.objects.exists()
    assert turnout_by_child(round_.campaign, city.city) == {}
