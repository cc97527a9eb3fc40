"""Batch entry of paper ballots from Excel: the template, all-or-nothing import, the page and the API."""

import io
from collections import Counter

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from pacesetter.campaigns.models import CriteriaSet
from pacesetter.core.errors import PermissionDeniedError
from pacesetter.core.models import AuditEntry
from pacesetter.evaluations import paper_import as paper
from pacesetter.evaluations import services
from pacesetter.evaluations.enums import RoundStatus
from pacesetter.evaluations.errors import RateLimitedError, RoundNotOpenError
from pacesetter.evaluations.models import Ballot, BallotCode, BallotSheet, CodeAttempt
from pacesetter.evaluations.selectors import ballot_form

from .helpers import answers, codes, make_campaign, make_round

FIRST = 3  # the template's first data row: title, header, then the blocks
UNKNOWN_CODE = "2345-6789-ABCD"
TARGETS = ["城厢区委", "城厢区实验小学党支部", "和林镇党委", "八一村党支部"]


@pytest.fixture
def round_(city):
    campaign = make_campaign(city)
    return make_round(city, criteria=CriteriaSet.objects.get(campaign=campaign, subject="org"))


def _template(round_):
    wb = load_workbook(io.BytesIO(paper.paper_template_xlsx(round_)))
    return wb, wb[paper.SHEET_TITLE]


def _fill(ws, round_, block: int, code: str, value="满意") -> int:
    """Fill pre-filled block `block` (0-based) as one paper sheet; returns its first Excel row."""
    form = ballot_form(round_)
    first = FIRST + block * len(form.targets)
    for row in range(first, first + len(form.targets)):
        ws.cell(row=row, column=1, value=code)
        for col in range(3, 3 + len(form.questions)):
            ws.cell(row=row, column=col, value=value)
    return first


def _content(wb) -> bytes:
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _upload(content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile("纸质测评表.xlsx", content, content_type=paper.XLSX_CONTENT_TYPE)


def _clean_file(round_, sheet_codes) -> bytes:
    wb, ws = _template(round_)
    for block, code in enumerate(sheet_codes):
        _fill(ws, round_, block, code)
    return _content(wb)


def test_template_has_header_prefilled_targets_dropdowns_and_guide(city, round_):
    wb, ws = _template(round_)
    form = ballot_form(round_)
    assert round_.name in ws["A1"].value
    assert [c.value for c in ws[2]] == ["评议码", "评议对象", *(q.text for q in form.questions)]
    assert len(form.questions) == 5
    names = [ws.cell(row=r, column=2).value for r in range(FIRST, ws.max_row + 1)]
    assert names == TARGETS * paper.TEMPLATE_BLOCKS
    assert all(ws.cell(row=r, column=1).value is None for r in range(FIRST, ws.max_row + 1))
    assert ws.freeze_panes == "C3"
    validations = {str(dv.sqref): dv.formula1 for dv in ws.data_validations.dataValidation}
    assert validations == {"C3:G5000": "'选项'!$A$1:$A$4", "B3:B5000": "'选项'!$B$1:$B$4"}
    lists = wb[paper.LISTS_TITLE]
    assert lists.sheet_state == "hidden"
    assert [lists.cell(row=r, column=1).value for r in range(1, 5)] == [
        "满意",
        "基本满意",
        "不满意",
        "不了解",
    ]
    assert [lists.cell(row=r, column=2).value for r in range(1, 5)] == TARGETS
    assert wb.sheetnames == ["纸质测评表", "说明", "选项"]
    assert "不了解" in "".join(str(c.value) for c in wb["说明"]["A"])


def test_clean_file_stores_every_sheet_as_paper_by_the_clerk(city, round_):
    c1, c2, c3 = codes(city, round_, n=3)
    wb, ws = _template(round_)
    _fill(ws, round_, 0, c1)
    _fill(ws, round_, 1, f" {c2.lower()[:4]}-{c2.lower()[4:8]}-{c2.lower()[8:]} ", value=60)  # as typed
    row = _fill(ws, round_, 2, c3, value="不满意")
    ws.cell(row=row, column=3, value="不了解")
    ws.cell(row=row + 1, column=4, value="dk")
    ws.cell(row=row + 2, column=5, value="100")

    report = paper.paper_import(actor=city.office, round_=round_, content=_content(wb))

    assert report == paper.PaperImportReport(ok=True, sheets=3, errors=[])
    sheets = BallotSheet.objects.filter(round=round_)
    assert sheets.count() == 3
    assert set(sheets.values_list("channel", "entered_by")) == {("paper", city.office.pk)}
    assert Ballot.objects.filter(round=round_).count() == 3 * 4
    a1 = Counter(Ballot.objects.filter(round=round_).values_list("a1", flat=True))
    assert a1 == {100: 4, 60: 4, 0: 3, None: 1}
    assert Ballot.objects.filter(round=round_, a3=100, a1=0).count() == 1
    assert (
        list(BallotCode.objects.filter(round=round_).values_list("spent", "channel")) == [(True, "paper")] * 3
    )
    [entry] = AuditEntry.objects.filter(action="evaluation.paper.import")
    assert entry.actor == city.office and entry.object_id == str(round_.pk)
    assert entry.changes == {"_": {"sheets": 3}}
    stored = str(entry.changes) + entry.object_repr
    assert not any(c in stored or c[:4] in stored for c in (c1, c2, c3))


def test_every_problem_is_reported_with_its_row_and_nothing_is_stored(city, round_):
    ok, bad_target, bad_answer, dup, short, spent = codes(city, round_, n=6)
    services.ballot_cast_code(code=spent, answers=answers(round_))
    [foreign] = codes(city, make_round(city, name="另一次评议"), n=1)
    wb, ws = _template(round_)
    _fill(ws, round_, 0, ok)
    r1 = _fill(ws, round_, 1, bad_target)
    ws.cell(row=r1 + 1, column=2, value="城厢区实验中学党支部")
    r2 = _fill(ws, round_, 2, bad_answer)
    ws.cell(row=r2, column=3, value="很好")
    ws.cell(row=r2 + 1, column=4).value = None  # cell(value=None) would not clear it
    r3 = _fill(ws, round_, 3, dup)
    ws.cell(row=r3 + 3, column=2, value="城厢区委")
    r4 = _fill(ws, round_, 4, short)
    for col in (1, 3, 4, 5, 6, 7):  # the last target's row left blank: skipped, so the sheet lacks it
        ws.cell(row=r4 + 3, column=col).value = None
    r5 = _fill(ws, round_, 5, spent)
    r6 = _fill(ws, round_, 6, UNKNOWN_CODE)
    r7 = _fill(ws, round_, 7, foreign)
    r8 = _fill(ws, round_, 8, "ABC-123")
    before = (BallotSheet.objects.count(), Ballot.objects.count())

    report = paper.paper_import(actor=city.office, round_=round_, content=_content(wb))

    q1, q2 = (q.text for q in ballot_form(round_).questions[:2])
    assert report.ok is False and report.sheets == 9
    assert report.errors == [
        {"row": r1, "column": "评议码", "value": bad_target, "reason": "这份测评表缺少以下评议对象：城厢区实验小学党支部"},
        {"row": r1 + 1, "column": "评议对象", "value": "城厢区实验中学党支部", "reason": "不是本次评议的对象，请从下拉列表选择"},
        {"row": r2, "column": q1, "value": "很好", "reason": "不是有效选项，可填：满意、基本满意、不满意、不了解"},
        {"row": r2 + 1, "column": q2, "value": "", "reason": "未填写，可填“不了解”"},
        {"row": r3, "column": "评议码", "value": dup, "reason": "这份测评表缺少以下评议对象：八一村党支部"},
        {"row": r3 + 3, "column": "评议对象", "value": "城厢区委", "reason": f"同一评议码已在第 {r3} 行填写过该对象"},
        {"row": r4, "column": "评议码", "value": short, "reason": "这份测评表缺少以下评议对象：八一村党支部"},
        {"row": r5, "column": "评议码", "value": spent, "reason": "该评议码已使用"},
        {"row": r6, "column": "评议码", "value": UNKNOWN_CODE, "reason": "评议码不存在"},
        {"row": r7, "column": "评议码", "value": foreign, "reason": "该评议码不属于本次评议"},
        {"row": r8, "column": "评议码", "value": "ABC-123", "reason": "评议码格式不对：应为 12 位字母和数字，如 ABCD-EFGH-JKMN"},
    ]  # fmt: skip
    assert (BallotSheet.objects.count(), Ballot.objects.count()) == before
    assert BallotCode.objects.filter(round=round_, spent=True).count() == 1  # only the one cast beforehand
    assert not AuditEntry.objects.filter(action="evaluation.paper.import").exists()
    # the unknown code and the other round's code count against the clerk's rate limit, once each
    assert list(CodeAttempt.objects.values_list("failures", flat=True)) == [2]


def test_a_code_spent_between_check_and_write_rolls_back_every_sheet(city, round_, monkeypatch):
    c1, c2, c3 = codes(city, round_, n=3)
    check = paper._check_codes

    def check_then_someone_votes(sheets, r, client):
        errors = check(sheets, r, client)
        services.ballot_cast_code(code=c3, answers=answers(round_))  # a rater scans the slip meanwhile
        return errors

    monkeypatch.setattr(paper, "_check_codes", check_then_someone_votes)

    report = paper.paper_import(actor=city.office, round_=round_, content=_clean_file(round_, [c1, c2, c3]))

    assert report.ok is False and report.sheets == 3
    assert report.errors == [
        {
            "row": FIRST + 8,
            "column": "评议码",
            "value": c3,
            "reason": "该评议码已使用，每个评议码只能投票一次（检查之后刚刚发生变化），未保存任何内容",
        }
    ]
    assert list(BallotSheet.objects.values_list("channel", flat=True)) == ["web"]
    assert BallotCode.objects.filter(round=round_, spent=True).count() == 1
    assert Ballot.objects.filter(channel="paper").count() == 0
    assert not AuditEntry.objects.filter(action="evaluation.paper.import").exists()


def test_a_cast_refusing_midway_rolls_back_the_sheets_before_it(city, round_, monkeypatch):
    c1, c2, c3 = codes(city, round_, n=3)
    cast = services.ballot_cast_code

    def cast_then_fail_on_last(**kw):
        if kw["code"] == c3:
            raise RoundNotOpenError("评议已截止")
        return cast(**kw)

    monkeypatch.setattr(services, "ballot_cast_code", cast_then_fail_on_last)

    report = paper.paper_import(actor=city.office, round_=round_, content=_clean_file(round_, [c1, c2, c3]))

    assert report.ok is False
    assert [(e["row"], e["reason"]) for e in report.errors] == [
        (FIRST + 8, "评议已截止（检查之后刚刚发生变化），未保存任何内容")
    ]
    assert BallotSheet.objects.count() == 0 and Ballot.objects.count() == 0
    assert not BallotCode.objects.filter(spent=True).exists()


def test_round_not_accepting_ballots_is_one_error(city):
    r = make_round(city, status=RoundStatus.DRAFT)
    [code] = codes(city, r, n=1)
    report = paper.paper_import(actor=city.office, round_=r, content=_clean_file(r, [code]))
    assert report == paper.PaperImportReport(
        ok=False,
        sheets=0,
        errors=[{"row": None, "column": "", "value": "", "reason": "评议“2011年度群众评议”尚未开始"}],
    )
    assert not BallotCode.objects.filter(spent=True).exists()


def test_size_and_sheet_limits_refuse_the_file(city, round_, monkeypatch):
    sheet_codes = codes(city, round_, n=3)
    content = _clean_file(round_, sheet_codes)
    monkeypatch.setattr(paper, "MAX_SHEETS", 2)
    report = paper.paper_import(actor=city.office, round_=round_, content=content)
    assert [e["reason"] for e in report.errors] == ["一个文件最多 2 份测评表，请分成几个文件上传"]
    monkeypatch.setattr(paper, "MAX_BYTES", 1000)
    report = paper.paper_import(actor=city.office, round_=round_, content=content)
    assert [e["reason"] for e in report.errors] == ["文件超过 5 MB，请分成几个文件上传"]
    report = paper.paper_import(actor=city.office, round_=round_, content=b"not a workbook")
    assert report.ok is False and "无法读取该文件" in report.errors[0]["reason"]
    assert BallotSheet.objects.count() == 0


def test_too_many_unknown_codes_in_one_file_hit_the_rate_limit(city, round_, monkeypatch):
    monkeypatch.setattr(services.ratelimit, "MAX_FAILED_CODES", 2)
    content = _clean_file(round_, ["2345-6789-ABCD", "2345-6789-ABCE"])
    with pytest.raises(RateLimitedError, match="文件中无效的评议码过多"):
        paper.paper_import(actor=city.office, round_=round_, content=content)
    assert list(CodeAttempt.objects.values_list("failures", flat=True)) == [2]
    [good] = codes(city, round_, n=1)
    with pytest.raises(RateLimitedError):  # checked before the file is even read
        paper.paper_import(actor=city.office, round_=round_, content=_clean_file(round_, [good]))
    assert BallotSheet.objects.count() == 0


def test_import_needs_paper_entry_rights_in_scope(city, round_):
    [code] = codes(city, round_, n=1)
    content = _clean_file(round_, [code])
    for user in (city.town_secretary, city.secretary, city.leader, city.outsider):
        with pytest.raises(PermissionDeniedError):
            paper.paper_import(actor=user, round_=round_, content=content)
    assert BallotSheet.objects.count() == 0


def test_pages_are_hidden_from_users_without_rights(city, round_, client_for):
    [code] = codes(city, round_, n=1)
    content = _clean_file(round_, [code])
    for user, status in ((city.town_secretary, 404), (city.secretary, 404), (city.outsider, 403)):
        c = client_for(user)
        assert c.get(f"/evaluations/{round_.pk}/paper/upload/").status_code == status
        assert c.get(f"/evaluations/{round_.pk}/paper/template.xlsx").status_code == status
        assert (
            c.post(f"/evaluations/{round_.pk}/paper/upload/", {"file": _upload(content)}).status_code
            == status
        )
        r = c.post(f"/api/evaluations/rounds/{round_.pk}/paper-import", {"file": _upload(content)})
        assert r.status_code == status
    assert BallotSheet.objects.count() == 0


def test_upload_page_flow_shows_the_report_then_stores(city, round_, client_for):
    c1, c2 = codes(city, round_, n=2)
    c = client_for(city.office)
    entry = c.get(f"/evaluations/{round_.pk}/paper/").content.decode()
    assert 'data-testid="paper-batch-link"' in entry
    assert f"/evaluations/{round_.pk}/paper/template.xlsx" in entry
    assert f"/evaluations/{round_.pk}/paper/upload/" in entry
    template = c.get(f"/evaluations/{round_.pk}/paper/template.xlsx")
    assert template.status_code == 200 and template["Content-Type"] == paper.XLSX_CONTENT_TYPE
    wb = load_workbook(io.BytesIO(b"".join(template.streaming_content)))
    ws = wb[paper.SHEET_TITLE]
    page = c.get(f"/evaluations/{round_.pk}/paper/upload/")
    assert page.status_code == 200 and 'data-testid="paper-upload-form"' in page.content.decode()

    _fill(ws, round_, 0, c1)
    row = _fill(ws, round_, 1, c2)
    ws.cell(row=row, column=3, value="还行")
    resp = c.post(f"/evaluations/{round_.pk}/paper/upload/", {"file": _upload(_content(wb))})
    html = resp.content.decode()
    assert resp.status_code == 422
    assert "未保存任何内容" in html and 'data-testid="paper-upload-report"' in html
    assert f"<td>{row}</td>" in html and "还行" in html
    assert BallotSheet.objects.count() == 0

    ws.cell(row=row, column=3, value="基本满意")
    resp = c.post(f"/evaluations/{round_.pk}/paper/upload/", {"file": _upload(_content(wb))}, follow=True)
    assert resp.redirect_chain == [(f"/evaluations/{round_.pk}/paper/upload/", 302)]
    assert "已录入 2 份纸质测评表" in resp.content.decode()
    assert BallotSheet.objects.filter(channel="paper", entered_by=city.office).count() == 2

    resp = c.post(f"/evaluations/{round_.pk}/paper/upload/", {})
    assert resp.status_code == 422 and "请选择要上传的 Excel 文件" in resp.content.decode()


def test_api_returns_201_or_422_with_the_report(city, round_, client_for):
    c1, c2 = codes(city, round_, n=2)
    c = client_for(city.office)
    url = f"/api/evaluations/rounds/{round_.pk}/paper-import"
    wb, ws = _template(round_)
    _fill(ws, round_, 0, c1)
    _fill(ws, round_, 1, UNKNOWN_CODE)
    r = c.post(url, {"file": _upload(_content(wb))})
    assert r.status_code == 422
    assert r.json() == {
        "ok": False,
        "sheets": 2,
        "errors": [{"row": FIRST + 4, "column": "评议码", "value": UNKNOWN_CODE, "reason": "评议码不存在"}],
    }
    r = c.post(url, {"file": _upload(_clean_file(round_, [c1, c2]))})
    assert r.status_code == 201 and r.json() == {"ok": True, "sheets": 2, "errors": []}
    assert BallotSheet.objects.filter(channel="paper", entered_by=city.office).count() == 2
