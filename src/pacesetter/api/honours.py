"""Commendation endpoints (评选表彰): programmes, nominations with their review, 公示 and the 表彰决定, and the
public honour roll — the same services and selectors as the pages."""

import datetime

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import File, Form, Router, Schema
from ninja.files import UploadedFile
from ninja.responses import Status

from pacesetter.campaigns.models import Campaign
from pacesetter.core.errors import NotFoundError, ValidationError
from pacesetter.core.middleware import client_ip
from pacesetter.honours import selectors, services
from pacesetter.honours.models import Category, Nomination, Programme
from pacesetter.honours.rules import parties_for
from pacesetter.massorgs.selectors import mass_org_get_for
from pacesetter.orgs.enums import Cap
from pacesetter.orgs.models import Member
from pacesetter.orgs.selectors import org_get_for

router = Router(tags=["评选表彰 honours"])
LIMIT = 200
MAX_OFFSET = 1_000_000


def _window(offset: int) -> slice:
    start = min(max(offset, 0), MAX_OFFSET)
    return slice(start, start + LIMIT)


class HonourCategoryOut(Schema):
    id: int
    name: str
    subject: str
    quota: int
    rules: list[str]


class ProgrammeOut(Schema):
    id: int
    title: str
    issuer_name: str
    organisation_id: int
    year: int
    status: str
    status_label: str
    nominate_until: datetime.date
    notice_days: int
    notice_starts_on: datetime.date | None
    notice_ends_on: datetime.date | None
    categories: list[HonourCategoryOut]


class ProgrammeIn(Schema):
    campaign_id: int
    organisation_id: int
    title: str
    issuer_name: str
    year: int
    nominate_until: datetime.date
    notice_days: int = 7


class HonourPhotoOut(Schema):
    id: int
    name: str
    content_type: str
    size: int
    url: str


class NominationOut(Schema):
    id: int
    category: str
    display_name: str
    gender: str
    org_label: str
    subject_mass_member_id: int | None = None
    post: str
    summary: str
    nominator: str
    reviewer: str | None
    status: str
    status_label: str
    recommendations: int
    objection: str
    removal_note: str
    # The deed's photos (事迹照片): each URL opens for whoever may open this nomination (the page's rule);
    # never on the public site.
    photo_count: int
    photos: list[HonourPhotoOut]


class NominationIn(Schema):
    category_id: int
    nominator_id: int
    subject_org_id: int | None = None
    subject_member_id: int | None = None
    # groups: a 群团组织 in a collective category (its Party organisation stands in for scope and places)
    subject_mass_org_id: int | None = None
    # groups: a 群团成员 in a mass-member category (优秀共青团员…); never with the other three
    subject_mass_member_id: int | None = None
    post: str = ""
    summary: str
    deed: str


class HonourCategoryIn(Schema):
    name: str
    subject: str
    quota: int
    rules: list[dict] = []


class HonourQuotaIn(Schema):
    organisation_id: int
    amount: int


class HonourQuotaOut(Schema):
    category_id: int
    organisation_id: int
    amount: int


class HonourResubmitIn(Schema):
    post: str = ""
    summary: str
    deed: str


class HonourRemoveIn(Schema):
    note: str


class HonourRecommendIn(Schema):
    phone: str = ""
    code: str = ""
    slip: str = ""


class HonourRecommendOut(Schema):
    counted: bool
    recommendations: int


class HonourCodeIn(Schema):
    phone: str


class HonourObjectionIn(Schema):
    nomination_id: int
    text: str
    real_name: bool = False
    name: str = ""
    phone: str = ""
    code: str = ""


class HonourObjectionOut(Schema):
    number: str
    password: str


class HonourReviewIn(Schema):
    action: str
    comment: str = ""


class HonourDecisionIn(Schema):
    number: str
    title: str = ""


class HonourDecisionOut(Schema):
    id: int
    number: str
    title: str
    supplementary: bool
    issued_on: datetime.date
    honours: int


class HonourOut(Schema):
    certificate_no: str
    year: int
    title: str
    display_name: str
    org_label: str
    programme: str


def _programme(p: Programme) -> dict:
    return {
        "id": p.pk,
        "title": p.title,
        "issuer_name": p.issuer_name,
        "organisation_id": p.organisation_id,
        "year": p.year,
        "status": p.status,
        "status_label": str(p.get_status_display()),
        "nominate_until": p.nominate_until,
        "notice_days": p.notice_days,
        "notice_starts_on": p.notice_starts_on,
        "notice_ends_on": p.notice_ends_on,
        "categories": [_category_out(c) for c in p.categories.all()],
    }


def _photo(ph) -> dict:
    return {
        "id": ph.pk,
        "name": ph.name,
        "content_type": ph.content_type,
        "size": ph.size,
        "url": reverse("honours:nomination-photo", args=[ph.pk]),
    }


def _nomination(n: Nomination, objection: str = "") -> dict:
    photos = [_photo(ph) for ph in n.photos.all()]
    return {
        "id": n.pk,
        "category": n.category.name,
        "display_name": n.display_name,
        "gender": n.gender,
        "org_label": n.org_label,
        "subject_mass_member_id": n.subject_mass_member_id,
        "post": n.post,
        "summary": n.summary,
        "nominator": n.nominator.name,
        "reviewer": n.reviewer.name if n.reviewer_id else None,
        "status": n.status,
        "status_label": str(n.get_status_display()),
        "recommendations": n.recommendations,
        "objection": objection,
        "removal_note": n.removal_note,
        "photo_count": len(photos),
        "photos": photos,
    }


@router.get("/honours/programmes", response=list[ProgrammeOut], url_name="honours-programme-list")
def programme_list(request: HttpRequest):
    return [_programme(p) for p in selectors.programme_list_for(request.user)[:LIMIT]]


@router.post("/honours/programmes", response={201: ProgrammeOut}, url_name="honours-programme-list")
def programme_create(request: HttpRequest, payload: ProgrammeIn):
    """Set up a programme with the three usual categories (edit them on the page). 403 without honours.manage
    on the organisation; 422 names the field."""
    org = org_get_for(request.user, payload.organisation_id, cap=Cap.HONOURS_MANAGE)
    campaign = Campaign.objects.filter(pk=payload.campaign_id).first()
    if campaign is None:
        raise ValidationError(_("找不到该活动"), field="campaign_id")
    data = payload.dict(exclude={"campaign_id", "organisation_id"})
    p = services.programme_create(actor=request.user, campaign=campaign, organisation=org, **data)
    return Status(201, _programme(p))


def _category_out(c: Category) -> dict:
    return {"id": c.pk, "name": c.name, "subject": c.subject, "quota": c.quota, "rules": c.rule_texts}


@router.post(
    "/honours/programmes/{int:pk}/categories",
    response={201: HonourCategoryOut},
    url_name="honours-category-list",
)
def category_create(request: HttpRequest, pk: int, payload: HonourCategoryIn):
    """Add a category before 公示. `rules` as stored: `{"rule": "no_open_rectification"}`,
    `{"rule": "no_upheld_report"}`, `{"rule": "party_years", "years": 3}`, `{"rule": "org_type", "types":
    [...]}`, `{"rule": "assessment_grade", "min": "good" | "fairly_good" | "excellent" | "qualified"}`,
    `{"rule": "district_rank", "top": 5}` (collective only: within the top 1–50 of the campaign's district
    ranking among its siblings). 422 names the field."""
    p = selectors.programme_get_for(request.user, pk)
    c = services.category_save(
        actor=request.user,
        programme=p,
        name=payload.name,
        subject=payload.subject,
        quota=payload.quota,
        rules=payload.rules,
    )
    return Status(201, _category_out(c))


def _category(request: HttpRequest, pk: int) -> Category:
    c = Category.objects.select_related("programme").filter(pk=pk).first()
    if c is None:
        raise NotFoundError()
    selectors.programme_get_for(request.user, c.programme_id)
    return c


@router.put("/honours/categories/{int:pk}", response=HonourCategoryOut, url_name="honours-category-detail")
def category_update(request: HttpRequest, pk: int, payload: HonourCategoryIn):
    c = _category(request, pk)
    c = services.category_save(
        actor=request.user,
        programme=c.programme,
        category=c,
        name=payload.name,
        subject=payload.subject,
        quota=payload.quota,
        rules=payload.rules,
    )
    return _category_out(c)


@router.post(
    "/honours/categories/{int:pk}/quotas", response=HonourQuotaOut, url_name="honours-quota-allocate"
)
def quota_allocate(request: HttpRequest, pk: int, payload: HonourQuotaIn):
    """Pass places to an organisation one level down (0 takes them back); 422 names the numbers when the
    parent's share would be exceeded."""
    c = _category(request, pk)
    org = org_get_for(request.user, payload.organisation_id, cap=Cap.ORG_VIEW)
    services.quota_allocate(actor=request.user, category=c, organisation=org, amount=payload.amount)
    return {"category_id": c.pk, "organisation_id": org.pk, "amount": payload.amount}


@router.post("/honours/programmes/{int:pk}/open", response=ProgrammeOut, url_name="honours-programme-open")
def programme_open(request: HttpRequest, pk: int):
    p = services.programme_open(actor=request.user, programme=selectors.programme_get_for(request.user, pk))
    return _programme(p)


@router.get("/honours/programmes/{int:pk}", response=ProgrammeOut, url_name="honours-programme-detail")
def programme_detail(request: HttpRequest, pk: int):
    return _programme(selectors.programme_get_for(request.user, pk))


class HonourCandidateOut(Schema):
    rank: int
    organisation_id: int
    organisation: str
    score: float


@router.get(
    "/honours/programmes/{int:pk}/candidates",
    response=list[HonourCandidateOut],
    url_name="honours-candidate-list",
)
def candidate_list(request: HttpRequest, pk: int, category: int):
    """候选组织 of a category with the `district_rank` rule, as on the programme page: the commending
    organisation's children within the category's top N of the campaign's district ranking (活动开展情况排名),
    best first (equal scores share a rank). A category of the programme without that rule is a 422 naming
    `category` (it has no candidates list; an empty list means no organisation is ranked yet)."""
    p = selectors.programme_get_for(request.user, pk)
    c = Category.objects.filter(programme=p, pk=category).first() if 0 < category < 2**63 else None
    if c is None:
        raise ValidationError(_("找不到该表彰类别"), field="category")
    found = selectors.district_candidates(p, [c])
    if not found:
        raise ValidationError(
            _("该表彰类别没有“活动开展情况排名前 N 名”的评选条件，没有候选组织"), field="category"
        )
    return [
        {
            "rank": r["rank"],
            "organisation_id": r["org"].pk,
            "organisation": r["org"].name,
            "score": r["score"],
        }
        for r in found[0][1]
    ]


@router.get(
    "/honours/programmes/{int:pk}/nominations",
    response=list[NominationOut],
    url_name="honours-nomination-list",
)
def nomination_list(request: HttpRequest, pk: int, status: str = "", offset: int = 0):
    p = selectors.programme_get_for(request.user, pk)
    qs = selectors.nomination_list_for(request.user, p, status=status).prefetch_related("photos")
    rows = list(qs[_window(offset)])
    objections = services.objections_for([n.pk for n in rows])
    return [_nomination(n, services.objection_state(objections.get(n.pk, []))) for n in rows]


@router.post(
    "/honours/programmes/{int:pk}/nominations",
    response={201: NominationOut},
    url_name="honours-nomination-list",
)
def nomination_create(request: HttpRequest, pk: int, payload: NominationIn):
    """Nominate within the nominator's places (with photos: `POST …/nominations/with-photos`). 422 names the
    rule that failed: over quota, duplicate, outside the nominator's subtree, ineligible."""
    return Status(201, _nomination(_nominate(request, pk, payload)))


@router.post(
    "/honours/programmes/{int:pk}/nominations/with-photos",
    response={201: NominationOut},
    url_name="honours-nomination-create-multipart",
)
def nomination_create_multipart(
    request: HttpRequest, pk: int, payload: Form[NominationIn], photos: File[list[UploadedFile]] = None
):
    """The same as `POST …/nominations`, as multipart/form-data with `photos` (repeatable, at most 3; JPEG, PNG
    or WebP up to 5 MB and 60 megapixels, checked by content as on the page, so a decompression bomb is
    refused). A refused photo is a 422 `{code, message, field: "photos"}` naming the file; nothing is stored."""
    return Status(201, _nomination(_nominate(request, pk, payload, photos=list(photos or []))))


def _nominate(request: HttpRequest, pk: int, payload: NominationIn, photos=()) -> Nomination:
    p = selectors.programme_get_for(request.user, pk)
    category = Category.objects.filter(programme=p, pk=payload.category_id).first()
    if category is None:
        raise ValidationError(_("找不到该表彰类别"), field="category_id")
    nominator = org_get_for(request.user, payload.nominator_id, cap=Cap.HONOURS_NOMINATE)
    subject_org = (
        org_get_for(request.user, payload.subject_org_id, cap=Cap.ORG_VIEW)
        if payload.subject_org_id
        else None
    )
    subject_member = None
    if payload.subject_member_id:
        subject_member = (
            Member.objects.select_related("organisation").filter(pk=payload.subject_member_id).first()
        )
        if subject_member is None:
            raise ValidationError(_("找不到该党员"), field="subject_member_id")
    subject_mass_org = (
        mass_org_get_for(request.user, payload.subject_mass_org_id) if payload.subject_mass_org_id else None
    )
    subject_mass_member = None
    if payload.subject_mass_member_id is not None:
        subject_mass_member = selectors.mass_member_get_for_nomination(
            request.user, payload.subject_mass_member_id
        )
        if subject_mass_member is None:
            raise ValidationError(_("找不到该群团成员"), field="subject_mass_member_id")
    return services.nomination_create(
        actor=request.user,
        category=category,
        nominator=nominator,
        subject_org=subject_org,
        subject_member=subject_member,
        subject_mass_org=subject_mass_org,
        subject_mass_member=subject_mass_member,
        post=payload.post,
        summary=payload.summary,
        deed=payload.deed,
        photos=photos,
    )


@router.get("/honours/nominations/{int:pk}", response=NominationOut, url_name="honours-nomination-detail")
def nomination_detail(request: HttpRequest, pk: int):
    n = selectors.nomination_get_for(request.user, pk)
    return _nomination(n, services.objection_state(services.objections_for([n.pk]).get(n.pk, [])))


@router.post(
    "/honours/nominations/{int:pk}/review", response=NominationOut, url_name="honours-nomination-review"
)
def nomination_review(request: HttpRequest, pk: int, payload: HonourReviewIn):
    """approve (up one level; at the office: the final list), return or reject (with a comment)."""
    n = selectors.nomination_get_for(request.user, pk)
    if not parties_for(request.user, n):
        raise NotFoundError()
    n = services.nomination_review(
        actor=request.user, nomination=n, action=payload.action, comment=payload.comment
    )
    return _nomination(n)


@router.post(
    "/honours/nominations/{int:pk}/resubmit", response=NominationOut, url_name="honours-nomination-resubmit"
)
def nomination_resubmit(request: HttpRequest, pk: int, payload: HonourResubmitIn):
    """A returned nomination, amended and sent again to its first reviewer."""
    n = selectors.nomination_get_for(request.user, pk)
    if not parties_for(request.user, n):
        raise NotFoundError()
    n = services.nomination_resubmit(actor=request.user, nomination=n, **payload.dict())
    return _nomination(n)


@router.post(
    "/honours/nominations/{int:pk}/remove", response=NominationOut, url_name="honours-nomination-remove"
)
def nomination_remove(request: HttpRequest, pk: int, payload: HonourRemoveIn):
    """取消拟表彰资格 with a public note (the office of the programme)."""
    n = selectors.nomination_get_for(request.user, pk)
    return _nomination(services.nomination_remove(actor=request.user, nomination=n, note=payload.note))


@router.post("/honours/programmes/{int:pk}/notice", response=ProgrammeOut, url_name="honours-notice-start")
def notice_start(request: HttpRequest, pk: int):
    p = services.notice_start(actor=request.user, programme=selectors.programme_get_for(request.user, pk))
    return _programme(p)


@router.post(
    "/honours/programmes/{int:pk}/decisions",
    response={201: HonourDecisionOut},
    url_name="honours-decision-issue",
)
def decision_issue(request: HttpRequest, pk: int, payload: HonourDecisionIn):
    """The 表彰决定 for every nominee whose 公示 ended without an open or upheld objection; 409 before the
    period has ended."""
    p = selectors.programme_get_for(request.user, pk)
    d = services.decision_issue(actor=request.user, programme=p, number=payload.number, title=payload.title)
    return Status(
        201,
        {
            "id": d.pk,
            "number": d.number,
            "title": d.title,
            "supplementary": d.supplementary,
            "issued_on": d.issued_on,
            "honours": d.honours.count(),
        },
    )


@router.get("/honours/mine", response=list[HonourOut], url_name="honours-mine")
def my_honours(request: HttpRequest):
    """The signed-in member's own honours (empty for an account without a member record)."""
    return [_honour(h) for h in selectors.my_honours(request.user)[:LIMIT]]


def _honour(h) -> dict:
    return {
        "certificate_no": h.certificate_no,
        "year": h.year,
        "title": h.title,
        "display_name": h.display_name,
        "org_label": h.org_label,
        "programme": h.decision.programme.title,
    }


@router.get("/public/honours", response=list[HonourOut], auth=None, url_name="honours-roll")
def honour_roll(request: HttpRequest, year: int | None = None, offset: int = 0):
    """The honour roll (光荣榜): what the decisions conferred, newest year first."""
    if year is not None and not 2000 <= year <= 2100:
        raise ValidationError(_("年度应为 2000 至 2100 之间的年份"), field="year")
    return [_honour(h) for h in selectors.honour_roll(year=year)[_window(offset)]]


def _public_nomination(pk: int) -> Nomination:
    """A nomination on a published programme's public page; 404 for any other."""
    programme_id = Nomination.objects.filter(pk=pk).values_list("programme_id", flat=True).first()
    if programme_id is None:
        raise NotFoundError()
    return selectors.public_nomination_get(selectors.public_programme_get(programme_id), pk)


@router.post(
    "/public/honours/nominations/{int:pk}/code",
    auth=None,
    url_name="public-honours-recommend-code",
)
def public_recommend_code(request: HttpRequest, pk: int, payload: HonourCodeIn):
    """Text a code to recommend a nominee (群众推荐); 429 when one phone or address asks too often."""
    services.recommend_code_send(
        nomination=_public_nomination(pk), phone=payload.phone, ip=client_ip(request)
    )
    return {"sent": True}


@router.post(
    "/public/honours/nominations/{int:pk}/recommend",
    response=HonourRecommendOut,
    auth=None,
    url_name="public-honours-recommend",
)
def public_recommend(request: HttpRequest, pk: int, payload: HonourRecommendIn):
    """群众推荐 with a texted code (phone + code) or a printed slip; `counted` is false when this person had
    already recommended this nominee (each person counts once)."""
    n = _public_nomination(pk)
    counted = services.recommend(nomination=n, phone=payload.phone, code=payload.code, slip=payload.slip)
    n.refresh_from_db(fields=["recommendations"])
    return {"counted": counted, "recommendations": n.recommendations}


@router.post(
    "/public/honours/programmes/{int:pk}/objections/code", auth=None, url_name="public-honours-objection-code"
)
def public_objection_code(request: HttpRequest, pk: int, payload: HonourCodeIn):
    from pacesetter.onecount import phone_code_send

    selectors.public_programme_get(pk)
    phone_code_send(phone=payload.phone, client_ip=client_ip(request), purpose="objection")
    return {"sent": True}


@router.post(
    "/public/honours/programmes/{int:pk}/objections",
    response={201: HonourObjectionOut},
    auth=None,
    url_name="public-honours-objection",
)
def public_objection(request: HttpRequest, pk: int, payload: HonourObjectionIn):
    """提出异议 during 公示, real-name (phone confirmed by a texted code) or anonymous; returns the case number
    and query password (check it with `POST /public/cases/query`). 409 after the period, 429 when one address
    files too many."""
    n = _public_nomination(payload.nomination_id)
    if n.programme_id != pk:
        raise ValidationError(_("该对象不在本次公示中"), field="nomination_id")
    case, password = services.objection_file(
        nomination=n,
        text=payload.text,
        real_name=payload.real_name,
        name=payload.name,
        phone=payload.phone,
        code=payload.code,
        ip=client_ip(request),
    )
    return Status(201, {"number": case.number, "password": password})
