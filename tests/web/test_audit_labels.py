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


def test_every_action_the_code_writes_has_a_label():
    """Each literal audit action in the source (action="app.verb") reads as Chinese on the audit page: a new
    app's actions were shown as raw codes (assessment.score_adjust, honours.nomination.nominate, …)."""
    import re
    from pathlib import Path

    import pacesetter

    source = Path(pacesetter.__file__).parent
    codes = {
        m
        for path in source.rglob("*.py")
        if "migrations" not in path.parts
        for m in re.findall(r'\baction="([a-z_]+\.[a-z_.]+)"', path.read_text(encoding="utf-8"))
    }
    assert len(codes) > 100
    assert sorted(c for c in codes if action_label(c) == c) == []
    assert action_label("assessment.score_adjust") == "组织考核 · 调整等次"


def test_codes_outside_the_entrys_model_read_as_labels():
    """Counts by record kind and the statuses of other objects, which the entry's own model does not declare,
    take the label the code has elsewhere; what nothing explains stays as it is."""
    from pacesetter.web.audit_labels import field_label, value_label

    assert field_label("assessment.scorecard", "party_analysis") == "党性分析"
    assert field_label("supervision.reviewsession", "present") == "出席"
    assert value_label("supervision.rectification", "source", "low_satisfaction") == "群众评议满意度过低"
    assert value_label("core.task", "note", "没有对应代码的文字") == "没有对应代码的文字"
    assert field_label("core.task", "no_such_key") == "no_such_key"


def test_a_foreign_key_in_a_change_reads_as_the_objects_name(city):
    """A change that recorded an organisation's id (主办组织 → 3) shows the organisation, with its parent."""
    from pacesetter.web.audit_labels import value_label

    assert (
        value_label("supervision.reviewsession", "organisation", city.school.pk)
        == "城厢区委 / 城厢区实验小学党支部"
    )
    assert value_label("supervision.reviewsession", "organisation", 10**12) == str(10**12)
