"""Setting a round up: editing its questions until they freeze, the assisted channel, the campaign's step window."""

import datetime

import pytest
from django.utils import timezone

from pacesetter.campaigns.enums import StepKind
from pacesetter.campaigns.models import Step
from pacesetter.campaigns.services import stage_create, step_update, steps_lay_out_defaults
from pacesetter.core.errors import ValidationError
from pacesetter.core.models import AuditEntry
from pacesetter.evaluations import services
from pacesetter.evaluations.enums import RoundStatus
from pacesetter.evaluations.errors import CodeSpentError
from pacesetter.evaluations.models import BallotCode, BallotSheet, Round
from pacesetter.evaluations.selectors import ballot_form

from .helpers import GROUPS, answers, codes, make_campaign, make_round


def _questions_post(rows, scale="satisfaction"):
    data = {"scale": scale}
    for i, (text, weight) in enumerate(rows, 1):
        data[f"q{i}_text"], data[f"q{i}_weight"] = text, weight
    return data


# ---------------------------------------------------------------- questions


def test_office_edits_questions_and_scale_on_the_page(city, client_for):
    r = make_round(city, status=RoundStatus.DRAFT)
    c = client_for(city.office)
    page = c.get(f"/evaluations/{r.pk}/questions/")
    assert page.status_code == 200 and "总体满意度" in page.content.decode()
    post = _questions_post([("服务群众", "60"), ("", ""), ("廉洁自律", "40")], scale="grade4")
    resp = c.post(f"/evaluations/{r.pk}/questions/", post)
    assert resp.status_code == 302
    r.refresh_from_db()
    form = ballot_form(r)
    assert [(q.position, q.text, q.weight) for q in form.questions] == [
        (1, "服务群众", 60),
        (2, "廉洁自律", 40),
    ]
    assert r.scale == "grade4" and [o.label for o in form.options] == ["好", "较好", "一般", "差"]
    entry = AuditEntry.objects.filter(action="evaluation.round.questions").get()
    assert entry.changes["scale"] == ["satisfaction", "grade4"]
    assert entry.changes["questions"][1][1] == {"text": "廉洁自律", "weight": 40}


def test_bad_question_rows_are_named_and_change_nothing(city, client_for):
    r = make_round(city, status=RoundStatus.DRAFT)
    c = client_for(city.office)
    resp = c.post(
        f"/evaluations/{r.pk}/questions/", _questions_post([("服务群众", "60"), ("", ""), ("廉洁", "百")])
    )
    assert resp.status_code == 422
    body = resp.content.decode()
    assert "第 3 项“廉洁”的权重必须是整数" in body
    assert 'name="q3_weight" value="百"' in body and "is-invalid" in body
    assert list(r.questions.values_list("text", flat=True)) == ["总体满意度"]
    resp = c.post(f"/evaluations/{r.pk}/questions/", _questions_post([("同一项", "50"), ("同一项", "50")]))
    assert resp.status_code == 422 and "评议内容“同一项”重复" in resp.content.decode()
    resp = c.post(f"/evaluations/{r.pk}/questions/", _questions_post([]))
    assert resp.status_code == 422 and "请至少填写一项评议内容" in resp.content.decode()
    assert not AuditEntry.objects.filter(action="evaluation.round.questions").exists()


def test_questions_freeze_at_first_ballot_on_page_and_api(city, client_for):
    r = make_round(city)
    c = client_for(city.office)
    resp = c.put(
        f"/api/evaluations/rounds/{r.pk}/questions",
        {"questions": [{"text": "服务群众", "weight": 70}, {"text": "作风建设", "weight": 30}]},
        content_type="application/json",
    )
    assert resp.status_code == 200 and [q["text"] for q in resp.json()] == ["服务群众", "作风建设"]
    [code] = codes(city, r, n=1)
    services.ballot_cast_code(code=code, answers=answers(r))
    resp = c.put(
        f"/api/evaluations/rounds/{r.pk}/questions",
        {"questions": [{"text": "改题"}]},
        content_type="application/json",
    )
    assert resp.status_code == 409 and "冻结" in resp.json()["message"]
    page = c.get(f"/evaluations/{r.pk}/questions/", follow=True)
    assert "冻结" in page.content.decode()
    assert "questions-link" not in c.get(f"/evaluations/{r.pk}/").content.decode()
    assert list(r.questions.values_list("text", flat=True)) == ["服务群众", "作风建设"]


def test_changing_questions_in_trial_discards_test_ballots(city):
    r = make_round(city, status=RoundStatus.TRIAL)
    [code] = codes(city, r, n=1)
    services.ballot_cast_code(code=code, answers=answers(r))
    services.round_questions_set(actor=city.office, round_=r, questions=[{"text": "新题"}])
    assert BallotSheet.objects.filter(round=r).count() == 0 and not BallotCode.objects.get().spent


def test_only_managers_in_scope_edit_questions(city, client_for):
    r = make_round(city, status=RoundStatus.DRAFT)
    assert client_for(city.town_secretary).get(f"/evaluations/{r.pk}/questions/").status_code == 404
    resp = client_for(city.town_secretary).put(
        f"/api/evaluations/rounds/{r.pk}/questions",
        {"questions": [{"text": "x"}]},
        content_type="application/json",
    )
    assert resp.status_code == 404
    assert client_for(city.member_user).get(f"/evaluations/{r.pk}/questions/").status_code == 403


# ---------------------------------------------------------------- assisted channel


def test_assisted_entry_on_the_page_records_channel_and_clerk(city, client_for):
    r = make_round(city)
    [code, other] = codes(city, r, n=2)
    c = client_for(city.office)
    assert "channel-assisted" in c.get(f"/evaluations/{r.pk}/paper/").content.decode()
    form = ballot_form(r)
    data = {f"t{t.id}_q{q.position}": "100" for t in form.targets for q in form.questions}
    resp = c.post(f"/evaluations/{r.pk}/paper/", {**data, "code": code, "channel": "assisted"})
    assert resp.status_code == 302 and resp["Location"].endswith("?channel=assisted")
    sheet = BallotSheet.objects.get()
    assert sheet.channel == "assisted" and sheet.entered_by == city.office
    assert BallotCode.objects.get(spent=True).channel == "assisted"
    # the same code cannot be used again, whatever the channel
    with pytest.raises(CodeSpentError):
        services.ballot_cast_code(code=code, answers=answers(r))
    resp = c.post(f"/evaluations/{r.pk}/paper/", {**data, "code": other, "channel": "web"})
    assert resp.status_code == 422 and "录入方式只能是" in resp.content.decode()
    assert BallotSheet.objects.count() == 1


def test_assisted_entry_through_the_api(city, client_for):
    r = make_round(city)
    [code] = codes(city, r, n=1)
    resp = client_for(city.office).post(
        f"/api/evaluations/rounds/{r.pk}/paper",
        {"code": code, "answers": answers(r), "channel": "assisted"},
        content_type="application/json",
    )
    assert resp.status_code == 201
    assert BallotSheet.objects.get().channel == "assisted"
    from pacesetter.evaluations.results import round_results

    services.round_transition(actor=city.office, round_=r, to_status=RoundStatus.CLOSED)
    r.refresh_from_db()

    target = round_results(r).targets[0]
    assert target.by_channel["assisted"].ballots == 1 and target.by_channel["web"].ballots == 0


# ---------------------------------------------------------------- the campaign's step window


def _campaign_with_steps(city, evaluate_days=(10, 40)):
    """An active-looking schedule: one stage, seven steps, 群众评议 from day a to day b from now."""
    campaign = make_campaign(city)
    today = timezone.localdate()
    stage = stage_create(
        actor=city.office,
        campaign=campaign,
        name="第一阶段",
        starts_on=today - datetime.timedelta(days=20),
        ends_on=today + datetime.timedelta(days=200),
    )
    steps_lay_out_defaults(actor=city.office, stage=stage)
    step = Step.objects.get(stage=stage, kind=StepKind.EVALUATE)
    now = timezone.now().replace(second=0, microsecond=0)
    a, b = evaluate_days
    step_update(
        actor=city.office,
        step=step,
        opens_at=now + datetime.timedelta(days=a),
        closes_at=now + datetime.timedelta(days=b),
        capabilities=step.capabilities,
    )
    return campaign, Step.objects.get(pk=step.pk)


def _create(city, campaign, opens_at, closes_at):
    return services.round_create(
        actor=city.office,
        organisation=city.city,
        name="年度群众评议",
        kind="public_review",
        scale="satisfaction",
        opens_at=opens_at,
        closes_at=closes_at,
        groups=GROUPS,
        campaign=campaign,
        target_orgs=[city.school, city.village],
    )


def test_round_of_a_campaign_must_lie_inside_the_evaluation_step(city):
    campaign, step = _campaign_with_steps(city)
    with pytest.raises(ValidationError, match="评议时间必须在活动“创先争优活动”安排的步骤时间内") as exc:
        _create(city, campaign, step.opens_at - datetime.timedelta(days=1), step.closes_at)
    assert "群众评议" in str(exc.value.message) and exc.value.field == "opens_at"
    with pytest.raises(ValidationError):
        _create(city, campaign, step.opens_at, step.closes_at + datetime.timedelta(hours=1))
    assert not Round.objects.exists()
    r = _create(city, campaign, step.opens_at, step.closes_at)
    assert r.campaign == campaign
    # the office moves the step: the round can no longer be opened until its dates fit again
    step_update(
        actor=city.office,
        step=step,
        opens_at=step.opens_at + datetime.timedelta(days=5),
        closes_at=step.closes_at,
        capabilities=step.capabilities,
    )
    with pytest.raises(ValidationError, match="评议时间必须在"):
        services.round_transition(actor=city.office, round_=r, to_status=RoundStatus.OPEN)
    assert Round.objects.get(pk=r.pk).status == RoundStatus.DRAFT


def test_a_campaign_without_an_evaluation_step_sets_no_limit(city):
    campaign = make_campaign(city)
    now = timezone.now()
    r = _create(city, campaign, now, now + datetime.timedelta(days=3))
    services.round_transition(actor=city.office, round_=r, to_status=RoundStatus.OPEN)


def test_form_takes_the_step_window_when_dates_are_left_blank(city, client_for):
    campaign, step = _campaign_with_steps(city)
    data = {
        "name": "示范市群众评议",
        "organisation": "示范市委",
        "kind": "public_review",
        "target_mode": "orgs",
        "campaign": str(campaign.pk),
        "scale": "satisfaction",
        "opens_at": "",
        "closes_at": "",
        "k_min": "5",
        "satisfaction_threshold": "60",
    }
    for i, g in enumerate(GROUPS, 1):
        data.update(
            {
                f"g{i}_name": g["name"],
                f"g{i}_kind": g["kind"],
                f"g{i}_weight": g["weight"],
                f"g{i}_mode": g["mode"],
            }
        )
    c = client_for(city.office)
    resp = c.post("/evaluations/new/", data)
    assert resp.status_code == 302, resp.content.decode()[:2000]
    r = Round.objects.get()
    assert (r.campaign, r.opens_at, r.closes_at) == (campaign, step.opens_at, step.closes_at)
    # dates outside the step: the form says which step and when, and nothing is created
    data.update(name="第二次", opens_at="2001-01-01T08:00", closes_at="2001-01-05T08:00")
    resp = c.post("/evaluations/new/", data)
    assert resp.status_code == 200 and "评议时间必须在活动" in resp.content.decode()
    assert Round.objects.count() == 1
    # no campaign and no dates: asked for the dates
    data.update(campaign="", opens_at="", closes_at="")
    resp = c.post("/evaluations/new/", data)
    assert "请填写开始和截止时间" in resp.content.decode() and Round.objects.count() == 1


# ---------------------------------------------------------------- running a round through the API


def _api(c, method, url, data=None):
    return getattr(c, method)(url, data or {}, content_type="application/json")


def test_round_set_up_and_run_through_the_api(city, client_for):
    c = client_for(city.office)
    body = {
        "name": "API 群众评议",
        "organisation_id": city.district.pk,
        "kind": "public_review",
        "opens_at": (timezone.now() - datetime.timedelta(hours=1)).isoformat(),
        "closes_at": (timezone.now() + datetime.timedelta(days=3)).isoformat(),
        "k_min": 3,
        "groups": [{"name": "群众", "weight": 60}, {"name": "代表", "kind": "deputies", "weight": 30}],
    }
    resp = _api(c, "post", "/api/evaluations/rounds", body)
    assert resp.status_code == 422 and "现在是 90%" in resp.json()["message"]
    body["groups"][1]["weight"] = 40
    resp = _api(c, "post", "/api/evaluations/rounds", body)
    assert resp.status_code == 201, resp.json()
    data = resp.json()
    assert data["status"] == "draft" and [t["name"] for t in data["targets"]] == ["城厢区实验小学党支部"]
    pk, public = data["id"], data["groups"][0]["id"]
    resp = _api(c, "post", f"/api/evaluations/rounds/{pk}/codes", {"group_id": public, "count": 3})
    assert resp.status_code == 201 and resp["Cache-Control"] == "no-store"
    issued = resp.json()["codes"]
    assert len(issued) == 3 and not BallotCode.objects.filter(code_hash__in=issued).exists()  # hashes only
    assert _api(c, "post", f"/api/evaluations/rounds/{pk}/status", {"to": "closed"}).status_code == 409
    assert _api(c, "post", f"/api/evaluations/rounds/{pk}/status", {"to": "open"}).json()["status"] == "open"
    r = Round.objects.get(pk=pk)
    for code in issued:
        resp = _api(client_for(None), "post", "/api/ballots", {"code": code, "answers": answers(r, 0)})
        assert resp.status_code == 201
    detail = c.get(f"/api/evaluations/rounds/{pk}").json()
    assert detail["groups"][0]["issued"] == 3 and detail["groups"][0]["spent"] == 3
    assert _api(c, "post", f"/api/evaluations/rounds/{pk}/publish", {}).status_code == 409  # not closed yet
    assert (
        _api(c, "post", f"/api/evaluations/rounds/{pk}/status", {"to": "closed"}).json()["status"] == "closed"
    )
    assert _api(c, "post", f"/api/evaluations/rounds/{pk}/publish", {}).json()["published"] is True
    # all three raters were dissatisfied: the school has a case to answer, through the API too
    cases = client_for(city.secretary).get("/api/evaluations/cases").json()
    assert [(x["organisation_name"], x["status"]) for x in cases] == [("城厢区实验小学党支部", "open")]
    resp = _api(
        client_for(city.secretary),
        "post",
        f"/api/evaluations/cases/{cases[0]['id']}/answer",
        {"analysis": "短", "measures": "x"},
    )
    assert resp.status_code == 422 and resp.json()["field"] == "analysis"
    resp = _api(
        client_for(city.secretary),
        "post",
        f"/api/evaluations/cases/{cases[0]['id']}/answer",
        {
            "analysis": "服务窗口时间与群众上班时间冲突，反映渠道不畅。",
            "measures": "周末开放服务窗口，设立意见箱并每周回复。",
        },
    )
    assert resp.status_code == 200 and resp.json()["status"] == "answered"
    assert client_for(city.town_secretary).get("/api/evaluations/cases").json() == []


def test_api_set_up_refuses_what_is_out_of_scope(city, client_for):
    c = client_for(city.town_secretary)
    body = {
        "name": "越权",
        "organisation_id": city.district.pk,
        "kind": "public_review",
        "groups": [{"name": "群众", "weight": 100}],
    }
    assert _api(c, "post", "/api/evaluations/rounds", body).status_code == 404
    r = make_round(city, status=RoundStatus.DRAFT)
    assert _api(c, "post", f"/api/evaluations/rounds/{r.pk}/status", {"to": "open"}).status_code == 404
    assert (
        _api(c, "post", f"/api/evaluations/rounds/{r.pk}/codes", {"group_id": 1, "count": 1}).status_code
        == 404
    )
    assert c.get(f"/api/evaluations/rounds/{r.pk}").status_code == 404
    # a round of a campaign without dates and without an evaluation step: told to give the dates
    body.update(organisation_id=city.town.pk, campaign_id=make_campaign(city).pk)
    resp = _api(c, "post", "/api/evaluations/rounds", body)
    assert resp.status_code == 422 and "请填写开始和截止时间" in resp.json()["message"]


def test_assessment_grades_through_the_api(city, client_for):
    r = make_round(
        city, members=True, kind="assessment", name="年度考核", groups=[GROUPS[1] | {"weight": 100}]
    )
    assert client_for(city.office).get(f"/api/evaluations/rounds/{r.pk}/grades").json() == []
    services.round_transition(actor=city.office, round_=r, to_status=RoundStatus.CLOSED)
    grades = client_for(city.office).get(f"/api/evaluations/rounds/{r.pk}/grades").json()
    assert {g["name"] for g in grades} == {city.teacher.name, city.farmer.name}
    assert all(g["score"] is None and g["grade"] == "" for g in grades)  # nobody voted


# ---------------------------------------------------------------- 组织考核 grades: thresholds and where they show


def test_grade_thresholds_are_checked_and_used(city, client_for):
    from openpyxl import load_workbook

    from pacesetter.campaigns.models import CriteriaSet

    with pytest.raises(ValidationError, match="分数线须依次降低：优秀 70 > 合格 75"):
        make_round(city, members=True, kind="assessment", grade_thresholds={"excellent": 70})
    with pytest.raises(ValidationError, match="“基本合格”分数线应在 0–100 之间"):
        make_round(city, members=True, kind="assessment", grade_thresholds={"basic": -1})
    cset = CriteriaSet.objects.get(campaign=make_campaign(city), subject="member")
    r = make_round(
        city,
        criteria=cset,
        members=True,
        kind="assessment",
        scale="grade4",
        grade_thresholds={"excellent": 95, "qualified": 70, "basic": 50},
    )
    form = ballot_form(r)
    teacher, farmer = form.targets  # 100 points and 80 points: 优秀 / 合格 under the default lines
    for code in codes(city, r, "领导班子", 3):
        services.ballot_cast_code(
            code=code,
            answers={
                str(teacher.id): {str(q.position): 100 for q in form.questions},
                str(farmer.id): {str(q.position): 80 for q in form.questions},
            },
        )
    c = client_for(city.office)
    page = c.get(f"/evaluations/{r.pk}/results/").content.decode()
    assert 'data-testid="sealed"' in page and 'data-testid="grade"' not in page
    assert c.get(f"/evaluations/{r.pk}/results.xlsx").status_code == 302  # nothing to export yet
    services.round_transition(actor=city.office, round_=r, to_status=RoundStatus.CLOSED)
    grades = {g["name"]: g["grade_label"] for g in c.get(f"/api/evaluations/rounds/{r.pk}/grades").json()}
    assert grades == {city.teacher.name: "优秀", city.farmer.name: "合格"}
    page = c.get(f"/evaluations/{r.pk}/results/").content.decode()
    assert "综合得分 ≥ 95 为优秀" in page
    assert "（暂定）" not in page and page.count('data-testid="grade"') == 2
    ws = load_workbook(__import__("io").BytesIO(c.get(f"/evaluations/{r.pk}/results.xlsx").content))[
        "评议结果"
    ]
    head = [cell.value for cell in ws[1]]
    assert head[-1] == "考核等次" and "协助录入份数" in head
    assert {row[1]: row[-1] for row in ws.iter_rows(min_row=2, values_only=True)} == {
        city.teacher.name: "优秀",
        city.farmer.name: "合格",
    }


def test_round_form_takes_grade_lines(city, client_for):
    data = {
        "name": "党员年度考核",
        "organisation": "城厢区实验小学党支部",
        "kind": "assessment",
        "target_mode": "members",
        "scale": "grade4",
        "opens_at": "2030-01-01T08:00",
        "closes_at": "2030-01-10T18:00",
        "k_min": "3",
        "satisfaction_threshold": "60",
        "grade_excellent": "85",
        "grade_qualified": "85",
        "grade_basic": "60",
        "g1_name": "党员",
        "g1_kind": "members",
        "g1_weight": "100",
        "g1_mode": "members",
    }
    c = client_for(city.office)
    resp = c.post("/evaluations/new/", data)
    assert resp.status_code == 200 and "分数线须依次降低" in resp.content.decode()
    data["grade_qualified"] = "72"
    assert c.post("/evaluations/new/", data).status_code == 302
    assert Round.objects.get().grade_thresholds == {"excellent": 85, "qualified": 72, "basic": 60}


def test_results_page_draws_satisfaction_against_the_threshold(city, client_for):
    import re

    r = make_round(city, k_min=3)
    for code in codes(city, r, n=3):
        services.ballot_cast_code(code=code, answers=answers(r, 0))
    services.round_transition(actor=city.office, round_=r, to_status=RoundStatus.CLOSED)
    page = client_for(city.office).get(f"/evaluations/{r.pk}/results/").content.decode()
    assert "echarts" not in page  # bars drawn in HTML, no 1 MB chart library
    bars = re.findall(r'<li data-testid="chart-bar">(.*?)</li>', page, re.S)
    assert len(bars) == 4
    assert [re.findall(r'<span class="(ps-bar-\w+)" style="width: ([\d.]+)%">', b) for b in bars] == [
        [("ps-bar-low", "0.0"), ("ps-bar-score", "0.0")]
    ] * 4
    assert re.findall(r'class="ps-bar-line" style="left: (\d+)%"', page) == ["60"] * 4
    from pacesetter.evaluations.results import round_results

    results = round_results(r)
    results.CHART_MAX_TARGETS = 3  # too many bars to read: no chart, the table stays
    assert results.chart is None


# ---------------------------------------------------------------- correcting a round's settings


def _edit_post(r, **over):
    from django.utils import timezone as tz

    data = {
        "name": r.name,
        "opens_at": f"{tz.localtime(r.opens_at):%Y-%m-%dT%H:%M}",
        "closes_at": f"{tz.localtime(r.closes_at):%Y-%m-%dT%H:%M}",
        "k_min": r.k_min,
        "satisfaction_threshold": r.satisfaction_threshold,
        "grade_excellent": 90,
        "grade_qualified": 75,
        "grade_basic": 60,
    }
    for g in r.groups.all():
        data[f"w{g.pk}"] = g.weight
    data.update(over)
    return data


def test_draft_round_settings_and_weights_are_corrected_on_the_page(city, client_for):
    r = make_round(city, status=RoundStatus.DRAFT)
    c = client_for(city.office)
    assert c.get(f"/evaluations/{r.pk}/edit/").status_code == 200
    leaders, members, deputies, public = r.groups.order_by("order")
    bad = _edit_post(r, k_min=7, **{f"w{public.pk}": 20})
    resp = c.post(f"/evaluations/{r.pk}/edit/", bad)
    assert resp.status_code == 422 and "现在是 110%" in resp.content.decode()
    r.refresh_from_db()
    assert r.k_min == 3 and public.__class__.objects.get(pk=public.pk).weight == 10
    good = _edit_post(
        r, name="2011年度群众评议（更正）", k_min=7, **{f"w{public.pk}": 20, f"w{deputies.pk}": 10}
    )
    assert c.post(f"/evaluations/{r.pk}/edit/", good).status_code == 302
    r.refresh_from_db()
    assert (r.name, r.k_min) == ("2011年度群众评议（更正）", 7)
    assert dict(r.groups.values_list("name", "weight")) == {
        "领导班子": 30,
        "党员": 40,
        "代表": 10,
        "群众": 20,
    }
    entry = AuditEntry.objects.get(action="evaluation.round.update")
    assert entry.changes["k_min"] == [3, 7] and entry.changes["weight:群众"] == [10, 20]
    assert ballot_form(r).group(public.pk).weight == 20  # the cached form saw the change


def test_open_round_only_moves_its_deadline(city, client_for):
    r = make_round(city)
    c = client_for(city.office)
    page = c.get(f"/evaluations/{r.pk}/edit/").content.decode()
    assert 'data-testid="open-only"' in page
    later = r.closes_at + datetime.timedelta(days=3)
    post = _edit_post(r, name="改名无效", k_min=9, closes_at=f"{timezone.localtime(later):%Y-%m-%dT%H:%M}")
    assert c.post(f"/evaluations/{r.pk}/edit/", post).status_code == 302
    r.refresh_from_db()
    assert (
        r.closes_at == later.replace(second=0, microsecond=0)
        and r.name == "2011年度群众评议"
        and r.k_min == 3
    )
    resp = c.patch(f"/api/evaluations/rounds/{r.pk}", {"k_min": 9}, content_type="application/json")
    assert resp.status_code == 409 and "只能修改截止时间" in resp.json()["message"]
    past = (timezone.now() - datetime.timedelta(minutes=5)).isoformat()
    resp = c.patch(f"/api/evaluations/rounds/{r.pk}", {"closes_at": past}, content_type="application/json")
    assert resp.status_code == 422 and resp.json()["field"] == "closes_at"
    services.round_transition(actor=city.office, round_=r, to_status=RoundStatus.CLOSED)
    resp = c.patch(
        f"/api/evaluations/rounds/{r.pk}", {"closes_at": later.isoformat()}, content_type="application/json"
    )
    assert resp.status_code == 409
    assert c.get(f"/evaluations/{r.pk}/edit/").status_code == 302


def test_moving_a_campaign_round_outside_its_step_is_refused(city):
    campaign, step = _campaign_with_steps(city)
    r = _create(city, campaign, step.opens_at, step.closes_at - datetime.timedelta(days=1))
    with pytest.raises(ValidationError, match="评议时间必须在"):
        services.round_update(
            actor=city.office, round_=r, closes_at=step.closes_at + datetime.timedelta(days=1)
        )
    services.round_update(actor=city.office, round_=r, closes_at=step.closes_at)
    assert Round.objects.get(pk=r.pk).closes_at == step.closes_at


def test_only_managers_in_scope_edit_a_round(city, client_for):
    r = make_round(city, status=RoundStatus.DRAFT)
    assert client_for(city.town_secretary).get(f"/evaluations/{r.pk}/edit/").status_code == 404
    resp = client_for(city.town_secretary).patch(
        f"/api/evaluations/rounds/{r.pk}", {"k_min": 9}, content_type="application/json"
    )
    assert resp.status_code == 404
    assert client_for(city.leader).patch(
        f"/api/evaluations/rounds/{r.pk}", {"k_min": 9}, content_type="application/json"
    ).status_code in (403, 404)
    assert Round.objects.get(pk=r.pk).k_min == 3


def _widen(round_, targets: int) -> int:
    """Give the round `targets` targets; the answers one sheet then needs."""
    from pacesetter.evaluations.models import RoundTarget
    from tests.factories import make_org

    have = list(RoundTarget.objects.filter(round=round_))
    RoundTarget.objects.bulk_create(
        [
            RoundTarget(
                round=round_,
                organisation=make_org(f"第{i}党支部", have[0].organisation),
                name=f"第{i}党支部",
                sector="school",
                order=i,
            )
            for i in range(len(have), targets)
        ]
    )
    Round.objects.filter(pk=round_.pk).update(version=round_.version + 1)
    round_.refresh_from_db()
    return len(ballot_form(round_).questions) * targets


def test_round_detail_warns_when_a_public_sheet_is_too_long(city, client_for):
    r = make_round(city, status=RoundStatus.DRAFT)  # with a 群众 group
    c = client_for(city.office)
    assert 'data-testid="too-long-warning"' not in c.get(f"/evaluations/{r.pk}/").content.decode()
    questions = len(ballot_form(r).questions)
    targets = 60 // questions + 1
    n = _widen(r, targets)
    assert n > 60
    page = c.get(f"/evaluations/{r.pk}/").content.decode()
    assert f"{targets} 个评议对象 × {questions} 项内容 = {n} 个必答项" in page and "建议不超过 60 项" in page


def test_round_detail_does_not_warn_a_long_sheet_without_public_raters(city, client_for):
    r = make_round(
        city,
        status=RoundStatus.DRAFT,
        groups=[{"name": "党员", "kind": "members", "weight": 100, "mode": "members"}],
    )
    assert _widen(r, 61) > 60
    page = client_for(city.office).get(f"/evaluations/{r.pk}/").content.decode()
    assert 'data-testid="too-long-warning"' not in page
