"""Nominations: candidates, nominating (with photos), review level by level, 公示 and the 表彰决定."""

import datetime

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import File, Form, Schema
from ninja.files import UploadedFile
from ninja.responses import Status

from pacesetter.core.errors import NotFoundError, ValidationError
from pacesetter.core.paging import offset_param
from pacesetter.honours import selectors, services
from pacesetter.honours.models import Category, Nomination
from pacesetter.honours.rules import parties_for
from pacesetter.massorgs.selectors import mass_org_get_for
from pacesetter.orgs.enums import Cap
from pacesetter.orgs.models import Member
from pacesetter.orgs.selectors import org_get_for

from .._common import fields_from, photo_file, window
from ..schemas import ActionIn, PhotoFileOut
from ._common import LIMIT
from ._router import router
from .programmes import ProgrammeOut, _programme


class HonourPhotoOut(PhotoFileOut):
    name: str


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


class HonourResubmitIn(Schema):
    post: str = ""
    summary: str
    deed: str


class HonourRemoveIn(Schema):
    note: str


class HonourReviewIn(ActionIn):
    pass


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


def _photo(ph) -> dict:
    return {**photo_file(ph, "honours:nomination-photo"), "name": ph.name}


def _nomination(n: Nomination, objection: str = "") -> dict:
    photos = [_photo(ph) for ph in n.photos.all()]
    return fields_from(
        n,
        NominationOut,
        category=n.category.name,
        nominator=n.nominator.name,
        reviewer=n.reviewer.name if n.reviewer_id else None,
        status_label=str(n.get_status_display()),
        objection=objection,
        photo_count=len(photos),
        photos=photos,
    )


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
def nomination_list(request: HttpRequest, pk: int, status: str = "", offset: int = offset_param()):
    p = selectors.programme_get_for(request.user, pk)
    qs = selectors.nomination_list_for(request.user, p, status=status).prefetch_related("photos")
    rows = list(qs[window(offset, LIMIT)])
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
    return services.nomination_create(
        actor=request.user,
        category=category,
        nominator=org_get_for(request.user, payload.nominator_id, cap=Cap.HONOURS_NOMINATE),
        **_subject(request, payload),
        **payload.dict(include={"post", "summary", "deed"}),
        photos=photos,
    )


def _subject(request: HttpRequest, payload: NominationIn) -> dict:
    """Whom the nomination names, looked up within the caller's reach, keyed as `nomination_create` takes it;
    a subject that cannot be found is a 422 naming its field."""
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
    return {
        "subject_org": subject_org,
        "subject_member": subject_member,
        "subject_mass_org": subject_mass_org,
        "subject_mass_member": subject_mass_member,
    }


@router.get("/honours/nominations/{int:pk}", response=NominationOut, url_name="honours-nomination-detail")
def nomination_detail(request: HttpRequest, pk: int):
    n = selectors.nomination_get_for(request.user, pk)
    return _nomination(n, services.objection_state(services.objections_for([n.pk]).get(n.pk, [])))


def _party_nomination(request: HttpRequest, pk: int) -> Nomination:
    """The nomination, for its nominator or its current reviewer only (the parties to it); 404 for anyone else."""
    n = selectors.nomination_get_for(request.user, pk)
    if not parties_for(request.user, n):
        raise NotFoundError()
    return n


@router.post(
    "/honours/nominations/{int:pk}/review", response=NominationOut, url_name="honours-nomination-review"
)
def nomination_review(request: HttpRequest, pk: int, payload: HonourReviewIn):
    """approve (up one level; at the office: the final list), return or reject (with a comment)."""
    n = services.nomination_review(
        actor=request.user, nomination=_party_nomination(request, pk), **payload.dict()
    )
    return _nomination(n)


@router.post(
    "/honours/nominations/{int:pk}/resubmit", response=NominationOut, url_name="honours-nomination-resubmit"
)
def nomination_resubmit(request: HttpRequest, pk: int, payload: HonourResubmitIn):
    """A returned nomination, amended and sent again to its first reviewer."""
    n = services.nomination_resubmit(
        actor=request.user, nomination=_party_nomination(request, pk), **payload.dict()
    )
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
