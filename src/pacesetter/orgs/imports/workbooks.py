"""Workbooks out (templates, error reports, exports) and the reads behind the import pages."""

import tempfile

import openpyxl
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from pacesetter.core.errors import PermissionDeniedError, ValidationError
from pacesetter.core.pii import mask_id_number, mask_phone, pii_export_audit
from pacesetter.documents.sheets import add_dropdown

from ..enums import Cap, Gender, MemberStatus, OrgType, Sector
from ..models import (
    ImportBatch,
    ImportKind,
    Member,
    Organisation,
)
from ..selectors import import_batch_list_for, org_in_scope, scope_for, scope_q, subtree_q
from .columns import COLUMNS, GUIDE_TITLE, MEMBER_COLUMNS, ORG_COLUMNS, _iso, error_text

# --------------------------------------------------------------------------------------------------
# Workbooks out: templates, error reports, exports


def _save(wb) -> tempfile.SpooledTemporaryFile:
    # Returned open: the caller streams it to the client and the response closes it.
    out = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115
    wb.save(out)
    out.seek(0)
    return out


def import_template_xlsx(kind: str) -> bytes:
    """A template: title row, heading row, one example row, and a 填写说明 sheet."""
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    if kind not in ImportKind.values:
        raise ValidationError(_("导入内容无效：%(v)s") % {"v": kind})
    columns = COLUMNS[kind]
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = str(ImportKind(kind).label)
    ws.append(
        [
            _("%(kind)s导入模板（第3行为示例，导入前请删除；表头以下每行一条）")
            % {"kind": ImportKind(kind).label}
        ]
    )
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(columns))
    ws["A1"].font = Font(bold=True, size=13)
    ws.append([c.heading for c in columns])
    ws.append([c.example for c in columns])
    fill = PatternFill("solid", fgColor="FDE9E7")
    for idx, c in enumerate(columns, 1):
        cell = ws.cell(row=2, column=idx)
        cell.font = Font(bold=True, color="C00000" if c.required else "000000")
        cell.fill = fill
        cell.alignment = Alignment(horizontal="center")
        letter = get_column_letter(idx)
        ws.column_dimensions[letter].width = (
            24 if c.key in ("id_number", "organisation", "name", "parent") else 14
        )
        if c.key in ("id_number", "phone"):
            ws.column_dimensions[letter].number_format = "@"
            ws.cell(row=3, column=idx).number_format = "@"
    choices = {
        "gender": "男,女",
        "org_type": "党委,党总支,党支部",
        "sector": ",".join(str(label) for label in Sector.labels),
    }
    for idx, c in enumerate(columns, 1):
        if c.key in choices:
            letter = get_column_letter(idx)
            add_dropdown(ws, f'"{choices[c.key]}"', f"{letter}3:{letter}20000")
    ws.freeze_panes = "A3"
    guide = wb.create_sheet(GUIDE_TITLE)
    guide.append([_("列名"), _("是否必填"), _("说明"), _("也可识别的列名")])
    for c in columns:
        guide.append([c.heading, _("必填") if c.required else _("选填"), c.help, "、".join(c.aliases)])
    notes = [
        _("表头可以不在第一行（上方可有标题行），列的顺序不限；模板以外的列会被忽略。"),
        _(
            "上传后先预览：列出将新增、更新、不变和有错误的行；只要有一处错误就不会导入，请改正文件后重新上传。"
        ),
    ]
    if kind == ImportKind.MEMBERS:
        notes.append(_("已登记的党员按身份证号匹配并更新；空白的选填单元格不会清除系统中已有的内容。"))
    else:
        notes.append(_("已有组织按“上级组织 + 组织名称”匹配；匹配到的组织只更新组织类别和所属行业。"))
    guide.append([])
    for note in notes:
        guide.append([note])
    for row in guide.iter_rows(min_row=1, max_row=1):
        for cell in row:
            cell.font = Font(bold=True)
    guide.column_dimensions["A"].width = 14
    guide.column_dimensions["B"].width = 10
    guide.column_dimensions["C"].width = 80
    guide.column_dimensions["D"].width = 50
    return _save(wb).read()


def import_errors_xlsx(batch: ImportBatch) -> bytes:
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet(_("错误报告"))
    ws.append([_("行号"), _("列"), _("填写的值"), _("问题"), _("完整说明")])
    for e in batch.report.get("errors", []):
        ws.append([e["row"] or "", e["column"], e["value"], e["message"], error_text(e)])
    if batch.report.get("error_count", 0) > len(batch.report.get("errors", [])):
        ws.append(
            [
                "",
                "",
                "",
                _("另有 %(n)s 处错误未列出，请先改正以上错误")
                % {"n": batch.report["error_count"] - len(batch.report["errors"])},
            ]
        )
    return _save(wb).read()


def _export_roots(user, org: Organisation | None) -> list[Organisation]:
    if org is not None:
        if not org_in_scope(user, org, Cap.IMPORT_RUN):
            raise PermissionDeniedError(_("您无权导出该组织"))
        return [org]
    return list(Organisation.objects.filter(path__in=scope_for(user, Cap.IMPORT_RUN).roots))


def _org_labels(user, roots: list[Organisation]) -> tuple[dict[int, tuple], dict[int, str]]:
    """Each exported organisation and a label for it that import resolves back to it (“上级/名称”
    where the bare name is ambiguous within the user's import scope)."""
    ambiguous = set(
        Organisation.objects.filter(scope_q(user, Cap.IMPORT_RUN), is_active=True)
        .values("name")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .values_list("name", flat=True)
    )
    subtree = Q(pk__in=[])
    for r in roots:
        subtree |= subtree_q(r.path)
    orgs = {
        rec[0]: rec
        for rec in Organisation.objects.filter(subtree, is_active=True)
        .order_by("path")
        .values_list("id", "name", "parent_id", "parent__name", "path", "org_type", "sector")
        .iterator(chunk_size=5000)
    }
    labels = {
        oid: f"{pname}/{name}" if name in ambiguous and pname else name
        for oid, name, _pid, pname, *_rest in orgs.values()
    }
    parent_labels = {
        pid: f"{gname}/{name}" if name in ambiguous and gname else name
        for pid, name, gname in Organisation.objects.filter(
            pk__in=[r.parent_id for r in roots if r.parent_id]
        ).values_list("id", "name", "parent__name")
    }
    return orgs, {**parent_labels, **labels}


def export_orgs_xlsx(*, user, org: Organisation | None = None):
    """The organisation subtree (active organisations) as an importable sheet; a file object."""
    roots = _export_roots(user, org)
    orgs, labels = _org_labels(user, roots)
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet(str(ImportKind.ORGS.label))
    ws.append([c.heading for c in ORG_COLUMNS])
    for _oid, name, pid, _pname, _path, org_type, sector in orgs.values():
        ws.append(
            [
                name,
                labels.get(pid, "") if pid else "",
                str(OrgType(org_type).label),
                str(Sector(sector).label),
            ]
        )
    return _save(wb)


def export_members_xlsx(*, user, org: Organisation | None = None, reveal: bool = False):
    """Active members of the subtree as a roster, streamed from the database in chunks.

    身份证号 and 联系电话 are masked unless `reveal` is asked for, and then in clear only where the user
    holds person.pii on the member's organisation; an export in clear is audited (pii.export).
    """
    roots = _export_roots(user, org)
    orgs, labels = _org_labels(user, roots)
    pii_paths = scope_for(user, Cap.PERSON_PII).roots if reveal else []
    clear = {oid for oid, rec in orgs.items() if any(rec[4].startswith(p) for p in pii_paths)}
    if clear:
        pii_export_audit(actor=user, what="members.xlsx", scope_path=roots[0].path if len(roots) == 1 else "")
    subtree = Q(pk__in=[])
    for r in roots:
        subtree |= subtree_q(r.path, "organisation__path")
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet(str(ImportKind.MEMBERS.label))
    ws.append([c.heading for c in MEMBER_COLUMNS])
    genders = {g.value: str(g.label) for g in Gender}
    qs = (
        Member.objects.filter(subtree, is_active=True)
        .order_by("organisation__path", "name", "id")
        .values_list(
            "name",
            "gender",
            "ethnicity",
            "birth_date",
            "joined_on",
            "organisation_id",
            "post",
            "phone",
            "id_number",
            "status",
        )
    )
    statuses = {s.value: str(s.label) for s in MemberStatus}
    for name, gender, ethnicity, birth, joined, oid, post, phone, id_number, status in qs.iterator(
        chunk_size=5000
    ):
        if oid not in clear:
            phone, id_number = mask_phone(phone), mask_id_number(id_number)
        ws.append(
            [
                name,
                genders.get(gender, gender),
                ethnicity,
                _iso(birth) or "",
                _iso(joined) or "",
                labels.get(oid, ""),
                post,
                phone,
                id_number,
                statuses.get(status, ""),
            ]
        )
    return _save(wb)


def export_filename(kind: str, roots_name: str) -> str:
    return f"{ImportKind(kind).label}-{roots_name}-{timezone.localdate():%Y%m%d}.xlsx"


# --------------------------------------------------------------------------------------------------
# Reads for the pages


def import_batch_recent_for(user, *, limit: int = 50) -> list[ImportBatch]:
    """Recent batches in the user's scope with their counts, without loading the stored reports."""
    from django.db.models.fields.json import KT

    return list(
        import_batch_list_for(user)
        .defer("report")
        .annotate(
            n_create=KT("report__create"),
            n_update=KT("report__update"),
            n_unchanged=KT("report__unchanged"),
            n_errors=KT("report__error_count"),
        )[:limit]
    )


_EMPTY_REPORT = {
    "total": 0,
    "create": 0,
    "update": 0,
    "unchanged": 0,
    "rejected": 0,
    "errors": [],
    "error_count": 0,
    "columns": {},
    "ignored": [],
    "samples": {"create": [], "update": []},
    "message": "",
    "sheet": "",
    "heading_row": 0,
}


def import_report(batch: ImportBatch, *, max_errors: int = 500) -> dict:
    """The stored report with every key present and each error's report line, for the detail page."""
    report = {**_EMPTY_REPORT, **(batch.report or {})}
    report["shown_errors"] = [{**e, "text": error_text(e)} for e in report["errors"][:max_errors]]
    report["hidden_errors"] = report["error_count"] - len(report["shown_errors"])
    return report
