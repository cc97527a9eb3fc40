"""Roll-up counters of the progress dashboard (Tally, issue #23): one row per (campaign, node organisation,
sector, shard) holding what the organisations O of `node`'s subtree (ancestor-or-self) below the campaign's
own organisation, of that sector and with O.id % SHARDS == shard, add to the dashboard's cells, kept up to
date by every write that can change them.

What an organisation O adds (its "vector", see `org_vectors`):
- `orgs` (1), one of `plan_none`/`plan_draft`/`plan_submitted`/`plan_returned`/`plan_approved` (its overall
  plan, no step) and `with_records` (≥1 non-deleted record of the campaign): only while O is active, as
  plans.selectors.org_progress_list and records.selectors.orgs_with_records_counts count;
- `commit_drafted`/`_published`/`_fulfilled`/`_overdue`: its commitments in the campaign, active or not, a
  群团组织's (mass_org set) counting nowhere, as commitments.selectors.commitment_stats_by_subtree counts.

The apps above campaigns say what their rows add through SOURCES (filled in their AppConfig.ready): each is
`source(campaign, orgs) -> {org id: {counter: n}}` over a queryset of organisations below the campaign's.
The writes call `bump` in their own transaction: plan creation and transitions, record create/delete,
commitment creation, transitions and the overdue sweep; the organisation tree reaches here through
orgs.hooks (one organisation created, (de)activated or changing sector: its vector out and in again; a move
or an import: the affected campaigns rebuilt). `bump` writes ≤ depth rows with `UPDATE … SET c = c + d`.

A rebuild is not safe against bumps running at the same moment in other transactions (a move or an import
during other writes may leave a row off by those writes): `tally_check` finds that and `tally_repair` mends it.

`rebuild()` recomputes the table from the raw rows (after bulk loads: the demo, the benchmark, the data
migration, `pacesetter manage tally_repair`); `live()` is the same figure straight from the rows and
`differences()` compares the two (`pacesetter manage tally_check`, the tests).
"""

from collections import defaultdict
from collections.abc import Callable, Iterable

from django.db.models import F, Q, QuerySet, Sum

from pacesetter.orgs.models import SEGMENT, Organisation
from pacesetter.orgs.selectors import subtree_q

from .models import Campaign, Tally
from .models.tallies import COUNTERS, SHARDS

Source = Callable[[Campaign, QuerySet[Organisation]], dict[int, dict[str, int]]]
SOURCES: list[Source] = []

Key = tuple[int, str, int]  # (node id, sector, shard)


def register(source: Source) -> Source:
    """Add a source of per-organisation counters (plans, records, commitments register theirs)."""
    if source not in SOURCES:
        SOURCES.append(source)
    return source


def below(campaign: Campaign) -> QuerySet[Organisation]:
    """Every organisation strictly below the campaign's own, active or not (the ones a Tally may count)."""
    root = campaign.organisation
    return Organisation.objects.filter(subtree_q(root.path), depth__gt=root.depth)


def _own(campaign: Campaign, orgs: QuerySet[Organisation]) -> dict[int, dict[str, int]]:
    return {pk: {"orgs": 1} for pk in orgs.filter(is_active=True).values_list("pk", flat=True)}


def org_vectors(campaign: Campaign, orgs: QuerySet[Organisation]) -> dict[int, dict[str, int]]:
    """{org id: {counter: n}} for `orgs` (a queryset below the campaign's organisation): what each adds."""
    result: dict[int, dict[str, int]] = defaultdict(dict)
    for source in (_own, *SOURCES):
        for pk, counts in source(campaign, orgs).items():
            into = result[pk]
            for k, v in counts.items():
                if v:
                    into[k] = into.get(k, 0) + v
    return {pk: v for pk, v in result.items() if v}


def _node_paths(path: str, root_path: str) -> list[str]:
    """The ancestor-or-self paths of `path` strictly below `root_path` (empty if `path` is not below it)."""
    if len(path) <= len(root_path) or not path.startswith(root_path):
        return []
    return [path[:i] for i in range(len(root_path) + SEGMENT, len(path) + 1, SEGMENT)]


def bump(campaign_id: int, org: Organisation, sector: str | None = None, **deltas: int) -> None:
    """Add `deltas` to the rows of `org`'s ancestors-or-self below the campaign's organisation, for `org`'s
    sector (or `sector`) and shard, creating missing rows; in the caller's transaction."""
    deltas = {k: v for k, v in deltas.items() if v}
    if not deltas:
        return
    unknown = set(deltas) - set(COUNTERS)
    if unknown:
        raise ValueError(f"unknown tally counters: {sorted(unknown)}")
    root_path = Campaign.objects.filter(pk=campaign_id).values_list("organisation__path", flat=True).first()
    paths = _node_paths(org.path, root_path) if root_path else []
    if not paths:
        return
    node_ids = list(Organisation.objects.filter(path__in=paths).values_list("pk", flat=True))
    sector = org.sector if sector is None else sector
    shard = org.pk % SHARDS
    Tally.objects.bulk_create(
        [Tally(campaign_id=campaign_id, node_id=n, sector=sector, shard=shard) for n in node_ids],
        ignore_conflicts=True,
    )
    Tally.objects.filter(campaign_id=campaign_id, node_id__in=node_ids, sector=sector, shard=shard).update(
        **{k: F(k) + v for k, v in deltas.items()}
    )


def bump_org(org: Organisation, sign: int) -> None:
    """Add (+1) or take out (-1) `org`'s whole vector, as the database holds it now, in every campaign run
    above it: around a change of its activation or sector."""
    current = Organisation.objects.filter(pk=org.pk).first()
    if current is None:
        return
    for campaign in Campaign.objects.filter(organisation__path__in=current.ancestor_paths).select_related(
        "organisation"
    ):
        vector = org_vectors(campaign, Organisation.objects.filter(pk=current.pk)).get(current.pk, {})
        bump(campaign.pk, current, current.sector, **{k: sign * v for k, v in vector.items()})


def _org_changing(org: Organisation) -> None:
    bump_org(org, -1)


def _org_changed(org: Organisation) -> None:
    bump_org(org, +1)


def campaigns_around(paths: Iterable[str]) -> QuerySet[Campaign]:
    """Campaigns whose organisation is an ancestor-or-self of, or inside, one of `paths`' subtrees."""
    q = Q(pk__in=[])
    for path in paths:
        q |= subtree_q(path, "organisation__path")
        q |= Q(organisation__path__in=[path[:i] for i in range(SEGMENT, len(path), SEGMENT)])
    return Campaign.objects.filter(q)


def _subtree_changed(paths: list[str]) -> None:
    for campaign in campaigns_around(paths):
        rebuild(campaign=campaign)


def hooks() -> dict:
    """What campaigns' AppConfig.ready registers in orgs.hooks."""
    return {"changing": _org_changing, "changed": _org_changed, "subtree_changed": _subtree_changed}


def live(campaign: Campaign) -> dict[Key, dict[str, int]]:
    """{(node id, sector, shard): counters} of one campaign computed from the raw rows (non-zero rows)."""
    orgs = below(campaign)
    vectors = org_vectors(campaign, orgs)
    if not vectors:
        return {}
    info = {pk: (path, sector) for pk, path, sector in orgs.values_list("pk", "path", "sector")}
    ids_by_path = {path: pk for pk, (path, _sector) in info.items()}
    root_path = campaign.organisation.path
    totals: dict[Key, dict[str, int]] = defaultdict(lambda: dict.fromkeys(COUNTERS, 0))
    for pk, vector in vectors.items():
        path, sector = info[pk]
        for p in _node_paths(path, root_path):
            t = totals[(ids_by_path[p], sector, pk % SHARDS)]
            for k, v in vector.items():
                t[k] += v
    return {k: v for k, v in totals.items() if any(v.values())}


def stored(campaign: Campaign) -> dict[Key, dict[str, int]]:
    """The table's rows of one campaign (non-zero rows)."""
    rows = Tally.objects.filter(campaign=campaign).values("node_id", "sector", "shard", *COUNTERS)
    result = {}
    for r in rows.iterator(chunk_size=5000):
        key = (r.pop("node_id"), r.pop("sector"), r.pop("shard"))
        if any(r.values()):
            result[key] = r
    return result


def differences(campaign: Campaign | None = None) -> list[tuple[int, Key, dict, dict]]:
    """[(campaign id, key, stored counters, live counters)] wherever the table and the rows disagree."""
    diffs = []
    for c in _campaigns(campaign):
        have, want = stored(c), live(c)
        zero = dict.fromkeys(COUNTERS, 0)
        for key in sorted(set(have) | set(want)):
            if have.get(key, zero) != want.get(key, zero):
                diffs.append((c.pk, key, have.get(key, zero), want.get(key, zero)))
    return diffs


def rebuild(campaign: Campaign | None = None) -> int:
    """Recompute the rows of `campaign` (every campaign by default) from the raw rows; returns the count."""
    n = 0
    for c in _campaigns(campaign):
        totals = live(c)
        Tally.objects.filter(campaign=c).delete()
        Tally.objects.bulk_create(
            (
                Tally(campaign=c, node_id=node, sector=sector, shard=shard, **counts)
                for (node, sector, shard), counts in totals.items()
            ),
            batch_size=2000,
        )
        n += len(totals)
    return n


def _campaigns(campaign: Campaign | None) -> list[Campaign]:
    qs = Campaign.objects.select_related("organisation").order_by("pk")
    return list(qs.filter(pk=campaign.pk) if campaign is not None else qs)


def child_sector_counts(campaign: Campaign, org: Organisation) -> dict[tuple[int, str], dict[str, int]]:
    """{(child id, sector): counters} over every child of `org` (active or not), the shards summed — one
    query over children × sectors × shards rows, whatever the number of organisations below."""
    rows = (
        Tally.objects.filter(campaign=campaign, node__parent=org)
        .values("node_id", "sector")
        .annotate(**{f"s_{k}": Sum(k) for k in COUNTERS})
        .order_by()
    )
    return {(r["node_id"], r["sector"]): {k: r[f"s_{k}"] or 0 for k in COUNTERS} for r in rows}
