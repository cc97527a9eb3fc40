"""Programmes (评选表彰), their categories and quotas passed down level by level, and 开始推荐."""

import datetime

from django.db import transaction
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from pacesetter.campaigns.enums import StepCapability
from pacesetter.core.audit import audit_log
from pacesetter.core.errors import PermissionDeniedError, StateError, ValidationError
from pacesetter.orgs.enums import Cap
from pacesetter.orgs.models import Organisation
from pacesetter.orgs.selectors import org_in_scope

from .. import eligibility
from ..enums import NOTICE_DAYS_MAX, QUOTA_STATES, ProgrammeAction, ProgrammeStatus, Subject
from ..models import Category, Nomination, Programme, Quota
from ._common import _programme_transition, _require_office, _tell, _text


@transaction.atomic
def programme_create(
    *,
    actor,
    campaign,
    organisation: Organisation,
    title: str,
    issuer_name: str,
    year: int,
    nominate_until: datetime.date,
    notice_days: int = 7,
    with_default_categories: bool = True,
) -> Programme:
    if not org_in_scope(actor, organisation, Cap.HONOURS_MANAGE):
        raise PermissionDeniedError(_("只有活动办公室可以设立评选表彰"))
    title = _text(title, "title", _("名称"), limit=120)
    issuer_name = _text(issuer_name, "issuer_name", _("发文机关"), limit=60)
    if not isinstance(year, int) or not 2000 <= year <= 2100:
        raise ValidationError(_("年度应为 2000 至 2100 之间的年份"), field="year")
    if not isinstance(notice_days, int) or not 5 <= notice_days <= NOTICE_DAYS_MAX:
        raise ValidationError(
            _("公示期应为 5 至 %(n)d 天（一般不少于 7 天）") % {"n": NOTICE_DAYS_MAX}, field="notice_days"
        )
    if nominate_until < timezone.localdate():
        raise ValidationError(_("推荐截止日期不能早于今天"), field="nominate_until")
    if not any(StepCapability.NOMINATIONS in (s.capabilities or []) for s in campaign.steps.all()):
        raise ValidationError(
            _("该活动没有开放“推荐评选”的步骤，请先在活动安排中设置评选表彰步骤"), field="campaign"
        )
    p = Programme.objects.create(
        campaign=campaign,
        organisation=organisation,
        title=title,
        issuer_name=issuer_name,
        year=year,
        nominate_until=nominate_until,
        notice_days=notice_days,
    )
    if with_default_categories:
        from ..enums import DEFAULT_CATEGORIES

        for i, (name, subject) in enumerate(DEFAULT_CATEGORIES):
            Category.objects.create(programme=p, name=str(name), subject=subject, quota=10, position=i)
    audit_log(actor=actor, action="honours.programme.create", obj=p, after={"title": title, "year": year})
    return p


@transaction.atomic
def category_save(
    *,
    actor,
    programme: Programme,
    name: str,
    subject: str,
    quota: int,
    rules=(),
    category: Category | None = None,
) -> Category:
    """Add a category (or change one before 公示): name, who is commended, total places, eligibility rules."""
    _require_office(actor, programme)
    if programme.status not in (ProgrammeStatus.DRAFT, ProgrammeStatus.NOMINATING):
        raise StateError(_("公示开始后不能再修改表彰类别"))
    name = _text(name, "name", _("表彰类别"), limit=60)
    if subject not in Subject.values:
        raise ValidationError(_("请选择表彰对象（集体或个人）"), field="subject")
    if not isinstance(quota, int) or not 1 <= quota <= 10_000:
        raise ValidationError(_("名额应为 1 至 10000 的整数"), field="quota")
    rules = eligibility.validate_rules(list(rules), subject)
    clash = Category.objects.filter(programme=programme, name=name)
    if category is not None:
        clash = clash.exclude(pk=category.pk)
    if clash.exists():
        raise ValidationError(_("已有名为“%(n)s”的表彰类别") % {"n": name}, field="name")
    if category is not None:
        allocated = (
            category.quotas.filter(allocated_by=programme.organisation).aggregate(n=Sum("amount"))["n"] or 0
        )
        if quota < allocated:
            raise ValidationError(
                _("已分配给下级 %(a)d 个名额，总名额不能少于已分配数") % {"a": allocated}, field="quota"
            )
        if category.nominations.exists() and subject != category.subject:
            raise ValidationError(_("已有推荐对象，不能再改变表彰对象"), field="subject")
        before = {"name": category.name, "quota": category.quota, "rules": category.rules}
        category.name, category.subject, category.quota, category.rules = name, subject, quota, rules
        category.save()
    else:
        before = None
        position = programme.categories.count()
        category = Category.objects.create(
            programme=programme, name=name, subject=subject, quota=quota, rules=rules, position=position
        )
    audit_log(
        actor=actor,
        action="honours.category.save",
        obj=category,
        before=before,
        after={"name": name, "quota": quota, "rules": rules},
        scope_path=programme.organisation.path,
    )
    return category


def quota_usage(category: Category, org: Organisation) -> dict:
    """An organisation's places in a category: granted, passed down, used by its own nominations, left."""
    q = Quota.objects.filter(category=category, organisation=org).first()
    granted = q.amount if q else 0
    if org.pk == category.programme.organisation_id:
        granted = category.quota
    passed = Quota.objects.filter(category=category, allocated_by=org).aggregate(n=Sum("amount"))["n"] or 0
    used = Nomination.objects.filter(category=category, nominator=org, status__in=QUOTA_STATES).count()
    return {"granted": granted, "passed_down": passed, "used": used, "left": granted - passed - used}


@transaction.atomic
def quota_allocate(*, actor, category: Category, organisation: Organisation, amount: int) -> Quota | None:
    """Give `organisation` places in `category` from its parent's share (0 takes them back)."""
    programme = Programme.objects.get(pk=category.programme_id)
    parent = organisation.parent
    if (
        parent is None
        or not organisation.is_within(programme.organisation)
        or organisation == programme.organisation
    ):
        raise ValidationError(_("只能向本单位的下级组织分配名额"), field="organisation")
    cap = Cap.HONOURS_MANAGE if parent.pk == programme.organisation_id else Cap.HONOURS_NOMINATE
    if not org_in_scope(actor, parent, cap):
        raise PermissionDeniedError(_("只有%(o)s可以向其下级分配名额") % {"o": parent.name})
    if programme.status not in (ProgrammeStatus.DRAFT, ProgrammeStatus.NOMINATING):
        raise StateError(_("推荐阶段已结束，不能再分配名额"))
    if not isinstance(amount, int) or not 0 <= amount <= 10_000:
        raise ValidationError(_("名额应为 0 至 10000 的整数"), field="amount")
    Category.objects.select_for_update().filter(pk=category.pk).first()  # one allocation at a time
    existing = Quota.objects.filter(category=category, organisation=organisation).first()
    current = existing.amount if existing else 0
    mine = quota_usage(category, parent)
    if amount - current > mine["left"]:
        raise ValidationError(
            _("%(o)s在“%(c)s”还剩 %(n)d 个名额，不能再分配 %(a)d 个")
            % {"o": parent.name, "c": category.name, "n": mine["left"], "a": amount - current},
            field="amount",
        )
    below = quota_usage(category, organisation) if existing else {"passed_down": 0, "used": 0}
    if amount < below["passed_down"] + below["used"]:
        raise ValidationError(
            _("%(o)s已推荐或下分 %(n)d 个名额，不能少于该数")
            % {"o": organisation.name, "n": below["passed_down"] + below["used"]},
            field="amount",
        )
    if amount == 0:
        if existing:
            existing.delete()
        q = None
    elif existing:
        existing.amount = amount
        existing.save(update_fields=["amount"])
        q = existing
    else:
        q = Quota.objects.create(
            category=category, organisation=organisation, amount=amount, allocated_by=parent
        )
    audit_log(
        actor=actor,
        action="honours.quota.allocate",
        object_type="honours.quota",
        object_id=f"{category.pk}:{organisation.pk}",
        object_repr=f"{category.name} · {organisation.name}",
        before={"amount": current},
        after={"amount": amount},
        scope_path=organisation.path,
    )
    return q


@transaction.atomic
def programme_open(*, actor, programme: Programme) -> Programme:
    """开始推荐: the categories are set, places allocated; secretaries with places are told."""
    _require_office(actor, programme)
    if not programme.categories.exists():
        raise ValidationError(_("请先设置至少一个表彰类别"), field="categories")
    p = _programme_transition(actor, programme, ProgrammeAction.OPEN)
    orgs = Organisation.objects.filter(
        pk__in=Quota.objects.filter(category__programme=p).values("organisation")
    )
    _tell(orgs, _("请在名额内推荐：%(t)s") % {"t": p.title}, reverse("honours:programme-detail", args=[p.pk]))
    return p
