"""Problem lists (问题清单): add, Excel import (all rows or none), status transitions allowed and refused,
linking commitments (an open problem starts being solved), the public page, pages and API."""

import io
import json

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from pacesetter.commitments import problems
from pacesetter.commitments.enums import CommitmentStatus, ProblemStatus
from pacesetter.commitments.models import Problem
from pacesetter.core.errors import PermissionDeniedError, StateError, ValidationError
from pacesetter.core.models import AuditEntry
from pacesetter.core.services import token_create

from .conftest import advance, deadline, org_commitment

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _xlsx(rows, header=problems.COLUMNS) -> SimpleUploadedFile:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(list(header))
    for r in rows:
        ws.append(list(r))
    buf = io.BytesIO()
    wb.save(buf)
    return SimpleUploadedFile("问题.xlsx", buf.getvalue(), content_type=XLSX)


def _add(city, camp, **kw):
    data = {
        "title": "群众办事多头跑",
        "source": "public",
        "owner_level": "leadership",
        "due_date": str(deadline(30)),
        **kw,
    }
    return problems.problem_create(actor=city.school_secretary, campaign=camp, org=city.school, **data)


def test_create_and_refusals(city, camp):
    p = _add(city, camp)
    assert (p.status, p.owner_level, p.source) == (ProblemStatus.OPEN, "leadership", "public")
    for kw, field in [
        ({"title": ""}, "title"),
        ({"title": "x" * 201}, "title"),
        ({"title": "a\x00"}, "title"),
        ({"source": "nowhere"}, "source"),
        ({"owner_level": "x"}, "owner_level"),
        ({"due_date": "not a date"}, "due_date"),
        ({"due_date": "2999-01-01"}, "due_date"),
        ({"due_date": "99999999999999999999"}, "due_date"),
    ]:
        with pytest.raises(ValidationError) as exc:
            _add(city, camp, **kw)
        assert exc.value.field == field, kw
    with pytest.raises(PermissionDeniedError):
        problems.problem_create(
            actor=city.school_secretary,
            campaign=camp,
            org=city.village,
            title="x",
            source="self",
            owner_level="staff",
            due_date=str(deadline(3)),
        )
    assert Problem.objects.count() == 1


def test_labels_accepted_as_choices(city, camp):
    p = _add(city, camp, source="群众意见", owner_level="中层干部")
    assert (p.source, p.owner_level) == ("public", "middle")


def test_import_all_or_nothing(city, camp):
    due = deadline(20).isoformat()
    bad = _xlsx(
        [
            ("问题一", "自查", "领导班子", due, ""),
            ("", "自查", "领导班子", due, ""),
            ("问题三", "火星", "一般干部", due, ""),
        ]
    )
    with pytest.raises(ValidationError) as exc:
        problems.problem_import(actor=city.school_secretary, campaign=camp, org=city.school, upload=bad)
    messages = [d["message"] for d in exc.value.details]
    assert messages[0].startswith("第 3 行：请填写问题") and messages[1].startswith("第 4 行：来源无效")
    assert not Problem.objects.exists()
    with pytest.raises(ValidationError):
        problems.problem_import(
            actor=city.school_secretary, campaign=camp, org=city.school, upload=_xlsx([], header=("a", "b"))
        )
    with pytest.raises(ValidationError):
        problems.problem_import(
            actor=city.school_secretary,
            campaign=camp,
            org=city.school,
            upload=SimpleUploadedFile("x.xlsx", b"PK\x03\x04 not really", content_type=XLSX),
        )
    good = _xlsx(
        [("问题一", "自查", "领导班子", due, "表现"), ("问题二", "上级督查", "一般干部", deadline(40), "")]
    )
    added = problems.problem_import(actor=city.school_secretary, campaign=camp, org=city.school, upload=good)
    assert [(p.title, p.owner_level) for p in added] == [("问题一", "leadership"), ("问题二", "staff")]
    assert AuditEntry.objects.filter(action="problem.import").count() == 1


def test_template_round_trips(city, camp):
    upload = SimpleUploadedFile("t.xlsx", problems.import_template(), content_type=XLSX)
    # the example row's date lies outside this test campaign only if it ends earlier; move it inside
    wb = openpyxl.load_workbook(io.BytesIO(upload.read()))
    wb.active["D2"] = deadline(10).isoformat()
    buf = io.BytesIO()
    wb.save(buf)
    added = problems.problem_import(
        actor=city.school_secretary,
        campaign=camp,
        org=city.school,
        upload=SimpleUploadedFile("t.xlsx", buf.getvalue(), content_type=XLSX),
    )
    assert [p.title for p in added] == ["群众办事多头跑"]


def test_transitions_allowed_and_refused(city, camp):
    p = _add(city, camp)
    with pytest.raises(StateError):
        problems.problem_transition(actor=city.school_secretary, problem=p, action="reopen")
    with pytest.raises(ValidationError):
        problems.problem_transition(actor=city.school_secretary, problem=p, action="explode")
    problems.problem_transition(actor=city.school_secretary, problem=p, action="start")
    with pytest.raises(StateError):
        problems.problem_transition(actor=city.school_secretary, problem=p, action="start")
    problems.problem_transition(actor=city.school_secretary, problem=p, action="solve")
    assert Problem.objects.get(pk=p.pk).solved_at is not None
    problems.problem_transition(actor=city.school_secretary, problem=p, action="reopen")
    p.refresh_from_db()
    assert (p.status, p.solved_at) == (ProblemStatus.SOLVING, None)
    assert list(
        AuditEntry.objects.filter(object_type="commitments.problem", action__startswith="problem.")
        .order_by("id")
        .values_list("action", flat=True)
    ) == ["problem.create", "problem.start", "problem.solve", "problem.reopen"]


def test_link_commitment_starts_solving_and_public_page(city, camp, client):
    p = _add(city, camp)
    c = org_commitment(city, camp, actor=city.school_secretary, title="开设一站式服务窗口")
    problems.problem_link(actor=city.school_secretary, problem=p, commitment=c)
    p.refresh_from_db()
    assert p.status == ProblemStatus.SOLVING and list(p.commitments.all()) == [c]
    with pytest.raises(StateError):
        problems.problem_link(actor=city.school_secretary, problem=p, commitment=c)
    other = org_commitment(city, camp, org=city.village, actor=city.office)
    with pytest.raises(ValidationError):
        problems.problem_link(actor=city.school_secretary, problem=p, commitment=other)
    _add(city, camp, title="尚未着手的问题")  # open problems stay off the public page
    html = client.get(f"/wall/org/{city.school.pk}/").content.decode()
    assert "群众办事多头跑" in html and "尚未着手的问题" not in html
    assert "开设一站式服务窗口" not in html  # the commitment itself is not public yet
    c = advance(city, c, CommitmentStatus.PUBLISHED)
    html = client.get(f"/wall/org/{city.school.pk}/").content.decode()
    assert f'data-testid="public-problem-{p.pk}"' in html and "开设一站式服务窗口" in html


def test_pages(city, camp, client_for):
    c = client_for(city.school_secretary)
    url = f"/commitments/problems/orgs/{city.school.pk}/?campaign={camp.pk}"
    assert c.get(url).status_code == 200
    r = c.post(url, {"title": "  ", "source": "self", "owner_level": "staff", "due_date": deadline(5)})
    assert r.status_code == 422 and 'data-testid="field-error"' in r.content.decode()
    r = c.post(url, {"title": "会议多", "source": "self", "owner_level": "staff", "due_date": "2999-01-01"})
    assert r.status_code == 422 and "解决时限须在活动起止日期之内" in r.content.decode()
    r = c.post(url, {"title": "会议多", "source": "self", "owner_level": "staff", "due_date": deadline(5)})
    assert r.status_code == 302
    p = Problem.objects.get()
    r = c.post(
        f"/commitments/problems/orgs/{city.school.pk}/import/?campaign={camp.pk}",
        {"file": _xlsx([("x", "?", "?", "?", "")])},
    )
    assert r.status_code == 422 and "第 2 行" in r.content.decode()
    assert c.get("/commitments/problems/template.xlsx")["Content-Type"] == XLSX
    r = c.post(f"/commitments/problems/{p.pk}/transition/", {"action": "solve"})
    assert r.status_code == 302 and Problem.objects.get().status == ProblemStatus.DONE
    # a secretary of another branch cannot see it
    assert client_for(city.office).get(url).status_code == 200


def test_api(city, camp):
    api = Client(HTTP_AUTHORIZATION=f"Bearer {token_create(actor=city.school_secretary, name='t')[1]}")
    base = f"/api/problems?org_id={city.school.pk}&campaign_id={camp.pk}"
    body = {"title": "窗口少", "source": "public", "owner_level": "middle", "due_date": str(deadline(9))}
    r = api.post(base, json.dumps(body), content_type="application/json")
    assert r.status_code == 201, r.content
    pid = r.json()["id"]
    bad = api.post(base, json.dumps({**body, "due_date": "x"}), content_type="application/json")
    assert bad.status_code == 422 and bad.json()["field"] == "due_date"
    c = org_commitment(city, camp, actor=city.school_secretary)
    r = api.post(
        f"/api/problems/{pid}/links", json.dumps({"commitment_id": c.pk}), content_type="application/json"
    )
    assert r.status_code == 200 and r.json()["status"] == "solving" and r.json()["commitment_ids"] == [c.pk]
    r = api.post(
        f"/api/problems/{pid}/transition", json.dumps({"action": "solve"}), content_type="application/json"
    )
    assert r.json()["status"] == "done"
    r = api.post(
        f"/api/problems/import?org_id={city.school.pk}&campaign_id={camp.pk}",
        {"file": _xlsx([("导入的问题", "自查", "一般干部", deadline(3).isoformat(), "")])},
    )
    assert r.status_code == 201 and r.json()[0]["title"] == "导入的问题"
    assert len(api.get(base).json()) == 2
