"""Required and optional actions: defining, auto-detection, manual links inside the window, the parent's
rejection and its undoing, marking optional actions, the missing counts and the 通报 draft, pages and API."""

import datetime
import json

import pytest
from django.test import Client

from pacesetter.actions import services
from pacesetter.actions.enums import ActionState, LinkSource, LinkStatus
from pacesetter.actions.models import ActionLink, OptionalAction, RequiredAction
from pacesetter.actions.selectors import checklist_for, missing_counts, missing_orgs
from pacesetter.core.errors import PermissionDeniedError, StateError, ValidationError
from pacesetter.core.models import AuditEntry
from pacesetter.core.services import token_create
from pacesetter.notifications.models import Notification
from pacesetter.supervision.documents import notice_draft_text

from .conftest import make_record


def _states(loop, org):
    return {r.action.name: r.state for r in checklist_for(campaign=loop.campaign, org=org)}


def test_define_refusals(loop):
    with pytest.raises(PermissionDeniedError):
        services.required_action_create(actor=loop.school_secretary, step=loop.commit, name="半年点评")
    for kwargs, field in [
        ({"name": ""}, "name"),
        ({"name": "x" * 101}, "name"),
        ({"name": "a\x00b"}, "name"),
        ({"name": "召开动员会", "record_kind": "nope"}, "record_kind"),
        ({"name": "半年点评", "order": 10**12}, "order"),
    ]:
        step = loop.mobilise if kwargs["name"] == "召开动员会" else loop.commit
        with pytest.raises(ValidationError) as exc:
            services.required_action_create(actor=loop.city.office, step=step, **kwargs)
        assert exc.value.field == field
    with pytest.raises(ValidationError) as exc:
        services.required_action_create(actor=loop.city.office, step=loop.mobilise, name="召开动员会")
    assert exc.value.field == "name"
    assert RequiredAction.objects.count() == 2


def test_states_without_evidence(loop):
    assert _states(loop, loop.city.school) == {
        "召开动员会": ActionState.MISSING,
        "公开承诺上墙": ActionState.PENDING,
    }


def test_auto_detected_inside_window_only(loop):
    school = loop.city.school
    make_record(school, kind="mobilisation", days_ago=5, title="太晚的动员会")  # after the step closed
    assert _states(loop, school)["召开动员会"] == ActionState.MISSING
    rec = make_record(school, kind="mobilisation", days_ago=30, title="创先争优动员大会")
    [row] = [r for r in checklist_for(campaign=loop.campaign, org=school) if r.action == loop.meeting]
    assert (row.state, row.evidence, row.evidence_link) == (ActionState.DONE, rec, None)


def test_manual_link_inside_window(loop):
    school = loop.city.school
    rec = make_record(school, kind="other", days_ago=2, title="承诺事项上墙公开")
    link = services.action_link_create(actor=loop.school_secretary, action=loop.wall, org=school, record=rec)
    assert (link.status, link.source) == (LinkStatus.LINKED, LinkSource.MANUAL)
    assert _states(loop, school)["公开承诺上墙"] == ActionState.DONE
    assert AuditEntry.objects.filter(action="action_link.create").count() == 1
    with pytest.raises(StateError):
        services.action_link_create(actor=loop.school_secretary, action=loop.wall, org=school, record=rec)


def test_manual_link_refusals(loop):
    school = loop.city.school
    old = make_record(school, days_ago=40)
    with pytest.raises(ValidationError) as exc:
        services.action_link_create(actor=loop.school_secretary, action=loop.wall, org=school, record=old)
    assert exc.value.field == "record"
    other = make_record(loop.city.village, days_ago=1)
    with pytest.raises(ValidationError):
        services.action_link_create(actor=loop.school_secretary, action=loop.wall, org=school, record=other)
    with pytest.raises(PermissionDeniedError):
        services.action_link_create(
            actor=loop.school_secretary, action=loop.wall, org=loop.city.village, record=other
        )
    assert not ActionLink.objects.exists()


def test_parent_rejects_auto_detected_record_and_restores(loop):
    school = loop.city.school
    rec = make_record(school, kind="mobilisation", days_ago=30, title="动员会")
    with pytest.raises(PermissionDeniedError):  # the branch cannot judge its own evidence
        services.action_link_reject(
            actor=loop.school_secretary, action=loop.meeting, org=school, record=rec, reason="不算"
        )
    with pytest.raises(ValidationError) as exc:
        services.action_link_reject(
            actor=loop.city.secretary, action=loop.meeting, org=school, record=rec, reason=" "
        )
    assert exc.value.field == "reason" and not ActionLink.objects.exists()
    link = services.action_link_reject(
        actor=loop.city.secretary,
        action=loop.meeting,
        org=school,
        record=rec,
        reason="只有通知，没有会议记录",
    )
    assert (link.status, link.source, link.reason) == (
        LinkStatus.REJECTED,
        LinkSource.AUTO,
        "只有通知，没有会议记录",
    )
    assert _states(loop, school)["召开动员会"] == ActionState.MISSING
    notice = Notification.objects.get(recipient=loop.school_secretary, title__contains="召开动员会")
    assert notice.kind == "actions.evidence"  # a kind of its own, so it can be switched per channel (#20)
    with pytest.raises(StateError):  # rejecting twice
        services.action_link_reject(
            actor=loop.city.secretary, action=loop.meeting, org=school, record=rec, reason="x"
        )
    with pytest.raises(StateError):  # a rejected record cannot be linked again
        services.action_link_create(actor=loop.school_secretary, action=loop.meeting, org=school, record=rec)
    services.action_link_restore(actor=loop.city.secretary, link=link)
    assert _states(loop, school)["召开动员会"] == ActionState.DONE
    with pytest.raises(StateError):
        services.action_link_restore(actor=loop.city.secretary, link=link)
    assert list(
        AuditEntry.objects.filter(object_type="actions.actionlink")
        .order_by("id")
        .values_list("action", flat=True)
    ) == ["action_link.reject", "action_link.restore"]


def test_reject_unrelated_record_refused(loop):
    rec = make_record(loop.city.school, kind="study", days_ago=30)
    with pytest.raises(ValidationError):
        services.action_link_reject(
            actor=loop.city.secretary, action=loop.meeting, org=loop.city.school, record=rec, reason="x"
        )


def test_optional_actions_and_marks(loop):
    school = loop.city.school
    rec = make_record(school, days_ago=1, title="四点半课堂")
    opt = services.optional_action_create(
        actor=loop.school_secretary, campaign=loop.campaign, org=school, title="四点半课堂", record=rec
    )
    with pytest.raises(ValidationError) as exc:
        services.optional_action_create(
            actor=loop.school_secretary, campaign=loop.campaign, org=school, title=""
        )
    assert exc.value.field == "title"
    with pytest.raises(ValidationError):
        services.optional_action_create(
            actor=loop.city.office, campaign=loop.campaign, org=loop.city.city, title="市委自己"
        )
    with pytest.raises(PermissionDeniedError):
        services.optional_action_mark(actor=loop.city.secretary, optional=opt, highlight="brand")
    with pytest.raises(ValidationError):
        services.optional_action_mark(actor=loop.city.office, optional=opt, highlight="gold")
    services.optional_action_mark(actor=loop.city.office, optional=opt, highlight="feature")
    assert OptionalAction.objects.get(pk=opt.pk).get_highlight_display() == "特色"


def test_missing_counts_and_notice(loop):
    city = loop.city
    make_record(city.school, kind="mobilisation", days_ago=30, title="动员会")
    counts = {
        m.action.name: (m.state, m.not_done, m.total)
        for m in missing_counts(campaign=loop.campaign, root=city.city)
    }
    assert counts == {"召开动员会": (ActionState.MISSING, 3, 4), "公开承诺上墙": (ActionState.PENDING, 4, 4)}
    missed = missing_orgs(campaign=loop.campaign, root=city.city)
    assert missed == [
        ("城厢区委", ["召开动员会"]),
        ("和林镇党委", ["召开动员会"]),
        ("八一村党支部", ["召开动员会"]),
    ]
    _title, body = notice_draft_text(org=city.city, campaign=loop.campaign, today=datetime.date.today())
    assert (
        "以下组织规定动作缺项：城厢区委（召开动员会）；和林镇党委（召开动员会）；八一村党支部（召开动员会）。"
        in body
    )


def test_pages_checklist_link_reject(loop, client_for):
    school = loop.city.school
    url = f"/actions/orgs/{school.pk}/?campaign={loop.campaign.pk}"
    rec = make_record(school, days_ago=1, title="承诺栏上墙")
    c = client_for(loop.school_secretary)
    html = c.get(url).content.decode()
    assert f'data-testid="state-{loop.wall.pk}"' in html and "承诺栏上墙" in html
    assert f'data-testid="reject-{loop.wall.pk}"' not in html
    bad = c.post(
        f"/actions/orgs/{school.pk}/required/{loop.wall.pk}/link/", {"record": "99999999999999999999"}
    )
    assert bad.status_code == 422 and "请选择本组织的一条记实" in bad.content.decode()
    r = c.post(f"/actions/orgs/{school.pk}/required/{loop.wall.pk}/link/", {"record": rec.pk})
    assert r.status_code == 302 and _states(loop, school)["公开承诺上墙"] == ActionState.DONE
    parent = client_for(loop.city.secretary)
    empty = parent.post(
        f"/actions/orgs/{school.pk}/required/{loop.wall.pk}/reject/", {"record": rec.pk, "reason": ""}
    )
    assert empty.status_code == 422
    r = parent.post(
        f"/actions/orgs/{school.pk}/required/{loop.wall.pk}/reject/",
        {"record": rec.pk, "reason": "照片看不清"},
    )
    assert r.status_code == 302 and _states(loop, school)["公开承诺上墙"] == ActionState.PENDING
    assert "照片看不清" in c.get(url).content.decode()
    # the branch may not reject: the policy lets a secretary through, the object rule refuses
    assert (
        c.post(
            f"/actions/orgs/{school.pk}/required/{loop.wall.pk}/reject/", {"record": rec.pk, "reason": "x"}
        ).status_code
        == 403
    )


def test_pages_required_list_and_dashboard(loop, client_for):
    office = client_for(loop.city.office)
    r = office.post(
        f"/actions/campaigns/{loop.campaign.pk}/required/",
        {"step": loop.commit.pk, "name": "", "record_kind": "", "order": 1},
    )
    assert r.status_code == 422
    r = office.post(
        f"/actions/campaigns/{loop.campaign.pk}/required/",
        {"step": loop.commit.pk, "name": "半年点评", "record_kind": "branch_assembly", "order": 2},
    )
    assert r.status_code == 302 and RequiredAction.objects.filter(name="半年点评").exists()
    dash = office.get(f"/progress/?campaign={loop.campaign.pk}").content.decode()
    assert f'data-testid="missing-count-{loop.meeting.pk}">4<' in dash


def test_api(loop):
    school = loop.city.school
    rec = make_record(school, days_ago=1, title="承诺栏上墙")
    sec = Client(HTTP_AUTHORIZATION=f"Bearer {token_create(actor=loop.school_secretary, name='t')[1]}")
    office = Client(HTTP_AUTHORIZATION=f"Bearer {token_create(actor=loop.city.office, name='o')[1]}")

    def post(c, url, data):
        return c.post(url, json.dumps(data), content_type="application/json")

    r = post(
        office,
        f"/api/campaigns/{loop.campaign.pk}/required-actions",
        {"step_id": loop.commit.pk, "name": "半年点评"},
    )
    assert r.status_code == 201 and r.json()["step_kind"] == "commit"
    assert (
        post(
            office, f"/api/campaigns/{loop.campaign.pk}/required-actions", {"step_id": 0, "name": "x"}
        ).status_code
        == 422
    )
    r = post(sec, f"/api/actions/orgs/{school.pk}/required/{loop.wall.pk}/links", {"record_id": rec.pk})
    assert r.status_code == 201 and r.json()["status"] == "linked"
    r = sec.get(f"/api/actions/orgs/{school.pk}/checklist?campaign_id={loop.campaign.pk}")
    items = {i["name"]: i for i in r.json()["items"]}
    assert items["公开承诺上墙"]["state"] == "done" and items["公开承诺上墙"]["evidence"]["id"] == rec.pk
    r = post(
        office,
        f"/api/actions/orgs/{school.pk}/required/{loop.wall.pk}/reject",
        {"record_id": rec.pk, "reason": "不清楚"},
    )
    assert r.status_code == 200 and r.json()["status"] == "rejected"
    r = post(
        sec, f"/api/actions/orgs/{school.pk}/optional?campaign_id={loop.campaign.pk}", {"title": "四点半课堂"}
    )
    assert r.status_code == 201
    r = post(office, f"/api/actions/optional/{r.json()['id']}/mark", {"highlight": "brand"})
    assert r.json()["highlight"] == "brand"
    missing = office.get(f"/api/campaigns/{loop.campaign.pk}/missing-actions").json()
    assert {m["name"]: m["not_done"] for m in missing}["召开动员会"] == 4
