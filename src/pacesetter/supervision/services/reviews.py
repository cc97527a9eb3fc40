"""Writes for leader reviews (领导点评) and supervision (督促检查): reviews."""

from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from pacesetter.campaigns.enums import StepCapability
from pacesetter.campaigns.models import Campaign
from pacesetter.campaigns.windows import campaigns_covering, require_open, step_window_for
from pacesetter.commitments.selectors import published_commitments_for_org
from pacesetter.core.audit import audit_log, audit_status
from pacesetter.core.errors import PermissionDeniedError, StateError, ValidationError
from pacesetter.core.people import display_name
from pacesetter.core.transitions import status_cas
from pacesetter.notifications.kinds import Kind
from pacesetter.notifications.services import notify
from pacesetter.orgs.enums import Role
from pacesetter.orgs.models import Organisation, RoleGrant
from pacesetter.orgs.services import acting_for

from .. import coverage_tally, stats_tally
from ..enums import (
    REVIEW_TRANSITIONS,
    Rating,
    ReviewAction,
)
from ..member_reviews import can_run_session, check_session_subject
from ..models import (
    Review,
    ReviewItem,
    ReviewSession,
)
from ..rules import (
    can_guide_review_org,
    can_publish_review,
    can_respond_for,
    can_review_org,
)
from ._common import _text

# ---------------------------------------------------------------- reviews (领导点评)


def review_campaign_for(org: Organisation, *, at=None) -> Campaign | None:
    """The campaign a review is filed in: if active campaigns cover the organisation, one whose 领导点评
    (REVIEWS) window is open — none open refuses with the window's message; no campaign covering it: None
    (the half-yearly review is a standing duty and may be filed at any time)."""
    campaigns = list(campaigns_covering(org))
    if not campaigns:
        return None
    for c in campaigns:
        if step_window_for(campaign=c, capability=StepCapability.REVIEWS, org=org, at=at).is_open:
            return c
    require_open(campaign=campaigns[0], capability=StepCapability.REVIEWS, org=org, at=at)
    return None  # pragma: no cover — require_open raised


def _guiding_body_name(actor, org: Organisation) -> str:
    """The guiding body (指导单位) named on the grant by which `actor` follows `org`'s sector line."""
    grant = (
        RoleGrant.objects.filter(
            user=actor,
            role=Role.GUIDE,
            sector=org.sector,
            revoked_at__isnull=True,
            organisation__path__in=[*org.ancestor_paths, org.path],
        )
        .select_related("guide")
        .order_by("-organisation__depth")
        .first()
    )
    return grant.guide.name if grant is not None and grant.guide is not None else ""


@transaction.atomic
def review_file(
    *,
    actor,
    org: Organisation,
    achievements: str,
    problems: str,
    direction: str,
    rating: str,
    remarks: dict[int, tuple[str, bool]] | None = None,
    now=None,
    session: ReviewSession | None = None,
    guidance: bool = False,
) -> Review:
    """点评: the liaison leader records results, problems, direction, rating and a remark per published
    commitment (`remarks`: {commitment id: (remark, flagged)}; every published commitment is checked).
    Filed from a 集中点评 `session` (#19), its convener reviews any organisation of the host's subtree.

    With `guidance` (行业指导点评, 条块结合 #18) a guiding body reviews an organisation of its sector line, and
    only while a campaign covering the organisation has its 领导点评 window open: the campaign decides when
    a guiding body may write, so without one it may not."""
    if guidance:
        if session is not None:
            raise ValidationError(_("行业指导点评不在集中点评会上进行"), field="session")
        if not can_guide_review_org(actor, org):
            raise PermissionDeniedError(
                _("“%(org)s”不在您指导的行业范围内，不能作行业指导点评") % {"org": org.name}
            )
    elif session is not None:
        session = ReviewSession.objects.select_for_update(of=("self",)).get(pk=session.pk)
        if not can_run_session(actor, session):
            raise PermissionDeniedError(_("只有集中点评的点评人可以在会上点评"))
        check_session_subject(session, org)
    elif not can_review_org(actor, org):
        raise PermissionDeniedError(_("只有联系“%(org)s”的领导可以点评该组织") % {"org": org.name})
    now = now or timezone.now()
    if session is None:
        campaign = review_campaign_for(org, at=now)
        if guidance and campaign is None:
            raise StateError(
                _("“%(org)s”没有进行中的活动，行业指导点评只能在活动的领导点评期间进行") % {"org": org.name}
            )
    else:  # 集中点评 is a standing duty (每半年至少一次): filed in the open campaign if any, else none
        try:
            campaign = review_campaign_for(org, at=now)
        except StateError:
            campaign = None
    if rating not in Rating.values:
        raise ValidationError(_("请选择总体评价"), field="rating")
    # the review restarts the clock of the actor's liaison link to `org`, if there is one
    liaison = stats_tally.refresh(links=Q(leader=actor, organisation=org))
    with coverage_tally.refresh([org] if session is not None else []), liaison:
        review = Review.objects.create(
            leader=actor,
            organisation=org,
            campaign=campaign,
            achievements=_text(achievements, "achievements", _("肯定成绩")),
            problems=_text(problems, "problems", _("指出问题")),
            direction=_text(direction, "direction", _("努力方向")),
            rating=rating,
            reviewed_at=now,
            session=session,
            guidance=guidance,
        )
    remarks = remarks or {}
    commitments = published_commitments_for_org(org, campaign=campaign)
    ReviewItem.objects.bulk_create(
        [
            ReviewItem(
                review=review,
                commitment=c,
                title=c.title,
                progress=c.progress,
                deadline=c.deadline,
                remark=_text(
                    remarks.get(c.pk, ("", False))[0], f"remark_{c.pk}", _("点评意见"), required=False
                ),
                flagged=bool(remarks.get(c.pk, ("", False))[1]),
            )
            for c in commitments
        ]
    )
    audit_log(
        actor=actor,
        action="review.file",
        obj=review,
        after={"rating": rating, "status": review.status, "guidance": guidance},
        extra={"items": len(commitments), "flagged": sum(1 for v in remarks.values() if v[1])},
    )
    reviewer = display_name(actor)
    title = (
        _("%(body)s对%(org)s作了行业指导点评，请答复")
        % {"body": _guiding_body_name(actor, org) or reviewer, "org": org.name}
        if guidance
        else _("%(leader)s对%(org)s作了点评，请答复") % {"leader": reviewer, "org": org.name}
    )
    notify(
        kind=Kind.REVIEW,
        recipients=acting_for(org),
        title=title,
        body=review.problems[:200],
        url=reverse("supervision:review-detail", args=[review.pk]),
    )
    return review


@transaction.atomic
def review_respond(*, actor, review: Review, response: str) -> Review:
    """The reviewed organisation answers (答复)."""
    review = Review.objects.select_for_update(of=("self",)).select_related("organisation").get(pk=review.pk)
    if not can_respond_for(actor, review.organisation):
        raise PermissionDeniedError(_("只有被点评组织可以答复"))
    response = _text(response, "response", _("答复"))
    now = timezone.now()
    before = status_cas(
        Review,
        review,
        REVIEW_TRANSITIONS,
        ReviewAction.RESPOND,
        _("答复"),
        response=response,
        responded_by=actor,
        responded_at=now,
    )
    audit_status(actor, "review.respond", review, before, extra={"response_chars": len(response)})
    notify(
        kind=Kind.REVIEW,
        recipients=[review.leader],
        title=_("%(org)s答复了您的点评") % {"org": review.organisation.name},
        body=response[:200],
        url=reverse("supervision:review-detail", args=[review.pk]),
    )
    return review


@transaction.atomic
def review_publish(*, actor, review: Review, publish: bool = True) -> Review:
    """Show (or withdraw) the review on the organisation's public page."""
    review = Review.objects.select_for_update(of=("self",)).select_related("organisation").get(pk=review.pk)
    if not can_publish_review(actor, review):
        raise PermissionDeniedError(_("只有点评领导或活动办公室可以公开点评"))
    before = review.published_at
    review.published_at = timezone.now() if publish else None
    review.save(update_fields=["published_at"])
    action = "review.publish" if publish else "review.unpublish"
    audit_status(actor, action, review, before, field="published_at")
    return review
