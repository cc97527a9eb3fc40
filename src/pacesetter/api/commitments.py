"""Public commitments (公开承诺): the same operations as the pages, through the same services and selectors."""

import datetime
import secrets

from django.http import HttpRequest
from django.urls import reverse
from ninja import File, Query, Router, Schema
from ninja.files import UploadedFile
from ninja.responses import Status

from pacesetter.campaigns.selectors import campaign_get_for
from pacesetter.campaigns.windows import campaigns_covering
from pacesetter.commitments import problems, selectors, services
from pacesetter.commitments.enums import CommitmentAction
from pacesetter.core.errors import NotFoundError, ValidationError
from pacesetter.core.middleware import client_ip
from pacesetter.core.paging import page_field, page_param, paginate
from pacesetter.massorgs.selectors import mass_org_get_for
from pacesetter.orgs.enums import Cap
from pacesetter.orgs.selectors import member_for_user, org_get_for

from ._common import campaign_or_first, fields_from
from .schemas import ActionIn, CountOnceIn

router = Router(tags=["公开承诺 commitments"])


class CommitmentIn(Schema):
    """`personal: true` drafts a personal commitment for the caller's own member entry (after 设岗);
    else give organisation_id for an organisation's 实事."""

    campaign_id: int
    personal: bool = False
    organisation_id: int | None = None
    # groups: a 群团组织's own commitment (its Party organisation is then the commitment's organisation)
    mass_org_id: int | None = None
    criteria_item_id: int
    title: str
    target: str
    deadline: datetime.date
    responsible: str
    content: str = ""


class CommitmentPatch(Schema):
    criteria_item_id: int | None = None
    title: str | None = None
    target: str | None = None
    deadline: datetime.date | None = None
    responsible: str | None = None
    content: str | None = None


class CommitmentOut(Schema):
    id: int
    campaign_id: int
    kind: str
    organisation_id: int
    organisation_name: str
    member_id: int | None
    member_name: str | None
    mass_org_id: int | None
    owner_name: str
    criteria_item_id: int
    criteria_item_name: str
    title: str
    content: str
    target: str
    deadline: datetime.date
    responsible: str
    status: str
    status_label: str
    progress: int
    overdue_at: datetime.datetime | None
    published_at: datetime.datetime | None
    public_url: str | None


def _out(c) -> dict:
    return fields_from(
        c,
        CommitmentOut,
        organisation_name=c.organisation.name,
        member_name=c.member.name if c.member_id else None,
        criteria_item_name=c.criteria_item.name,
        status_label=str(c.get_status_display()),
        public_url=reverse("wall:commitment", args=[c.pk]) if c.is_public else None,
    )


class CommitmentTransitionIn(ActionIn):
    pass


class EventOut(Schema):
    action: str
    from_status: str
    to_status: str
    actor_name: str
    comment: str
    at: datetime.datetime


class ProgressIn(Schema):
    percent: int
    text: str


class CommitmentProgressOut(Schema):
    id: int
    percent: int
    text: str
    author_name: str
    created_at: datetime.datetime
    attachments: list[str]


class ReportIn(Schema):
    text: str


class RatingIn(Schema):
    level: str
    comment: str = ""


class RatingOut(Schema):
    id: int
    level: str
    comment: str
    moderation: str


class PostIn(Schema):
    campaign_id: int
    title: str
    duties: str = ""


class PostOut(Schema):
    id: int
    campaign_id: int
    member_id: int
    title: str
    duties: str


class ModerationIn(Schema):
    approve: bool


class StatsOut(Schema):
    organisation_id: int
    organisation_name: str
    drafted: int
    published: int
    fulfilled: int
    overdue: int
    avg_progress: int | None
    progress_items: int
    satisfied: int
    basic: int
    unsatisfied: int
    satisfaction_rate: int | None


class ListFilter(Schema):
    org_id: int | None = None
    status: str | None = None
    kind: str | None = None
    mine: bool = False
    page: int = page_field()


class WallFilter(Schema):
    org_id: int | None = None
    sector: str | None = None
    page: int = page_field()


@router.get("/commitments", response=list[CommitmentOut], url_name="commitment-list")
def commitment_list(request: HttpRequest, filters: Query[ListFilter]):
    org = org_get_for(request.user, filters.org_id) if filters.org_id else None
    qs = selectors.commitment_list_for(
        request.user, org=org, status=filters.status or None, kind=filters.kind or None, mine=filters.mine
    )
    return [_out(c) for c in paginate(request, qs, 50)]


@router.post("/commitments", response={201: CommitmentOut}, url_name="commitment-list")
def commitment_create(request: HttpRequest, data: CommitmentIn):
    campaign = campaign_get_for(request.user, data.campaign_id)
    fields = data.dict(
        exclude={"campaign_id", "personal", "organisation_id", "criteria_item_id", "mass_org_id"}
    )
    c = services.commitment_create(
        actor=request.user,
        campaign=campaign,
        criteria_item=data.criteria_item_id,
        **_commitment_owner(request, data),
        **fields,
    )
    return Status(201, _out(selectors.commitment_get_for(request.user, c.pk)))


def _commitment_owner(request: HttpRequest, data: CommitmentIn) -> dict:
    """Whose commitment it is, keyed as `commitment_create` takes it: a mass organisation (群团组织) or a Party
    organisation within the caller's write scope, or the caller's own member record (`personal`)."""
    if data.mass_org_id is not None:
        return {"mass_org": mass_org_get_for(request.user, data.mass_org_id, cap=Cap.COMMITMENT_WRITE)}
    if data.personal:
        member = member_for_user(request.user)
        if member is None:
            raise ValidationError("您的账号没有关联党员信息", field="personal")
        return {"member": member}
    if data.organisation_id is None:
        raise ValidationError("请提供 organisation_id", field="organisation_id")
    return {"organisation": org_get_for(request.user, data.organisation_id, cap=Cap.COMMITMENT_WRITE)}


@router.get("/commitments/{pk}", response=CommitmentOut, url_name="commitment-detail")
def commitment_detail(request: HttpRequest, pk: int):
    return _out(selectors.commitment_get_for(request.user, pk))


@router.patch("/commitments/{pk}", response=CommitmentOut, url_name="commitment-detail")
def commitment_update(request: HttpRequest, pk: int, data: CommitmentPatch):
    c = selectors.commitment_get_for(request.user, pk)
    fields = {k: v for k, v in data.dict(exclude_unset=True).items() if v is not None}
    if "criteria_item_id" in fields:
        fields["criteria_item"] = fields.pop("criteria_item_id")
    services.commitment_update(actor=request.user, commitment=c, **fields)
    return _out(selectors.commitment_get_for(request.user, pk))


@router.post("/commitments/{pk}/transitions", response=CommitmentOut, url_name="commitment-transition")
def commitment_transition(request: HttpRequest, pk: int, data: CommitmentTransitionIn):
    """action: submit, withdraw, revise, approve, return (comment required), publish, report (comment is the
    report text), close. Refusals: 403 wrong party, 409 wrong state or step window closed (the message says
    when it opens or closed)."""
    c = selectors.commitment_get_for(request.user, pk)
    if data.action not in CommitmentAction.values:
        raise ValidationError(f"未知操作：{data.action}", field="action")
    services.commitment_transition(actor=request.user, commitment=c, action=data.action, comment=data.comment)
    return _out(selectors.commitment_get_for(request.user, pk))


@router.get("/commitments/{pk}/events", response=list[EventOut], url_name="commitment-events")
def commitment_events(request: HttpRequest, pk: int):
    return selectors.history_for(selectors.commitment_get_for(request.user, pk))


def _progress_out(u) -> dict:
    attachments = [reverse("wall:attachment", args=[a.pk]) for a in u.attachments.all()]
    return fields_from(u, CommitmentProgressOut, attachments=attachments)


@router.get(
    "/commitments/{pk}/progress", response=list[CommitmentProgressOut], url_name="commitment-progress"
)
def progress_list(request: HttpRequest, pk: int):
    c = selectors.commitment_get_for(request.user, pk)
    return [_progress_out(u) for u in c.updates.prefetch_related("attachments")]


@router.post(
    "/commitments/{pk}/progress", response={201: CommitmentProgressOut}, url_name="commitment-progress"
)
def progress_add(request: HttpRequest, pk: int, data: ProgressIn):
    c = selectors.commitment_get_for(request.user, pk)
    u = services.progress_add(actor=request.user, commitment=c, percent=data.percent, text=data.text)
    return Status(201, _progress_out(u))


@router.post("/commitments/{pk}/report", response=CommitmentOut, url_name="commitment-report")
def commitment_report(request: HttpRequest, pk: int, data: ReportIn):
    c = selectors.commitment_get_for(request.user, pk)
    services.commitment_report(actor=request.user, commitment=c, text=data.text)
    return _out(selectors.commitment_get_for(request.user, pk))


@router.post("/commitments/{pk}/ratings", response={201: RatingOut}, url_name="commitment-ratings")
def rating_submit(request: HttpRequest, pk: int, data: RatingIn):
    c = selectors.commitment_get_for(request.user, pk)
    r = services.rating_submit_member(
        actor=request.user, commitment=c, level=data.level, comment=data.comment
    )
    return Status(201, {"id": r.pk, "level": r.level, "comment": r.comment, "moderation": r.moderation})


@router.put("/commitment-post", response=PostOut, url_name="commitment-post")
def post_set(request: HttpRequest, data: PostIn):
    """设岗: set the caller's own post for a campaign."""
    member = member_for_user(request.user)
    if member is None:
        raise NotFoundError("您的账号没有关联党员信息")
    campaign = campaign_get_for(request.user, data.campaign_id)
    p = services.post_set(
        actor=request.user, campaign=campaign, member=member, title=data.title, duties=data.duties
    )
    return {
        "id": p.pk,
        "campaign_id": p.campaign_id,
        "member_id": p.member_id,
        "title": p.title,
        "duties": p.duties,
    }


@router.get("/commitment-reviews", response=list[CommitmentOut], url_name="commitment-review-queue")
def review_queue(request: HttpRequest, page: int = page_param()):
    return [_out(c) for c in paginate(request, selectors.review_queue_for(request.user), 50)]


@router.get("/commitment-moderation", response=list[RatingOut], url_name="commitment-moderation")
def moderation_queue(request: HttpRequest, page: int = page_param()):
    return list(paginate(request, selectors.moderation_queue_for(request.user), 50))


@router.post("/commitment-ratings/{pk}/moderation", response=RatingOut, url_name="rating-moderate")
def rating_moderate(request: HttpRequest, pk: int, data: ModerationIn):
    r = selectors.rating_get_for_moderation(request.user, pk)
    return services.rating_moderate(actor=request.user, rating=r, approve=data.approve)


@router.get("/commitment-stats", response=list[StatsOut], url_name="commitment-stats")
def stats(request: HttpRequest, campaign_id: int, org_id: int):
    """Per child subtree of org_id: drafted / published / fulfilled / overdue, average progress (the stated
    roll-up rule), 评诺 counts and satisfaction rate (None under the minimum number of ratings)."""
    campaign = campaign_get_for(request.user, campaign_id)
    org = org_get_for(request.user, org_id, cap=Cap.PROGRESS_VIEW)
    return [
        {
            "organisation_id": s.org.pk,
            "organisation_name": s.org.name,
            "drafted": s.drafted,
            "published": s.published,
            "fulfilled": s.fulfilled,
            "overdue": s.overdue,
            "avg_progress": s.avg_progress,
            "progress_items": s.progress_items,
            "satisfied": s.ratings.satisfied,
            "basic": s.ratings.basic,
            "unsatisfied": s.ratings.unsatisfied,
            "satisfaction_rate": s.ratings.rate,
        }
        for s in selectors.commitment_stats_by_subtree(campaign, org)
    ]


class PublicPhoneIn(Schema):
    phone: str


class PublicPhoneOut(Schema):
    sent_to: str


class PublicRatingIn(CountOnceIn):
    """A citizen's 评诺. It counts once per person with `slip` (a printed slip's code) or `phone` and the
    `code` texted to it by POST /wall/{pk}/phone-code; without either it is kept as unverified."""

    level: str
    comment: str = ""


class PublicRatingOut(Schema):
    id: int
    level: str
    comment: str
    moderation: str
    verification: str
    counted: bool


class PublicRatingSummaryOut(Schema):
    satisfied: int
    basic: int
    unsatisfied: int
    satisfaction_rate: int | None
    unverified: int


@router.post("/wall/{pk}/phone-code", response={202: PublicPhoneOut}, url_name="wall-phone-code", auth=None)
def wall_phone_code(request: HttpRequest, pk: int, data: PublicPhoneIn):
    """Text a code to a phone before rating a published commitment. 409 when that phone has rated it,
    422 for a malformed phone, 429 past the daily limits per phone and per address."""
    c = selectors.public_commitment_get(pk)
    masked = services.rating_phone_code_send(commitment=c, phone=data.phone, ip=client_ip(request))
    return Status(202, {"sent_to": masked})


@router.get("/wall/{pk}/ratings", response=PublicRatingSummaryOut, url_name="wall-ratings", auth=None)
def wall_ratings(request: HttpRequest, pk: int):
    """Counted ratings by level, the satisfaction rate (None under the minimum) and the unverified count."""
    s = selectors.rating_summary(selectors.public_commitment_get(pk))
    return {
        "satisfied": s.satisfied,
        "basic": s.basic,
        "unsatisfied": s.unsatisfied,
        "satisfaction_rate": s.rate,
        "unverified": s.unverified,
    }


@router.post("/wall/{pk}/ratings", response={201: PublicRatingOut}, url_name="wall-ratings", auth=None)
def wall_rate(request: HttpRequest, pk: int, data: PublicRatingIn):
    """Rate a published commitment as a member of the public. 409 when this phone or slip has rated it."""
    c = selectors.public_commitment_get(pk)
    r = services.rating_submit_public(
        commitment=c,
        # A client without the page's device cookie is limited per address only; unverified, it never counts.
        device=request.COOKIES.get("ps_device", "") or secrets.token_hex(16),
        ip=client_ip(request),
        **data.dict(),
    )
    return Status(
        201,
        {
            "id": r.pk,
            "level": r.level,
            "comment": r.comment,
            "moderation": r.moderation,
            "verification": r.verification,
            "counted": r.counted,
        },
    )


@router.get("/wall", response=list[CommitmentOut], url_name="commitment-wall", auth=None)
def wall(request: HttpRequest, filters: Query[WallFilter]):
    """The public commitment wall (no sign-in): published commitments, newest first, 20 per page."""
    org = selectors.public_org_get(filters.org_id) if filters.org_id else None
    qs = selectors.public_commitment_list(org=org, sector=filters.sector or None)
    return [_out(c) for c in paginate(request, qs, 20)]


# ---------------------------------------------------------------- 问题清单 (loop)


class ProblemIn(Schema):
    title: str
    source: str
    owner_level: str
    due_date: str
    description: str = ""


class ProblemOut(Schema):
    id: int
    campaign_id: int
    organisation_id: int
    title: str
    description: str
    source: str
    owner_level: str
    due_date: datetime.date
    status: str
    commitment_ids: list[int]

    @staticmethod
    def resolve_commitment_ids(obj):
        return sorted(c.pk for c in obj.commitments.all())


class ProblemTransitionIn(Schema):
    action: str


class ProblemLinkIn(Schema):
    commitment_id: int


def _problem_campaign(request, org, campaign_id):
    return campaign_or_first(
        campaign_get_for, request.user, campaign_id, campaigns_covering(org), "该组织目前没有进行中的活动"
    )


@router.get("/problems", response=list[ProblemOut], url_name="problem-list")
def problem_list(request: HttpRequest, org_id: int, campaign_id: int | None = None, status: str = ""):
    """An organisation's problem list (问题清单) in a campaign."""
    org = org_get_for(request.user, org_id, cap=Cap.CAMPAIGN_VIEW)
    return list(
        problems.problem_list(campaign=_problem_campaign(request, org, campaign_id), org=org, status=status)
    )


@router.post("/problems", response={201: ProblemOut}, url_name="problem-list")
def problem_create(request: HttpRequest, org_id: int, payload: ProblemIn, campaign_id: int | None = None):
    org = org_get_for(request.user, org_id, cap=Cap.COMMITMENT_WRITE)
    problem = problems.problem_create(
        actor=request.user,
        campaign=_problem_campaign(request, org, campaign_id),
        org=org,
        **payload.dict(),
    )
    return Status(201, problem)


@router.post("/problems/import", response={201: list[ProblemOut]}, url_name="problem-import")
def problem_import(
    request: HttpRequest, org_id: int, file: File[UploadedFile], campaign_id: int | None = None
):
    """Excel import with the template's columns (问题、来源、责任层级、解决时限、具体表现); all rows or none."""
    org = org_get_for(request.user, org_id, cap=Cap.COMMITMENT_WRITE)
    added = problems.problem_import(
        actor=request.user, campaign=_problem_campaign(request, org, campaign_id), org=org, upload=file
    )
    return Status(201, added)


@router.post("/problems/{pk}/transition", response=ProblemOut, url_name="problem-transition")
def problem_transition(request: HttpRequest, pk: int, payload: ProblemTransitionIn):
    problem = problems.problem_get_for(request.user, pk)
    return problems.problem_transition(actor=request.user, problem=problem, action=payload.action)


@router.post("/problems/{pk}/links", response=ProblemOut, url_name="problem-link")
def problem_link(request: HttpRequest, pk: int, payload: ProblemLinkIn):
    problem = problems.problem_get_for(request.user, pk)
    commitment = selectors.commitment_get_for(request.user, payload.commitment_id)
    return problems.problem_link(actor=request.user, problem=problem, commitment=commitment)
