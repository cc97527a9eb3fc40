"""Is a capability open for an organisation now: before, inside, after a window; extensions; inactive."""

import pytest

from pacesetter.campaigns import services
from pacesetter.campaigns.enums import CampaignStatus, StepCapability
from pacesetter.campaigns.models import Step
from pacesetter.campaigns.windows import require_open, step_window_for
from pacesetter.core.errors import StateError

from .conftest import at


def test_window_open_inside(city, active):
    w = step_window_for(campaign=active, capability="plans", org=city.school)
    assert w.is_open is True
    assert w.step.kind == "mobilise"
    assert "开放中" in w.message and "截止" in w.message


def test_window_before_says_when_it_opens(city, active):
    w = step_window_for(campaign=active, capability=StepCapability.COMMITMENTS, org=city.school)
    assert w.is_open is False
    assert w.opens_at == Step.objects.get(kind="commit").opens_at
    assert "将于" in w.message and "开放" in w.message and "公开承诺" in w.message
    with pytest.raises(StateError) as exc:
        require_open(campaign=active, capability="commitments", org=city.school)
    assert exc.value.status == 409 and "将于" in str(exc.value.message)


def test_window_after_says_it_closed(city, active):
    w = step_window_for(campaign=active, capability="plans", org=city.school, at=at(6))
    assert w.is_open is False
    assert "已于" in w.message and "截止" in w.message


def test_extension_on_ancestor_extends_window(city, active):
    step = Step.objects.get(kind="mobilise")
    services.step_extension_create(
        actor=city.office, step=step, organisation=city.district, closes_at=at(8), reason="汛期推迟"
    )
    w = step_window_for(campaign=active, capability="plans", org=city.school, at=at(6))
    assert w.is_open is True and w.extended is True
    assert w.closes_at == step.extensions.get().closes_at


def test_extension_elsewhere_does_not_extend(city, active):
    step = Step.objects.get(kind="mobilise")
    services.step_extension_create(
        actor=city.office, step=step, organisation=city.town, closes_at=at(8), reason="汛期推迟"
    )
    assert step_window_for(campaign=active, capability="plans", org=city.school, at=at(6)).is_open is False
    assert step_window_for(campaign=active, capability="plans", org=city.village, at=at(6)).is_open is True


def test_inactive_campaign_refuses(city, active):
    services.campaign_transition(actor=city.office, campaign=active, to_status=CampaignStatus.CLOSED)
    active.refresh_from_db()
    w = step_window_for(campaign=active, capability="plans", org=city.school)
    assert w.is_open is False and "不在进行中" in w.message


def test_capability_without_step(city, active):
    w = step_window_for(campaign=active, capability="ballots", org=city.school)
    assert w.is_open is False and "没有安排" in w.message
