"""The audit log page and its Excel export show Chinese labels for actions, fields and coded values."""

import io

import pytest
from openpyxl import load_workbook

from pacesetter.complaints import services
from pacesetter.web.audit_labels import action_label

pytestmark = pytest.mark.django_db


def _case(city):
    services.categories_ensure()
    case, _ = services.case_file_public(
        subject_type="org",
        subject_id=city.school.pk,
        category="conduct",
        text="学校党支部办事拖拉，群众反映多次未得到答复。",
        ip="10.0.0.1",
    )
    return services.case_acknowledge(actor=city.secretary, case=case)


def test_action_labels_derive_from_the_apps_enums():
    assert action_label("case.acknowledge") == "群众反映件 · 受理"
    assert action_label("plan.approve") == "工作计划 · 通过"
    assert action_label("member.update") == "党员 · 修改"
    assert action_label("evaluation.round.publish") == "评议 · 轮次发布"
    assert action_label("mystery.thing") == "mystery.thing"  # unknown codes stay visible


def test_audit_page_shows_labels_not_codes(city, client_for):
    _case(city)
    page = client_for(city.office).get("/audit/").content.decode()
    assert "群众反映件 · 受理" in page
    assert "待受理 → 核查中" in page  # the status change, labelled from CaseStatus
    assert (
        "received →" not in page
        and "processing" not in page.split('data-testid="audit-table"')[1].split("<small")[0]
    )
    assert 'data-testid="audit-xlsx"' in page


def test_audit_export_has_the_same_labels(city, client_for):
    _case(city)
    r = client_for(city.office).get("/audit.xlsx?action=case.acknowledge")
    assert r.status_code == 200
    ws = load_workbook(io.BytesIO(r.content)).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][2] == "操作" and len(rows) == 2
    assert rows[1][2] == "群众反映件 · 受理" and rows[1][3] == "case.acknowledge"
    assert "待受理 → 核查中" in rows[1][5]
    assert client_for(city.member_user).get("/audit.xlsx").status_code == 403
