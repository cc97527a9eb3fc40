"""Import services: upload, validate, confirm in one transaction, roll back the last batch."""

import datetime
import logging
from collections import defaultdict
from collections.abc import Iterable

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Max, ProtectedError, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from pacesetter.core.audit import audit_log
from pacesetter.core.errors import PermissionDeniedError, StateError, ValidationError

from .. import hooks, subtree_tally
from ..enums import Cap
from ..models import (
    SEGMENT,
    ImportBatch,
    ImportKind,
    ImportStatus,
    Liaison,
    Member,
    Organisation,
    RoleGrant,
    decode_segment,
    encode_segment,
)
from ..selectors import org_in_scope, scope_for, subtree_q
from .columns import COLUMNS, HEADING_SEARCH_ROWS, MAX_STORED_ERRORS, _chunks, _date, _error, _iso
from .parse import _find_sheet, _noop_progress, _open_workbook, _Progress, import_file_row_count
from .plan import _MEMBER_COMPARE, _PARSERS, _PLANNERS, _ExistingOrg, _Plan

log = logging.getLogger(__name__)


# --------------------------------------------------------------------------------------------------
# Services: upload, validate, confirm, roll back


def _set_status(batch: ImportBatch, to: str, *, expect: Iterable[str], **fields) -> bool:
    """The one place an import batch changes status: compare-and-set on the expected statuses."""
    updated = ImportBatch.objects.filter(pk=batch.pk, status__in=list(expect)).update(status=to, **fields)
    if updated:
        batch.status = to
        for key, value in fields.items():
            setattr(batch, key, value)
    return bool(updated)


def import_batch_create(
    *, actor, kind: str, filename: str, content: bytes, scope: Organisation | None = None
) -> ImportBatch:
    """Store an upload and validate it: inline for small files, by the worker above
    settings.IMPORT_INLINE_MAX_ROWS rows (the batch stays PENDING with a progress bar meanwhile)."""
    if kind not in ImportKind.values:
        raise ValidationError(_("导入内容无效：%(v)s") % {"v": kind}, field="kind")
    if scope is None:
        paths = scope_for(actor, Cap.IMPORT_RUN).roots
        scope = Organisation.objects.filter(path=paths[0]).first() if paths else None
    if scope is None or not org_in_scope(actor, scope, Cap.IMPORT_RUN):
        raise PermissionDeniedError(_("您无权在该范围内导入"))
    if not scope.is_active:
        raise StateError(_("“%(org)s”已撤销，不能导入") % {"org": scope.name})
    estimate = import_file_row_count(content, kind)
    batch = ImportBatch.objects.create(
        kind=kind,
        filename=(filename or "upload.xlsx")[-255:],
        file=bytes(content),
        scope=scope,
        created_by=actor,
        total_rows=estimate,
    )
    if estimate > settings.IMPORT_INLINE_MAX_ROWS:
        from pacesetter.core.tasks import enqueue

        from .. import tasks

        # In the batch's own transaction: the worker sees the task only once the batch is committed.
        enqueue(tasks.import_batch_validate_task, batch_id=batch.pk)
        return batch
    return import_batch_validate(batch.pk)


def import_batch_validate(batch_id: int) -> ImportBatch:
    """Parse the stored file and check every row against the database; PENDING → READY or INVALID."""
    batch = ImportBatch.objects.select_related("scope").get(pk=batch_id)
    if batch.status != ImportStatus.PENDING:
        return batch
    try:
        report, rows = _validate(batch)
    except ValidationError as exc:
        report, rows = _file_report(batch, [_error(None, "", "", str(exc.message))]), []
    except Exception:
        log.exception("import batch %s: validation failed", batch.pk)
        _set_status(
            batch,
            ImportStatus.FAILED,
            expect=[ImportStatus.PENDING],
            progress=100,
            report={"message": _("校验时发生内部错误，请稍后重试或联系系统管理员")},
        )
        return batch
    status = ImportStatus.INVALID if report["error_count"] else ImportStatus.READY
    _set_status(
        batch,
        status,
        expect=[ImportStatus.PENDING],
        report=report,
        rows=rows if status == ImportStatus.READY else [],
        total_rows=report["total"],
        progress=100,
    )
    return batch


def _file_report(batch: ImportBatch, errors: list[dict], **extra) -> dict:
    return {
        "kind": batch.kind,
        "total": 0,
        "create": 0,
        "update": 0,
        "unchanged": 0,
        "rejected": 0,
        "errors": errors,
        "error_count": len(errors),
        "columns": {},
        "ignored": [],
        "samples": {"create": [], "update": []},
        **extra,
    }


def _validate(batch: ImportBatch) -> tuple[dict, list[dict]]:
    wb = _open_workbook(batch.file)
    try:
        sheet = _find_sheet(wb, batch.kind)
        expected = "、".join(c.heading for c in COLUMNS[batch.kind])
        if sheet is None:
            message = _("在前 %(n)s 行中找不到表头行。请使用模板，表头应包括：%(cols)s") % {
                "n": HEADING_SEARCH_ROWS,
                "cols": expected,
            }
            return _file_report(batch, [_error(None, "", "", message)]), []
        missing = [c for c in COLUMNS[batch.kind] if c.required and c.key not in sheet.columns]
        if missing:
            errors = [
                _error(
                    None,
                    c.heading,
                    "",
                    _("第 %(row)s 行表头中缺少必需的列“%(col)s”")
                    % {"row": sheet.heading_row, "col": c.heading},
                )
                for c in missing
            ]
            return _file_report(batch, errors, ignored=sheet.ignored), []
        parse = _PARSERS[batch.kind]
        errors = []
        rows: list[dict] = []
        progress = _Progress(batch.pk, 0, 70)
        total = max(sheet.estimate, 1)
        for n, values in enumerate(sheet.ws.iter_rows(min_row=sheet.heading_row + 1, values_only=True), 1):
            row = parse(sheet.heading_row + n, values, sheet, errors)
            if row is not None:
                rows.append(row)
            if n % 500 == 0:
                progress(n, total)
    finally:
        wb.close()
    plan = _PLANNERS[batch.kind](rows, batch.scope, sheet.headings, _Progress(batch.pk, 70, 100))
    all_errors = sorted(errors + plan.errors, key=lambda e: e["row"] or 0)
    if not rows and not all_errors:
        all_errors = [_error(None, "", "", _("表中没有数据行"))]
    for row, action in zip(rows, plan.actions, strict=True):
        row["a"] = action
        row.pop("ok", None)
    report = {
        "kind": batch.kind,
        "sheet": sheet.title,
        "heading_row": sheet.heading_row,
        "columns": sheet.headings,
        "ignored": sheet.ignored,
        "total": len(rows),
        **plan.counts(),
        "rejected": len({e["row"] for e in all_errors if e["row"]}),
        "errors": all_errors[:MAX_STORED_ERRORS],
        "error_count": len(all_errors),
        "samples": plan.samples,
    }
    return report, rows


@transaction.atomic
def _apply_members(plan: _Plan, now: datetime.datetime) -> tuple[list[dict], set[int]]:
    changes: list[dict] = []
    touched: set[int] = set()
    objs = [Member(created_at=now, **values) for _row, values in plan.creates]
    Member.objects.bulk_create(objs, batch_size=500)
    if objs and objs[0].pk is None:  # a backend that does not return ids from bulk inserts
        ids = {}
        for chunk in _chunks([o.id_number for o in objs]):
            ids.update(Member.objects.filter(id_number__in=chunk).values_list("id_number", "id"))
        for o in objs:
            o.pk = ids[o.id_number]
    for o in objs:
        changes.append({"id": o.pk, "action": "create", "org": o.organisation_id})
        touched.add(o.organisation_id)
    if plan.updates:
        fields = sorted({f for _r, _id, ch in plan.updates for f in ch})
        current: dict[int, Member] = {}
        ids = [mid for _r, mid, _ch in plan.updates]
        for chunk in _chunks(ids):
            current.update(
                (m.pk, m) for m in Member.objects.filter(pk__in=chunk).only("id", *_MEMBER_COMPARE)
            )
        for _r, mid, ch in plan.updates:
            m = current[mid]
            before = {f: _plain(getattr(m, f)) for f in ch}
            for f, (_old, new) in ch.items():
                setattr(m, f, new)
            m.updated_at = now
            if before.get("organisation_id") is not None:
                touched.add(before["organisation_id"])
            touched.add(m.organisation_id)
            changes.append(
                {
                    "id": mid,
                    "action": "update",
                    "before": before,
                    "after": {f: _plain(v[1]) for f, v in ch.items()},
                }
            )
        Member.objects.bulk_update(list(current.values()), [*fields, "updated_at"], batch_size=500)
    member_counts_refresh(touched)
    return changes, touched


def _plain(v):
    return _iso(v) if isinstance(v, datetime.date) else v


@transaction.atomic  # the counts and the subtree counters change together, and the rows are locked
def member_counts_refresh(org_ids: Iterable[int]) -> None:
    """Set Organisation.member_count from one grouped COUNT per chunk and bulk UPDATEs (not per org), and add
    the differences of the active ones to the subtree counters."""
    ids = sorted({i for i in org_ids if i is not None})
    counts: dict[int, int] = {}
    before: dict[int, int] = {}
    for chunk in _chunks(ids):
        before.update(
            Organisation.objects.select_for_update()
            .filter(pk__in=chunk, is_active=True)
            .order_by("pk")
            .values_list("pk", "member_count")
        )
        counts.update(
            Member.objects.filter(organisation_id__in=chunk, is_active=True)
            .values_list("organisation_id")
            .annotate(n=Count("id"))
            .values_list("organisation_id", "n")
        )
    Organisation.objects.bulk_update(
        [Organisation(pk=i, member_count=counts.get(i, 0)) for i in ids], ["member_count"], batch_size=500
    )
    subtree_tally.add({pk: (0, counts.get(pk, 0) - count) for pk, count in before.items()})


@transaction.atomic
def _apply_orgs(plan: _Plan, now: datetime.datetime) -> tuple[list[dict], set[int]]:
    orgs: dict[int, _ExistingOrg] = plan.orgs
    creates = {i: (parent, row) for _r, i, parent, row in plan.creates}
    depth: dict[int, int] = {}

    def depth_of(i: int) -> int:
        if i not in depth:
            parent = creates[i][0]
            depth[i] = orgs[parent[1]].depth + 1 if parent[0] == "db" else depth_of(parent[1]) + 1
        return depth[i]

    for i in creates:
        depth_of(i)
    db_parents = sorted({p[1] for p, _row in creates.values() if p[0] == "db"})
    next_seg: dict[tuple, int] = {}
    for chunk in _chunks(db_parents):
        for pid, last in (
            Organisation.objects.filter(parent_id__in=chunk).values("parent_id").annotate(m=Max("path"))
        ).values_list("parent_id", "m"):
            next_seg[("db", pid)] = decode_segment(last[-SEGMENT:]) + 1
    made: dict[int, Organisation] = {}
    changes: list[dict] = []
    for level in sorted(set(depth.values())):
        batch_objs = []
        for i in sorted((i for i in creates if depth[i] == level), key=lambda i: creates[i][1]["r"]):
            parent, row = creates[i]
            if parent[0] == "db":
                parent_id, parent_path = parent[1], orgs[parent[1]].path
            else:
                parent_id, parent_path = made[parent[1]].pk, made[parent[1]].path
            n = next_seg.get(parent, 1)
            next_seg[parent] = n + 1
            org = Organisation(
                name=row["name"],
                parent_id=parent_id,
                org_type=row["org_type"],
                sector=row["sector"],
                path=parent_path + encode_segment(n),
                depth=level,
                created_at=now,
            )
            made[i] = org
            batch_objs.append(org)
        Organisation.objects.bulk_create(batch_objs, batch_size=500)
        if batch_objs and batch_objs[0].pk is None:
            ids = dict(
                Organisation.objects.filter(path__in=[o.path for o in batch_objs]).values_list("path", "id")
            )
            for o in batch_objs:
                o.pk = ids[o.path]
    for org in made.values():
        changes.append(
            {
                "id": org.pk,
                "action": "create",
                "after": {
                    "name": org.name,
                    "parent_id": org.parent_id,
                    "path": org.path,
                    "org_type": org.org_type,
                    "sector": org.sector,
                },
            }
        )
    updated = []
    for _r, oid, ch in plan.updates:
        org = Organisation(pk=oid, updated_at=now, **{f: new for f, (_old, new) in ch.items()})
        updated.append(org)
        changes.append(
            {
                "id": oid,
                "action": "update",
                "before": {f: old for f, (old, _new) in ch.items()},
                "after": {f: new for f, (_old, new) in ch.items()},
            }
        )
    for fields in {tuple(sorted(ch)) for _r, _oid, ch in plan.updates}:
        group = [
            o for o, (_r, _oid, ch) in zip(updated, plan.updates, strict=True) if tuple(sorted(ch)) == fields
        ]
        Organisation.objects.bulk_update(group, [*fields, "updated_at"], batch_size=500)
    return changes, set()


def import_batch_confirm(*, actor, batch: ImportBatch) -> ImportBatch:
    """Apply a READY batch in one transaction after checking it again against the current database.

    If the rows are no longer valid the batch becomes INVALID with the new report; if the outcome
    differs from the preview (someone changed the data meanwhile) the new preview is stored and the
    user is asked to look again. In both cases nothing is imported.
    """
    if not org_in_scope(actor, batch.scope, Cap.IMPORT_RUN):
        raise PermissionDeniedError(_("您无权在该范围内导入"))
    refusal = None
    with transaction.atomic():
        batch = ImportBatch.objects.select_for_update(of=("self",)).select_related("scope").get(pk=batch.pk)
        if batch.status != ImportStatus.READY:
            raise StateError(_("该批次当前状态为“%(s)s”，不能确认导入") % {"s": batch.get_status_display()})
        rows = batch.rows
        plan = _PLANNERS[batch.kind](rows, batch.scope, batch.report.get("columns", {}), _noop_progress)
        if plan.errors:
            report = {
                **batch.report,
                **plan.counts(),
                "errors": plan.errors[:MAX_STORED_ERRORS],
                "error_count": len(plan.errors),
                "rejected": len({e["row"] for e in plan.errors if e["row"]}),
                "samples": plan.samples,
            }
            _set_status(batch, ImportStatus.INVALID, expect=[ImportStatus.READY], report=report, rows=[])
            refusal = _(
                "系统中的数据在预览后发生了变化，现在有 %(n)s 处错误，未导入任何数据。请查看错误报告，改正后重新上传。"
            ) % {"n": len(plan.errors)}
        elif plan.actions != [r["a"] for r in rows]:
            for row, action in zip(rows, plan.actions, strict=True):
                row["a"] = action
            report = {**batch.report, **plan.counts(), "samples": plan.samples}
            ImportBatch.objects.filter(pk=batch.pk).update(report=report, rows=rows)
            refusal = _(
                "系统中的数据在预览后发生了变化，预览已按当前数据更新，未导入任何数据。请核对后再确认。"
            )
        else:
            now = timezone.now()
            apply = _apply_members if batch.kind == ImportKind.MEMBERS else _apply_orgs
            changes, _touched = apply(plan, now)
            if batch.kind != ImportKind.MEMBERS:
                subtree_tally.rebuild()
                hooks.subtree_changed([batch.scope.path])
            counts = plan.counts()
            _set_status(
                batch,
                ImportStatus.CONFIRMED,
                expect=[ImportStatus.READY],
                changes=changes,
                confirmed_at=timezone.now(),
            )
            audit_log(
                actor=actor,
                action="import.confirm",
                obj=batch,
                scope_path=batch.scope.path,
                extra={"kind": batch.kind, "filename": batch.filename, "rows": len(rows), **counts},
            )
            return batch
    raise StateError(refusal)


def import_batch_can_rollback(batch: ImportBatch) -> bool:
    """Only the most recent confirmed batch of its kind (among batches with overlapping scopes)."""
    if batch.status != ImportStatus.CONFIRMED or batch.confirmed_at is None:
        return False
    scope = batch.scope
    overlapping = subtree_q(scope.path, "scope__path") | Q(scope__path__in=scope.ancestor_paths)
    return not (
        ImportBatch.objects.filter(overlapping, kind=batch.kind, status=ImportStatus.CONFIRMED)
        .filter(Q(confirmed_at__gt=batch.confirmed_at) | Q(confirmed_at=batch.confirmed_at, pk__gt=batch.pk))
        .exists()
    )


def import_batch_rollback(*, actor, batch: ImportBatch) -> ImportBatch:
    """Undo a confirmed batch exactly, in one transaction, unless what it created or changed has been
    changed or used since (then nothing is undone)."""
    if not org_in_scope(actor, batch.scope, Cap.IMPORT_RUN):
        raise PermissionDeniedError(_("您无权在该范围内撤销导入"))
    with transaction.atomic():
        batch = ImportBatch.objects.select_for_update(of=("self",)).select_related("scope").get(pk=batch.pk)
        if batch.status != ImportStatus.CONFIRMED:
            raise StateError(_("只有已导入的批次可以撤销"))
        if not import_batch_can_rollback(batch):
            raise StateError(_("只能撤销最近一次已导入的批次，请先撤销之后的导入"))
        try:
            if batch.kind == ImportKind.MEMBERS:
                counts = _undo_members(batch)
            else:
                counts = _undo_orgs(batch)
                subtree_tally.rebuild()
                hooks.subtree_changed([batch.scope.path])
        except ProtectedError:
            raise StateError(_("本批导入的数据已被其他记录引用，不能撤销")) from None
        _set_status(
            batch, ImportStatus.ROLLED_BACK, expect=[ImportStatus.CONFIRMED], rolled_back_at=timezone.now()
        )
        audit_log(
            actor=actor,
            action="import.rollback",
            obj=batch,
            scope_path=batch.scope.path,
            extra={"kind": batch.kind, "filename": batch.filename, **counts},
        )
    return batch


def _undo_members(batch: ImportBatch) -> dict:
    created = [c for c in batch.changes if c["action"] == "create"]
    updated = [c for c in batch.changes if c["action"] == "update"]
    ids = [c["id"] for c in batch.changes]
    current: dict[int, tuple] = {}
    for chunk in _chunks(ids):
        for rec in Member.objects.filter(pk__in=chunk).values_list(
            "id", "user_id", "is_active", "updated_at", *_MEMBER_COMPARE
        ):
            current[rec[0]] = rec
    for c in batch.changes:
        rec = current.get(c["id"])
        if rec is None:
            raise StateError(_("本批导入的党员已被删除或修改，不能撤销"))
        values = dict(zip(_MEMBER_COMPARE, rec[4:], strict=True))
        if rec[3] > batch.confirmed_at:
            raise StateError(_("党员“%(name)s”在导入后已被修改，不能撤销本批导入") % {"name": values["name"]})
        if c["action"] == "create" and (
            rec[1] is not None or not rec[2] or values["organisation_id"] != c["org"]
        ):
            raise StateError(
                _("本批导入的党员“%(name)s”已开通账号或已变动，不能撤销本批导入") % {"name": values["name"]}
            )
        if c["action"] == "update" and any(_plain(values[f]) != v for f, v in c["after"].items()):
            raise StateError(_("党员“%(name)s”在导入后已被修改，不能撤销本批导入") % {"name": values["name"]})
    touched = {c["org"] for c in created}
    for chunk in _chunks([c["id"] for c in created]):
        Member.objects.filter(pk__in=chunk).delete()
    now = timezone.now()
    restore = []
    fields: set[str] = set()
    for c in updated:
        m = Member(pk=c["id"], updated_at=now)
        for f, v in c["before"].items():
            setattr(m, f, _date(v) if f in ("birth_date", "joined_on") else v)
        fields |= set(c["before"])
        touched.update({c["before"].get("organisation_id"), c["after"].get("organisation_id")})
        restore.append(m)
    for fset in {tuple(sorted(c["before"])) for c in updated}:
        group = [m for m, c in zip(restore, updated, strict=True) if tuple(sorted(c["before"])) == fset]
        Member.objects.bulk_update(group, [*fset, "updated_at"], batch_size=500)
    touched.discard(None)
    member_counts_refresh(touched)
    return {"deleted": len(created), "restored": len(updated)}


def _undo_orgs(batch: ImportBatch) -> dict:
    created = [c for c in batch.changes if c["action"] == "create"]
    updated = [c for c in batch.changes if c["action"] == "update"]
    created_ids = [c["id"] for c in created]
    keys = ("name", "parent_id", "path", "org_type", "sector")
    current = {}
    for chunk in _chunks([c["id"] for c in batch.changes]):
        for rec in Organisation.objects.filter(pk__in=chunk).values_list("id", "is_active", *keys):
            current[rec[0]] = rec
    for c in batch.changes:
        rec = current.get(c["id"])
        if rec is None or not rec[1]:
            raise StateError(_("本批导入的组织已被删除或撤销，不能撤销本批导入"))
        values = dict(zip(keys, rec[2:], strict=True))
        if any(values[f] != v for f, v in c["after"].items()):
            raise StateError(
                _("组织“%(name)s”在导入后已被修改或移动，不能撤销本批导入") % {"name": values["name"]}
            )
    created_set = set(created_ids)
    for chunk in _chunks(created_ids):
        used = (
            Member.objects.filter(organisation_id__in=chunk)
            .values_list("organisation__name", flat=True)
            .first()
            or Organisation.objects.filter(parent_id__in=chunk)
            .exclude(pk__in=created_set)
            .values_list("parent__name", flat=True)
            .first()
            or RoleGrant.objects.filter(organisation_id__in=chunk)
            .values_list("organisation__name", flat=True)
            .first()
            or Liaison.objects.filter(organisation_id__in=chunk)
            .values_list("organisation__name", flat=True)
            .first()
            or ImportBatch.objects.filter(scope_id__in=chunk).values_list("scope__name", flat=True).first()
        )
        if used:
            raise StateError(
                _("本批导入的组织“%(name)s”已有党员、下级组织、角色授权或导入记录，不能撤销本批导入")
                % {"name": used}
            )
    by_depth: dict[int, list[int]] = defaultdict(list)
    for c in created:
        by_depth[len(c["after"]["path"])].append(c["id"])
    for length in sorted(by_depth, reverse=True):  # children before parents
        for chunk in _chunks(by_depth[length]):
            Organisation.objects.filter(pk__in=chunk).delete()
    now = timezone.now()
    for fset in {tuple(sorted(c["before"])) for c in updated}:
        group = [
            Organisation(pk=c["id"], updated_at=now, **c["before"])
            for c in updated
            if tuple(sorted(c["before"])) == fset
        ]
        Organisation.objects.bulk_update(group, [*fset, "updated_at"], batch_size=500)
    return {"deleted": len(created), "restored": len(updated)}
