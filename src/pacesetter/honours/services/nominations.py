"""Nominations: who may be nominated, the deed's photos, and review level by level (审核, 退回, 重新提交)."""

from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from pacesetter.campaigns.enums import StepCapability
from pacesetter.campaigns.windows import require_open
from pacesetter.core.audit import audit_log
from pacesetter.core.errors import PermissionDeniedError, StateError, ValidationError
from pacesetter.core.uploads import IMAGES, CheckedUpload, check_image_pixels, check_upload
from pacesetter.orgs.enums import Cap
from pacesetter.orgs.models import Member, Organisation
from pacesetter.orgs.selectors import org_in_scope

from .. import eligibility
from ..enums import (
    DEED_MAX,
    PHOTO_MAX_PIXELS,
    PHOTOS_MAX,
    SUMMARY_MAX,
    NominationAction,
    NominationStatus,
    ProgrammeStatus,
    Subject,
)
from ..models import Category, Nomination, NominationPhoto, Programme
from ._common import PHOTO_MAX_BYTES, _event, _tell, _text, _transition
from .programmes import quota_usage


def _party_within(mass_org, nominator: Organisation, refusal: str) -> Organisation:
    """The Party organisation of a mass organisation that may be nominated from: both active, the Party
    organisation within the nominator's subtree; else ``refusal``, on the subject field."""
    party = mass_org.party_org
    if not mass_org.is_active or not party.is_active or not party.is_within(nominator):
        raise ValidationError(refusal, field="subject")
    return party


def _mass_member_fields(category: Category, nominator: Organisation, mass_member, others: bool) -> dict:
    """groups: a 群团成员 (优秀共青团员、三八红旗手…) in a mass-member category: active, in an active mass
    organisation whose Party organisation lies within the nominator (the rule for mass organisations)."""
    if category.subject != Subject.MASS_MEMBER or others:
        raise ValidationError(
            _("“%(c)s”不能推荐群团成员，请选择表彰群团成员的类别") % {"c": category.name}, field="subject"
        )
    mass_org = mass_member.mass_org
    if not mass_member.is_active:
        raise ValidationError(
            _("“%(m)s”已不在%(o)s的名册中，不能推荐") % {"m": mass_member.name, "o": mass_org.name},
            field="subject",
        )
    party = _party_within(
        mass_org,
        nominator,
        _("“%(m)s”不在%(n)s的范围内，只能推荐本单位及所属组织的群团成员")
        % {"m": mass_member.name, "n": nominator.name},
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
        if category.subject != Subject.ORGANISATION or subject_org is not None or subject_member is not None:
            raise ValidationError(
                _("“%(c)s”不能推荐群团组织，请选择集体类别") % {"c": category.name}, field="subject"
            )
        party = _party_within(
            subject_mass_org,
            nominator,
            _("“%(o)s”不在%(n)s的范围内，只能推荐本单位及所属组织")
            % {"o": subject_mass_org.name, "n": nominator.name},
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
    )
    _tell_reviewer(n)
    return n


def _tell_reviewer(n: Nomination) -> None:
    """Whoever reviews the nomination at its level now is told (after the commit): it is their turn."""
    if n.reviewer is None:
        return
    url = reverse("honours:nomination-detail", args=[n.pk])
    _tell([n.reviewer], _("请审核推荐对象：%(n)s") % {"n": n.display_name}, url)


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
