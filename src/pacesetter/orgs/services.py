"""Writes to organisations, members, accounts, roles and liaison links: check, validate, change, audit."""

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import Count, F, Max, Q, Value
from django.db.models.functions import Concat, Substr
from django.utils import timezone
from django.utils.translation import gettext as _

from pacesetter.core.audit import audit_create, audit_log, audit_update, snapshot
from pacesetter.core.errors import PermissionDeniedError, StateError, ValidationError
from pacesetter.core.pii import pii_reveal

from . import hooks, subtree_tally
from .enums import SECTOR_ROLES, Cap, MemberStatus, OrgType, Role, Sector
from .models import SEGMENT, Liaison, Member, Organisation, RoleGrant, decode_segment, encode_segment
from .selectors import forget_grants, grants_for, nearest_holders, org_in_scope, subtree_q
from .validation import check_id_number, check_phone

User = get_user_model()

ORG_FIELDS = ["name", "parent", "org_type", "sector", "is_active"]
# a member's particulars as the roster records them: audited on every edit, compared by the imports
MEMBER_PROFILE = ("name", "gender", "ethnicity", "birth_date", "joined_on", "post")
MEMBER_FIELDS = [*MEMBER_PROFILE, "organisation", "phone", "id_number", "is_active", "status"]


def _require(user, org: Organisation, cap: str) -> None:
    if user is not None and not org_in_scope(user, org, cap):
        raise PermissionDeniedError(_("您无权在“%(org)s”范围内执行此操作") % {"org": org.name})


def _next_child_path(parent: Organisation | None) -> str:
    siblings = Organisation.objects.filter(parent=parent) if parent else Organisation.objects.filter(depth=0)
    last = siblings.aggregate(m=Max("path"))["m"]
    n = decode_segment(last[-SEGMENT:]) + 1 if last else 1
    return (parent.path if parent else "") + encode_segment(n)


def _clean_org_fields(name: str, org_type: str, sector: str) -> str:
    name = (name or "").strip()
    if not name:
        raise ValidationError(_("组织名称不能为空"), field="name")
    if len(name) > 120:
        raise ValidationError(_("组织名称不能超过120个字"), field="name")
    if org_type not in OrgType.values:
        raise ValidationError(_("组织类别无效：%(v)s") % {"v": org_type}, field="org_type")
    if sector not in Sector.values:
        raise ValidationError(_("所属行业无效：%(v)s") % {"v": sector}, field="sector")
    return name


@transaction.atomic
def org_create(*, actor, parent: Organisation | None, name: str, org_type: str, sector: str) -> Organisation:
    if parent is None:
        if actor is not None and not actor.is_superuser:
            raise PermissionDeniedError(_("只有系统管理员可以创建顶级组织"))
    else:
        _require(actor, parent, Cap.ORG_MANAGE)
        if not parent.is_active:
            raise StateError(
                _("上级组织“%(org)s”已撤销，不能在其下新建组织") % {"org": parent.name}, field="parent"
            )
        if parent.org_type == OrgType.BRANCH:
            raise ValidationError(_("党支部下不能再设下级组织"), field="parent")
    name = _clean_org_fields(name, org_type, sector)
    if Organisation.objects.filter(parent=parent, name=name).exists():
        raise ValidationError(_("同一上级组织下已有名为“%(name)s”的组织") % {"name": name}, field="name")
    org = Organisation(
        name=name,
        parent=parent,
        org_type=org_type,
        sector=sector,
        path=_next_child_path(parent),
        depth=(parent.depth + 1) if parent else 0,
    )
    org.save()
    subtree_tally.bump(org, orgs=1)
    hooks.org_changed(org)
    audit_create(actor, "org.create", org, ORG_FIELDS)
    return org


@transaction.atomic
def org_update(*, actor, org: Organisation, name: str, org_type: str, sector: str) -> Organisation:
    _require(actor, org, Cap.ORG_MANAGE)
    org = Organisation.objects.select_for_update(of=("self",)).get(pk=org.pk)
    before = snapshot(org, ORG_FIELDS)
    name = _clean_org_fields(name, org_type, sector)
    if Organisation.objects.filter(parent_id=org.parent_id, name=name).exclude(pk=org.pk).exists():
        raise ValidationError(_("同一上级组织下已有名为“%(name)s”的组织") % {"name": name}, field="name")
    if org_type == OrgType.BRANCH and org.children.exists():
        raise ValidationError(_("该组织有下级组织，不能改为党支部"), field="org_type")
    moves_sector = org.sector != sector
    if moves_sector:
        hooks.org_changing(org)
    org.name, org.org_type, org.sector = name, org_type, sector
    org.save(update_fields=["name", "org_type", "sector", "updated_at"])
    if moves_sector:
        hooks.org_changed(org)
    audit_update(actor, "org.update", org, before, ORG_FIELDS)
    return org


@transaction.atomic
def org_move(*, actor, org: Organisation, new_parent: Organisation) -> Organisation:
    """Move `org` with its whole subtree under `new_parent` by rewriting the path prefix in one UPDATE."""
    _require(actor, org, Cap.ORG_MANAGE)
    _require(actor, new_parent, Cap.ORG_MANAGE)
    org = Organisation.objects.select_for_update(of=("self",)).get(pk=org.pk)
    if org.parent_id is None:
        raise ValidationError(_("顶级组织不能移动"), field="parent")
    if new_parent.path.startswith(org.path):
        raise ValidationError(_("不能把组织移动到它自己或它的下级组织之下"), field="parent")
    if new_parent.org_type == OrgType.BRANCH:
        raise ValidationError(_("党支部下不能再设下级组织"), field="parent")
    if not new_parent.is_active:
        raise StateError(_("目标上级组织已撤销"), field="parent")
    if new_parent.pk == org.parent_id:
        return org
    if Organisation.objects.filter(parent=new_parent, name=org.name).exists():
        raise ValidationError(_("目标上级组织下已有同名组织“%(name)s”") % {"name": org.name}, field="parent")
    before = snapshot(org, ORG_FIELDS)
    old_path, new_path = org.path, _next_child_path(new_parent)
    depth_delta = new_parent.depth + 1 - org.depth

    Organisation.objects.filter(subtree_q(old_path)).update(
        path=Concat(Value(new_path), Substr("path", len(old_path) + 1)), depth=F("depth") + depth_delta
    )
    Organisation.objects.filter(pk=org.pk).update(parent=new_parent)
    org.refresh_from_db()
    subtree_tally.moved(org, old_path[:-SEGMENT])
    hooks.org_moved(org, old_path[:-SEGMENT])
    audit_update(actor, "org.move", org, before, ORG_FIELDS)
    return org


@transaction.atomic
def org_set_active(*, actor, org: Organisation, active: bool) -> Organisation:
    """Deactivate (撤销) or reactivate an organisation; nothing is deleted."""
    _require(actor, org, Cap.ORG_MANAGE)
    org = Organisation.objects.select_for_update(of=("self",)).get(pk=org.pk)
    if org.is_active == active:
        return org
    if not active:
        if Organisation.objects.filter(subtree_q(org.path), is_active=True).exclude(pk=org.pk).exists():
            raise StateError(_("“%(org)s”还有有效的下级组织，请先撤销或移走它们") % {"org": org.name})
        if org.member_count:
            raise StateError(
                _("“%(org)s”还有 %(n)d 名在册党员，请先转出") % {"org": org.name, "n": org.member_count}
            )
    elif org.parent is not None and not org.parent.is_active:
        raise StateError(_("上级组织已撤销，请先恢复上级组织"))
    before = snapshot(org, ORG_FIELDS)
    hooks.org_changing(org)
    org.is_active = active
    org.save(update_fields=["is_active", "updated_at"])
    sign = 1 if active else -1
    subtree_tally.bump(org, orgs=sign, members=sign * org.member_count)
    hooks.org_changed(org)
    audit_update(actor, "org.activate" if active else "org.deactivate", org, before, ORG_FIELDS)
    return org


@transaction.atomic  # the counts and the subtree counters change together, and the rows are locked
def org_refresh_member_counts(org_ids) -> None:
    """Recount active members attached directly to these organisations (one UPDATE per organisation), and
    add the differences of the active ones to the subtree counters (in the caller's transaction)."""
    ids = {i for i in org_ids if i is not None}
    if not ids:
        return
    # Locked first, so that a concurrent recount of the same organisation counts after this one commits.
    before = {
        pk: (count, active)
        for pk, count, active in Organisation.objects.select_for_update()
        .filter(pk__in=ids)
        .order_by("pk")
        .values_list("pk", "member_count", "is_active")
    }
    counts = dict(
        Member.objects.filter(organisation_id__in=ids, is_active=True)
        .values_list("organisation_id")
        .annotate(n=Count("id"))
        .values_list("organisation_id", "n")
    )
    for org_id in ids:
        Organisation.objects.filter(pk=org_id).update(member_count=counts.get(org_id, 0))
    subtree_tally.add(
        {pk: (0, counts.get(pk, 0) - count) for pk, (count, active) in before.items() if active}
    )


def _clean_member(data: dict) -> dict:
    errors = []
    name = (data.get("name") or "").strip()
    if not name:
        errors.append(("name", _("姓名不能为空")))
    if data.get("gender") not in ("M", "F"):
        errors.append(("gender", _("性别必须是“男”或“女”")))
    id_number = (data.get("id_number") or "").strip().upper()
    problem = check_id_number(id_number, data.get("birth_date"))
    if problem:
        errors.append(("id_number", problem))
    phone = (data.get("phone") or "").strip()
    if phone and (p := check_phone(phone)):
        errors.append(("phone", p))
    birth, joined = data.get("birth_date"), data.get("joined_on")
    if birth and joined and joined < birth:
        errors.append(("joined_on", _("入党时间不能早于出生日期")))
    today = timezone.localdate()
    if joined and joined > today:
        errors.append(("joined_on", _("入党时间不能晚于今天")))
    if data.get("status") and data["status"] not in MemberStatus.values:
        errors.append(("status", _("党员类别只能是在职、无职、流动或年老体弱")))
    if errors:
        field, message = errors[0]
        raise ValidationError(
            message, field=field, details=[{"field": f, "message": str(m)} for f, m in errors]
        )
    return {
        **data,
        "name": name,
        "id_number": id_number,
        "phone": phone,
        "ethnicity": (data.get("ethnicity") or "汉族").strip(),
        "post": (data.get("post") or "").strip(),
    }


@transaction.atomic
def member_create(*, actor, organisation: Organisation, **data) -> Member:
    _require(actor, organisation, Cap.PERSON_MANAGE)
    if not organisation.is_active:
        raise StateError(
            _("“%(org)s”已撤销，不能接收党员") % {"org": organisation.name}, field="organisation"
        )
    data = _clean_member(data)
    if Member.objects.filter(id_number=data["id_number"]).exists():
        raise ValidationError(_("身份证号已登记在另一名党员名下"), field="id_number")
    member = Member(organisation=organisation, **data)
    try:
        with transaction.atomic():
            member.save()
    except IntegrityError:
        raise ValidationError(_("身份证号已登记在另一名党员名下"), field="id_number") from None
    org_refresh_member_counts([organisation.pk])
    audit_create(actor, "member.create", member, MEMBER_FIELDS)
    return member


@transaction.atomic
def member_update(*, actor, member: Member, organisation: Organisation, **data) -> Member:
    _require(actor, member.organisation, Cap.PERSON_MANAGE)
    _require(actor, organisation, Cap.PERSON_MANAGE)
    member = Member.objects.select_for_update(of=("self",)).get(pk=member.pk)
    before = snapshot(member, MEMBER_FIELDS)
    data = _clean_member(data)
    if Member.objects.filter(id_number=data["id_number"]).exclude(pk=member.pk).exists():
        raise ValidationError(_("身份证号已登记在另一名党员名下"), field="id_number")
    if organisation.pk != member.organisation_id and not organisation.is_active:
        raise StateError(
            _("“%(org)s”已撤销，不能接收党员") % {"org": organisation.name}, field="organisation"
        )
    old_org = member.organisation_id
    for key, value in data.items():
        setattr(member, key, value)
    member.organisation = organisation
    member.save()
    org_refresh_member_counts([old_org, organisation.pk])
    audit_update(actor, "member.update", member, before, MEMBER_FIELDS)
    return member


@transaction.atomic
def member_set_active(*, actor, member: Member, active: bool) -> Member:
    _require(actor, member.organisation, Cap.PERSON_MANAGE)
    member = Member.objects.select_for_update(of=("self",)).get(pk=member.pk)
    if member.is_active == active:
        return member
    before = snapshot(member, MEMBER_FIELDS)
    member.is_active = active
    member.save(update_fields=["is_active", "updated_at"])
    org_refresh_member_counts([member.organisation_id])
    audit_update(actor, "member.activate" if active else "member.deactivate", member, before, MEMBER_FIELDS)
    return member


@transaction.atomic
def account_create(
    *,
    actor,
    username: str,
    password: str,
    full_name: str,
    email: str = "",
    member: Member | None = None,
    scope: Organisation | None = None,
):
    """Create a sign-in account, for a member (linked to the roster) or for staff with a role to come."""
    if member is not None:
        _require(actor, member.organisation, Cap.PERSON_MANAGE)
        if member.user_id:
            raise StateError(_("该党员已有登录账号"))
    elif scope is None or not org_in_scope(actor, scope, Cap.ROLE_MANAGE):
        raise PermissionDeniedError(_("您无权创建账号"))
    username = (username or "").strip()
    if not username:
        raise ValidationError(_("用户名不能为空"), field="username")
    if User.objects.filter(username=username).exists():
        raise ValidationError(_("用户名“%(u)s”已被使用") % {"u": username}, field="username")
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError as DjangoValidationError

    try:
        validate_password(password)
    except DjangoValidationError as exc:
        raise ValidationError("；".join(exc.messages), field="password") from None
    user = User(username=username, first_name=(full_name or "").strip()[:150], email=(email or "").strip())
    user.set_password(password)
    user.save()
    if member is not None:
        Member.objects.filter(pk=member.pk).update(user=user)
        RoleGrant.objects.create(
            user=user, role=Role.MEMBER, organisation=member.organisation, granted_by=actor
        )
    audit_log(
        actor=actor,
        action="account.create",
        obj=user,
        object_repr=user.username,
        extra={"member": member.pk if member else None},
    )
    return user


@transaction.atomic
def role_grant(
    *,
    actor,
    user,
    role: str,
    organisation: Organisation,
    sector: str = "",
    guide: Organisation | None = None,
) -> RoleGrant:
    """Grant `role` over `organisation`'s subtree; the sector-guidance role (条块结合) also takes the sector
    it covers there and the guiding body (指导单位), and only the office over the subtree grants it."""
    if role not in Role.values:
        raise ValidationError(_("角色无效：%(v)s") % {"v": role}, field="role")
    _require(actor, organisation, Cap.ROLE_MANAGE)
    if not organisation.is_active:
        raise StateError(_("“%(org)s”已撤销，不能在其上授予角色") % {"org": organisation.name})
    sector = (sector or "").strip()
    if role in SECTOR_ROLES:
        if sector not in Sector.values:
            raise ValidationError(_("行业指导须选择所指导的行业"), field="sector")
        if guide is None:
            raise ValidationError(_("行业指导须填写指导单位"), field="guide")
        if not org_in_scope(actor, guide, Cap.ROLE_MANAGE):
            raise ValidationError(_("指导单位须在您的管理范围内"), field="guide")
        office_over = any(
            g.role == Role.OFFICE and not g.sector and organisation.path.startswith(g.path)
            for g in grants_for(actor)
        )
        if not office_over:
            raise PermissionDeniedError(_("行业指导只能由活动办公室授予"))
    elif sector or guide is not None:
        raise ValidationError(_("只有行业指导角色按行业授予"), field="sector")
    existing = RoleGrant.objects.filter(
        user=user, role=role, organisation=organisation, sector=sector, revoked_at__isnull=True
    )
    if existing.exists():
        raise StateError(_("该用户已在此组织拥有该角色"))
    grant = RoleGrant.objects.create(
        user=user, role=role, organisation=organisation, sector=sector, guide=guide, granted_by=actor
    )
    forget_grants(user)
    after = {"user": user.pk, "role": role, "organisation": organisation.pk}
    if sector:
        after |= {"sector": sector, "guide": guide.pk if guide else None}
    audit_log(actor=actor, action="role.grant", obj=grant, after=after)
    return grant


@transaction.atomic
def role_revoke(*, actor, grant: RoleGrant) -> RoleGrant:
    _require(actor, grant.organisation, Cap.ROLE_MANAGE)
    if grant.revoked_at is not None:
        raise StateError(_("该授权已撤销"))
    if grant.user_id == getattr(actor, "pk", None) and grant.role == Role.OFFICE:
        raise StateError(_("不能撤销自己的活动办公室角色"))
    grant.revoked_at = timezone.now()
    grant.save(update_fields=["revoked_at"])
    forget_grants(grant.user)
    audit_log(
        actor=actor,
        action="role.revoke",
        obj=grant,
        before={"user": grant.user_id, "role": grant.role, "organisation": grant.organisation_id},
    )
    return grant


@transaction.atomic
def liaison_add(*, actor, leader, organisation: Organisation) -> Liaison:
    """Link a leader to an organisation they are responsible for reviewing (联系点)."""
    _require(actor, organisation, Cap.ROLE_MANAGE)
    if not RoleGrant.objects.filter(user=leader, role=Role.LEADER, revoked_at__isnull=True).exists():
        raise ValidationError(_("只能为拥有“联系领导”角色的用户设置联系点"), field="leader")
    if Liaison.objects.filter(leader=leader, organisation=organisation).exists():
        raise StateError(_("该联系点已存在"))
    link = Liaison.objects.create(leader=leader, organisation=organisation)
    hooks.liaison_changed(link)
    audit_log(
        actor=actor,
        action="liaison.add",
        obj=link,
        after={"leader": leader.pk, "organisation": organisation.pk},
    )
    return link


@transaction.atomic
def liaison_remove(*, actor, link: Liaison) -> None:
    _require(actor, link.organisation, Cap.ROLE_MANAGE)
    audit_log(
        actor=actor,
        action="liaison.remove",
        obj=link,
        before={"leader": link.leader_id, "organisation": link.organisation_id},
    )
    hooks.liaison_changing(link)
    link.delete()


def users_with_role_on(org_ids, role: str):
    """Users holding `role` on any of these organisations (for notifications)."""
    return User.objects.filter(
        Q(role_grants__organisation_id__in=org_ids),
        role_grants__role=role,
        role_grants__revoked_at__isnull=True,
    ).distinct()


def acting_for(org: Organisation | None, *, exclude: int | None = None) -> list:
    """Who acts for an organisation (answers its cases and rectification orders, reviews its nominations):
    the secretaries on the nearest organisation at or above it that has any — a 支部 without an account of
    its own acts through its 党委 — else the office holders on the nearest one that has any. One level,
    never every secretary or office up to the city (#20). `exclude` leaves one account out (the person a
    case names), and the search goes on past it. At most two queries."""
    if org is None:
        return []
    return nearest_holders(org, [Role.SECRETARY], exclude=exclude) or nearest_holders(
        org, [Role.OFFICE], exclude=exclude
    )


REVEALABLE = ("id_number",)


def member_reveal_pii(*, actor, member: Member, field: str) -> str:
    """One member's 身份证号 in clear, for a role with person.pii over their organisation; audited each
    time (core.pii.pii_reveal)."""
    if field not in REVEALABLE:
        raise ValidationError(_("不能显示该字段"), field="field")
    if not org_in_scope(actor, member.organisation, Cap.PERSON_PII):
        raise PermissionDeniedError(_("您没有查看完整身份证号的权限"))
    return pii_reveal(
        actor=actor,
        obj=member,
        field=field,
        value=getattr(member, field),
        scope_path=member.organisation.path,
    )
