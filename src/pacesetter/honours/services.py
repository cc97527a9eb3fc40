"""Writes for commendation (评选表彰): programmes, categories and quotas, nominations reviewed level by level,
the public's recommendations (one per person), 公示 with objections on the case engine, and the 表彰决定.

Each service checks permission first, validates, changes inside one transaction and writes an audit entry;
`_transition` is the only code that assigns Nomination.status and `_programme_transition` the only code that
assigns Programme.status.
"""

import datetime
from functools import partial
from typing import Any

from django.db import transaction
from django.db.models import F, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from pacesetter import onecount
from pacesetter.campaigns.enums import StepCapability
from pacesetter.campaigns.windows import require_open
from pacesetter.core.audit import audit_log
from pacesetter.core.errors import PermissionDeniedError, RateLimitedError, StateError, ValidationError
from pacesetter.core.text import clean_text
from pacesetter.core.uploads import IMAGES, CheckedUpload, check_image_pixels, check_upload
from pacesetter.notifications.kinds import Kind
from pacesetter.notifications.services import notify
from pacesetter.orgs.enums import Cap
from pacesetter.orgs.models import Member, Organisation
from pacesetter.orgs.selectors import org_in_scope
from pacesetter.orgs.services import acting_for

from . import eligibility
from .enums import (
    DEED_MAX,
    NOTICE_DAYS_MAX,
    OBJECTION_MAX,
    OBJECTION_MIN,
    OBJECTIONS_PER_ADDRESS_PER_DAY,
    PHOTO_MAX_PIXELS,
    PHOTOS_MAX,
    PROGRAMME_TRANSITIONS,
    QUOTA_STATES,
    RECOMMENDABLE_STATES,
    SUMMARY_MAX,
    TRANSITIONS,
    NominationAction,
    NominationStatus,
    Party,
    ProgrammeAction,
    ProgrammeStatus,
    Subject,
)
from .models import Category, Decision, Honour, Nomination, NominationEvent, NominationPhoto, Programme, Quota
from .rules import is_office, parties_for

PHOTO_MAX_BYTES = 5 * 1024 * 1024
OBJECTION_SOURCE = "honours.nomination"


_text = partial(clean_text, limit=200)


def _name(actor) -> str:
    if actor is None or not actor.is_authenticated:
        return "系统"
    return actor.get_full_name() or actor.get_username()


def _require_office(actor, programme: Programme) -> None:
    if not is_office(actor, programme):
        raise PermissionDeniedError(
            _("只有%(o)s的评选表彰工作人员可以进行此操作") % {"o": programme.organisation.name}
        )


# ---------------------------------------------------------------- programmes, categories, quotas


def _programme_transition(actor, programme: Programme, action: str, **fields) -> Programme:
    p = Programme.objects.select_for_update().get(pk=programme.pk)
    to = PROGRAMME_TRANSITIONS.get((p.status, action))
    if to is None:
        raise StateError(
            _("评选表彰当前为“%(s)s”，不能%(a)s")
            % {"s": ProgrammeStatus(p.status).label, "a": ProgrammeAction(action).label}
        )
    before = p.status
    for k, v in fields.items():
        setattr(p, k, v)
    p.status = to
    p.save()
    audit_log(
        actor=actor,
        action=f"honours.programme.{action}",
        obj=p,
        before={"status": before},
        after={"status": to},
        scope_path=p.organisation.path,
    )
    return p


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
        from .enums import DEFAULT_CATEGORIES

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
    users = {u for org in orgs for u in acting_for(org)}
    url = reverse("honours:programme-detail", args=[p.pk])
    transaction.on_commit(
        lambda: notify(
            kind=Kind.HONOURS,
            recipients=users,
            title=_("请在名额内推荐：%(t)s") % {"t": p.title},
            url=url,
            email=False,
        )
    )
    return p


# ---------------------------------------------------------------- nominations


def _event(n: Nomination, action: str, before: str, *, actor, org=None, comment: str = "") -> None:
    NominationEvent.objects.create(
        nomination=n,
        action=action,
        before=before,
        after=n.status,
        organisation=org,
        actor=actor if actor is not None and actor.is_authenticated else None,
        actor_name=_name(actor),
        comment=comment,
    )


def _transition(actor, nomination: Nomination, action: str, *, comment: str = "", **fields) -> Nomination:
    """The only place a nomination's status changes: the table row, the party, a comment where required;
    then compare-and-set, one event and one audit entry."""
    n = (
        Nomination.objects.select_for_update(of=("self",))  # PostgreSQL locks no nullable side of a join
        .select_related("programme__organisation", "nominator", "reviewer")
        .get(pk=nomination.pk)
    )
    label = NominationAction(action).label
    t = TRANSITIONS.get((n.status, action))
    if t is None:
        raise StateError(
            _("推荐对象当前为“%(s)s”，不能%(a)s") % {"s": NominationStatus(n.status).label, "a": label}
        )
    if t.party not in parties_for(actor, n) and actor is not None:
        raise PermissionDeniedError(_("只有%(p)s可以%(a)s") % {"p": Party(t.party).label, "a": label})
    comment = _text(comment, "comment", _("意见"), required=t.needs_comment, limit=1000)
    org = (
        n.reviewer
        if t.party == Party.REVIEWER
        else (n.nominator if t.party == Party.NOMINATOR else n.programme.organisation)
    )
    before = n.status
    n.status = t.to
    for k, v in fields.items():
        setattr(n, k, v)
    n.save()
    _event(n, action, before, actor=actor, org=org, comment=comment)
    audit_log(
        actor=actor,
        action=f"honours.nomination.{action}",
        obj=n,
        before={"status": before},
        after={"status": n.status, **({"comment": comment} if comment else {})},
        scope_path=n.path,
    )
    return n


def _mass_member_fields(category: Category, nominator: Organisation, mass_member, others: bool) -> dict:
    """groups: a 群团成员 (优秀共青团员、三八红旗手…) in a mass-member category: active, in an active mass
    organisation whose Party organisation lies within the nominator (the rule for mass organisations)."""
    if category.subject != Subject.MASS_MEMBER or others:
        raise ValidationError(
            _("“%(c)s”不能推荐群团成员，请选择表彰群团成员的类别") % {"c": category.name}, field="subject"
        )
    mass_org = mass_member.mass_org
    party = mass_org.party_org
    if not mass_member.is_active:
        raise ValidationError(
            _("“%(m)s”已不在%(o)s的名册中，不能推荐") % {"m": mass_member.name, "o": mass_org.name},
            field="subject",
        )
    if not mass_org.is_active or not party.is_active or not party.is_within(nominator):
        raise ValidationError(
            _("“%(m)s”不在%(n)s的范围内，只能推荐本单位及所属组织的群团成员")
            % {"m": mass_member.name, "n": nominator.name},
            field="subject",
        )
    # the phone stays in the mass organisation's roster: the notice shows name, gender, post and unit only
    return {
        "subject_org": party,
        "subject_mass_member": mass_member,
        "display_name": mass_member.name,
        "gender": mass_member.get_gender_display(),
        "post": mass_member.post,
        "org_label": mass_org.label,
    }


def _subject_fields(
    category: Category,
    nominator: Organisation,
    subject_org,
    subject_member,
    subject_mass_org=None,
    subject_mass_member=None,
) -> dict:
    if subject_mass_member is not None:
        others = subject_org is not None or subject_member is not None or subject_mass_org is not None
        return _mass_member_fields(category, nominator, subject_mass_member, others)
    if category.subject == Subject.MASS_MEMBER:
        raise ValidationError(
            _("“%(c)s”表彰的是群团成员，请选择推荐的群团成员") % {"c": category.name}, field="subject"
        )
    if subject_mass_org is not None:
        # groups: a 群团组织 (先进团支部、模范职工之家…) in a collective category, inside the nominator's subtree.
        party = subject_mass_org.party_org
        if category.subject != Subject.ORGANISATION or subject_org is not None or subject_member is not None:
            raise ValidationError(
                _("“%(c)s”不能推荐群团组织，请选择集体类别") % {"c": category.name}, field="subject"
            )
        if not subject_mass_org.is_active or not party.is_active or not party.is_within(nominator):
            raise ValidationError(
                _("“%(o)s”不在%(n)s的范围内，只能推荐本单位及所属组织")
                % {"o": subject_mass_org.name, "n": nominator.name},
                field="subject",
            )
        return {
            "subject_org": party,
            "subject_mass_org": subject_mass_org,
            "display_name": subject_mass_org.name,
            "org_label": f"{party.name} / {subject_mass_org.name}",
        }
    if category.subject == Subject.ORGANISATION:
        if subject_org is None or subject_member is not None:
            raise ValidationError(
                _("“%(c)s”表彰的是集体，请选择推荐的党组织") % {"c": category.name}, field="subject"
            )
        if not subject_org.is_active or not subject_org.is_within(nominator):
            raise ValidationError(
                _("“%(o)s”不在%(n)s的范围内，只能推荐本单位及所属组织")
                % {"o": subject_org.name, "n": nominator.name},
                field="subject",
            )
        parent = subject_org.parent
        return {
            "subject_org": subject_org,
            "display_name": subject_org.name,
            "org_label": f"{parent.name} / {subject_org.name}" if parent else subject_org.name,
        }
    if subject_member is None or subject_org is not None:
        raise ValidationError(
            _("“%(c)s”表彰的是个人，请选择推荐的党员") % {"c": category.name}, field="subject"
        )
    org = subject_member.organisation
    if not subject_member.is_active or not org.is_within(nominator):
        raise ValidationError(
            _("“%(m)s”不在%(n)s的范围内，只能推荐本单位及所属组织的党员")
            % {"m": subject_member.name, "n": nominator.name},
            field="subject",
        )
    parent = org.parent
    return {
        "subject_member": subject_member,
        "display_name": subject_member.name,
        "gender": subject_member.get_gender_display(),
        "org_label": f"{parent.name} / {org.name}" if parent else org.name,
    }


def _first_reviewer(programme: Programme, nominator: Organisation) -> Organisation:
    if nominator.pk == programme.organisation_id or nominator.parent is None:
        return programme.organisation
    return nominator.parent


def _checked_photos(photos) -> list[tuple[Any, CheckedUpload]]:
    """The deed's photos (at most PHOTOS_MAX), each checked by type, size and pixel count before anything is
    stored — the page and the API both come through here."""
    photos = list(photos or [])
    if len(photos) > PHOTOS_MAX:
        raise ValidationError(_("最多上传 %(n)d 张照片") % {"n": PHOTOS_MAX}, field="photos")
    checked = []
    for f in photos:
        c = check_upload(f, allowed=IMAGES, max_bytes=PHOTO_MAX_BYTES, field="photos", images_by_content=True)
        check_image_pixels(f, name=c.name, max_pixels=PHOTO_MAX_PIXELS, field="photos")
        checked.append((f, c))
    return checked


def _store_photos(n: Nomination, photos: list[tuple[Any, CheckedUpload]]) -> None:
    for f, checked in photos:
        p = NominationPhoto(
            nomination=n, name=(f.name or "")[:200], content_type=checked.content_type, size=f.size
        )
        p.file.save(f"photo.{checked.ext}", f, save=False)
        p.save()


@transaction.atomic
def nomination_create(
    *,
    actor,
    category: Category,
    nominator: Organisation,
    deed: str,
    summary: str,
    post: str = "",
    subject_org: Organisation | None = None,
    subject_member: Member | None = None,
    subject_mass_org=None,
    subject_mass_member=None,
    photos=(),
    now=None,
) -> Nomination:
    """推荐: within the nominator's places, inside the step's window, eligible by the category's rules."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    programme = Programme.objects.get(pk=category.programme_id)  # its status as stored now
    if not org_in_scope(actor, nominator, Cap.HONOURS_NOMINATE):
        raise PermissionDeniedError(
            _("只有%(o)s的书记或活动办公室可以以该单位名义推荐") % {"o": nominator.name}
        )
    if programme.status != ProgrammeStatus.NOMINATING:
        raise StateError(
            _("“%(t)s”当前为“%(s)s”，不接受推荐")
            % {"t": programme.title, "s": programme.get_status_display()}
        )
    if today > programme.nominate_until:
        raise StateError(_("推荐已于 %(d)s 截止") % {"d": programme.nominate_until.isoformat()})
    require_open(campaign=programme.campaign, capability=StepCapability.NOMINATIONS, org=nominator, at=now)
    deed = _text(deed, "deed", _("先进事迹"), limit=DEED_MAX, minimum=50)
    summary = _text(summary, "summary", _("事迹简介"), limit=SUMMARY_MAX, minimum=10)
    post = _text(post, "post", _("职务"), required=False, limit=100)
    checked_photos = _checked_photos(photos)
    fields = _subject_fields(
        category, nominator, subject_org, subject_member, subject_mass_org, subject_mass_member
    )
    Category.objects.select_for_update().filter(
        pk=category.pk
    ).first()  # one nomination at a time per category
    usage = quota_usage(category, nominator)
    if usage["left"] <= 0:
        raise ValidationError(
            _("%(o)s在“%(c)s”的名额（%(g)d 个，已用 %(u)d 个，下分 %(p)d 个）已用完")
            % {
                "o": nominator.name,
                "c": category.name,
                "g": usage["granted"],
                "u": usage["used"],
                "p": usage["passed_down"],
            },
            field="category",
        )
    taken = Nomination.objects.filter(programme=programme).exclude(
        status__in=[NominationStatus.REJECTED, NominationStatus.REMOVED]
    )
    if subject_mass_org is not None and taken.filter(subject_mass_org=subject_mass_org).exists():
        raise ValidationError(
            _("“%(n)s”已被推荐，不能重复推荐") % {"n": subject_mass_org.name}, field="subject"
        )
    if (
        subject_org is not None
        and taken.filter(
            subject_org=subject_org, subject_mass_org__isnull=True, subject_mass_member__isnull=True
        ).exists()
    ):
        raise ValidationError(_("“%(n)s”已被推荐，不能重复推荐") % {"n": subject_org.name}, field="subject")
    if subject_member is not None and taken.filter(subject_member=subject_member).exists():
        raise ValidationError(
            _("“%(n)s”已被推荐，不能重复推荐") % {"n": subject_member.name}, field="subject"
        )
    if subject_mass_member is not None and taken.filter(subject_mass_member=subject_mass_member).exists():
        raise ValidationError(
            _("“%(n)s”已被推荐，不能重复推荐") % {"n": subject_mass_member.name}, field="subject"
        )
    eligibility.check(
        category,
        org=fields.get("subject_org"),
        member=subject_member,
        mass_org=subject_mass_org,
        mass_member=subject_mass_member,
        today=today,
    )
    roster_post = fields.pop("post", "") or (subject_member.post if subject_member else "")
    n = Nomination.objects.create(
        programme=programme,
        category=category,
        nominator=nominator,
        path=nominator.path,
        post=post or roster_post,
        deed=deed,
        summary=summary,
        reviewer=_first_reviewer(programme, nominator),
        **fields,
    )
    _store_photos(n, checked_photos)
    _event(n, NominationAction.NOMINATE, "", actor=actor, org=nominator)
    audit_log(
        actor=actor,
        action="honours.nomination.nominate",
        obj=n,
        after={"status": n.status, "category": category.name, "photos": len(checked_photos)},
        scope_path=n.path,
    )
    _tell_reviewer(n)
    return n


def _tell_reviewer(n: Nomination) -> None:
    """Whoever reviews the nomination at its level now is told (after the commit): it is their turn."""
    if n.reviewer is None:
        return
    reviewers = acting_for(n.reviewer)
    url = reverse("honours:nomination-detail", args=[n.pk])
    transaction.on_commit(
        lambda: notify(
            kind=Kind.HONOURS,
            recipients=reviewers,
            title=_("请审核推荐对象：%(n)s") % {"n": n.display_name},
            url=url,
            email=False,
        )
    )


@transaction.atomic
def nomination_review(*, actor, nomination: Nomination, action: str, comment: str = "") -> Nomination:
    """审核 at the reviewer's level: approve (moves up a level; at the office it joins the final list),
    return for changes, or reject; each audited."""
    if action not in (NominationAction.APPROVE, NominationAction.RETURN, NominationAction.REJECT):
        raise ValidationError(_("未知操作"), field="action")
    programme = nomination.programme
    if programme.status != ProgrammeStatus.NOMINATING:
        raise StateError(_("推荐评选阶段已结束，不能再审核"))
    if action != NominationAction.APPROVE:
        return _transition(actor, nomination, action, comment=comment)
    reviewer = nomination.reviewer
    if reviewer is None:
        raise StateError(_("该推荐对象不在审核中"))
    if reviewer.pk == programme.organisation_id:
        n = _transition(actor, nomination, action, comment=comment, reviewer=None)
        before = n.status
        n.status = NominationStatus.SHORTLISTED
        n.save(update_fields=["status", "updated_at"])
        _event(n, action, before, actor=actor, org=reviewer, comment=_("确定为拟表彰对象"))
        return n
    n = _transition(actor, nomination, action, comment=comment, reviewer=reviewer.parent)
    _tell_reviewer(n)  # approved here: the level above reviews it next
    return n


@transaction.atomic
def nomination_resubmit(
    *, actor, nomination: Nomination, deed: str, summary: str, post: str = ""
) -> Nomination:
    deed = _text(deed, "deed", _("先进事迹"), limit=DEED_MAX, minimum=50)
    summary = _text(summary, "summary", _("事迹简介"), limit=SUMMARY_MAX, minimum=10)
    post = _text(post, "post", _("职务"), required=False, limit=100)
    if nomination.programme.status != ProgrammeStatus.NOMINATING:
        raise StateError(_("推荐评选阶段已结束"))
    n = _transition(
        actor,
        nomination,
        NominationAction.RESUBMIT,
        deed=deed,
        summary=summary,
        post=post,
        reviewer=_first_reviewer(nomination.programme, nomination.nominator),
    )
    _tell_reviewer(n)
    return n


# ---------------------------------------------------------------- 群众推荐 (one per person)


def recommendation_subject(nomination: Nomination) -> str:
    return f"honours-recommend:{nomination.pk}"


def recommend_code_send(*, nomination: Nomination, phone: str, ip: str | None) -> None:
    _recommendable(nomination)
    onecount.phone_code_send(phone=phone, client_ip=ip, purpose="recommend")


def _recommendable(nomination: Nomination) -> None:
    if (
        nomination.programme.status != ProgrammeStatus.NOMINATING
        or nomination.status not in RECOMMENDABLE_STATES
    ):
        raise StateError(_("群众推荐已结束"))


@transaction.atomic
def recommend(
    *, nomination: Nomination, phone: str = "", code: str = "", slip: str = "", person_key: str = ""
) -> bool:
    """群众推荐: counted once per person (a phone confirmed by a texted code, or a printed slip); returns
    False when this person had already recommended this nominee (nothing counted twice)."""
    _recommendable(nomination)
    if not person_key:
        if slip:
            person_key = onecount.slip_redeem(code=slip, subject=recommendation_subject(nomination))
        else:
            person_key = onecount.phone_code_confirm(phone=phone, code=code, purpose="recommend")
    counted = onecount.count_once(subject=recommendation_subject(nomination), person_key=person_key)
    if counted:
        Nomination.objects.filter(pk=nomination.pk).update(recommendations=F("recommendations") + 1)
    return counted


# ---------------------------------------------------------------- 公示 and objections


def notice_is_running(programme: Programme, *, now=None) -> bool:
    today = timezone.localdate(now or timezone.now())
    return (
        programme.status == ProgrammeStatus.NOTICE
        and programme.notice_starts_on is not None
        and programme.notice_ends_on is not None
        and programme.notice_starts_on <= today <= programme.notice_ends_on
    )


@transaction.atomic
def notice_start(*, actor, programme: Programme, now=None) -> Programme:
    """发布公示: the final list goes public for `notice_days` calendar days, ending at 24:00 Beijing time on
    the last day; reviewing stops and nominations still under review are returned as not shortlisted."""
    _require_office(actor, programme)
    today = timezone.localdate(now or timezone.now())
    shortlisted = Nomination.objects.filter(programme=programme, status=NominationStatus.SHORTLISTED)
    if not shortlisted.exists():
        raise ValidationError(_("还没有确定拟表彰对象，不能发布公示"), field="nominations")
    ends = today + datetime.timedelta(days=programme.notice_days - 1)
    p = _programme_transition(
        actor, programme, ProgrammeAction.START_NOTICE, notice_starts_on=today, notice_ends_on=ends
    )
    for n in shortlisted:
        _transition(actor, n, NominationAction.ANNOUNCE)
    return p


def objections_for(nomination_ids) -> dict[int, list]:
    """The objection cases (公示异议) of each nomination, oldest first."""
    from pacesetter.complaints.enums import CaseKind
    from pacesetter.complaints.models import Case

    out: dict[int, list] = {}
    cases = Case.objects.filter(
        kind=CaseKind.OBJECTION, source_type=OBJECTION_SOURCE, source_id__in=[str(i) for i in nomination_ids]
    ).order_by("received_at")
    for c in cases:
        out.setdefault(int(c.source_id), []).append(c)
    return out


def objection_state(cases) -> str:
    """'' (none), 'open' (pauses the nominee), 'upheld' (属实/部分属实: the nominee must be removed) or
    'cleared' (declined or found untrue)."""
    from pacesetter.complaints.enums import CaseStatus, Finding

    if not cases:
        return ""
    if any(c.status != CaseStatus.CLOSED for c in cases):
        return "open"
    if any(c.finding in (Finding.TRUE, Finding.PARTLY) for c in cases):
        return "upheld"
    return "cleared"


def objection_public_notes(cases) -> list[dict]:
    """What the notice page says of each closed objection that did not remove the nominee: declined
    (不予受理) or found untrue, with the public reason — the case's 公开答复 (已去除个人信息), once the office has
    published it. Never the objection's text, the objector or the internal reply."""
    from pacesetter.complaints.enums import CaseStatus, Finding, Outcome

    return [
        {
            "declined": c.outcome == Outcome.DECLINED,
            "reason": c.public_reply if c.is_public else "",
        }
        for c in cases
        if c.status == CaseStatus.CLOSED and c.finding not in (Finding.TRUE, Finding.PARTLY)
    ]


@transaction.atomic
def objection_file(
    *,
    nomination: Nomination,
    text: str,
    real_name: bool = False,
    name: str = "",
    phone: str = "",
    code: str = "",
    ip: str | None = None,
    now=None,
):
    """提出异议 during 公示 (real-name or anonymous): a case on the reports engine, answered by the commending
    organisation in working days; the nominee is paused while it is open. Returns (case, query password)."""
    from pacesetter.complaints.models import ReportThrottle
    from pacesetter.complaints.services import address_hash, objection_open

    now = now or timezone.now()
    programme = nomination.programme
    if not notice_is_running(programme, now=now) or nomination.status != NominationStatus.IN_NOTICE:
        raise StateError(_("公示期已结束（或该对象不在公示中），不再受理异议；如有问题可向纪检监察机关反映"))
    text = _text(text, "text", _("异议内容"), limit=OBJECTION_MAX, minimum=OBJECTION_MIN)
    if real_name:
        name = _text(name, "name", _("姓名"), limit=50)
        phone = onecount.normalise_phone(phone)
    else:
        name, phone = "", ""
    digest = address_hash(ip, now=now)
    recent = ReportThrottle.objects.filter(
        address_hash=digest, at__gte=now - datetime.timedelta(hours=24)
    ).count()
    if recent >= OBJECTIONS_PER_ADDRESS_PER_DAY:
        raise RateLimitedError(
            _("同一网络 24 小时内最多提交 %(n)d 件，请明天再试") % {"n": OBJECTIONS_PER_ADDRESS_PER_DAY}
        )
    if real_name:
        onecount.phone_code_confirm(phone=phone, code=code, purpose="objection")
    ReportThrottle.objects.create(address_hash=digest, at=now)
    body = _("对“%(t)s”公示对象“%(n)s”（%(c)s，%(o)s）的异议：\n%(x)s") % {
        "t": programme.title,
        "n": nomination.display_name,
        "c": nomination.category.name,
        "o": nomination.org_label,
        "x": text,
    }
    member = nomination.subject_member
    subject_org = member.organisation if member is not None else nomination.subject_org
    if subject_org is None:  # the check constraint makes one of the two present
        raise StateError(_("该推荐对象没有所在组织"))
    case, password = objection_open(
        handler=programme.organisation,
        subject_org=subject_org,
        subject_member=member,  # the member named never sees the case
        text=body,
        source_type=OBJECTION_SOURCE,
        source_id=nomination.pk,
        name=name,
        phone=phone,
        now=now,
    )
    audit_log(
        actor=None,
        action="honours.nomination.objection",
        obj=nomination,
        extra={"case": case.number},
        scope_path=nomination.path,
    )
    if real_name:
        from pacesetter.notifications.sms import send_text

        transaction.on_commit(
            lambda: send_text(
                phone=phone,
                text=_("您对公示对象的异议已收到，编号 %(n)s，查询密码 %(p)s。")
                % {"n": case.number, "p": password},
            )
        )
    return case, password


@transaction.atomic
def nomination_remove(*, actor, nomination: Nomination, note: str) -> Nomination:
    """取消拟表彰资格 with a public note (an upheld objection, or withdrawn)."""
    _require_office(actor, nomination.programme)
    note = _text(note, "comment", _("取消说明"), limit=300)
    return _transition(actor, nomination, NominationAction.REMOVE, comment=note, removal_note=note)


# ---------------------------------------------------------------- 表彰决定


def _certificate_no(programme: Programme, seq: int) -> str:
    return f"{programme.year}-{programme.pk:03d}-{seq:04d}"


@transaction.atomic
def decision_issue(*, actor, programme: Programme, number: str, title: str = "", now=None) -> Decision:
    """发布表彰决定 for every nominee whose 公示 ended without an open or upheld objection. The period cannot
    end early; paused nominees wait for a supplementary decision (or are removed)."""
    _require_office(actor, programme)
    programme = Programme.objects.select_for_update().get(pk=programme.pk)  # the dates as stored now
    now = now or timezone.now()
    today = timezone.localdate(now)
    number = _text(number, "number", _("文号"), limit=40)
    if programme.notice_ends_on is None or today <= programme.notice_ends_on:
        raise StateError(
            _("公示期至 %(d)s 24 时结束，公示期满后才能发布表彰决定")
            % {"d": programme.notice_ends_on.isoformat() if programme.notice_ends_on else "—"}
        )
    if Decision.objects.filter(programme=programme, number=number).exists():
        raise ValidationError(_("文号“%(n)s”已使用") % {"n": number}, field="number")
    waiting = list(Nomination.objects.filter(programme=programme, status=NominationStatus.IN_NOTICE))
    objections = objections_for([n.pk for n in waiting])
    cleared = [n for n in waiting if objection_state(objections.get(n.pk, [])) in ("", "cleared")]
    if not cleared:
        raise ValidationError(_("没有公示期满且无异议（或异议已了结）的对象"), field="nominations")
    supplementary = programme.decisions.exists()
    default = (_("关于%(t)s的补充表彰决定") if supplementary else _("关于%(t)s的决定")) % {
        "t": programme.title
    }
    title = _text(title or default, "title", _("标题"), limit=160)
    decision = Decision.objects.create(
        programme=programme,
        number=number,
        title=title,
        supplementary=supplementary,
        issued_on=today,
        issued_by=actor,
    )
    programme = _programme_transition(actor, programme, ProgrammeAction.DECIDE)
    seq = Honour.objects.filter(decision__programme=programme).count()
    for n in cleared:
        seq += 1
        n = _transition(actor, n, NominationAction.COMMEND)
        org = n.subject_org if n.subject_org is not None else n.subject_member.organisation  # type: ignore[union-attr]
        Honour.objects.create(
            nomination=n,
            decision=decision,
            certificate_no=_certificate_no(programme, seq),
            year=programme.year,
            title=n.category.name,
            display_name=n.display_name,
            org_label=n.org_label,
            organisation=org,
            member=n.subject_member,
            path=org.path,
        )
    audit_log(
        actor=actor,
        action="honours.decision.issue",
        obj=decision,
        after={"number": number, "honours": len(cleared), "supplementary": supplementary},
        scope_path=programme.organisation.path,
    )
    nominators = Organisation.objects.filter(pk__in={n.nominator_id for n in cleared})
    users = {u for org in nominators for u in acting_for(org)}
    url = reverse("honours:programme-detail", args=[programme.pk])
    transaction.on_commit(
        lambda: notify(
            kind=Kind.HONOURS,
            recipients=users,
            title=_("表彰决定已发布：%(t)s") % {"t": title},
            url=url,
            email=False,
        )
    )
    return decision
