"""A plan per step (阶段实施方案): required by the office on a step, written, submitted and reviewed like the
overall plan, counted separately on the dashboard and through the API."""

import datetime
import json

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from pacesetter.campaigns import services as campaign_services
from pacesetter.campaigns.enums import StepKind
from pacesetter.campaigns.models import Step
from pacesetter.core.errors import ValidationError
from pacesetter.core.models import AuditEntry
from pacesetter.core.services import token_create
from pacesetter.plans import services
from pacesetter.plans.enums import PlanProgress, PlanStatus
from pacesetter.plans.models import Plan
from pacesetter.plans.selectors import org_progress_counts, plan_home_for
from pacesetter.progress.selectors import step_plan_cells

from .conftest import BODY


@pytest.fixture
def commit_step(campaign, city):
    """The 公开承诺 step, closed for now, with a step plan required by the office."""
    stage = campaign.stages.get()
    now = timezone.now()
    step = Step.objects.create(
        campaign=campaign,
        stage=stage,
        kind=StepKind.COMMIT,
        capabilities=["commitments"],
        opens_at=now + datetime.timedelta(days=40),
        closes_at=now + datetime.timedelta(days=60),
    )
    return campaign_services.step_update(
        actor=city.office,
        step=step,
        opens_at=step.opens_at,
        closes_at=step.closes_at,
        capabilities=step.capabilities,
        plan_required=True,
        plan_deadline=timezone.localdate() + datetime.timedelta(days=5),
    )


def test_office_requires_step_plan_with_audit(commit_step):
    commit_step.refresh_from_db()
    assert commit_step.plan_required is True
    entry = AuditEntry.objects.filter(action="step.update").latest("id")
    assert entry.changes["plan_required"] == [False, True]


def test_step_plan_deadline_outside_campaign_refused(campaign, commit_step, city):
    with pytest.raises(ValidationError) as exc:
        campaign_services.step_update(
            actor=city.office,
            step=commit_step,
            opens_at=commit_step.opens_at,
            closes_at=commit_step.closes_at,
            capabilities=commit_step.capabilities,
            plan_required=True,
            plan_deadline=campaign.ends_on + datetime.timedelta(days=1),
        )
    assert exc.value.field == "plan_deadline"


def test_step_plan_beside_overall_plan_same_review(campaign, commit_step, city, school_secretary):
    overall = services.plan_save(
        actor=school_secretary, campaign=campaign, org=city.school, title="总方案", body=BODY
    )
    step_plan = services.plan_save(
        actor=school_secretary,
        campaign=campaign,
        org=city.school,
        step=commit_step,
        title="承诺步骤方案",
        body=BODY,
    )
    assert overall.pk != step_plan.pk and (overall.step_id, step_plan.step_id) == (None, commit_step.pk)
    # saving again edits the same step plan, not a new one
    again = services.plan_save(
        actor=school_secretary,
        campaign=campaign,
        org=city.school,
        step=commit_step,
        title="承诺步骤方案二",
        body=BODY,
    )
    assert again.pk == step_plan.pk and Plan.objects.count() == 2
    # the 公开承诺 step is closed, but a step plan is accepted while the campaign runs
    version = services.plan_submit(actor=school_secretary, plan=step_plan)
    assert version.number == 1 and not version.is_late
    services.plan_decide(
        actor=city.secretary, plan=step_plan, decision="return", comment="请补充承诺上墙安排"
    )
    services.plan_submit(actor=school_secretary, plan=step_plan)
    services.plan_decide(actor=city.secretary, plan=step_plan, decision="approve")
    step_plan.refresh_from_db()
    overall.refresh_from_db()
    assert (step_plan.status, step_plan.versions.count(), overall.status) == (
        PlanStatus.APPROVED,
        2,
        PlanStatus.DRAFT,
    )


def test_step_plan_late_after_step_deadline(campaign, commit_step, city, school_secretary):
    Step.objects.filter(pk=commit_step.pk).update(
        plan_deadline=timezone.localdate() - datetime.timedelta(days=1)
    )
    commit_step.refresh_from_db()
    plan = services.plan_save(
        actor=school_secretary,
        campaign=campaign,
        org=city.school,
        step=commit_step,
        title="承诺步骤方案",
        body=BODY,
    )
    assert services.plan_submit(actor=school_secretary, plan=plan).is_late is True


def test_step_not_required_refused(campaign, city, school_secretary):
    step = campaign.steps.get()  # 动员部署, no step plan required
    with pytest.raises(ValidationError) as exc:
        services.plan_save(
            actor=school_secretary, campaign=campaign, org=city.school, step=step, title="方案", body=BODY
        )
    assert exc.value.field == "step" and not Plan.objects.exists()


def test_one_overall_and_one_step_plan_per_org(campaign, commit_step, city):
    Plan.objects.create(campaign=campaign, organisation=city.school, title="a")
    Plan.objects.create(campaign=campaign, organisation=city.school, step=commit_step, title="b")
    with pytest.raises(IntegrityError), transaction.atomic():
        Plan.objects.create(campaign=campaign, organisation=city.school, title="c")
    with pytest.raises(IntegrityError), transaction.atomic():
        Plan.objects.create(campaign=campaign, organisation=city.school, step=commit_step, title="d")


def test_counts_and_dashboard_keep_overall_and_step_apart(campaign, commit_step, city, school_secretary):
    services.plan_save(
        actor=school_secretary,
        campaign=campaign,
        org=city.school,
        step=commit_step,
        title="承诺步骤方案",
        body=BODY,
    )
    overall = org_progress_counts(campaign=campaign, root=city.city)
    by_step = org_progress_counts(campaign=campaign, root=city.city, step=commit_step)
    assert (overall[PlanProgress.DRAFT], overall[PlanProgress.NOT_STARTED]) == (0, 4)
    assert (by_step[PlanProgress.DRAFT], by_step[PlanProgress.NOT_STARTED]) == (1, 3)
    [(step, cell)] = step_plan_cells(campaign=campaign, org=city.city)
    assert (step, cell.in_progress, cell.not_started) == (commit_step, 1, 3)


def test_home_lists_step_plan_rows(campaign, commit_step, city, school_secretary):
    rows = plan_home_for(school_secretary)
    assert [(r["step"], r["deadline"]) for r in rows] == [
        (None, campaign.plan_deadline),
        (commit_step, commit_step.plan_deadline),
    ]


def test_pages_step_plan_edit_and_dashboard(campaign, commit_step, city, school_secretary, client_for):
    c = client_for(school_secretary)
    home = c.get("/plans/").content.decode()
    assert "“公开承诺”步骤实施方案" in home
    url = f"/plans/orgs/{city.school.pk}/?campaign={campaign.pk}&step={commit_step.pk}"
    r = c.post(url, {"title": "承诺步骤方案", "body": BODY, "submit": "1"})
    assert r.status_code == 302 and r["Location"].endswith(f"&step={commit_step.pk}")
    plan = Plan.objects.get(step=commit_step)
    assert plan.status == PlanStatus.SUBMITTED
    assert c.get(f"/plans/orgs/{city.school.pk}/?campaign={campaign.pk}&step=999999").status_code == 404
    assert c.get(f"/plans/orgs/{city.school.pk}/?campaign={campaign.pk}&step=x").status_code == 404
    dash = client_for(city.office).get(f"/progress/?campaign={campaign.pk}").content.decode()
    assert f'data-testid="total-step-plan-{commit_step.pk}"' in dash


def test_api_step_plan(campaign, commit_step, city, school_secretary):
    _token, key = token_create(actor=school_secretary, name="t")
    from django.test import Client

    c = Client(HTTP_AUTHORIZATION=f"Bearer {key}")
    url = f"/api/plans/orgs/{city.school.pk}?campaign_id={campaign.pk}&step_id={commit_step.pk}"
    r = c.put(url, json.dumps({"title": "承诺步骤方案", "body": "正文"}), content_type="application/json")
    assert r.status_code == 200, r.content
    assert r.json()["step_id"] == commit_step.pk
    assert c.get(f"/api/plans/orgs/{city.school.pk}?campaign_id={campaign.pk}").status_code == 404
    bad = c.put(
        f"/api/plans/orgs/{city.school.pk}?campaign_id={campaign.pk}&step_id={campaign.steps.first().pk}",
        json.dumps({"title": "x", "body": "y"}),
        content_type="application/json",
    )
    assert bad.status_code == 404
    office = Client(HTTP_AUTHORIZATION=f"Bearer {token_create(actor=city.office, name='o')[1]}")
    prog = office.get(f"/api/plans/progress?campaign_id={campaign.pk}&step_id={commit_step.pk}").json()
    assert prog["counts"]["draft"] == 1
    patched = office.patch(
        f"/api/steps/{commit_step.pk}",
        json.dumps({"plan_required": False}),
        content_type="application/json",
    )
    assert patched.status_code == 200, patched.content
    assert (patched.json()["plan_required"], patched.json()["plan_deadline"]) == (False, None)


def test_campaign_deletes_with_its_step_plans(campaign, commit_step, city, school_secretary):
    services.plan_save(
        actor=school_secretary,
        campaign=campaign,
        org=city.school,
        step=commit_step,
        title="承诺步骤方案",
        body=BODY,
    )
    from django.db.models import RestrictedError

    with pytest.raises(RestrictedError):  # a step alone cannot go while plans were written for it
        commit_step.delete()
    campaign.delete()
    assert not Plan.objects.exists()


@pytest.fixture
def late_step(commit_step):
    """The 公开承诺 step plan, its deadline passed yesterday (the overall plan is not yet due)."""
    Step.objects.filter(pk=commit_step.pk).update(
        plan_deadline=timezone.localdate() - datetime.timedelta(days=1)
    )
    commit_step.refresh_from_db()
    return commit_step


def test_overdue_step_plans_reminded_once_a_day_apart_from_overall(
    campaign, late_step, city, school_secretary
):
    from pacesetter.notifications.models import Notification
    from pacesetter.plans import tasks
    from pacesetter.plans.models import PlanReminder
    from pacesetter.plans.selectors import overdue_orgs

    plan = services.plan_save(
        actor=school_secretary, campaign=campaign, org=city.school, step=late_step, title="承诺", body=BODY
    )
    services.plan_submit(actor=school_secretary, plan=plan)
    # the overall plan is not due yet: nobody is overdue with it; the step plan: all but the school
    assert not overdue_orgs(campaign=campaign).exists()
    assert sorted(o.name for o in overdue_orgs(campaign=campaign, step=late_step)) == [
        "八一村党支部",
        "和林镇党委",
        "城厢区委",
    ]
    Notification.objects.all().delete()
    assert tasks.remind_overdue_plans() == 3
    titles = set(Notification.objects.values_list("title", flat=True))
    assert titles == {"请尽快报送“第一阶段 · 公开承诺”阶段实施方案：深入开展创先争优活动"}
    assert set(PlanReminder.objects.values_list("step_id", flat=True)) == {late_step.pk}
    assert tasks.remind_overdue_plans() == 0  # once a day
    entry = AuditEntry.objects.filter(action="plan.remind").latest("id")
    assert entry.changes["_"]["step"] == late_step.pk
    # the overall plan's reminder on the same day is a separate row (its own uniqueness)
    Step.objects.filter(pk=late_step.pk).update(plan_required=False)
    type(campaign).objects.filter(pk=campaign.pk).update(
        plan_deadline=timezone.localdate() - datetime.timedelta(days=1)
    )
    assert tasks.remind_overdue_plans() == 4
    assert PlanReminder.objects.filter(step__isnull=True).count() == 4


def test_manual_step_remind_refusals(campaign, commit_step, late_step, city):
    from pacesetter.core.errors import PermissionDeniedError, StateError

    with pytest.raises(PermissionDeniedError):
        services.plan_remind_overdue(actor=city.secretary, campaign=campaign, step=late_step)
    with pytest.raises(ValidationError):
        services.plan_remind_overdue(actor=city.office, campaign=campaign, step=campaign.steps.first())
    assert services.plan_remind_overdue(actor=city.office, campaign=campaign, step=late_step) == 4
    with pytest.raises(StateError):  # the overall plan is not due
        services.plan_remind_overdue(actor=city.office, campaign=campaign)


def test_overdue_page_per_step(campaign, late_step, city, client_for):
    c = client_for(city.office)
    html = c.get(f"/plans/overdue/?campaign={campaign.pk}").content.decode()
    assert 'data-testid="step-select"' in html and 'data-testid="count-overdue">0<' in html
    assert 'data-testid="remind-now"' not in html  # overall plan not due
    html = c.get(f"/plans/overdue/?campaign={campaign.pk}&step={late_step.pk}").content.decode()
    assert 'data-testid="count-overdue">4<' in html and 'data-testid="remind-now"' in html
    assert f'name="step" value="{late_step.pk}"' in html
    r = c.get(f"/plans/overdue/xlsx/?campaign={campaign.pk}&step={late_step.pk}")
    assert r.status_code == 200
    r = c.post("/plans/overdue/remind/", {"campaign": campaign.pk, "step": late_step.pk})
    assert r.status_code == 302 and r["Location"].endswith(f"&step={late_step.pk}")
    assert services.PlanReminder.objects.filter(step=late_step).count() == 4
    assert c.get(f"/plans/overdue/?campaign={campaign.pk}&step=abc").status_code == 404
    assert (
        c.get(f"/plans/overdue/?campaign={campaign.pk}&step={campaign.steps.first().pk}").status_code == 404
    )
