"""Writes for mass organisations (群团组织) and their members: checked, audited, one transaction each."""

import datetime
import unicodedata

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pacesetter.core.audit import audit_log
from pacesetter.core.errors import PermissionDeniedError, ValidationError
from pacesetter.orgs.enums import Gender
from pacesetter.orgs.models import Organisation
from pacesetter.orgs.validation import check_phone

from .enums import MassOrgKind
from .models import MassMember, MassOrganisation
from .rules import can_manage_mass_org


def _text(value, field: str, label: str, *, limit: int, required: bool = True) -> str:
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise ValidationError(_("%(f)s必须是文字") % {"f": label}, field=field)
    value = value.strip()
    if any(unicodedata.category(ch) == "Cc" for ch in value):
        raise ValidationError(_("%(f)s含有无法保存的控制字符") % {"f": label}, field=field)
    if required and not value:
        raise ValidationError(_("请填写%(f)s") % {"f": label}, field=field)
    if len(value) > limit:
        raise ValidationError(_("%(f)s最多 %(n)d 个字") % {"f": label, "n": limit}, field=field)
    return value


def _require_manage(actor, party_org: Organisation) -> None:
    if not can_manage_mass_org(actor, party_org):
        raise PermissionDeniedError(
            _("只有%(o)s的书记或活动办公室可以管理其群团组织") % {"o": party_org.name}
        )


@transaction.atomic
def mass_org_create(*, actor, party_org: Organisation, kind: str, name: str) -> MassOrganisation:
    """Attach a 共青团/工会/妇联 organisation to a Party organisation (党建带群建)."""
    _require_manage(actor, party_org)
    if kind not in MassOrgKind.values:
        raise ValidationError(_("群团组织类别无效，应为共青团、工会或妇联"), field="kind")
    name = _text(name, "name", _("名称"), limit=120)
    if not party_org.is_active:
        raise ValidationError(_("“%(o)s”已撤销，不能新建群团组织") % {"o": party_org.name}, field="party_org")
    if MassOrganisation.objects.filter(party_org=party_org, name=name, is_active=True).exists():
        raise ValidationError(_("“%(n)s”已经存在") % {"n": name}, field="name")
    try:
        with transaction.atomic():
            mass_org = MassOrganisation.objects.create(party_org=party_org, kind=kind, name=name)
    except IntegrityError:
        raise ValidationError(_("“%(n)s”已经存在") % {"n": name}, field="name") from None
    audit_log(
        actor=actor,
        action="massorgs.create",
        obj=mass_org,
        scope_path=party_org.path,
        after={"name": name, "kind": kind, "party_org": party_org.name},
    )
    return mass_org


@transaction.atomic
def mass_org_deactivate(*, actor, mass_org: MassOrganisation) -> MassOrganisation:
    _require_manage(actor, mass_org.party_org)
    if MassOrganisation.objects.filter(pk=mass_org.pk, is_active=True).update(is_active=False):
        audit_log(
            actor=actor,
            action="massorgs.deactivate",
            obj=mass_org,
            scope_path=mass_org.party_org.path,
            before={"is_active": True},
            after={"is_active": False},
        )
    mass_org.is_active = False
    return mass_org


def _date(value, field: str, label: str) -> datetime.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime.date):
        parsed = value
    else:
        try:
            parsed = datetime.date.fromisoformat(str(value)[:10])
        except ValueError:
            raise ValidationError(_("%(f)s应为日期，如 2011-05-04") % {"f": label}, field=field) from None
    if not datetime.date(1900, 1, 1) <= parsed <= timezone.localdate():
        raise ValidationError(_("%(f)s不在合理范围内") % {"f": label}, field=field)
    return parsed


@transaction.atomic
def mass_member_add(
    *,
    actor,
    mass_org: MassOrganisation,
    name: str,
    gender: str,
    post: str = "",
    phone: str = "",
    joined_on=None,
) -> MassMember:
    """Add a member to a mass organisation's own roster (never the Party roster)."""
    _require_manage(actor, mass_org.party_org)
    if not mass_org.is_active:
        raise ValidationError(_("“%(n)s”已撤销，不能增加成员") % {"n": mass_org.name}, field="mass_org")
    name = _text(name, "name", _("姓名"), limit=50)
    if gender not in Gender.values:
        raise ValidationError(_("性别无效"), field="gender")
    post = _text(post, "post", _("职务"), limit=100, required=False)
    phone = _text(phone, "phone", _("联系电话"), limit=20, required=False)
    if phone:
        problem = check_phone(phone)
        if problem:
            raise ValidationError(problem, field="phone")
    member = MassMember.objects.create(
        mass_org=mass_org,
        name=name,
        gender=gender,
        post=post,
        phone=phone,
        joined_on=_date(joined_on, "joined_on", _("加入时间")),
    )
    audit_log(
        actor=actor,
        action="massorgs.member.add",
        obj=member,
        scope_path=mass_org.party_org.path,
        after={"name": name, "mass_org": mass_org.name, "phone": member.phone_masked},
    )
    return member


@transaction.atomic
def mass_member_remove(*, actor, member: MassMember) -> MassMember:
    _require_manage(actor, member.mass_org.party_org)
    if MassMember.objects.filter(pk=member.pk, is_active=True).update(is_active=False):
        audit_log(
            actor=actor,
            action="massorgs.member.remove",
            obj=member,
            scope_path=member.mass_org.party_org.path,
            before={"is_active": True},
            after={"is_active": False},
        )
    member.is_active = False
    return member
