"""问题清单 in Chromium: the branch lists a problem, imports more from Excel, links a commitment to one (整改中),
closes another; the public page on a phone shows which are being solved and which are done."""

import io

import openpyxl
import pytest
from playwright.sync_api import expect

from pacesetter.commitments.enums import CommitmentStatus as S
from pacesetter.commitments.models import Problem
from pacesetter.orgs.enums import Role
from tests.commitments.conftest import advance, deadline, make_campaign, org_commitment
from tests.factories import make_user

pytestmark = pytest.mark.django_db(transaction=True)


def test_problem_list_into_commitments(bcity, page, phone, live_server, sign_in, tmp_path):
    camp = make_campaign(bcity)
    bcity.school_secretary = make_user("school_secretary", Role.SECRETARY, bcity.school)
    c = advance(
        bcity,
        org_commitment(bcity, camp, actor=bcity.school_secretary, title="开设一站式服务窗口"),
        S.PUBLISHED,
    )
    school = bcity.school

    sign_in(page, "school_secretary")
    page.goto(f"{live_server.url}/commitments/problems/orgs/{school.pk}/?campaign={camp.pk}")
    expect(page.get_by_test_id("no-problems")).to_be_visible()
    page.fill("#id_title", "群众办事多头跑")
    page.select_option("#id_source", label="群众意见")
    page.select_option("#id_owner_level", label="领导班子")
    page.fill("#id_due_date", "2999-01-01")  # outside the campaign: refused on the form
    page.get_by_test_id("problem-submit").click()
    expect(page.get_by_test_id("field-error")).to_contain_text("解决时限须在活动起止日期之内")
    page.fill("#id_due_date", deadline(30).isoformat())
    page.get_by_test_id("problem-submit").click()
    first = Problem.objects.get(title="群众办事多头跑")
    expect(page.get_by_test_id(f"problem-status-{first.pk}")).to_have_text("未解决")

    wb = openpyxl.Workbook()
    wb.active.append(["问题", "来源", "责任层级", "解决时限", "具体表现"])
    wb.active.append(["窗口工作人员态度生硬", "群众意见", "一般干部", deadline(20).isoformat(), "说话冷"])
    path = tmp_path / "问题.xlsx"
    buf = io.BytesIO()
    wb.save(buf)
    path.write_bytes(buf.getvalue())
    page.set_input_files("#id_file", str(path))
    page.get_by_test_id("import-submit").click()
    second = Problem.objects.get(title="窗口工作人员态度生硬")
    expect(page.get_by_test_id(f"problem-{second.pk}")).to_contain_text("窗口工作人员态度生硬")

    page.get_by_test_id(f"link-select-{first.pk}").select_option(str(c.pk))
    page.get_by_test_id(f"link-{first.pk}").click()
    expect(page.get_by_test_id(f"problem-status-{first.pk}")).to_have_text("整改中")
    expect(page.get_by_test_id(f"linked-{first.pk}")).to_have_text("开设一站式服务窗口")
    page.get_by_test_id(f"solve-{second.pk}").click()
    expect(page.get_by_test_id(f"problem-status-{second.pk}")).to_have_text("已解决")

    phone.goto(f"{live_server.url}/wall/org/{school.pk}/")
    expect(phone.get_by_test_id(f"public-problem-{first.pk}")).to_contain_text("整改中")
    expect(phone.get_by_test_id(f"public-problem-{first.pk}")).to_contain_text("开设一站式服务窗口")
    expect(phone.get_by_test_id(f"public-problem-{second.pk}")).to_contain_text("已解决")
