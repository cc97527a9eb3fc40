"""Bulletins (简报): composing an issue from accepted items and live campaign figures, editing it, and
printing it (印发) with the next 第N期 of its issuer's year; the Word file in the usual 简报 layout.

The services follow the house pattern (permission, validation, one transaction, `_bulletin_transition` the
only place the status changes, an audit entry); the 发 list is notified on commit with a link to the Word file.
"""

import datetime
from functools import partial
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt, RGBColor

from pacesetter.campaigns.models import Campaign
from pacesetter.core.audit import audit_create, audit_status, audit_update, snapshot
from pacesetter.core.errors import PermissionDeniedError, StateError, ValidationError
from pacesetter.core.locking import locked
from pacesetter.core.text import clean_text
from pacesetter.core.transitions import compare_and_set
from pacesetter.documents import word
from pacesetter.notifications.kinds import Kind
from pacesetter.notifications.services import notify
from pacesetter.orgs.enums import Role
from pacesetter.orgs.models import Organisation
from pacesetter.orgs.services import users_with_role_on

from .enums import BULLETIN_TRANSITIONS, BulletinAction, BulletinStatus, ItemStatus
from .models import Bulletin, InfoItem
from .rules import can_publish_for
from .text import paragraphs

FIELDS = ["title", "editor", "intro", "figures", "report_to", "copy_to"]


def campaign_figures(*, campaign: Campaign | None, org: Organisation) -> str:
    """Live figures for `org`'s subtree from the progress read model, one line each (Chinese: a document)."""
    if campaign is None:
        return ""
    from pacesetter.progress.selectors import STEPS, lagging_children, progress_data, totals

    with translation.override("zh-hans"):
        rows, _sectors = progress_data(campaign=campaign, org=org)
        t = totals(rows)
        lines = []
        for key, label, _legend in STEPS:
            c = t[key]
            lines.append(
                _(
                    "%(label)s：完成 %(done)d，进行中 %(doing)d，逾期 %(overdue)d，未开始 %(todo)d（完成率 %(p)d%%）"
                )
                % {
                    "label": label,
                    "done": c.done,
                    "doing": c.in_progress,
                    "overdue": c.overdue,
                    "todo": c.not_started,
                    "p": c.percent,
                }
            )
        lagging = lagging_children(campaign=campaign, org=org)
        if lagging:
            lines.append(
                _("进度滞后的单位：%(names)s") % {"names": "、".join(o.name for o, _r in lagging[:20])}
            )
    return "\n".join(lines)


_text = partial(clean_text, limit=200)


def _ids(values, field: str, message) -> list[int]:
    """Row ids as given (a list of numbers); anything else — text, a negative or an id past the database's
    integer range — is refused naming the field, never passed to the database."""
    raw = [str(v) for v in (values or [])]
    if not all(v.isdigit() and int(v) < 2**63 for v in raw):
        raise ValidationError(message, field=field)
    return [int(v) for v in raw]


def _items(issuer: Organisation, item_ids) -> list[InfoItem]:
    ids = _ids(item_ids, "items", _("只能编入本单位范围内已采用的信息"))
    items = list(
        InfoItem.objects.filter(
            pk__in=ids, status=ItemStatus.ACCEPTED, organisation__path__startswith=issuer.path
        )
    )
    if len(items) != len(set(ids)):
        raise ValidationError(_("只能编入本单位范围内已采用的信息"), field="items")
    return items


def _orgs(issuer: Organisation, org_ids) -> list[Organisation]:
    ids = _ids(org_ids, "distribute_to", _("发送范围只能是本单位及下级党组织"))
    orgs = list(Organisation.objects.filter(pk__in=ids, is_active=True, path__startswith=issuer.path))
    if len(orgs) != len(set(ids)):
        raise ValidationError(_("发送范围只能是本单位及下级党组织"), field="distribute_to")
    return orgs


@transaction.atomic
def bulletin_create(
    *,
    actor,
    issuer: Organisation,
    title: str,
    editor: str,
    campaign: Campaign | None = None,
    intro: str = "",
    report_to: str = "",
    copy_to: str = "",
    items=(),
    distribute_to=(),
    issuer_name: str = "",
) -> Bulletin:
    """Compose a draft issue: the chosen accepted items and the campaign's figures as they are now."""
    if not can_publish_for(actor, issuer):
        raise PermissionDeniedError(_("只有活动办公室或宣传编辑可以编发简报"))
    if campaign is not None and not (
        issuer.is_within(campaign.organisation) or campaign.organisation.is_within(issuer)
    ):
        raise ValidationError(_("活动不在本单位范围内"), field="campaign")
    b = Bulletin.objects.create(
        issuer=issuer,
        issuer_name=_text(
            issuer_name or _("创先争优活动领导小组办公室"), "issuer_name", _("编印单位名称"), limit=60
        ),
        campaign=campaign,
        title=_text(title, "title", _("本期标题")),
        editor=_text(editor, "editor", _("编辑"), limit=60),
        intro=_text(intro, "intro", _("按语"), required=False, limit=5000),
        figures=campaign_figures(campaign=campaign, org=issuer),
        report_to=_text(report_to, "report_to", _("报"), required=False, limit=300),
        copy_to=_text(copy_to, "copy_to", _("送"), required=False, limit=300),
        created_by=actor,
    )
    b.items.set(_items(issuer, items))
    b.distribute_to.set(_orgs(issuer, distribute_to))
    audit_create(actor, "publicity.bulletin_create", b, FIELDS, scope_path=issuer.path)
    return b


@transaction.atomic
def bulletin_update(
    *, actor, bulletin: Bulletin, refresh_figures: bool = False, items=None, distribute_to=None, **fields
) -> Bulletin:
    """Edit a draft issue (an issued one is a record and stays as printed)."""
    b = locked(Bulletin.objects.select_related("issuer", "campaign"), bulletin.pk)
    if not can_publish_for(actor, b.issuer):
        raise PermissionDeniedError(_("只有活动办公室或宣传编辑可以编发简报"))
    if b.status != BulletinStatus.DRAFT:
        raise StateError(_("本期简报已印发，不能修改"))
    before = snapshot(b, FIELDS)
    limits = {"title": 200, "editor": 60, "intro": 5000, "report_to": 300, "copy_to": 300}
    labels = {
        "title": _("本期标题"),
        "editor": _("编辑"),
        "intro": _("按语"),
        "report_to": _("报"),
        "copy_to": _("送"),
    }
    for k, v in fields.items():
        if k not in limits:
            raise ValidationError(_("未知字段：%(f)s") % {"f": k}, field=k)
        setattr(b, k, _text(v, k, labels[k], required=k in ("title", "editor"), limit=limits[k]))
    if refresh_figures:
        b.figures = campaign_figures(campaign=b.campaign, org=b.issuer)
    b.save()
    if items is not None:
        b.items.set(_items(b.issuer, items))
    if distribute_to is not None:
        b.distribute_to.set(_orgs(b.issuer, distribute_to))
    audit_update(actor, "publicity.bulletin_edit", b, before, FIELDS, scope_path=b.issuer.path)
    return b


@transaction.atomic
def bulletin_issue(*, actor, bulletin: Bulletin, today: datetime.date | None = None) -> Bulletin:
    """Print the issue: the next number of the issuer's year, the date, and a notice to every organisation
    on the 发 list with a link to the Word file. Issuing twice is refused."""
    return _bulletin_transition(actor, bulletin, BulletinAction.ISSUE, today=today or timezone.localdate())


def _bulletin_transition(actor, bulletin: Bulletin, action: str, *, today: datetime.date) -> Bulletin:
    # Lock the issuer row: two issues printed at once by the same office must not take the same number.
    issuer = Organisation.objects.select_for_update().get(pk=bulletin.issuer_id)
    b = Bulletin.objects.select_for_update(of=("self",)).get(pk=bulletin.pk)
    if not can_publish_for(actor, issuer):
        raise PermissionDeniedError(_("只有活动办公室或宣传编辑可以印发简报"))
    t = BULLETIN_TRANSITIONS.get((b.status, action))
    if t is None:
        raise StateError(
            _("本期简报已印发（%(n)s），不能重复印发") % {"n": b.number_label}
            if b.status == BulletinStatus.ISSUED
            else _("简报当前状态不能%(a)s") % {"a": BulletinAction(action).label}
        )
    if not b.items.exists():
        raise ValidationError(_("请至少编入一条已采用的信息"), field="items")
    if not b.distribute_to.exists():
        raise ValidationError(_("请选择发送范围（发）"), field="distribute_to")
    last = Bulletin.objects.filter(issuer=issuer, year=today.year).aggregate(m=Max("number"))["m"] or 0
    fields = {"status": t.target, "year": today.year, "number": last + 1, "issued_on": today}
    before = b.status
    try:
        with transaction.atomic():
            compare_and_set(Bulletin, b, before, fields, _("简报状态已被他人改变，请刷新后重试"))
    except IntegrityError as e:
        raise StateError(_("第%(n)d期已被占用，请刷新后重试") % {"n": last + 1}) from e
    audit_status(
        actor,
        f"publicity.bulletin_{action}",
        b,
        before,
        also={"number": b.number, "year": b.year},
        scope_path=issuer.path,
    )
    recipients = users_with_role_on([o.pk for o in b.distribute_to.all()], Role.SECRETARY)
    notify(
        kind=Kind.PUBLICITY_BULLETIN,
        recipients=list(recipients),
        title=_("%(issuer)s印发简报%(year)d年%(n)s：%(t)s")
        % {"issuer": b.issuer_name, "year": b.year, "n": b.number_label, "t": b.title},
        body=_("请下载 Word 版阅读、转发。"),
        url=reverse("publicity:bulletin-docx", args=[b.pk]),
    )
    return b


# ------------------------------------------------------------------ the Word file

RED = "FF0000"


def bulletin_docx(b: Bulletin) -> bytes:
    """简报 layout: red 简报 head, 第N期, issuer and date on one line over a red rule; the items; 报/送/发 at
    the bottom between black rules."""
    doc: Any = word.new_document()  # python-docx's Document is a function, not a type
    head = doc.add_paragraph()
    head.alignment = WD_ALIGN_PARAGRAPH.CENTER
    head.paragraph_format.line_spacing = Pt(60)
    run = head.add_run("简　报")
    word.set_font(run, word.TITLE_FONT, 48)
    run.font.color.rgb = RGBColor.from_string(RED)
    num = doc.add_paragraph()
    num.alignment = WD_ALIGN_PARAGRAPH.CENTER
    word.set_font(
        num.add_run(f"{b.year or '    '}年{b.number_label}" if b.number else "（草稿，未编号）"),
        word.BODY_FONT,
        16,
    )
    line = doc.add_paragraph()
    width = doc.sections[-1].page_width - doc.sections[-1].left_margin - doc.sections[-1].right_margin
    from docx.enum.text import WD_TAB_ALIGNMENT

    line.paragraph_format.tab_stops.add_tab_stop(width, WD_TAB_ALIGNMENT.RIGHT)
    line.paragraph_format.space_after = Pt(20)
    day = word.cn_date(b.issued_on) if b.issued_on else ""
    word.set_font(line.add_run(f"{b.issuer_name}\t{day}"), word.BODY_FONT, 14)
    word._border(line, "bottom", RED, 24)
    word.add_title(doc, b.title)
    if b.intro:
        word.add_paragraph(doc, b.intro)
    if b.figures:
        word.add_heading(doc, "活动进展")
        for text in b.figures.splitlines():
            word.add_paragraph(doc, text)
    for n, item in enumerate(b.items.select_related("organisation").order_by("accepted_at", "id"), start=1):
        p = word.add_heading(doc, f"{_cn_number(n)}、{item.title}")
        p.paragraph_format.space_before = Pt(12)
        for text in paragraphs(item.body) or item.body.splitlines():
            word.add_paragraph(doc, text)
        word.add_paragraph(doc, f"（{item.organisation.name}）", indent=False, align=WD_ALIGN_PARAGRAPH.RIGHT)
    foot = doc.add_paragraph()
    foot.paragraph_format.space_before = Pt(40)
    first = True
    for label, value in (
        ("报", b.report_to),
        ("送", b.copy_to),
        ("发", "、".join(o.name for o in b.distribute_to.order_by("path"))),
    ):
        if not value:
            continue
        p = foot if first else doc.add_paragraph()
        first = False
        p.paragraph_format.line_spacing = Pt(22)
        word.set_font(p.add_run(f"{label}：{value}"), word.BODY_FONT, 14)
    word._border(foot, "top", "000000", 8)
    last = doc.add_paragraph()
    last.paragraph_format.tab_stops.add_tab_stop(width, WD_TAB_ALIGNMENT.RIGHT)
    word.set_font(last.add_run(f"编辑：{b.editor}\t{b.issuer_name}"), word.BODY_FONT, 14)
    word._border(last, "bottom", "000000", 8)
    return word.to_bytes(doc)


def _cn_number(n: int) -> str:
    digits = "零一二三四五六七八九"
    if n < 10:
        return digits[n]
    if n < 20:
        return "十" + (digits[n % 10] if n % 10 else "")
    return digits[n // 10] + "十" + (digits[n % 10] if n % 10 else "")
