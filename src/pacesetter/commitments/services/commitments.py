"""设岗 and 承诺: posts, commitments created and edited, every status change (`_transition`, the only code that
assigns Commitment.status) and 述诺 reports.
"""

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from pacesetter.campaigns import tallies
from pacesetter.campaigns.enums import StepCapability
from pacesetter.campaigns.models import Campaign
from pacesetter.campaigns.windows import require_open
from pacesetter.core.audit import audit_create, audit_log, audit_status, audit_update, snapshot
from pacesetter.core.errors import PermissionDeniedError, StateError, ValidationError
from pacesetter.core.locking import lock_or_not_found
from pacesetter.core.people import actor_name
from pacesetter.core.transitions import compare_and_set
from pacesetter.notifications.kinds import Kind
from pacesetter.notifications.services import notification_resolve, notify
from pacesetter.orgs.enums import ROLE_CAPS, Cap, Role
from pacesetter.orgs.models import Member, Organisation
from pacesetter.orgs.selectors import nearest_holders
from pacesetter.orgs.services import users_with_role_on

from ..enums import (
    ACTION_PARTIES,
    EDITABLE,
    TRANSITIONS,
    CommitmentAction,
    CommitmentKind,
    CommitmentStatus,
    Party,
    ReportOutcome,
)
from ..models import Commitment, CommitmentEvent, FulfilmentReport, Post
from ..rules import can_write_member_commitment, can_write_org_commitment, parties_for
from ..tally_source import commitment_vector
from ._common import (
    COMMITMENT_FIELDS,
    EDIT_FIELDS,
    TEXT_LIMIT,
    _clean,
    _party_labels,
    _require_in_campaign,
    _text,
)


@transaction.atomic
def post_set(*, actor, campaign: Campaign, member: Member, title: str, duties: str = "") -> Post:
    """A member sets (or changes) their post (设岗) for the campaign, inside the 公开承诺 window."""
    if not can_write_member_commitment(actor, member):
        raise PermissionDeniedError(_("只能为本人设岗"))
    _require_in_campaign(campaign, member.organisation)
    require_open(campaign=campaign, capability=StepCapability.COMMITMENTS, org=member.organisation)
    title = _text(title, "title", _("岗位名称"), limit=100)
    duties = _text(duties, "duties", _("岗位职责"), required=False)
    post = Post.objects.select_for_update(of=("self",)).filter(campaign=campaign, member=member).first()
    before = snapshot(post, ["title", "duties"]) if post else {}
    if post is None:
        post = Post(campaign=campaign, member=member)
    post.title, post.duties = title, duties
    post.save()
    audit_log(
        actor=actor,
        action="commitment.post_set",
        obj=post,
        before=before,
        after=snapshot(post, ["title", "duties"]),
        scope_path=member.organisation.path,
    )
    return post


@transaction.atomic
def commitment_create(
    *,
    actor,
    campaign: Campaign,
    organisation: Organisation | None = None,
    member: Member | None = None,
    mass_org=None,
    **fields,
) -> Commitment:
    """Draft a commitment: an organisation's 实事 (`organisation`) or a member's own (`member`, after 设岗).

    `fields`: criteria_item (a CriteriaItem or its id, from the campaign's 五个好 / 五带头 set), title,
    content, target, deadline, responsible.
    """
    post = None
    if mass_org is not None:
        # groups: a 群团组织 commits through its Party organisation's secretary (党建带群建).
        if member is not None or (organisation is not None and organisation.pk != mass_org.party_org_id):
            raise ValidationError(_("群团组织的承诺只能以该群团组织名义作出"), field="mass_org")
        if not mass_org.is_active:
            raise ValidationError(_("“%(n)s”已撤销，不能作出承诺") % {"n": mass_org.name}, field="mass_org")
        organisation = mass_org.party_org
    if member is not None:
        if not can_write_member_commitment(actor, member):
            raise PermissionDeniedError(_("只能为本人作出承诺"))
        organisation, kind = member.organisation, CommitmentKind.MEMBER
    elif organisation is None:
        raise ValidationError(_("请选择党组织"), field="organisation")
    else:
        if not can_write_org_commitment(actor, organisation):
            raise PermissionDeniedError(_("您无权为“%(org)s”作出承诺") % {"org": organisation.name})
        kind = CommitmentKind.ORGANISATION
    _require_in_campaign(campaign, organisation)
    require_open(campaign=campaign, capability=StepCapability.COMMITMENTS, org=organisation)
    if member is not None:
        post = Post.objects.filter(campaign=campaign, member=member).first()
        if post is None:
            raise StateError(_("请先设岗（填写本人岗位），再作出承诺"))
    data = _clean(campaign, kind, fields)
    c = Commitment.objects.create(
        campaign=campaign,
        kind=kind,
        organisation=organisation,
        member=member,
        post=post,
        mass_org=mass_org,
        created_by=actor,
        **data,
    )
    tallies.bump(c.campaign_id, organisation, **commitment_vector(c))
    CommitmentEvent.objects.create(
        commitment=c,
        action="create",
        from_status="",
        to_status=c.status,
        actor=actor,
        actor_name=actor_name(actor),
    )
    audit_create(actor, "commitment.create", c, COMMITMENT_FIELDS)
    return c


def _lock(commitment: Commitment) -> Commitment:
    return lock_or_not_found(
        Commitment.objects.select_related("organisation", "member", "campaign", "member__organisation"),
        commitment.pk,
    )


@transaction.atomic
def commitment_update(*, actor, commitment: Commitment, **fields) -> Commitment:
    """Change a draft or returned commitment's text, item, target, deadline or responsible people."""
    c = _lock(commitment)
    if Party.OWNER not in parties_for(actor, c):
        raise PermissionDeniedError(_("只有承诺人可以修改该承诺"))
    if c.status not in EDITABLE:
        raise StateError(_("承诺当前状态为“%(s)s”，不能修改") % {"s": CommitmentStatus(c.status).label})
    require_open(campaign=c.campaign, capability=StepCapability.COMMITMENTS, org=c.organisation)
    before = snapshot(c, EDIT_FIELDS)
    merged = {f: fields.get(f, getattr(c, f)) for f in EDIT_FIELDS}
    for name, value in _clean(c.campaign, c.kind, merged).items():
        setattr(c, name, value)
    c.save(update_fields=[*EDIT_FIELDS, "updated_at"])
    audit_update(actor, "commitment.update", c, before, EDIT_FIELDS)
    return c


def _transition(actor, commitment: Commitment, action: str, *, comment: str = "", now=None) -> Commitment:
    """The only place a commitment's status changes.

    Checks, in order: the action exists; the actor is a party allowed to take it at all (403); the table
    has a row for (current status, action) (409); the actor is a party allowed in *this* row (403); the
    step window the row names is open for the organisation, extensions included (409, saying when).
    Then compare-and-set on the status, one CommitmentEvent and one audit entry.
    """
    now = now or timezone.now()
    if action not in CommitmentAction.values:
        raise ValidationError(_("未知操作：%(a)s") % {"a": action}, field="action")
    label = CommitmentAction(action).label
    c = _lock(commitment)
    parties = parties_for(actor, c)
    if not parties & ACTION_PARTIES[action]:
        raise PermissionDeniedError(
            _("只有%(who)s可以%(a)s这项承诺") % {"who": _party_labels(ACTION_PARTIES[action]), "a": label}
        )
    t = TRANSITIONS.get((c.status, action))
    if t is None:
        raise StateError(
            _("承诺当前状态为“%(s)s”，不能%(a)s") % {"s": CommitmentStatus(c.status).label, "a": label}
        )
    if not parties & t.parties:
        raise PermissionDeniedError(
            _("只有%(who)s可以%(a)s这项承诺") % {"who": _party_labels(t.parties), "a": label}
        )
    if t.window is not None:
        require_open(campaign=c.campaign, capability=t.window, org=c.organisation, at=now)
    comment = _text(comment, "comment", _("意见"), required=t.needs_comment, limit=TEXT_LIMIT)
    before = c.status
    counted = commitment_vector(c)
    fields = {"status": t.target, "updated_at": now}
    if t.target == CommitmentStatus.PUBLISHED:
        fields["published_at"] = now
    compare_and_set(Commitment, c, before, fields, _("承诺状态已被他人改变，请刷新后重试"))
    after = commitment_vector(c)
    tallies.bump(c.campaign_id, c.organisation, **{k: v - counted.get(k, 0) for k, v in after.items()})
    CommitmentEvent.objects.create(
        commitment=c,
        action=action,
        from_status=before,
        to_status=t.target,
        actor=actor,
        actor_name=actor_name(actor),
        comment=comment,
        at=now,
    )
    audit_status(actor, f"commitment.{action}", c, before, extra={"comment": comment} if comment else None)
    return c


def _owner_users(c: Commitment):
    if c.kind == CommitmentKind.MEMBER:
        return [c.member.user] if c.member.user_id else []
    return list(users_with_role_on([c.organisation_id], Role.SECRETARY))


def _reviewer_users(c: Commitment):
    """Who must review (审核) a submitted commitment: the holders of a reviewing role on the nearest
    organisation that has any — at or above the member's own organisation for a member's commitment (never
    the member), at or above the parent for an organisation's. Was: the secretaries of exactly that
    organisation, so a 支部 without a secretary account, or a 党委 under the city office, told nobody."""
    roles = [role for role, caps in ROLE_CAPS.items() if Cap.COMMITMENT_REVIEW in caps]
    if c.kind == CommitmentKind.MEMBER:
        return nearest_holders(c.organisation, roles, exclude=c.member.user_id)
    parent = c.organisation.parent
    return nearest_holders(parent, roles) if parent is not None else []


@transaction.atomic
def commitment_transition(*, actor, commitment: Commitment, action: str, comment: str = "") -> Commitment:
    """Submit, withdraw, revise, approve, return (with a comment), publish (示诺) or close a commitment.

    述诺 goes through commitment_report, which also stores the report text.
    """
    if action == CommitmentAction.REPORT:
        return commitment_report(actor=actor, commitment=commitment, text=comment)
    c = _transition(actor, commitment, action, comment=comment)
    url = reverse("commitments:commitment-detail", args=[c.pk])
    if action == CommitmentAction.SUBMIT:
        notify(
            kind=Kind.COMMITMENT_REVIEW,
            recipients=_reviewer_users(c),
            title=_("待审核承诺：%(t)s") % {"t": c.title},
            url=url,
            email=False,
        )
    else:
        # whoever was asked to review it has nothing left to do once it left 待审核
        notification_resolve(url=url, recipients=_reviewer_users(c))
    if action in (CommitmentAction.APPROVE, CommitmentAction.RETURN):
        notify(
            kind=Kind.COMMITMENT_RESULT,
            recipients=_owner_users(c),
            title=_("承诺“%(t)s”%(a)s") % {"t": c.title, "a": CommitmentAction(action).label},
            body=comment,
            url=url,
            email=False,
        )
    return c


@transaction.atomic
def commitment_report(
    *, actor, commitment: Commitment, text: str, outcome: str = "", confirm_below_target: bool = False
) -> Commitment:
    """The owner files the fulfilment report (述诺): published → reported, inside the 践诺 window.

    `outcome` says whether the commitment was kept (ReportOutcome). Claiming 承诺已兑现 while the
    recorded progress is below 100 % needs `confirm_below_target`; the progress at the time is kept
    beside the report for the reviewer either way.
    """
    text = _text(text, "text", _("述诺内容"), limit=20_000)
    if outcome and outcome not in ReportOutcome.values:
        raise ValidationError(_("兑现情况无效：%(v)s") % {"v": outcome}, field="outcome")
    progress = commitment.progress
    if outcome == ReportOutcome.FULFILLED and progress < 100 and not confirm_below_target:
        raise ValidationError(
            _("填报的进度只有 %(p)d%%，却选择了“承诺已兑现”：请先填报最新进度，或勾选确认后再提交")
            % {"p": progress},
            field="confirm_below_target",
        )
    c = _transition(actor, commitment, CommitmentAction.REPORT, comment="")
    FulfilmentReport.objects.create(
        commitment=c, text=text, outcome=outcome, progress=c.progress, filed_by=actor
    )
    return c
