"""Exemplary cases (典型): registering a model for cultivation, raising it a level (培育 → 县级 → 市级 → 省级)
by the office at that level, linking the articles about it; each change audited and kept in its history.

`exemplar_promote` is the only code that changes Exemplar.level (it reads enums.LEVEL_NEXT).
"""

import datetime
from functools import partial

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pacesetter.core.audit import audit_create, audit_log, audit_status
from pacesetter.core.errors import PermissionDeniedError, StateError, ValidationError
from pacesetter.core.people import display_name
from pacesetter.core.text import clean_text
from pacesetter.core.transitions import compare_and_set
from pacesetter.honours.models import Honour
from pacesetter.orgs.enums import Role, Sector
from pacesetter.orgs.models import Member, Organisation
from pacesetter.orgs.selectors import grants_for

from . import search
from .enums import LEVEL_AWARD_DEPTH, LEVEL_NEXT, CultivationLevel, ExemplarKind
from .models import Article, Exemplar, ExemplarLevelEvent
from .rules import can_draft_for
from .sources import exemplar_doc

FIELDS = [
    "honour",
    "kind",
    "organisation",
    "member",
    "name",
    "sector",
    "trade",
    "post",
    "summary",
    "level",
    "level_since",
]


_text = partial(clean_text, limit=40)


def index_exemplar(e: Exemplar) -> None:
    search.index_doc(**exemplar_doc(e))


def awarding_office(actor, exemplar: Exemplar, level: str) -> Organisation | None:
    """The organisation whose office (活动办公室) may award `level` to `exemplar`: an office grant over the
    model's organisation, at the depth that level belongs to; None if the actor holds none."""
    depth = LEVEL_AWARD_DEPTH[level]
    paths = [
        g.path
        for g in grants_for(actor)
        if g.role == Role.OFFICE and exemplar.organisation.path.startswith(g.path)
    ]
    return Organisation.objects.filter(path__in=paths, depth=depth).first()


@transaction.atomic
def exemplar_register(
    *,
    actor,
    organisation: Organisation,
    summary: str,
    name: str = "",
    member: Member | None = None,
    sector: str = "",
    trade: str = "",
    post: str = "",
    today: datetime.date | None = None,
    honour: Honour | None = None,
) -> Exemplar:
    """Register a model for cultivation (培育): an organisation, or a member of it; `honour`: the commendation
    it comes from (one model per honour)."""
    if member is not None:
        organisation = member.organisation
    if not can_draft_for(actor, organisation):
        raise PermissionDeniedError(_("您无权为“%(org)s”登记典型") % {"org": organisation.name})
    if honour is not None:
        if not can_draft_for(actor, honour.organisation):
            raise PermissionDeniedError(_("您无权为“%(org)s”登记典型") % {"org": honour.organisation.name})
        if Exemplar.objects.filter(honour=honour).exists():
            raise StateError(
                _("“%(name)s”的这项表彰已登记为典型") % {"name": honour.display_name}, field="honour"
            )
    sector = sector or organisation.sector
    if sector not in Sector.values:
        raise ValidationError(_("请选择有效的领域"), field="sector")
    e = Exemplar.objects.create(
        kind=ExemplarKind.MEMBER if member is not None else ExemplarKind.ORGANISATION,
        organisation=organisation,
        member=member,
        name=_text(name or (member.name if member else organisation.name), "name", _("名称"), limit=120),
        sector=sector,
        trade=_text(trade, "trade", _("行业"), required=False),
        post=_text(post, "post", _("岗位"), required=False),
        summary=_text(summary, "summary", _("主要事迹"), limit=10_000),
        level=CultivationLevel.CULTIVATING,
        level_since=today or timezone.localdate(),
        honour=honour,
        created_by=actor,
    )
    ExemplarLevelEvent.objects.create(
        exemplar=e,
        to_level=e.level,
        awarded_on=e.level_since,
        awarded_by=organisation,
        actor_name=display_name(actor),
    )
    index_exemplar(e)
    audit_create(actor, "publicity.exemplar_register", e, FIELDS)
    return e


@transaction.atomic
def exemplar_promote(
    *, actor, exemplar: Exemplar, level: str, awarded_on: datetime.date | None = None, document: str = ""
) -> Exemplar:
    """Raise a model one level; only the office at that level may (县级: a county or district office, 市级 and
    the recorded 省级: the city office)."""
    e = Exemplar.objects.select_for_update(of=("self",)).select_related("organisation").get(pk=exemplar.pk)
    if level not in CultivationLevel.values:
        raise ValidationError(_("请选择有效的层级"), field="level")
    if level == CultivationLevel.CULTIVATING:
        raise ValidationError(_("培育是登记时的层级，不能授予"), field="level")
    office = awarding_office(actor, e, level)
    if office is None:
        raise PermissionDeniedError(
            _("%(level)s典型只能由%(level)s活动办公室认定") % {"level": CultivationLevel(level).label}
        )
    if LEVEL_NEXT.get(e.level) != level:
        raise StateError(
            _("“%(name)s”目前是%(now)s典型，只能逐级晋升") % {"name": e.name, "now": e.get_level_display()}
        )
    awarded_on = awarded_on or timezone.localdate()
    if awarded_on > timezone.localdate() or awarded_on < e.level_since:
        raise ValidationError(_("认定日期不能早于上次定级日期，也不能晚于今天"), field="awarded_on")
    document = _text(
        document, "document", _("认定文件"), required=level == CultivationLevel.PROVINCE, limit=120
    )
    before = e.level
    compare_and_set(
        Exemplar,
        e,
        before,
        {"level": level, "level_since": awarded_on},
        _("层级已被他人改变，请刷新后重试"),
        field="level",
    )
    ExemplarLevelEvent.objects.create(
        exemplar=e,
        from_level=before,
        to_level=level,
        awarded_on=awarded_on,
        awarded_by=office,
        document=document,
        actor_name=display_name(actor),
    )
    index_exemplar(e)
    audit_status(
        actor,
        "publicity.exemplar_promote",
        e,
        before,
        field="level",
        extra={"awarded_by": office.name, "document": document},
    )
    return e


@transaction.atomic
def exemplar_link_articles(*, actor, exemplar: Exemplar, articles: list[Article]) -> Exemplar:
    if not can_draft_for(actor, exemplar.organisation):
        raise PermissionDeniedError(_("您无权修改这个典型"))
    before = sorted(exemplar.articles.values_list("pk", flat=True))
    exemplar.articles.set(articles)
    audit_log(
        actor=actor,
        action="publicity.exemplar_articles",
        obj=exemplar,
        before={"articles": before},
        after={"articles": sorted(a.pk for a in articles)},
    )
    return exemplar
