"""Reads scoped to what the caller may see: a role granted on an organisation covers its subtree."""

from dataclasses import dataclass
from dataclasses import field as dataclass_field

from django.db.models import Count, IntegerField, Q, QuerySet, Sum
from django.db.models.functions import Coalesce, Substr
from django.utils.translation import gettext as _

from pacesetter.core.errors import NotFoundError, ValidationError
from pacesetter.core.lookup import get_or_not_found

from . import subtree_tally
from .enums import ROLE_CAPS, Cap, Role
from .models import (
    SEGMENT,
    ImportBatch,
    Liaison,
    Member,
    Organisation,
    RoleGrant,
    decode_segment,
    encode_segment,
    path_chain,
)


@dataclass(frozen=True)
class Grant:
    role: str
    org_id: int
    path: str
    sector: str = ""  # a sector line inside the subtree (条块结合); "" for the whole subtree


def grants_for(user) -> list[Grant]:
    """The user's active grants, loaded once per request (cached on the user object)."""
    if not user.is_authenticated:
        return []
    cached = getattr(user, "_pacesetter_grants", None)
    if cached is None:
        cached = [
            Grant(role, org_id, path, sector)
            for role, org_id, path, sector in RoleGrant.objects.filter(
                user=user, revoked_at__isnull=True, organisation__is_active=True
            ).values_list("role", "organisation_id", "organisation__path", "sector")
        ]
        user._pacesetter_grants = cached
    return cached


def acts_as_member(user, member: Member, cap: str) -> bool:
    """The signed-in user acting on their own, active Member record, with `cap` in one of their grants: how a
    member commits, logs records and the like for themselves only."""
    return (
        user.is_authenticated
        and member.user_id == user.pk
        and member.is_active
        and any(cap in ROLE_CAPS[g.role] for g in grants_for(user))
    )


def forget_grants(user) -> None:
    if hasattr(user, "_pacesetter_grants"):
        del user._pacesetter_grants


def roles_for(user) -> set[str]:
    return {g.role for g in grants_for(user)}


def caps_for(user) -> set[str]:
    caps: set[str] = set()
    for g in grants_for(user):
        caps |= ROLE_CAPS[g.role]
    return caps


def has_cap(user, cap: str) -> bool:
    return cap in caps_for(user)


def subtree_q(prefix: str, field: str = "path") -> Q:
    """`field` lies in the subtree rooted at `prefix`, as an index range.

    Paths are fixed-width upper-case base-36, so the subtree is [prefix, prefix with its last segment
    + 1). SQLite turns `startswith` into a case-insensitive LIKE that cannot use the index; a range can.
    """
    last = decode_segment(prefix[-SEGMENT:])
    if last + 1 >= 36**SEGMENT:
        return Q(**{f"{field}__startswith": prefix})
    upper = prefix[:-SEGMENT] + encode_segment(last + 1)
    return Q(**{f"{field}__gte": prefix, f"{field}__lt": upper})


def in_or_above_q(paths: list[str], field: str = "path") -> Q:
    """`field` lies in one of the subtrees `paths` or on the chain of ancestors above one: what an organisation
    runs for its whole subtree (a city's programme, a district's scheme) reaches the branches below it."""
    q = Q(pk__in=[])  # no paths, nothing
    for p in paths:
        q |= subtree_q(p, field) | Q(**{f"{field}__in": path_chain(p)})
    return q


@dataclass(frozen=True)
class Scope:
    """Where a user holds one capability: THE scope model, read by every selector, rule and service.

    `roots` are the top paths of whole subtrees (nested subtrees folded into their parent); `lines` are
    sector lines (条块结合): the organisations of one sector inside a subtree, as (path, sector) pairs
    that no whole subtree already covers. A path alone says nothing about a sector, so code that only
    has a path can use `roots`, which never widens anything; code with an organisation uses `covers`,
    and a query uses `q`.
    """

    roots: list[str]
    lines: list[tuple[str, str]] = dataclass_field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.roots or self.lines)

    def covers(self, org: Organisation) -> bool:
        path = org.path
        if any(path.startswith(p) for p in self.roots):
            return True
        return any(path.startswith(p) and org.sector == sector for p, sector in self.lines)

    def q(self, field: str = "path") -> Q:
        """`field` (an organisation's path, or a path copied from one) is in scope; the sector is read from
        the sibling field `sector` (e.g. `organisation__path` → `organisation__sector`)."""
        if not self:
            return Q(pk__in=[])
        q = Q()
        for p in self.roots:
            q |= subtree_q(p, field)
        sector_field = field[: -len("path")] + "sector"
        for p, sector in self.lines:
            q |= subtree_q(p, field) & Q(**{sector_field: sector})
        return q


def _fold(paths) -> list[str]:
    tops: list[str] = []
    for p in sorted(set(paths)):
        if not any(p.startswith(t) for t in tops):
            tops.append(p)
    return tops


def scope_for(user, cap: str = Cap.ORG_VIEW) -> Scope:
    """The one scope helper: where `user` holds `cap` (a role grant covers its organisation's subtree; a
    grant with a sector covers that sector's organisations in the subtree)."""
    held = [g for g in grants_for(user) if cap in ROLE_CAPS[g.role]]
    roots = _fold(g.path for g in held if not g.sector)
    lines: list[tuple[str, str]] = []
    for sector in sorted({g.sector for g in held if g.sector}):
        for p in _fold(g.path for g in held if g.sector == sector):
            if not any(p.startswith(t) for t in roots):
                lines.append((p, sector))
    return Scope(roots, lines)


def scope_q(user, cap: str = Cap.ORG_VIEW, field: str = "path") -> Q:
    return scope_for(user, cap).q(field)


def org_in_scope(user, org: Organisation, cap: str = Cap.ORG_VIEW) -> bool:
    return scope_for(user, cap).covers(org)


def org_list_for(user, *, cap: str = Cap.ORG_VIEW, include_inactive: bool = True) -> QuerySet[Organisation]:
    qs = Organisation.objects.filter(scope_q(user, cap))
    if not include_inactive:
        qs = qs.filter(is_active=True)
    return qs


def org_get_for(user, pk, *, cap: str = Cap.ORG_VIEW) -> Organisation:
    org = get_or_not_found(Organisation.objects.select_related("parent"), pk)
    if not org_in_scope(user, org, cap):
        raise NotFoundError()
    return org


def org_roots_for(user) -> QuerySet[Organisation]:
    """The top organisations the user sees: the roots of whole subtrees, and for a sector line the
    organisations of the sector whose parent is not of it (e.g. every school 党委 or 支部 of the city)."""
    scope = scope_for(user, Cap.ORG_VIEW)
    q = Q(path__in=scope.roots)
    for p, sector in scope.lines:
        q |= (subtree_q(p) & Q(sector=sector)) & ~(subtree_q(p, "parent__path") & Q(parent__sector=sector))
    return Organisation.objects.filter(q) if scope else Organisation.objects.none()


def guides_of(org: Organisation) -> list[Organisation]:
    """The guiding bodies (指导单位) of `org`: those named by an active sector-guidance grant over a subtree
    holding `org` for its sector (条块结合)."""
    return list(
        Organisation.objects.filter(
            sector_guidance__role=Role.GUIDE,
            sector_guidance__sector=org.sector,
            sector_guidance__revoked_at__isnull=True,
            sector_guidance__organisation__path__in=[*org.ancestor_paths, org.path],
        )
        .distinct()
        .order_by("path")
    )


def org_children(org: Organisation, *, include_inactive: bool = False) -> list[Organisation]:
    """Children of `org`, each with `subtree_members`, `subtree_orgs` (descendants) set; three queries."""
    qs = org.children.all() if include_inactive else org.children.filter(is_active=True)
    return annotate_subtree_counts(list(qs))


def annotate_subtree_counts(orgs: list[Organisation]) -> list[Organisation]:
    """Set `subtree_members` (members of the active organisations of the subtree) and `subtree_orgs` (its
    active organisations, itself not counted if active) on `orgs`, from the roll-up counters: one query for
    all of them, whatever the size of their subtrees. annotate_subtree_counts_live is the rule."""
    totals = subtree_tally.totals(orgs)
    for o in orgs:
        n, members = totals.get(o.pk, (0, 0))
        if not n:  # no active organisation in the subtree: the live GROUP BY gives no row, hence its default
            n, members = 1, 0
        o.subtree_members = members
        o.subtree_orgs = n - 1 if o.is_active else n
    return orgs


def annotate_subtree_counts_live(orgs: list[Organisation]) -> list[Organisation]:
    """annotate_subtree_counts from the raw rows (the rule the counters keep; the tests' oracle), with SQL
    aggregates over the subtrees.

    Organisations are grouped by depth; within one depth every path has the same length, so one GROUP BY
    over the path prefix counts all their subtrees in a single query.
    """
    by_depth: dict[int, list[Organisation]] = {}
    for o in orgs:
        by_depth.setdefault(o.depth, []).append(o)
    for depth, group in by_depth.items():
        length = (depth + 1) * SEGMENT
        prefix_q = Q()
        for o in group:
            prefix_q |= subtree_q(o.path)
        rows = (
            Organisation.objects.filter(prefix_q, is_active=True)
            .annotate(top=Substr("path", 1, length))
            .values("top")
            .annotate(
                member_total=Coalesce(Sum("member_count"), 0, output_field=IntegerField()),
                org_total=Count("id"),
            )
        )
        stats = {r["top"]: r for r in rows}
        for o in group:
            r = stats.get(o.path, {"member_total": 0, "org_total": 1})
            o.subtree_members = r["member_total"]
            o.subtree_orgs = r["org_total"] - 1 if o.is_active else r["org_total"]
    return orgs


def breadcrumbs_for(orgs: list[Organisation]) -> dict[int, list[Organisation]]:
    """Ancestors (root first) of each organisation, with one query for all of them."""
    paths = {p for o in orgs for p in o.ancestor_paths}
    ancestors = {
        a.path: a for a in Organisation.objects.filter(path__in=paths).only("id", "name", "path", "depth")
    }
    return {o.pk: [ancestors[p] for p in o.ancestor_paths if p in ancestors] for o in orgs}


def org_search_for(user, query: str, *, limit: int = 50) -> list[Organisation]:
    query = query.strip()
    if not query:
        return []
    return list(
        org_list_for(user)
        .filter(name__icontains=query)
        .select_related("parent")  # results are read as Organisation.label ("上级组织 / 名称")
        .order_by("depth", "path")[:limit]
    )


def member_list_for(
    user,
    *,
    org: Organisation | None = None,
    query: str = "",
    include_inactive: bool = False,
    cap: str = Cap.PERSON_VIEW,
) -> QuerySet[Member]:
    qs = Member.objects.select_related("organisation__parent").filter(
        scope_q(user, cap, field="organisation__path")
    )
    if org is not None:
        qs = qs.filter(subtree_q(org.path, "organisation__path"))
    if not include_inactive:
        qs = qs.filter(is_active=True)
    query = query.strip()
    if query:
        qs = qs.filter(Q(name__icontains=query) | Q(post__icontains=query))
    return qs.order_by("organisation__path", "name", "id")


def member_get_for(user, pk, *, cap: str = Cap.PERSON_VIEW) -> Member:
    member = get_or_not_found(Member.objects.select_related("organisation", "user"), pk)
    is_self = member.user_id is not None and member.user_id == user.pk and cap == Cap.PERSON_VIEW
    if not is_self and not org_in_scope(user, member.organisation, cap):
        raise NotFoundError()
    return member


def member_named(org: Organisation, name: str) -> Member | None:
    """The one active member of `org` called `name`; None when there is none, or more than one (the caller
    then asks for a clearer name)."""
    found = list(Member.objects.filter(organisation=org, name=name, is_active=True)[:2])
    return found[0] if len(found) == 1 else None


def member_for_user(user) -> Member | None:
    if not user.is_authenticated:
        return None
    return Member.objects.select_related("organisation").filter(user=user).first()


def grant_list_for(user, *, org: Organisation | None = None) -> QuerySet[RoleGrant]:
    # user__member is prefetched, not joined: SQLite's planner, once it has statistics, scans the whole
    # member table for a join on the mostly-empty user column.
    qs = (
        RoleGrant.objects.select_related("user", "organisation__parent", "guide")
        .prefetch_related("user__member")
        .filter(scope_q(user, Cap.ROLE_MANAGE, field="organisation__path"), revoked_at__isnull=True)
    )
    if org is not None:
        qs = qs.filter(subtree_q(org.path, "organisation__path"))
    return qs.order_by("organisation__path", "role", "user__username")


def liaison_list_for(user, *, leader=None) -> QuerySet[Liaison]:
    qs = Liaison.objects.select_related("leader", "organisation__parent").filter(
        scope_q(user, Cap.ORG_VIEW, field="organisation__path")
    )
    if leader is not None:
        qs = qs.filter(leader=leader)
    return qs.order_by("organisation__path")


def import_batch_list_for(user) -> QuerySet[ImportBatch]:
    return (
        ImportBatch.objects.filter(scope_q(user, Cap.IMPORT_RUN, field="scope__path"))
        .select_related("created_by", "scope")
        .defer("file", "rows", "changes")
    )


def import_batch_get_for(user, pk) -> ImportBatch:
    return get_or_not_found(import_batch_list_for(user), pk)


def org_resolve_for(user, text: str, *, cap: str = Cap.ORG_VIEW) -> Organisation:
    """The organisation in the user's scope named `text` ("名称" or "上级名称/名称")."""
    text = (text or "").strip()
    parts = [p.strip() for p in text.replace("／", "/").split("/") if p.strip()]
    if not parts:
        raise ValidationError(_("请填写组织名称"), field="organisation")
    qs = org_list_for(user, cap=cap).filter(name=parts[-1], is_active=True)
    if len(parts) > 1:
        qs = qs.filter(parent__name=parts[-2])
    found = list(qs[:2])
    if not found:
        raise ValidationError(
            _("在您的管理范围内找不到组织“%(name)s”") % {"name": text}, field="organisation"
        )
    if len(found) > 1:
        raise ValidationError(
            _("有多个名为“%(name)s”的组织，请写成“上级组织/组织名称”") % {"name": parts[-1]},
            field="organisation",
        )
    return found[0]


def distinct_labels(orgs) -> dict[int, str]:
    """{org id: name} for a set a person reads side by side (a ballot's targets), with the parent's name
    added — "上级组织 / 名称", as Organisation.label — only where a name occurs more than once. One query
    for the parents' names when some are needed, none otherwise."""
    orgs = list(orgs)
    counts: dict[str, int] = {}
    for o in orgs:
        counts[o.name] = counts.get(o.name, 0) + 1
    shared = [o for o in orgs if counts[o.name] > 1 and o.parent_id]
    parents = (
        dict(Organisation.objects.filter(pk__in={o.parent_id for o in shared}).values_list("pk", "name"))
        if shared
        else {}
    )
    return {
        o.pk: f"{parents[o.parent_id]} / {o.name}"
        if o.parent_id in parents and counts[o.name] > 1
        else o.name
        for o in orgs
    }


def nearest_holders(org: Organisation, roles, *, exclude: int | None = None) -> list:
    """Who must act for `org` among the holders of `roles`: the active users holding one on the nearest
    organisation at or above `org` that has any (`exclude` leaves one account out, e.g. the person a
    matter names). One query.

    Everyone above may act too, since a grant covers its subtree, but telling them all would send the city
    office one notice for every organisation in the city (#20: only whoever must act is notified).

        >>> nearest_holders(school_branch, [Role.SECRETARY])  # no secretary of its own: the district's
        [<User: district_secretary>]
    """
    grants = (
        RoleGrant.objects.filter(
            organisation__path__in=[*org.ancestor_paths, org.path],
            role__in=list(roles),
            revoked_at__isnull=True,
            user__is_active=True,
        )
        .exclude(user_id=exclude or 0)
        .select_related("user", "organisation")
        .order_by("-organisation__path", "user_id")
    )
    nearest: str | None = None
    users: dict[int, object] = {}
    for g in grants:
        if nearest is not None and g.organisation.path != nearest:
            break
        nearest = g.organisation.path
        users.setdefault(g.user_id, g.user)
    return list(users.values())
