"""Excel import and export of organisations and members: parsing, checks, preview, confirm, roll back."""

import datetime
import io

import openpyxl
import pytest

from pacesetter.core.errors import StateError
from pacesetter.core.models import AuditEntry
from pacesetter.core.tasks import run_pending
from pacesetter.orgs import imports
from pacesetter.orgs.enums import ROLE_CAPS, Cap, OrgType, Role, Sector
from pacesetter.orgs.models import ImportBatch, ImportStatus, Member, Organisation
from pacesetter.orgs.services import account_create
from tests.factories import make_id_number, make_member, make_org, make_user

MEMBER_HEAD = ["姓名", "性别", "民族", "出生日期", "入党时间", "所在党组织", "岗位", "联系电话", "身份证号"]
ORG_HEAD = ["组织名称", "上级组织", "组织类别", "所属行业"]
BIRTH = datetime.date(1980, 5, 17)


def xlsx(rows, *, title=None, blank_rows=0) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    if title:
        ws.append([title])
    for _ in range(blank_rows):
        ws.append([])
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def member(
    name,
    org,
    id_number,
    *,
    gender="男",
    birth="1980-05-17",
    joined="2005-07-01",
    post="干部",
    phone="13800138001",
    ethnicity="汉族",
):
    return [name, gender, ethnicity, birth, joined, org, post, phone, id_number]


def upload(user, kind, rows, **kw) -> ImportBatch:
    content = rows if isinstance(rows, bytes) else xlsx(rows, **kw)
    batch = imports.import_batch_create(actor=user, kind=kind, filename="t.xlsx", content=content)
    batch.refresh_from_db()
    return batch


def counts():
    return Member.objects.count(), Organisation.objects.count()


def read_xlsx(content) -> list[list]:
    data = content if isinstance(content, bytes) else b"".join(content)
    ws = openpyxl.load_workbook(io.BytesIO(data)).worksheets[0]
    return [list(r) for r in ws.iter_rows(values_only=True)]


# --- members: parsing and preview -------------------------------------------------------------


def test_member_import_tolerates_variants_order_extra_columns_and_title_row(city):
    new_id = make_id_number(datetime.date(1985, 3, 2))
    head = [
        "身份证号码",
        "党员姓名",
        "备注",
        "性别",
        "出生年月",
        "入党日期",
        "所在支部",
        "工作岗位",
        "手机号码",
        "民族",
    ]
    rows = [
        head,
        [
            new_id,
            "陈\u3000静",
            "新转入",
            "女",
            datetime.datetime(1985, 3, 2),
            "2010年7月1日",
            " 城厢区实验小学党支部\u3000",
            "教师",
            "13900001111",
            "回族",
        ],
        [
            city.teacher.id_number,
            "林老师",
            "",
            "男",
            "1980/5/17",
            "2001.07",
            "城厢区实验小学党支部",
            "副校长",
            "",
            "",
        ],
    ]
    batch = upload(city.office, "members", rows, title="2024年党员花名册", blank_rows=1)
    assert batch.status == ImportStatus.READY
    r = batch.report
    assert (r["heading_row"], r["create"], r["update"], r["unchanged"], r["error_count"]) == (3, 1, 1, 0, 0)
    assert r["ignored"] == ["备注"]
    assert r["columns"]["organisation"] == "所在支部"

    imports.import_batch_confirm(actor=city.office, batch=batch)
    created = Member.objects.get(id_number=new_id)
    assert (
        created.name,
        created.gender,
        created.ethnicity,
        created.birth_date,
        created.joined_on,
        created.post,
        created.organisation,
        created.phone,
        created.is_active,
    ) == (
        "陈静",
        "F",
        "回族",
        datetime.date(1985, 3, 2),
        datetime.date(2010, 7, 1),
        "教师",
        city.school,
        "13900001111",
        True,
    )
    teacher = Member.objects.get(pk=city.teacher.pk)
    # Updated fields from the file; blank cells (phone, ethnicity) keep what was stored.
    assert (teacher.post, teacher.joined_on, teacher.phone, teacher.ethnicity, teacher.user) == (
        "副校长",
        datetime.date(2001, 7, 1),
        "13912345678",
        "汉族",
        city.member_user,
    )
    assert Organisation.objects.get(pk=city.school.pk).member_count == 2
    entry = AuditEntry.objects.get(action="import.confirm")
    assert entry.changes["_"]["create"] == 1 and entry.changes["_"]["update"] == 1
    assert new_id not in str(entry.changes)


def test_member_unchanged_rows_are_reported_as_unchanged(city):
    t = city.teacher
    rows = [
        MEMBER_HEAD,
        [t.name, "男", "汉族", "1980-05-17", "", "城厢区实验小学党支部", "", t.phone, t.id_number],
    ]
    batch = upload(city.office, "members", rows)
    assert (batch.report["create"], batch.report["update"], batch.report["unchanged"]) == (0, 0, 1)


def test_member_moved_by_the_roster_shows_both_organisations_by_name(city):
    # The preview reads only the organisations the roster names; the member's current one (not named in the
    # file) must still show by name in the sample of the update, not as an id.
    t = city.teacher
    rows = [MEMBER_HEAD, [t.name, "男", "汉族", "1980-05-17", "", "八一村党支部", "", t.phone, t.id_number]]
    batch = upload(city.office, "members", rows)
    assert batch.report["update"] == 1
    sample = batch.report["samples"]["update"][0]
    assert sample["org"] == "城厢区实验小学党支部"
    assert ["所在党组织", "城厢区实验小学党支部", "八一村党支部"] in sample["changes"]


@pytest.mark.parametrize(
    ("cells", "column", "value", "message"),
    [
        ({"id": "35010219800517001"}, "身份证号", "35010219800517001", "身份证号应为18位"),
        ({"id": "350102198005170013"}, "身份证号", "350102198005170013", "校验位错误"),
        ({"name": ""}, "姓名", "", "姓名不能为空"),
        ({"gender": "未知"}, "性别", "未知", "性别只能填“男”或“女”"),
        ({"birth": "八零年"}, "出生日期", "八零年", "无法识别的日期"),
        ({"birth": "1981-05-17"}, "身份证号", None, "与出生日期（1981-05-17）不一致"),
        ({"org": "不存在党支部"}, "所在党组织", "不存在党支部", "找不到党组织“不存在党支部”"),
        ({"org": ""}, "所在党组织", "", "所在党组织不能为空"),
        ({"phone": "12345"}, "联系电话", "12345", "联系电话应为11位手机号"),
        ({"joined": "1970-01-01"}, "入党时间", "1970-01-01", "入党时间不能早于出生日期"),
    ],
)
def test_member_errors_name_row_column_value_and_nothing_is_written(city, cells, column, value, message):
    good = member("好人", "城厢区实验小学党支部", make_id_number())
    bad_id = cells.get("id") or make_id_number()
    bad = member(
        cells.get("name", "坏行"),
        cells.get("org", "城厢区实验小学党支部"),
        bad_id,
        gender=cells.get("gender", "男"),
        birth=cells.get("birth", "1980-05-17"),
        joined=cells.get("joined", "2005-07-01"),
        phone=cells.get("phone", "13800138001"),
    )
    before = counts()
    batch = upload(city.office, "members", [["花名册"], MEMBER_HEAD, good, bad])
    assert batch.status == ImportStatus.INVALID
    errors = batch.report["errors"]
    assert len(errors) == 1, errors
    e = errors[0]
    assert (e["row"], e["column"]) == (4, column)
    assert e["value"] == (bad_id if value is None else value)
    assert message in e["message"]
    line = imports.error_text(e)
    assert line.startswith(f"第 4 行 ‘{column}’")
    with pytest.raises(StateError):
        imports.import_batch_confirm(actor=city.office, batch=batch)
    assert counts() == before


def test_member_error_line_reads_as_documented(city):
    batch = upload(
        city.office,
        "members",
        [MEMBER_HEAD]
        + [member(f"人{i}", "城厢区实验小学党支部", make_id_number()) for i in range(5)]
        + [member("错号", "城厢区实验小学党支部", "35010219800517001")],
    )
    assert imports.error_text(batch.report["errors"][0]) == (
        "第 7 行 ‘身份证号’ 值 ‘35010219800517001’：身份证号应为18位，前17位是数字，最后一位是数字或X"
    )


def test_member_duplicate_id_in_file_is_rejected(city):
    dup = make_id_number()
    batch = upload(
        city.office,
        "members",
        [MEMBER_HEAD, member("甲", "城厢区实验小学党支部", dup), member("乙", "八一村党支部", dup)],
    )
    assert batch.status == ImportStatus.INVALID
    assert [(e["row"], e["column"], e["message"]) for e in batch.report["errors"]] == [
        (3, "身份证号", "身份证号与第 2 行重复")
    ]


def test_member_ambiguous_org_needs_parent_prefix(city):
    make_org("第一党支部", city.district, OrgType.BRANCH)
    town_branch = make_org("第一党支部", city.town, OrgType.BRANCH)
    batch = upload(city.office, "members", [MEMBER_HEAD, member("甲", "第一党支部", make_id_number())])
    assert "请写成“上级组织/组织名称”" in batch.report["errors"][0]["message"]
    batch = upload(
        city.office, "members", [MEMBER_HEAD, member("甲", "和林镇党委/第一党支部", make_id_number())]
    )
    assert batch.status == ImportStatus.READY
    imports.import_batch_confirm(actor=city.office, batch=batch)
    assert Member.objects.get(name="甲").organisation == town_branch


def test_member_org_outside_uploaders_scope_is_rejected(city):
    district_office = make_user("district_office", Role.OFFICE, city.district)
    before = counts()
    batch = upload(district_office, "members", [MEMBER_HEAD, member("甲", "八一村党支部", make_id_number())])
    assert batch.scope == city.district
    assert batch.status == ImportStatus.INVALID
    e = batch.report["errors"][0]
    assert (e["row"], e["column"]) == (2, "所在党组织")
    assert "不在您的导入范围（城厢区委）内" in e["message"]
    # A member registered outside the scope cannot be taken over by matching the 身份证号 either.
    batch = upload(
        district_office,
        "members",
        [MEMBER_HEAD, member("王大伯", "城厢区实验小学党支部", city.farmer.id_number)],
    )
    assert "您导入范围之外" in batch.report["errors"][0]["message"]
    assert counts() == before


def test_member_file_without_heading_row_or_required_column(city):
    batch = upload(city.office, "members", [["随便"], ["a", "b"]])
    assert batch.status == ImportStatus.INVALID
    assert "找不到表头行" in batch.report["errors"][0]["message"]
    batch = upload(city.office, "members", [["姓名", "性别", "所在党组织"], ["甲", "男", "八一村党支部"]])
    assert "缺少必需的列“身份证号”" in batch.report["errors"][0]["message"]


# --- organisations -----------------------------------------------------------------------------


def test_org_import_resolves_parents_in_any_order_and_builds_paths(city):
    existing_child = make_org("城厢区第一党支部", city.district, OrgType.BRANCH)
    rows = [
        ORG_HEAD,
        ["城厢区二中第一党支部", "城厢区第二中学党总支", "支部", "中小学"],
        ["城厢区第二中学党总支", "城厢区委", "总支", "学校"],
        ["城厢区卫健局党委", "示范市委/城厢区委", "党委", "事业单位"],
        ["和林镇党委", "示范市委", "党委", "农村"],  # existing: sector changes 机关 → 村(居)
    ]
    batch = upload(city.office, "orgs", rows)
    assert batch.status == ImportStatus.READY, batch.report["errors"]
    assert (batch.report["create"], batch.report["update"]) == (3, 1)
    imports.import_batch_confirm(actor=city.office, batch=batch)
    total = Organisation.objects.get(name="城厢区第二中学党总支")
    branch = Organisation.objects.get(name="城厢区二中第一党支部")
    health = Organisation.objects.get(name="城厢区卫健局党委")
    assert (total.parent, total.org_type, total.sector, total.depth) == (
        city.district,
        OrgType.GENERAL_BRANCH,
        Sector.SCHOOL,
        2,
    )
    assert (branch.parent, branch.org_type, branch.depth) == (total, OrgType.BRANCH, 3)
    # Next segments after the district's existing children (school = 0001, first branch = 0002).
    assert existing_child.path == city.district.path + "0002"
    assert total.path == city.district.path + "0003"
    assert health.path == city.district.path + "0004"
    assert branch.path == total.path + "0001"
    assert Organisation.objects.get(pk=city.town.pk).sector == Sector.VILLAGE


@pytest.mark.parametrize(
    ("rows", "row", "column", "message"),
    [
        ([["新支部", "不存在的党委", "党支部", "机关"]], 2, "上级组织", "找不到上级组织“不存在的党委”"),
        ([["新支部", "城厢区实验小学党支部", "党支部", "学校"]], 2, "上级组织", "党支部下不能再设下级组织"),
        (
            [["新支部", "新总支", "党支部", "学校"], ["新总支", "城厢区委", "党支部", "学校"]],
            2,
            "上级组织",
            "党支部下不能再设下级组织",
        ),
        (
            [["甲党委", "乙党委", "党委", "机关"], ["乙党委", "甲党委", "党委", "机关"]],
            2,
            "上级组织",
            "形成循环",
        ),
        ([["新支部", "城厢区委", "小组", "机关"]], 2, "组织类别", "组织类别应为"),
        ([["新支部", "城厢区委", "党支部", "外星"]], 2, "所属行业", "所属行业应为"),
        ([["新支部", "", "党支部", "机关"]], 2, "上级组织", "上级组织不能为空"),
        ([["城厢区委", "示范市委", "党支部", "机关"]], 2, "组织类别", "不能改为党支部"),
        (
            [["新支部", "城厢区委", "党支部", "机关"], ["新支部", "城厢区委", "党支部", "机关"]],
            3,
            "组织名称",
            "与第 2 行是同一个组织",
        ),
    ],
)
def test_org_errors_are_reported_and_nothing_is_written(city, rows, row, column, message):
    before = counts()
    batch = upload(city.office, "orgs", [ORG_HEAD, *rows])
    assert batch.status == ImportStatus.INVALID
    hits = [e for e in batch.report["errors"] if e["row"] == row and e["column"] == column]
    assert hits and message in hits[0]["message"], batch.report["errors"]
    assert counts() == before


def test_org_parent_outside_scope_is_rejected(city):
    district_office = make_user("district_office", Role.OFFICE, city.district)
    batch = upload(district_office, "orgs", [ORG_HEAD, ["新支部", "和林镇党委", "党支部", "机关"]])
    assert "不在您的导入范围（城厢区委）内" in batch.report["errors"][0]["message"]


# --- confirm -------------------------------------------------------------------------------------


def test_confirm_rechecks_against_the_current_database(city):
    ids = [make_id_number() for _ in range(3)]
    rows = [MEMBER_HEAD] + [member(f"人{i}", "城厢区实验小学党支部", x) for i, x in enumerate(ids)]
    batch = upload(city.office, "members", rows)
    assert batch.status == ImportStatus.READY
    elsewhere = make_org("外市委")
    make_member(elsewhere, "抢先登记", id_number=ids[1])  # registered outside the scope after the preview
    before = counts()
    with pytest.raises(StateError, match="现在有 1 处错误"):
        imports.import_batch_confirm(actor=city.office, batch=batch)
    assert counts() == before
    batch.refresh_from_db()
    assert batch.status == ImportStatus.INVALID
    assert [(e["row"], e["column"]) for e in batch.report["errors"]] == [(3, "身份证号")]


def test_confirm_refuses_when_the_outcome_differs_from_the_preview(city):
    ids = [make_id_number() for _ in range(2)]
    rows = [MEMBER_HEAD] + [member(f"人{i}", "城厢区实验小学党支部", x) for i, x in enumerate(ids)]
    batch = upload(city.office, "members", rows)
    make_member(city.village, "抢先登记", id_number=ids[0])  # now an update, not a create
    before = counts()
    with pytest.raises(StateError, match="预览已按当前数据更新"):
        imports.import_batch_confirm(actor=city.office, batch=batch)
    assert counts() == before
    batch.refresh_from_db()
    assert (batch.status, batch.report["create"], batch.report["update"]) == (ImportStatus.READY, 1, 1)
    imports.import_batch_confirm(actor=city.office, batch=batch)
    assert Member.objects.get(id_number=ids[0]).organisation == city.school


def test_confirm_failure_midway_rolls_back_everything(city, monkeypatch):
    batch = upload(
        city.office,
        "members",
        [
            MEMBER_HEAD,
            member("甲", "城厢区实验小学党支部", make_id_number()),
            member("林老师", "城厢区实验小学党支部", city.teacher.id_number, post="校长"),
        ],
    )

    def boom(_ids):
        raise RuntimeError("disk full")

    monkeypatch.setattr(imports.apply, "member_counts_refresh", boom)
    before = counts()
    with pytest.raises(RuntimeError):
        imports.import_batch_confirm(actor=city.office, batch=batch)
    assert counts() == before
    assert Member.objects.get(pk=city.teacher.pk).post == ""
    batch.refresh_from_db()
    assert batch.status == ImportStatus.READY
    assert not AuditEntry.objects.filter(action="import.confirm").exists()


def test_confirm_runs_a_bounded_number_of_queries(city, django_assert_max_num_queries):
    rows = [MEMBER_HEAD] + [member(f"人{i}", "城厢区实验小学党支部", make_id_number()) for i in range(150)]
    rows += [
        member(f"旧{i}", "城厢区实验小学党支部", make_member(city.school).id_number, post="新岗位")
        for i in range(50)
    ]
    batch = upload(city.office, "members", rows)
    assert (batch.report["create"], batch.report["update"]) == (150, 50)
    with django_assert_max_num_queries(25):
        imports.import_batch_confirm(actor=city.office, batch=batch)
    assert Organisation.objects.get(pk=city.school.pk).member_count == 1 + 50 + 150


# --- roll back -----------------------------------------------------------------------------------


def _snapshot():
    return (
        sorted(
            Member.objects.values_list(
                "id",
                "name",
                "gender",
                "ethnicity",
                "birth_date",
                "joined_on",
                "post",
                "organisation_id",
                "phone",
                "id_number",
                "is_active",
                "user_id",
            )
        ),
        sorted(
            Organisation.objects.values_list(
                "id", "name", "parent_id", "path", "org_type", "sector", "member_count"
            )
        ),
    )


def test_rollback_restores_exactly_and_only_the_last_batch(city):
    original = _snapshot()
    first = upload(
        city.office,
        "members",
        [
            MEMBER_HEAD,
            member("甲", "城厢区实验小学党支部", make_id_number()),
            member("林老师", "八一村党支部", city.teacher.id_number, post="校长", phone="13700000000"),
        ],
    )
    imports.import_batch_confirm(actor=city.office, batch=first)
    assert Organisation.objects.get(pk=city.village.pk).member_count == 2
    after_first = _snapshot()
    second = upload(city.office, "members", [MEMBER_HEAD, member("乙", "八一村党支部", make_id_number())])
    imports.import_batch_confirm(actor=city.office, batch=second)

    with pytest.raises(StateError, match="只能撤销最近一次"):
        imports.import_batch_rollback(actor=city.office, batch=first)
    imports.import_batch_rollback(actor=city.office, batch=second)
    assert _snapshot() == after_first
    imports.import_batch_rollback(actor=city.office, batch=first)
    assert _snapshot() == original
    first.refresh_from_db()
    assert first.status == ImportStatus.ROLLED_BACK
    assert AuditEntry.objects.filter(action="import.rollback").count() == 2


def test_rollback_refused_when_created_member_got_an_account(city):
    batch = upload(
        city.office, "members", [MEMBER_HEAD, member("甲", "城厢区实验小学党支部", make_id_number())]
    )
    imports.import_batch_confirm(actor=city.office, batch=batch)
    created = Member.objects.get(name="甲")
    account_create(
        actor=city.office, username="jia", password="pass-word-123", full_name="甲", member=created
    )
    before = _snapshot()
    with pytest.raises(StateError, match="已开通账号"):
        imports.import_batch_rollback(actor=city.office, batch=batch)
    assert _snapshot() == before


def test_org_rollback_removes_created_orgs_unless_they_got_members(city):
    original = _snapshot()
    rows = [
        ORG_HEAD,
        ["新总支", "城厢区委", "党总支", "学校"],
        ["新支部", "新总支", "党支部", "学校"],
        ["和林镇党委", "示范市委", "党委", "村(居)"],
    ]
    batch = upload(city.office, "orgs", rows)
    imports.import_batch_confirm(actor=city.office, batch=batch)
    branch = Organisation.objects.get(name="新支部")
    m = make_member(branch, "新人")
    with pytest.raises(StateError, match="已有党员"):
        imports.import_batch_rollback(actor=city.office, batch=batch)
    m.delete()
    imports.import_batch_rollback(actor=city.office, batch=batch)
    assert _snapshot() == original


# --- export --------------------------------------------------------------------------------------


def test_export_round_trips_as_unchanged(city):
    make_org("第一党支部", city.district, OrgType.BRANCH)
    dup = make_org("第一党支部", city.town, OrgType.BRANCH, Sector.VILLAGE)
    make_member(dup, "同名支部党员", post="村医", joined_on=datetime.date(2001, 7, 1))
    members = b"".join(imports.export_members_xlsx(user=city.office, org=None, reveal=True))
    rows = read_xlsx(members)
    assert rows[0] == [*MEMBER_HEAD, "党员类别"]  # the member status column (loop) comes last
    assert [
        "同名支部党员",
        "男",
        "汉族",
        "1980-05-17",
        "2001-07-01",
        "和林镇党委/第一党支部",
        "村医",
        "13800138000",
    ] in [r[:8] for r in rows]
    batch = upload(city.office, "members", members)
    assert (batch.report["create"], batch.report["update"], batch.report["unchanged"]) == (0, 0, 3)

    orgs = b"".join(imports.export_orgs_xlsx(user=city.office, org=city.district))
    assert read_xlsx(orgs)[:2] == [ORG_HEAD, ["城厢区委", "示范市委", "党委", "机关"]]
    batch = upload(city.office, "orgs", orgs)
    assert (batch.report["create"], batch.report["update"], batch.report["unchanged"]) == (0, 0, 3)
    batch = upload(city.office, "orgs", b"".join(imports.export_orgs_xlsx(user=city.office, org=None)))
    assert (batch.report["create"], batch.report["update"], batch.report["unchanged"]) == (0, 0, 7)


def test_export_masks_pii_without_the_pii_capability(city, monkeypatch, client_for):
    monkeypatch.setitem(ROLE_CAPS, Role.OFFICE, frozenset(set(Cap.values) - {Cap.PERSON_PII}))
    response = client_for(city.office).get(f"/exports/members.xlsx?org={city.school.pk}")
    assert response.status_code == 200
    rows = read_xlsx(response.streaming_content)
    assert rows[1][0] == "林老师"
    assert rows[1][7] == "139****5678"
    assert rows[1][8] == city.teacher.id_number[:4] + "*" * 10 + city.teacher.id_number[-4:]


def test_export_of_org_outside_scope_is_404(city, client_for):
    district_office = make_user("district_office", Role.OFFICE, city.district)
    c = client_for(district_office)
    assert c.get(f"/exports/members.xlsx?org={city.village.pk}").status_code == 404
    response = c.get("/exports/members.xlsx?pii=1")
    rows = read_xlsx(response.streaming_content)
    assert [r[0] for r in rows[1:]] == ["林老师"]
    assert rows[1][8] == city.teacher.id_number


def test_export_masks_id_numbers_by_default_and_audits_an_export_in_clear(city, client_for):
    from pacesetter.core.models import AuditEntry

    c = client_for(city.office)
    masked = read_xlsx(c.get(f"/exports/members.xlsx?org={city.school.pk}").streaming_content)
    assert masked[1][8] == city.teacher.id_number[:4] + "*" * 10 + city.teacher.id_number[-4:]
    assert not AuditEntry.objects.filter(action="pii.export").exists()
    page = c.get("/imports/").content.decode()
    assert f'href="/exports/members.xlsx?org={city.city.pk}&pii=1"' in page
    clear = read_xlsx(c.get(f"/exports/members.xlsx?org={city.school.pk}&pii=1").streaming_content)
    assert clear[1][8] == city.teacher.id_number
    entry = AuditEntry.objects.get(action="pii.export")
    assert entry.actor == city.office


# --- large files through the worker ---------------------------------------------------------------


def test_large_file_is_validated_by_the_worker_with_progress(city, settings, client_for):
    settings.IMPORT_INLINE_MAX_ROWS = 5
    # run_pending() is the database queue's runner: the database queue also when the run sets Redis (RQ).
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    rows = [MEMBER_HEAD] + [member(f"人{i}", "城厢区实验小学党支部", make_id_number()) for i in range(30)]
    c = client_for(city.office)
    response = c.post("/imports/new/", {"kind": "members", "file": _file(xlsx(rows))})
    batch = ImportBatch.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/imports/{batch.pk}/"
    assert batch.status == ImportStatus.PENDING
    html = c.get(f"/imports/{batch.pk}/").content.decode()
    assert 'data-testid="progress"' in html and 'hx-trigger="every 1s"' in html
    assert c.get(f"/imports/{batch.pk}/progress/").status_code == 200
    assert run_pending() == 1
    batch.refresh_from_db()
    assert (batch.status, batch.progress, batch.report["create"]) == (ImportStatus.READY, 100, 30)
    response = c.get(f"/imports/{batch.pk}/progress/", HTTP_HX_REQUEST="true")
    assert response["HX-Redirect"] == f"/imports/{batch.pk}/"


# --- pages and permissions ----------------------------------------------------------------------


def _file(content, name="roster.xlsx"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content, content_type=imports.XLSX_CONTENT_TYPE)


def test_pages_upload_preview_errors_confirm(city, client_for):
    c = client_for(city.office)
    assert c.get("/imports/").status_code == 200
    bad = xlsx(
        [
            MEMBER_HEAD,
            member("甲", "城厢区实验小学党支部", make_id_number()),
            member("乙", "城厢区实验小学党支部", "35010219800517001"),
        ]
    )
    response = c.post("/imports/new/", {"kind": "members", "file": _file(bad)}, follow=True)
    html = response.content.decode()
    assert 'data-testid="import-errors"' in html
    assert "第 3 行 ‘身份证号’ 值 ‘35010219800517001’：身份证号应为18位" in html
    assert 'data-testid="confirm-button"' not in html
    batch = ImportBatch.objects.get()
    report = c.get(f"/imports/{batch.pk}/?format=xlsx")
    assert read_xlsx(report.streaming_content)[1][:3] == [3, "身份证号", "35010219800517001"]
    assert c.post(f"/imports/{batch.pk}/confirm/").status_code == 302
    assert not Member.objects.filter(name="甲").exists()

    good = xlsx([MEMBER_HEAD, member("甲", "城厢区实验小学党支部", make_id_number())])
    response = c.post("/imports/new/", {"kind": "members", "file": _file(good)}, follow=True)
    assert 'data-testid="confirm-button"' in response.content.decode()
    batch = ImportBatch.objects.filter(status=ImportStatus.READY).get()
    response = c.post(f"/imports/{batch.pk}/confirm/", follow=True)
    assert "已导入：新增 1 条" in response.content.decode()
    assert 'data-testid="rollback-button"' in response.content.decode()
    assert Member.objects.filter(name="甲").exists()
    html = c.get("/imports/").content.decode()
    assert "roster.xlsx" in html and "已导入" in html


def test_upload_rejects_unreadable_file(city, client_for):
    response = client_for(city.office).post("/imports/new/", {"kind": "members", "file": _file(b"not a zip")})
    assert response.status_code == 200
    assert "无法读取该文件" in response.content.decode()
    assert not ImportBatch.objects.exists()


def test_template_has_headings_example_and_guide(city, client_for):
    for kind, head in (("members", [*MEMBER_HEAD, "党员类别"]), ("orgs", ORG_HEAD)):
        response = client_for(city.office).get(f"/imports/template/{kind}.xlsx")
        wb = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
        ws = wb.worksheets[0]
        assert [c.value for c in ws[2]] == head
        assert wb.sheetnames[1] == "填写说明"
        assert [
            r[0] for r in wb["填写说明"].iter_rows(min_row=2, max_row=len(head) + 1, values_only=True)
        ] == head


@pytest.mark.parametrize("role", ["secretary", "leader", "member", "inspector"])
def test_import_pages_forbidden_without_import_capability(city, client_for, role):
    batch = upload(
        city.office, "members", [MEMBER_HEAD, member("甲", "城厢区实验小学党支部", make_id_number())]
    )
    c = client_for(city.users()[role])
    assert c.get("/imports/").status_code == 403
    assert c.get(f"/imports/{batch.pk}/").status_code == 403
    assert c.post(f"/imports/{batch.pk}/confirm/").status_code == 403
    assert c.get("/exports/members.xlsx").status_code == 403


def test_office_of_another_subtree_gets_404_on_a_batch(city, client_for):
    batch = upload(
        city.office, "members", [MEMBER_HEAD, member("甲", "城厢区实验小学党支部", make_id_number())]
    )
    town_office = make_user("town_office", Role.OFFICE, city.town)
    c = client_for(town_office)
    assert c.get(f"/imports/{batch.pk}/").status_code == 404
    assert c.post(f"/imports/{batch.pk}/confirm/").status_code == 404
    assert c.post(f"/imports/{batch.pk}/rollback/").status_code == 404
    batch.refresh_from_db()
    assert batch.status == ImportStatus.READY
