"""Reads for commendation: programmes and nominations in a user's scope, the public notice list, the honour roll."""

from django.db.models import QuerySet

from pacesetter.core.errors import NotFoundError
from pacesetter.orgs.enums import Cap
from pacesetter.orgs.selectors import in_or_above_q, org_in_scope, scope_for, scope_q

from .enums import NominationStatus, ProgrammeStatus, Rule
from .models import Honour, Nomination, NominationPhoto, Programme
from .rules import can_view_nomination


def programme_list_for(user) -> QuerySet[Programme]:
    """Programmes run by an organisation the user sees, or above it (a branch sees the city's programme)."""
    paths = scope_for(user, Cap.ORG_VIEW).roots
    if not paths:
        return Programme.objects.none()
    # the commending organisation may be an ancestor of the user's scope: its path is a prefix of theirs
    q = in_or_above_q(paths, "organisation__path")
    return Programme.objects.filter(q).select_related("organisation", "campaign").distinct()


def programme_get_for(user, pk) -> Programme:
    p = programme_list_for(user).filter(pk=pk).first()
    if p is None:
        raise NotFoundError()
    return p


def nomination_list_for(
    user, programme: Programme, *, status: str = "", category=None
) -> QuerySet[Nomination]:
    """Nominations in the user's scope (by the nominating organisation), with what the lists show."""
    qs = Nomination.objects.filter(programme=programme)
    if not org_in_scope(user, programme.organisation, Cap.ORG_VIEW):  # the commending office sees them all
        qs = qs.filter(scope_q(user, Cap.ORG_VIEW))
    if status in NominationStatus.values:
        qs = qs.filter(status=status)
    if category is not None:
        qs = qs.filter(category=category)
    # In nomination order: an index order whatever the filters (the review lists sort by recommendations).
    return qs.select_related("category", "nominator", "reviewer").order_by("pk")


def review_queue_for(user, programme: Programme) -> QuerySet[Nomination]:
    """Nominations waiting for a review the user may give: the reviewer organisation lies in their scope."""
    q = scope_q(user, Cap.HONOURS_NOMINATE, "reviewer__path") | scope_q(
        user, Cap.HONOURS_MANAGE, "reviewer__path"
    )
    return (
        Nomination.objects.filter(programme=programme, status=NominationStatus.UNDER_REVIEW)
        .filter(q)
        .exclude(reviewer=None)
        .select_related("category", "nominator", "reviewer")
        .order_by("category_id", "-recommendations", "pk")
    )


def nomination_get_for(user, pk) -> Nomination:
    n = (
        Nomination.objects.select_related(
            "programme__organisation", "programme__campaign", "category", "nominator", "reviewer"
        )
        .filter(pk=pk)
        .first()
    )
    if n is None or not can_view_nomination(user, n):
        raise NotFoundError()
    return n


def nomination_photo_get_for(user, pk) -> NominationPhoto:
    """A deed photo (事迹照片) of a nomination the user may open (nomination_get_for's rule), else NotFoundError.
    Photos are never public: the 公示 shows no photos."""
    photo = NominationPhoto.objects.filter(pk=pk).only("pk", "nomination_id").first()
    if photo is None:
        raise NotFoundError()
    nomination_get_for(user, photo.nomination_id)
    return NominationPhoto.objects.get(pk=photo.pk)


# ---------------------------------------------------------------- public


PUBLIC_PROGRAMME_STATES = (ProgrammeStatus.NOMINATING, ProgrammeStatus.NOTICE, ProgrammeStatus.DECIDED)


def public_programme_get(pk) -> Programme:
    p = (
        Programme.objects.filter(pk=pk, status__in=PUBLIC_PROGRAMME_STATES)
        .select_related("organisation")
        .first()
    )
    if p is None:
        raise NotFoundError()
    return p


def public_nominations(programme: Programme) -> QuerySet[Nomination]:
    """What the public sees of a programme: while nominating, the nominees it may recommend; during and
    after 公示, the notice list (with removed ones and their public note)."""
    if programme.status == ProgrammeStatus.NOMINATING:
        states = [NominationStatus.UNDER_REVIEW, NominationStatus.SHORTLISTED]
    else:
        states = [NominationStatus.IN_NOTICE, NominationStatus.COMMENDED, NominationStatus.REMOVED]
    return (
        Nomination.objects.filter(programme=programme, status__in=states)
        .select_related("category")
        .only(
            "id",
            "display_name",
            "gender",
            "org_label",
            "post",
            "summary",
            "status",
            "removal_note",
            "recommendations",
            "category__name",
            "category__position",
            "programme_id",
        )
        .order_by("category_id", "pk")
    )


def public_nomination_get(programme: Programme, pk) -> Nomination:
    n = public_nominations(programme).filter(pk=pk).first()
    if n is None:
        raise NotFoundError()
    return n


def honour_roll(*, year: int | None = None, org=None) -> QuerySet[Honour]:
    qs = Honour.objects.select_related("decision__programme")
    if year:
        qs = qs.filter(year=year)
    if org is not None:
        qs = qs.filter(path__startswith=org.path)
    return qs.order_by("-year", "decision__programme_id", "certificate_no")


def honour_get(certificate_no: str) -> Honour:
    h = (
        Honour.objects.select_related("decision__programme")
        .filter(certificate_no=certificate_no[:32])
        .first()
    )
    if h is None:
        raise NotFoundError()
    return h


def honours_of_org(org) -> QuerySet[Honour]:
    """The honours on an organisation's record (its own, not its members')."""
    # a 群团成员's honour is personal: it is not on the Party organisation's record
    return Honour.objects.filter(
        organisation=org, member=None, nomination__subject_mass_member=None
    ).order_by("-year")


def honours_of_member(member) -> QuerySet[Honour]:
    return Honour.objects.filter(member=member).select_related("decision__programme").order_by("-year")


def my_honours(user) -> QuerySet[Honour]:
    """The signed-in member's own honours (荣誉), newest first."""
    from pacesetter.orgs.selectors import member_for_user

    member = member_for_user(user)
    return honours_of_member(member) if member is not None else Honour.objects.none()


def district_candidates(programme: Programme, categories) -> list[tuple]:
    """候选组织 of each category with a district-rank rule: the commending organisation's children ranked
    within its top N of the campaign's district ranking (活动开展情况排名), as (category, rows). The ranking
    is built once, whatever the number of such categories."""
    from pacesetter.assessment.selectors import district_ranking

    wanted = []
    for category in categories:
        tops = [r["top"] for r in category.rules if r.get("rule") == Rule.DISTRICT_RANK]
        if tops:
            wanted.append((category, min(tops)))
    if not wanted:
        return []
    ranking = [
        r
        for r in district_ranking(campaign=programme.campaign, org=programme.organisation)
        if r["rank"] is not None
    ]
    return [(category, [r for r in ranking if r["rank"] <= top]) for category, top in wanted]


def _mass_members_seen_by(user, cap: str):
    from pacesetter.massorgs.models import MassMember

    return MassMember.objects.filter(scope_q(user, cap, field="mass_org__party_org__path")).select_related(
        "mass_org__party_org"
    )


def nominable_mass_members_for(user):
    """groups: the 群团成员 the user may nominate (the page's picker): active, in an active mass organisation
    whose Party organisation is within the user's nominating scope. The service checks the chosen nominator."""
    return (
        _mass_members_seen_by(user, Cap.HONOURS_NOMINATE)
        .filter(is_active=True, mass_org__is_active=True, mass_org__party_org__is_active=True)
        .order_by("mass_org__party_org__path", "mass_org__name", "name", "id")
    )


def mass_member_get_for_nomination(user, pk):
    """A 群团成员 the user can see (org.view over the Party organisation), active or not — the nominate service
    says why an inactive or out-of-reach one is refused. None for an id that names no one the user sees."""
    if isinstance(pk, bool) or not isinstance(pk, int) or not 1 <= pk <= 2**63 - 1:
        return None
    return _mass_members_seen_by(user, Cap.ORG_VIEW).filter(pk=pk).first()
