"""Local standards (结合实际制定具体标准): an organisation words the campaign's criteria items in its own
terms (items, weights and indicators stay the campaign's), inherits its ancestors' wording, within what
the office allows; the office adds a 五个模范 member standard set. Service, pages, API."""

import json

import pytest
from django.test import Client

from pacesetter.campaigns import local_standards
from pacesetter.campaigns.models import CriteriaSet, LocalCriteriaText
from pacesetter.core.errors import PermissionDeniedError, StateError, ValidationError
from pacesetter.core.models import AuditEntry
from pacesetter.core.services import token_create
from pacesetter.orgs.enums import Role
from tests.factories import make_user


@pytest.fixture
def five_good(campaign):
    return campaign.criteria_sets.get(name="五个好")


@pytest.fixture
def school_secretary(city):
    return make_user("school_secretary", Role.SECRETARY, city.school)


def _items(cset):
    return list(cset.items.order_by("order"))


def test_own_wording_inherits_and_keeps_items_and_weights(campaign, five_good, city, school_secretary):
    first, second, *_ = _items(five_good)
    weights = [i.weight for i in _items(five_good)]
    local_standards.local_criteria_save(
        actor=city.secretary,
        org=city.district,
        criteria_set=five_good,
        texts={first.pk: "区：班子每月集体学习一次"},
    )
    local_standards.local_criteria_save(
        actor=school_secretary,
        org=city.school,
        criteria_set=five_good,
        texts={second.pk: "校：党员教师人人结对一名学困生"},
    )
    rows = {r["item"].pk: r for r in local_standards.local_criteria_for(city.school, five_good)}
    assert rows[first.pk]["own"] == "" and rows[first.pk]["inherited_from"] == "城厢区委"
    assert rows[first.pk]["effective"] == "区：班子每月集体学习一次"
    assert rows[second.pk]["effective"] == "校：党员教师人人结对一名学困生"
    third = _items(five_good)[2]
    assert rows[third.pk]["effective"] == third.description  # the campaign's
    assert [i.weight for i in _items(five_good)] == weights and len(weights) == 5
    entry = AuditEntry.objects.filter(action="criteria.local_wording").latest("id")
    assert entry.changes  # before/after recorded
    # an empty text goes back to inheriting
    local_standards.local_criteria_save(
        actor=school_secretary, org=city.school, criteria_set=five_good, texts={second.pk: ""}
    )
    assert not LocalCriteriaText.objects.filter(organisation=city.school).exists()


@pytest.mark.parametrize("text", ["x" * 10_000, "有\x00字"])
def test_bad_wording_refused_nothing_changed(campaign, five_good, city, school_secretary, text):
    item = _items(five_good)[0]
    with pytest.raises(ValidationError) as exc:
        local_standards.local_criteria_save(
            actor=school_secretary, org=city.school, criteria_set=five_good, texts={item.pk: text}
        )
    assert exc.value.field == f"item_{item.pk}" and not LocalCriteriaText.objects.exists()


def test_refusals(campaign, five_good, city, school_secretary):
    other = CriteriaSet.objects.get(campaign=campaign, name="五带头")
    with pytest.raises(ValidationError):  # an item of another set
        local_standards.local_criteria_save(
            actor=school_secretary, org=city.school, criteria_set=five_good, texts={_items(other)[0].pk: "x"}
        )
    with pytest.raises(ValidationError):
        local_standards.local_criteria_save(
            actor=school_secretary, org=city.school, criteria_set=five_good, texts={"abc": "x"}
        )
    with pytest.raises(PermissionDeniedError):  # not its organisation
        local_standards.local_criteria_save(
            actor=school_secretary, org=city.village, criteria_set=five_good, texts={}
        )
    with pytest.raises(PermissionDeniedError):
        local_standards.criteria_set_allow_local(
            actor=school_secretary, criteria_set=five_good, allowed=False
        )
    local_standards.criteria_set_allow_local(actor=city.office, criteria_set=five_good, allowed=False)
    with pytest.raises(StateError, match="没有允许"):
        local_standards.local_criteria_save(
            actor=school_secretary,
            org=city.school,
            criteria_set=five_good,
            texts={_items(five_good)[0].pk: "x"},
        )


def test_five_models_preset(campaign, city):
    with pytest.raises(PermissionDeniedError):
        local_standards.criteria_set_add_preset(actor=city.secretary, campaign=campaign, preset="five_models")
    with pytest.raises(ValidationError):
        local_standards.criteria_set_add_preset(actor=city.office, campaign=campaign, preset="nope")
    cset = local_standards.criteria_set_add_preset(actor=city.office, campaign=campaign, preset="five_models")
    assert (cset.name, cset.subject) == ("五个模范", "member")
    items = _items(cset)
    assert len(items) == 5 and sum(i.weight for i in items) == 100
    assert all(i.indicators.exists() for i in items)
    with pytest.raises(StateError):
        local_standards.criteria_set_add_preset(actor=city.office, campaign=campaign, preset="five_models")


def test_pages(campaign, five_good, city, school_secretary, client_for):
    c = client_for(school_secretary)
    url = f"/campaigns/{campaign.pk}/criteria/local/"
    html = c.get(url).content.decode()
    assert "城厢区实验小学党支部" in html and f'data-testid="local-set-{five_good.pk}"' in html
    item = _items(five_good)[0]
    r = c.post(f"{url}?org={city.school.pk}", {"set": five_good.pk, f"item_{item.pk}": "每周学习一次"})
    assert r.status_code == 302
    assert LocalCriteriaText.objects.get(organisation=city.school).text == "每周学习一次"
    r = c.post(f"{url}?org={city.school.pk}", {"set": five_good.pk, f"item_{item.pk}": "x" * 10_000})
    assert (
        r.status_code == 422
        and LocalCriteriaText.objects.get(organisation=city.school).text == "每周学习一次"
    )
    assert c.get(f"{url}?org={city.village.pk}").status_code == 404
    office = client_for(city.office)
    r = office.post(f"/campaigns/{campaign.pk}/criteria/preset/", {"preset": "five_models"})
    assert r.status_code == 302 and CriteriaSet.objects.filter(campaign=campaign, name="五个模范").exists()
    html = office.get(f"/campaigns/{campaign.pk}/criteria/").content.decode()
    assert 'data-testid="preset-five_models"' not in html  # already added
    r = office.post(f"/campaigns/criteria/{five_good.pk}/allow-local/", {"allowed": "0"})
    assert r.status_code == 302
    five_good.refresh_from_db()
    assert five_good.local_wording is False
    assert (
        client_for(school_secretary).post(f"/campaigns/{campaign.pk}/criteria/preset/", {}).status_code == 403
    )


def test_api(campaign, five_good, city, school_secretary):
    _t, key = token_create(actor=school_secretary, name="t")
    c = Client(HTTP_AUTHORIZATION=f"Bearer {key}")
    item = _items(five_good)[1]
    url = f"/api/criteria/{five_good.pk}/local/{city.school.pk}"
    r = c.put(url, json.dumps({"texts": {str(item.pk): "党员亮身份"}}), content_type="application/json")
    assert r.status_code == 200, r.content
    row = [x for x in r.json()["items"] if x["item_id"] == item.pk][0]
    assert (row["own"], row["effective"]) == ("党员亮身份", "党员亮身份")
    r = c.put(url, json.dumps({"texts": {str(item.pk): "x" * 10_000}}), content_type="application/json")
    assert r.status_code == 422
    assert c.get(f"/api/criteria/{five_good.pk}/local/{city.village.pk}").status_code == 404
    _t, okey = token_create(actor=city.office, name="o")
    o = Client(HTTP_AUTHORIZATION=f"Bearer {okey}")
    r = o.post(
        f"/api/campaigns/{campaign.pk}/criteria/presets",
        json.dumps({"preset": "five_models"}),
        content_type="application/json",
    )
    assert r.status_code == 201 and r.json()["name"] == "五个模范"
