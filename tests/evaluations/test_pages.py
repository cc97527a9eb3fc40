"""Pages: setup, code slips, paper entry, results, publication, exports, public ballot; query counts."""

import io
import re

import pytest
from django.test import override_settings
from django.utils import timezone
from docx import Document
from openpyxl import load_workbook

from pacesetter.evaluations import services
from pacesetter.evaluations.enums import RoundStatus
from pacesetter.evaluations.models import BallotCode, BallotSheet, Round
from pacesetter.evaluations.selectors import ballot_form

from .helpers import answers, codes, make_round


def _post_answers(round_, score="100"):
    form = ballot_form(round_)
    return {f"t{t.id}_q{q.position}": score for t in form.targets for q in form.questions}


def test_create_round_page_with_weight_error_then_success(city, client_for):
    c = client_for(city.secretary)
    data = {
        "name": "城厢区满意度调查",
        "organisation": "城厢区委",
        "kind": "satisfaction",
        "target_mode": "orgs",
        "scale": "satisfaction",
        "opens_at": "2030-01-01T08:00",
        "closes_at": "2030-01-10T18:00",
        "k_min": "5",
        "satisfaction_threshold": "60",
        "g1_name": "群众",
        "g1_kind": "public",
        "g1_weight": "60",
        "g1_mode": "codes",
        "g2_name": "党员",
        "g2_kind": "members",
        "g2_weight": "30",
        "g2_mode": "members",
    }
    r = c.post("/evaluations/new/", data)
    assert r.status_code == 200
    assert "各评议主体的权重合计必须为 100%，现在是 90%" in r.content.decode()
    data["g2_weight"] = "40"
    r = c.post("/evaluations/new/", data)
    round_ = Round.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/evaluations/{round_.pk}/"
    assert list(round_.targets.values_list("name", flat=True)) == ["城厢区实验小学党支部"]


def test_outside_scope_gets_404(city, client_for):
    r = make_round(city)
    assert client_for(city.town_secretary).get(f"/evaluations/{r.pk}/").status_code == 404
    assert client_for(city.leader).get(f"/evaluations/{r.pk}/").status_code == 404
    assert client_for(city.office).get(f"/evaluations/{r.pk}/").status_code == 200
    assert client_for(city.member_user).get(f"/evaluations/{r.pk}/").status_code == 403


def test_code_slips_docx_has_qr_codes(city, client_for):
    r = make_round(city)
    grp = r.groups.get(name="群众")
    resp = client_for(city.office).post(f"/evaluations/{r.pk}/codes/", {"group": grp.pk, "count": 9})
    assert resp.status_code == 200 and resp["Cache-Control"] == "no-store"
    doc = Document(io.BytesIO(resp.content))
    text = "\n".join(
        p.text for t in doc.tables for row in t.rows for cell in row.cells for p in cell.paragraphs
    )
    shown = re.findall(r"评议码：([2-9A-Z]{4}-[2-9A-Z]{4}-[2-9A-Z]{4})", text)
    assert len(shown) == 9 and BallotCode.objects.filter(group=grp).count() == 9
    assert len(doc.inline_shapes) == 9
    # the address printed is the one the clerk reached the site at, unless the deployment names one
    assert text.count("手机扫码，或打开 http://testserver/e/ 输入评议码") == 9
    with override_settings(SITE_URL="https://cxzy.example.gov.cn/"):
        again = client_for(city.office).post(f"/evaluations/{r.pk}/codes/", {"group": grp.pk, "count": 1})
    assert "打开 https://cxzy.example.gov.cn/e/ 输入评议码" in "\n".join(
        p.text for t in Document(io.BytesIO(again.content)).tables for c in t._cells for p in c.paragraphs
    )
    # each code opens a ballot
    code = shown[0]
    page = client_for(None).get(f"/e/{code}/")
    assert page.status_code == 200 and "总体满意度" in page.content.decode()


def test_public_ballot_page_cast_receipt_and_no_code_afterwards(city, client):
    r = make_round(city)
    [code] = codes(city, r, n=1)
    half = _post_answers(r)
    half.popitem()
    resp = client.post(f"/e/{code}/", half)
    assert resp.status_code == 422 and "八一村党支部 · 总体满意度" in resp.content.decode()
    assert BallotSheet.objects.count() == 0
    resp = client.post(f"/e/{code}/", _post_answers(r))
    receipt = BallotSheet.objects.get().receipt
    assert resp.status_code == 302 and code not in resp["Location"]
    body = client.get(resp["Location"]).content.decode()
    assert receipt in body and "投票成功" in body and "已收到" in body and code not in body
    again = client.get(f"/e/{code}/")
    assert again.status_code == 409 and "已使用" in again.content.decode()
    assert client.get("/e/ZZZZZZZZZZZZ/").status_code == 422


def test_paper_entry_page(city, client_for):
    r = make_round(city)
    [code] = codes(city, r, n=1)
    c = client_for(city.office)
    resp = c.post(f"/evaluations/{r.pk}/paper/", {"code": code, **_post_answers(r, "0")})
    assert resp.status_code == 302
    sheet = BallotSheet.objects.get()
    assert sheet.channel == "paper" and sheet.entered_by == city.office
    resp = c.post(f"/evaluations/{r.pk}/paper/", {"code": code, **_post_answers(r, "0")})
    assert resp.status_code == 409 and "已使用" in resp.content.decode()


def test_results_publication_respects_k_and_exports(city, client_for):
    r = make_round(city, k_min=3)
    for code in codes(city, r, "群众", 3):
        services.ballot_cast_code(code=code, answers=answers(r, 100))
    services.ballot_cast_code(code=codes(city, r, "代表", 1)[0], answers=answers(r, 0))
    office = client_for(city.office)
    anon = client_for(None)
    assert anon.get(f"/e/results/{r.pk}/").status_code == 404
    office.post(f"/evaluations/{r.pk}/status/", {"to": "closed"})
    assert office.post(f"/evaluations/{r.pk}/publish/", {"published": "1"}).status_code == 302
    page = anon.get(f"/e/results/{r.pk}/").content.decode()
    assert "样本不足" in page and "100.0" in page
    assert "党员、代表" in page  # the groups whose weight was redistributed are named
    wb = load_workbook(io.BytesIO(office.get(f"/evaluations/{r.pk}/results.xlsx").content))
    rows = list(wb["评议结果"].iter_rows(values_only=True))
    assert rows[1][1] == "城厢区委" and rows[1][4] == 100.0 and rows[1][3] == 4
    doc = Document(io.BytesIO(office.get(f"/evaluations/{r.pk}/report.docx").content))
    texts = [p.text for p in doc.paragraphs]
    assert texts[0] == "示范市委" and texts[2] == "关于2011年度群众评议结果的通报"
    assert doc.tables[0].rows[1].cells[3].text == "100.0"


def test_report_docx_is_a_gbt9704_document_on_a4(city, client_for):
    from docx.shared import RGBColor

    from pacesetter.documents.word import cn_date

    r = make_round(city)
    office = client_for(city.office)
    office.post(f"/evaluations/{r.pk}/status/", {"to": "closed"})
    doc = Document(io.BytesIO(office.get(f"/evaluations/{r.pk}/report.docx").content))
    section = doc.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert doc.paragraphs[0].runs[0].font.color.rgb == RGBColor(0xFF, 0, 0)  # 发文机关标志
    assert 'w:color="FF0000"' in doc.paragraphs[1]._p.xml  # the red rule under it
    texts = [p.text for p in doc.paragraphs]
    today = cn_date(timezone.localdate())
    assert texts[-3:] == ["示范市委", today, f"示范市委\t{today}印发"]  # signature, date, 版记
    assert not re.search(r"年0\d月|月0\d日", "".join(texts))


def test_member_sees_round_and_evaluates_peers(city, client_for):
    from tests.factories import make_member

    colleague = make_member(city.school, "张老师")
    r = make_round(city, members=True, extra_members=[colleague])
    c = client_for(city.member_user)
    assert f"/evaluations/{r.pk}/peer/" in c.get("/evaluations/mine/").content.decode()
    page = c.get(f"/evaluations/{r.pk}/peer/").content.decode()
    assert "张老师" in page and "林老师" not in page
    form = ballot_form(r)
    data = {
        f"t{t.id}_q{q.position}": "100"
        for t in form.targets
        if t.member_id != city.teacher.pk
        for q in form.questions
    }
    resp = c.post(f"/evaluations/{r.pk}/peer/", data)
    body = resp.content.decode()
    assert resp.status_code == 200 and BallotSheet.objects.count() == 2
    assert all(receipt in body for receipt in BallotSheet.objects.values_list("receipt", flat=True))
    assert "您已完成本次评议" in c.get(f"/evaluations/{r.pk}/peer/").content.decode()


@pytest.mark.parametrize("n", [3, 25])
def test_round_list_query_count_is_constant(city, client_for, django_assert_num_queries, n):
    for i in range(n):
        make_round(city, name=f"评议{i}", status=RoundStatus.DRAFT)
    c = client_for(city.office)
    c.get("/evaluations/")
    with django_assert_num_queries(5):
        assert c.get("/evaluations/").status_code == 200


@pytest.mark.parametrize("n", [1, 8])
def test_results_page_query_count_is_constant(city, client_for, django_assert_num_queries, n):
    r = make_round(city, k_min=3)
    for code in codes(city, r, "群众", n):
        services.ballot_cast_code(code=code, answers=answers(r, 60))
    services.round_transition(actor=city.office, round_=r, to_status=RoundStatus.CLOSED)
    c = client_for(city.office)
    c.get(f"/evaluations/{r.pk}/results/")
    with django_assert_num_queries(9):
        assert c.get(f"/evaluations/{r.pk}/results/").status_code == 200
