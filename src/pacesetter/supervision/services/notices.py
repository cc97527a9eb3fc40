"""Writes for leader reviews (领导点评) and supervision (督促检查): notices."""

from django.db import transaction
from django.db.models import Max, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from pacesetter.campaigns.models import Campaign
from pacesetter.core.audit import audit_log, audit_status
from pacesetter.core.errors import PermissionDeniedError, StateError, ValidationError
from pacesetter.core.transitions import status_cas
from pacesetter.notifications.kinds import Kind
from pacesetter.notifications.services import notify
from pacesetter.orgs.enums import Role
from pacesetter.orgs.models import Organisation
from pacesetter.orgs.services import users_with_role_on

from ..enums import (
    NOTICE_TRANSITIONS,
    NoticeAction,
    NoticeStatus,
)
from ..models import (
    Notice,
)
from ..rules import (
    is_office_over,
)
from ._common import _text

# ---------------------------------------------------------------- notices (通报)


def _next_number(org: Organisation, prefix: str, year: int) -> int:
    top = Notice.objects.filter(organisation=org, number_prefix=prefix, year=year).aggregate(m=Max("number"))[
        "m"
    ]
    return (top or 0) + 1


@transaction.atomic
def notice_compose(
    *,
    actor,
    org: Organisation,
    campaign: Campaign | None = None,
    issuer_name: str = "",
    number_prefix: str = "创先争优办",
    today=None,
) -> Notice:
    """Draft a 通报 pre-filled from live data (documents.notice_facts); the office edits it before issuing."""
    from ..documents import notice_draft_text

    if not is_office_over(actor, org):
        raise PermissionDeniedError(_("只有活动办公室可以起草通报"))
    today = today or timezone.localdate()
    title, body = notice_draft_text(org=org, campaign=campaign, today=today)
    number_prefix = _text(number_prefix, "number_prefix", _("机关代字"), limit=30)
    notice = Notice.objects.create(
        organisation=org,
        campaign=campaign,
        issuer_name=_text(
            issuer_name or f"{org.name}创先争优活动领导小组办公室", "issuer_name", _("发文机关"), limit=100
        ),
        number_prefix=number_prefix,
        year=today.year,
        number=_next_number(org, number_prefix, today.year),
        title=title,
        addressees=_("各基层党组织："),
        body=body,
        signed_on=today,
        created_by=actor,
    )
    audit_log(
        actor=actor,
        action="notice.compose",
        obj=notice,
        scope_path=org.path,
        after={"number": notice.doc_number},
    )
    return notice


NOTICE_FIELDS = ("issuer_name", "title", "addressees", "body", "signed_on", "number")


@transaction.atomic
def notice_update(*, actor, notice: Notice, **fields) -> Notice:
    notice = Notice.objects.select_for_update(of=("self",)).select_related("organisation").get(pk=notice.pk)
    if not is_office_over(actor, notice.organisation):
        raise PermissionDeniedError(_("只有活动办公室可以修改通报"))
    if notice.status != NoticeStatus.DRAFT:
        raise StateError(_("通报已印发，不能修改"))
    before = {k: getattr(notice, k) for k in NOTICE_FIELDS}
    notice.issuer_name = _text(
        fields.get("issuer_name", notice.issuer_name), "issuer_name", _("发文机关"), limit=100
    )
    notice.title = _text(fields.get("title", notice.title), "title", _("标题"), limit=200)
    notice.addressees = _text(
        fields.get("addressees", notice.addressees), "addressees", _("主送机关"), limit=300
    )
    notice.body = _text(fields.get("body", notice.body), "body", _("正文"), limit=50000)
    notice.signed_on = fields.get("signed_on") or notice.signed_on
    number = fields.get("number") or notice.number
    if (
        number != notice.number
        and Notice.objects.filter(
            organisation=notice.organisation,
            number_prefix=notice.number_prefix,
            year=notice.year,
            number=number,
        )
        .exclude(pk=notice.pk)
        .exists()
    ):
        raise ValidationError(_("发文字号%(n)s已被使用") % {"n": number}, field="number")
    notice.number = number
    notice.save()
    audit_log(
        actor=actor,
        action="notice.update",
        obj=notice,
        before={k: before[k] if k != "body" else len(before[k]) for k in before},
        after={k: getattr(notice, k) if k != "body" else len(notice.body) for k in NOTICE_FIELDS},
    )
    return notice


@transaction.atomic
def notice_issue(*, actor, notice: Notice) -> Notice:
    """印发: the notice becomes visible to the organisations below and their secretaries are told."""
    notice = Notice.objects.select_for_update(of=("self",)).select_related("organisation").get(pk=notice.pk)
    if not is_office_over(actor, notice.organisation):
        raise PermissionDeniedError(_("只有活动办公室可以印发通报"))
    now = timezone.now()
    before = status_cas(
        Notice,
        notice,
        NOTICE_TRANSITIONS,
        NoticeAction.ISSUE,
        NoticeAction.ISSUE.label,
        issued_at=now,
        issued_by=actor,
    )
    audit_status(
        actor,
        "notice.issue",
        notice,
        before,
        also={"number": notice.doc_number},
    )
    # 主送: the scope's own secretaries and those one level below, who relay it down; everyone further down
    # reads it in the notice list (notice_list_for), not as a notice each (#20: a city-wide 通报 was one
    # inbox row per secretary in the city).
    addressed = Organisation.objects.filter(
        Q(pk=notice.organisation_id) | Q(parent_id=notice.organisation_id), is_active=True
    ).values("pk")
    recipients = users_with_role_on(addressed, Role.SECRETARY)
    notify(
        kind=Kind.BULLETIN,
        recipients=list(recipients),
        title=_("通报：%(t)s（%(n)s）") % {"t": notice.title, "n": notice.doc_number},
        body=notice.body[:200],
        url=reverse("supervision:notice-detail", args=[notice.pk]),
    )
    return notice
