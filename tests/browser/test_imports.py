"""An office clerk imports a roster in Chromium: a bad row is reported precisely, the fixed file imports."""

import datetime

from openpyxl import Workbook
from playwright.sync_api import expect

from pacesetter.orgs.models import Member
from tests.factories import make_id_number

HEAD = ["姓名", "性别", "民族", "出生日期", "入党时间", "所在党组织", "岗位", "联系电话", "身份证号", "备注"]


def _roster(path, *, bad: bool):
    wb = Workbook()
    ws = wb.active
    ws.append(["城厢区实验小学党员花名册"])  # a title row, as departments make them
    ws.append(HEAD)
    ws.append(
        [
            "陈红",
            "女",
            "汉族",
            "1985-03-02",
            "2006-07-01",
            "城厢区实验小学党支部",
            "班主任",
            "13600001111",
            make_id_number(datetime.date(1985, 3, 2)),
            "",
        ]
    )
    ws.append(
        [
            "刘洋",
            "男",
            "回族",
            "1990/5/17",
            "2012年6月",
            "城厢区实验小学党支部",
            "教师",
            "13600002222",
            "35010219900517001" if bad else make_id_number(datetime.date(1990, 5, 17)),
            "调入",
        ]
    )
    wb.save(path)


def test_import_roster_bad_row_then_fixed(page, live_server, bcity, sign_in, tmp_path):
    sign_in(page, "office")
    page.goto(f"{live_server.url}/imports/")
    bad = tmp_path / "花名册.xlsx"
    _roster(bad, bad=True)
    page.locator("select[name=kind]").select_option("members")
    page.set_input_files("input[type=file]", str(bad))
    page.get_by_test_id("upload-button").click()
    errors = page.get_by_test_id("import-errors")
    expect(errors).to_contain_text("身份证号")
    expect(errors).to_contain_text("35010219900517001")
    expect(page.get_by_test_id("import-error").first).to_contain_text(
        "4"
    )  # Excel row 4 (title + heading above)
    expect(page.get_by_test_id("count-rejected")).to_have_text("1")
    expect(page.get_by_test_id("confirm-button")).to_have_count(0)
    assert not Member.objects.filter(name__in=["陈红", "刘洋"]).exists()

    good = tmp_path / "花名册-改.xlsx"
    _roster(good, bad=False)
    page.goto(f"{live_server.url}/imports/")
    page.locator("select[name=kind]").select_option("members")
    page.set_input_files("input[type=file]", str(good))
    page.get_by_test_id("upload-button").click()
    expect(page.get_by_test_id("count-create")).to_have_text("2")
    expect(page.get_by_test_id("import-ignored")).to_contain_text("备注")
    page.get_by_test_id("confirm-button").click()
    expect(page.get_by_test_id("rollback-button")).to_be_visible()
    assert set(Member.objects.filter(name__in=["陈红", "刘洋"]).values_list("name", flat=True)) == {
        "陈红",
        "刘洋",
    }
    assert Member.objects.get(name="刘洋").ethnicity == "回族"
