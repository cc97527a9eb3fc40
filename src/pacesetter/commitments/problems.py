"""Problem lists (问题清单) carried into commitments: writes (create, Excel import, status, linking) and reads.

"把学习实践活动中尚未解决的突出问题列为争创目标": an organisation lists its open problems, sorted by who must
solve them; a commitment names the problems it addresses; the public page shows which are being solved and
which are done. Kept beside the commitments it feeds, in one module of its own (services.py is long already).
"""

import datetime
import io

import openpyxl
from django.db import transaction
from django.db.models import Count, Prefetch, QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _

from pacesetter.campaigns.models import Campaign
from pacesetter.core.audit import audit_log, audit_status
from pacesetter.core.errors import NotFoundError, PermissionDeniedError, StateError, ValidationError
from pacesetter.core.text import clean_text
from pacesetter.core.transitions import status_cas
from pacesetter.core.uploads import check_upload
from pacesetter.orgs.enums import Cap
from pacesetter.orgs.models import Organisation
from pacesetter.orgs.selectors import org_in_scope

from .enums import (
    PROBLEM_TRANSITIONS,
    PUBLIC_STATES,
    ProblemAction,
    ProblemOwner,
    ProblemSource,
    ProblemStatus,
)
from .models import Commitment, Problem
from .rules import can_write_org_commitment

TITLE_MAX = 200
TEXT_MAX = 2000
IMPORT_MAX_ROWS = 500
IMPORT_MAX_BYTES = 2 * 1024 * 1024
# The import template's columns, in order (the header row a person sees).
COLUMNS = ("问题", "来源", "责任层级", "解决时限", "具体表现")


def _require_write(actor, org: Organisation) -> None:
    if not can_write_org_commitment(actor, org):
        raise PermissionDeniedError(_("您无权维护“%(org)s”的问题清单") % {"org": org.name})


def _require_in_campaign(campaign: Campaign, org: Organisation) -> None:
    if not org.is_within(campaign.organisation):
        raise ValidationError(
            _("“%(org)s”不在活动“%(c)s”的范围内") % {"org": org.name, "c": campaign.name},
            field="organisation",
        )
    if not org.is_active:
        raise StateError(_("“%(org)s”已撤销") % {"org": org.name})


_text = clean_text


def _choice(value, choices, *, field: str, label: str) -> str:
    """A choice by its value or its Chinese label (the Excel template uses labels)."""
    value = ("" if value is None else str(value)).strip()
    for v, lab in choices.choices:
        if value in (v, str(lab)):
            return v
    raise ValidationError(
        _("%(f)s无效：%(v)s（可选：%(opts)s）")
        % {"f": label, "v": value[:20], "opts": "、".join(str(lab) for _v, lab in choices.choices)},
        field=field,
    )


def _due(value, campaign: Campaign, *, field: str = "due_date") -> datetime.date:
    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, str):
        try:
            value = parse_date(value.strip().replace("/", "-").replace(".", "-"))
        except ValueError:
            value = None
    if not isinstance(value, datetime.date):
        raise ValidationError(_("请填写解决时限（日期，如 2026-06-30）"), field=field)
    if not campaign.starts_on <= value <= campaign.ends_on:
        raise ValidationError(
            _("解决时限须在活动起止日期之内（%(a)s 至 %(b)s）")
            % {"a": campaign.starts_on, "b": campaign.ends_on},
            field=field,
        )
    return value


def _clean(campaign: Campaign, data: dict) -> dict:
    return {
        "title": _text(data.get("title"), field="title", label=_("问题"), limit=TITLE_MAX),
        "description": _text(
            data.get("description"), field="description", label=_("具体表现"), limit=TEXT_MAX, required=False
        ),
        "source": _choice(data.get("source"), ProblemSource, field="source", label=_("来源")),
        "owner_level": _choice(
            data.get("owner_level"), ProblemOwner, field="owner_level", label=_("责任层级")
        ),
        "due_date": _due(data.get("due_date"), campaign),
    }


@transaction.atomic
def problem_create(*, actor, campaign: Campaign, org: Organisation, **data) -> Problem:
    """Add one problem to `org`'s list."""
    _require_write(actor, org)
    _require_in_campaign(campaign, org)
    fields = _clean(campaign, data)
    problem = Problem.objects.create(campaign=campaign, organisation=org, created_by=actor, **fields)
    audit_log(
        actor=actor,
        action="problem.create",
        obj=problem,
        after={**fields, "due_date": str(fields["due_date"])},
        scope_path=org.path,
    )
    return problem


def import_template() -> bytes:
    """The Excel template for problem_import: one header row and one example row."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "问题清单"
    ws.append(list(COLUMNS))
    ws.append(["群众办事多头跑", "群众意见", "领导班子", "2026-06-30", "办一件事要跑三个窗口"])
    for col, width in zip("ABCDE", (40, 16, 12, 14, 50), strict=True):
        ws.column_dimensions[col].width = width
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


@transaction.atomic
def problem_import(*, actor, campaign: Campaign, org: Organisation, upload) -> list[Problem]:
    """Excel import: every row valid, or nothing is added and each bad row is named (第 N 行：…)."""
    _require_write(actor, org)
    _require_in_campaign(campaign, org)
    check_upload(upload, allowed=frozenset({"xlsx"}), max_bytes=IMPORT_MAX_BYTES)
    try:
        wb = openpyxl.load_workbook(io.BytesIO(upload.read()), read_only=True, data_only=True)
        rows = list(wb.worksheets[0].iter_rows(values_only=True, max_row=IMPORT_MAX_ROWS + 2))
    except Exception:  # openpyxl raises many kinds on a damaged file  # noqa: BLE001
        raise ValidationError(_("无法读取该 Excel 文件，请使用导入模板"), field="file") from None
    if not rows or [str(c or "").strip() for c in rows[0][: len(COLUMNS)]] != list(COLUMNS):
        raise ValidationError(
            _("第一行须为表头：%(h)s（请使用导入模板）") % {"h": "、".join(COLUMNS)}, field="file"
        )
    body = [r for r in rows[1:] if any(c not in (None, "") for c in r)]
    if not body:
        raise ValidationError(_("表格中没有问题"), field="file")
    if len(body) > IMPORT_MAX_ROWS:
        raise ValidationError(_("一次最多导入%(n)d条问题") % {"n": IMPORT_MAX_ROWS}, field="file")
    cleaned, errors = [], []
    for number, row in enumerate(rows[1:], start=2):
        if not any(c not in (None, "") for c in row):
            continue
        cells = list(row[: len(COLUMNS)]) + [None] * (len(COLUMNS) - len(row))
        data = dict(zip(("title", "source", "owner_level", "due_date", "description"), cells, strict=True))
        try:
            cleaned.append(_clean(campaign, data))
        except ValidationError as exc:
            errors.append(
                {"field": "file", "message": _("第 %(n)d 行：%(m)s") % {"n": number, "m": exc.message}}
            )
    if errors:
        raise ValidationError(errors[0]["message"], field="file", details=errors[:50])
    problems = Problem.objects.bulk_create(
        [Problem(campaign=campaign, organisation=org, created_by=actor, **c) for c in cleaned]
    )
    audit_log(
        actor=actor,
        action="problem.import",
        obj=org,
        extra={"campaign": campaign.pk, "rows": len(problems)},
        scope_path=org.path,
    )
    return problems


def _transition(actor, problem: Problem, action: str) -> str:
    """The only place a problem's status changes: compare-and-set from the status PROBLEM_TRANSITIONS allows."""
    now = timezone.now()
    before = status_cas(
        Problem,
        problem,
        PROBLEM_TRANSITIONS,
        action,
        ProblemAction(action).label,
        not_now=_("问题当前状态为“%(s)s”，不能%(a)s"),
        changed=_("问题刚被其他人修改过，请刷新页面后重试"),
        solved_at=now if action == ProblemAction.SOLVE else None,  # 销号 is the one way to DONE
        updated_at=now,
    )
    audit_status(actor, f"problem.{action}", problem, before, scope_path=problem.organisation.path)
    return before


@transaction.atomic
def problem_transition(*, actor, problem: Problem, action: str) -> Problem:
    """开始整改 / 销号 / 重新整改."""
    if action not in PROBLEM_TRANSITIONS:
        raise ValidationError(_("无效的操作：%(a)s") % {"a": str(action)[:20]}, field="action")
    _require_write(actor, problem.organisation)
    _transition(actor, problem, action)
    return problem


@transaction.atomic
def problem_link(*, actor, problem: Problem, commitment: Commitment) -> Problem:
    """A commitment addresses the problem: an open problem starts being solved (整改中)."""
    _require_write(actor, problem.organisation)
    if commitment.campaign_id != problem.campaign_id or commitment.organisation_id != problem.organisation_id:
        raise ValidationError(_("只能关联本组织在本活动中的承诺"), field="commitment")
    if problem.commitments.filter(pk=commitment.pk).exists():
        raise StateError(_("该承诺已关联到这个问题"))
    problem.commitments.add(commitment)
    audit_log(
        actor=actor,
        action="problem.link",
        obj=problem,
        extra={"commitment": commitment.pk},
        scope_path=problem.organisation.path,
    )
    if problem.status == ProblemStatus.OPEN:
        _transition(actor, problem, ProblemAction.START)
    return problem


# ---------------------------------------------------------------- reads


def problem_list(*, campaign: Campaign, org: Organisation, status: str = "") -> QuerySet[Problem]:
    qs = Problem.objects.filter(campaign=campaign, organisation=org).prefetch_related("commitments")
    if status in ProblemStatus.values:
        qs = qs.filter(status=status)
    return qs.order_by("owner_level", "due_date", "id")


def problem_get_for(user, pk) -> Problem:
    problem = (
        Problem.objects.select_related("campaign", "organisation").filter(pk=pk).first()
        if str(pk).isdigit() and len(str(pk)) < 19
        else None
    )
    if problem is None or not org_in_scope(user, problem.organisation, Cap.CAMPAIGN_VIEW):
        raise NotFoundError()
    return problem


def problem_counts(*, campaign: Campaign, org: Organisation) -> dict[str, int]:
    rows = (
        Problem.objects.filter(campaign=campaign, organisation=org).values("status").annotate(n=Count("id"))
    )
    counts = dict.fromkeys(ProblemStatus.values, 0)
    for r in rows:
        counts[r["status"]] = r["n"]
    return counts


def public_problems_for_org(org: Organisation) -> list[Problem]:
    """The problems shown on the public page: being solved or done, each with its public commitments."""
    return list(
        Problem.objects.filter(organisation=org, status__in=[ProblemStatus.SOLVING, ProblemStatus.DONE])
        .prefetch_related(
            Prefetch(
                "commitments",
                queryset=Commitment.objects.filter(status__in=PUBLIC_STATES).order_by("id"),
                to_attr="public_commitments",
            )
        )
        .order_by("status", "owner_level", "due_date", "id")[:100]
    )


def linkable_commitments(problem: Problem) -> QuerySet[Commitment]:
    """The organisation's commitments in the problem's campaign not yet linked to it."""
    return (
        Commitment.objects.filter(campaign_id=problem.campaign_id, organisation_id=problem.organisation_id)
        .exclude(problems=problem)
        .order_by("-id")[:200]
    )
