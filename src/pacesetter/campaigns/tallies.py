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

TallyMonth holds the chart's timeline the same way, one row per (campaign, node, shard, month): the records
that occurred in the month and the overall plans approved in it (Asia/Shanghai), of organisations active or
not. Record create/delete/date change and plan approval call `bump_month`; `timeline_counts` reads a node's
rows (at the campaign's own organisation: its children's rows and its own raw rows).

The apps above campaigns say what their rows add through SOURCES (filled in their AppConfig.ready): each is
`source(campaign, orgs) -> {org id: {counter: n}}` over a queryset of organisations below the campaign's.
The writes call `bump` in their own transaction: plan creation and transitions, record create/delete,
commitment creation, transitions and the overdue sweep; the organisation tree reaches here through
orgs.hooks (one organisation created, (de)activated or changing sector: its vector out and in again; an
import: the affected campaigns rebuilt; a move: the moved subtree's totals, its root's rows, taken off the old
parent's chain and added to the new one's). `bump` writes ≤ depth rows with `UPDATE … SET c = c + d`.

A rebuild is not safe against bumps running at the same moment in other transactions (an import
during other writes may leave a row off by those writes): `tally_check` finds that and `tally_repair` mends it.

`rebuild()` recomputes the table from the raw rows (after bulk loads: the demo, the benchmark, the data
migration, `pacesetter manage tally_repair`); `live()` is the same figure straight from the rows and
`differences()` compares the two (`pacesetter manage tally_check`, the tests).
"""

import datetime
from collections import defaultdict
from collections.abc import Callable, Iterable

from django.db.models import Q, QuerySet, Sum

from pacesetter.core.bulk import insert_rows
from pacesetter.orgs import rollup
from pacesetter.orgs.models import SEGMENT, Organisation, path_chain
from pacesetter.orgs.selectors import subtree_q

from .models import Campaign, Tally, TallyMonth
from .models.tallies import COUNTERS, MONTH_COUNTERS, SHARDS

Source = Callable[[Campaign, QuerySet[Organisation]], dict[int, dict[str, int]]]
SOURCES: list[Source] = []
# The timeline's sources: `source(campaign, orgs) -> {(org id, month): {counter: n}}` (records, plans).
MonthSource = Callable[[Campaign, QuerySet[Organisation]], dict[tuple[int, datetime.date], dict[str, int]]]
MONTH_SOURCES: list[MonthSource] = []

Key = tuple[int, str, int]  # (node id, sector, shard)
MonthKey = tuple[int, int, datetime.date]  # (node id, shard, month)


def register(source: Source | None = None, *, month: MonthSource | None = None) -> None:
    """Add a source of per-organisation counters and/or of the timeline's monthly counters (plans, records
    and commitments register theirs)."""
    for fn, into in ((source, SOURCES), (month, MONTH_SOURCES)):
        if fn is not None and fn not in into:
            into.append(fn)


def below(campaign: Campaign) -> QuerySet[Organisation]:
    """Every organisation strictly below the campaign's own, active or not (the ones a Tally may count)."""
    root = campaign.organisation
    return Organisation.objects.filter(subtree_q(root.path), depth__gt=root.depth)


def _own(campaign: Campaign, orgs: QuerySet[Organisation]) -> dict[int, dict[str, int]]:
    return {pk: {"orgs": 1} for pk in orgs.filter(is_active=True).values_list("pk", flat=True)}


def org_vectors(campaign: Campaign, orgs: QuerySet[Organisation]) -> dict[int, dict[str, int]]:
    """{org id: {counter: n}} for `orgs` (a queryset below the campaign's organisation): what each adds."""
    return _merged(source(campaign, orgs) for source in (_own, *SOURCES))


def _merged(parts: Iterable[dict]) -> dict:
    """The sum of {key: {counter: n}} dicts, keys without a non-zero counter left out."""
    result: dict = defaultdict(dict)
    for part in parts:
        for key, counts in part.items():
            into = result[key]
            for k, v in counts.items():
                if v:
                    into[k] = into.get(k, 0) + v
    return {key: v for key, v in result.items() if v}


def _node_paths(path: str, root_path: str) -> list[str]:
    """The ancestor-or-self paths of `path` strictly below `root_path` (empty if `path` is not below it)."""
    if len(path) <= len(root_path) or not path.startswith(root_path):
        return []
    return path_chain(path)[len(root_path) // SEGMENT :]


def bump(campaign_id: int, org: Organisation, sector: str | None = None, **deltas: int) -> None:
    """Add `deltas` to the rows of `org`'s ancestors-or-self below the campaign's organisation, for `org`'s
    sector (or `sector`) and shard, creating missing rows; in the caller's transaction."""
    _bump(Tally, COUNTERS, campaign_id, org, {"sector": org.sector if sector is None else sector}, deltas)


def bump_month(campaign_id: int, org: Organisation, day: datetime.date, **deltas: int) -> None:
    """Add `deltas` to the timeline rows of `org`'s ancestors-or-self below the campaign's organisation for
    the month of `day` (the campaign's own organisation has none: its own rows are read live)."""
    _bump(TallyMonth, MONTH_COUNTERS, campaign_id, org, {"month": day.replace(day=1)}, deltas)


def _bump(model, counters, campaign_id: int, org: Organisation, key: dict, deltas: dict[str, int]) -> None:
    deltas = {k: v for k, v in deltas.items() if v}
    if not deltas:
        return
    unknown = set(deltas) - set(counters)
    if unknown:
        raise ValueError(f"unknown tally counters: {sorted(unknown)}")
    root_path = Campaign.objects.filter(pk=campaign_id).values_list("organisation__path", flat=True).first()
    paths = _node_paths(org.path, root_path) if root_path else []
    if not paths:
        return
    rollup.add(model, _ids(paths), {"campaign_id": campaign_id, "shard": org.pk % SHARDS, **key}, deltas)


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
        q |= Q(organisation__path__in=path_chain(path)[:-1])
    return Campaign.objects.filter(q)


def _subtree_changed(paths: list[str]) -> None:
    for campaign in campaigns_around(paths):
        rebuild(campaign=campaign)


def _moved(org: Organisation, old_parent_path: str) -> None:
    """`org` moved with its subtree. In a campaign above both its old and its new parent, the subtree's totals
    (the rows of `org` itself) leave the old parent's chain and join the new one's: a few rows, whatever the
    size of the city. A campaign the subtree entered or left is rebuilt; one inside the subtree is unchanged
    (its rows are keyed by organisation, not by path)."""
    new_parent_path = org.path[:-SEGMENT]
    chains = {*path_chain(old_parent_path), *path_chain(new_parent_path)}
    for campaign in Campaign.objects.filter(organisation__path__in=chains).select_related("organisation"):
        root_path = campaign.organisation.path
        if not (old_parent_path.startswith(root_path) and new_parent_path.startswith(root_path)):
            rebuild(campaign)
            continue
        old_ids = _ids(_node_paths(old_parent_path, root_path))
        new_ids = _ids(_node_paths(new_parent_path, root_path))
        for model, keys, counters in (
            (Tally, ("sector", "shard"), COUNTERS),
            (TallyMonth, ("shard", "month"), MONTH_COUNTERS),
        ):
            rows = model.objects.filter(campaign=campaign, node=org)
            rollup.move(rows, ("campaign_id", *keys), counters, old_ids, new_ids)


def _ids(paths: list[str]) -> list[int]:
    return list(Organisation.objects.filter(path__in=paths).values_list("pk", flat=True))


def hooks() -> dict:
    """What campaigns' AppConfig.ready registers in orgs.hooks."""
    return rollup.tree_hooks(_org_changing, _org_changed, _subtree_changed, _moved)


def month_vectors(
    campaign: Campaign, orgs: QuerySet[Organisation]
) -> dict[tuple[int, datetime.date], dict[str, int]]:
    """{(org id, month): {counter: n}} for `orgs`: what each adds to the timeline, month by month."""
    return _merged(source(campaign, orgs) for source in MONTH_SOURCES)


def _roll_up(campaign: Campaign, contributions: dict, counters: tuple[str, ...], key: Callable) -> dict:
    """{key(node id, sector, shard, extra): counters}: each (org id, extra) contribution summed into the rows of
    the organisation's ancestors-or-self below the campaign's organisation (non-zero rows)."""
    if not contributions:
        return {}
    info = {pk: (path, sector) for pk, path, sector in below(campaign).values_list("pk", "path", "sector")}
    ids_by_path = {path: pk for pk, (path, _sector) in info.items()}
    root_path = campaign.organisation.path
    totals: dict = defaultdict(lambda: dict.fromkeys(counters, 0))
    for (pk, extra), vector in contributions.items():
        path, sector = info[pk]
        for p in _node_paths(path, root_path):
            t = totals[key(ids_by_path[p], sector, pk % SHARDS, extra)]
            for k, v in vector.items():
                t[k] += v
    return {k: v for k, v in totals.items() if any(v.values())}


def live(campaign: Campaign) -> dict[Key, dict[str, int]]:
    """{(node id, sector, shard): counters} of one campaign computed from the raw rows (non-zero rows)."""
    vectors = org_vectors(campaign, below(campaign))
    contributions = {(pk, None): v for pk, v in vectors.items()}
    return _roll_up(campaign, contributions, COUNTERS, lambda node, sector, shard, _: (node, sector, shard))


def live_months(campaign: Campaign) -> dict[MonthKey, dict[str, int]]:
    """{(node id, shard, month): counters} of one campaign's timeline computed from the raw rows."""
    contributions = month_vectors(campaign, below(campaign))
    return _roll_up(
        campaign, contributions, MONTH_COUNTERS, lambda node, _, shard, month: (node, shard, month)
    )


def _stored(model, fields: tuple[str, ...], counters: tuple[str, ...], campaign: Campaign) -> dict:
    rows = model.objects.filter(campaign=campaign).values_list(*fields, *counters)
    result = {}
    for r in rows.iterator(chunk_size=5000):
        if any(r[len(fields) :]):
            result[r[: len(fields)]] = dict(zip(counters, r[len(fields) :], strict=True))
    return result


def stored(campaign: Campaign) -> dict[Key, dict[str, int]]:
    """The table's rows of one campaign (non-zero rows)."""
    return _stored(Tally, ("node_id", "sector", "shard"), COUNTERS, campaign)


def stored_months(campaign: Campaign) -> dict[MonthKey, dict[str, int]]:
    """The timeline table's rows of one campaign (non-zero rows)."""
    return _stored(TallyMonth, ("node_id", "shard", "month"), MONTH_COUNTERS, campaign)


def differences(campaign: Campaign | None = None) -> list[tuple[int, tuple, dict, dict]]:
    """[(campaign id, key, stored counters, live counters)] wherever the tables and the rows disagree (a Key of
    Tally, or a MonthKey of TallyMonth: see `describe`)."""
    diffs = []
    for c in _campaigns(campaign):
        for have, want, counters in (
            (stored(c), live(c), COUNTERS),
            (stored_months(c), live_months(c), MONTH_COUNTERS),
        ):
            zero = dict.fromkeys(counters, 0)
            for key in sorted(set(have) | set(want), key=str):
                if have.get(key, zero) != want.get(key, zero):
                    diffs.append((c.pk, key, have.get(key, zero), want.get(key, zero)))
    return diffs


def describe(key: tuple) -> str:
    """A difference's key in words (tally_check)."""
    if isinstance(key[-1], datetime.date):
        node, shard, month = key
        return f"node {node} shard {shard} month {month:%Y-%m}"
    node, sector, shard = key
    return f"node {node} sector {sector} shard {shard}"


def rebuild(campaign: Campaign | None = None, *, months: bool = True) -> int:
    """Recompute the rows of `campaign` (every campaign by default) from the raw rows; returns the count.
    `months=False`: the Tally rows only (the data migration written before TallyMonth existed)."""
    n = 0
    for c in _campaigns(campaign):
        n += _replace(Tally, c, ("node_id", "sector", "shard"), live(c))
        if months:
            n += rebuild_months(c)
    return n


def rebuild_months(campaign: Campaign) -> int:
    """Recompute one campaign's timeline rows from the raw rows; returns the count."""
    return _replace(TallyMonth, campaign, ("node_id", "shard", "month"), live_months(campaign))


def _replace(model, campaign: Campaign, fields: tuple[str, ...], totals: dict) -> int:
    """Replace the campaign's rows of `model` by `totals` ({key tuple of `fields`: counters})."""
    model.objects.filter(campaign=campaign).delete()
    return insert_rows(
        model,
        (
            {"campaign_id": campaign.pk, **dict(zip(fields, key, strict=True)), **c}
            for key, c in totals.items()
        ),
    )


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


def subtree_counts(campaign: Campaign, org: Organisation, sector: str = "") -> dict[str, int]:
    """The counters over `org`'s subtree below the campaign's organisation (`org` at or below it; of `sector`'s
    organisations only, if given): at the campaign's organisation its children's rows, else `org`'s own rows —
    a few rows whatever the number of organisations below."""
    rows = Tally.objects.filter(campaign=campaign)
    rows = rows.filter(node__parent=org) if org.pk == campaign.organisation_id else rows.filter(node=org)
    if sector:
        rows = rows.filter(sector=sector)
    sums = rows.aggregate(**{f"s_{k}": Sum(k) for k in COUNTERS})
    return {k: sums[f"s_{k}"] or 0 for k in COUNTERS}


def timeline_counts(campaign: Campaign, org: Organisation) -> dict[datetime.date, dict[str, int]]:
    """{month: {counter: n}} of the timeline over `org`'s subtree (`org` at or below the campaign's own
    organisation): the rows of `org` itself, or at the campaign's organisation its children's rows and its own
    raw rows — a few rows per month whatever the number of organisations below."""
    if org.pk == campaign.organisation_id:
        rows = TallyMonth.objects.filter(campaign=campaign, node__parent=org)
        own = month_vectors(campaign, Organisation.objects.filter(pk=org.pk))
    else:
        rows, own = TallyMonth.objects.filter(campaign=campaign, node=org), {}
    sums = rows.values("month").annotate(**{f"s_{k}": Sum(k) for k in MONTH_COUNTERS}).order_by()
    result = {r["month"]: {k: r[f"s_{k}"] or 0 for k in MONTH_COUNTERS} for r in sums}
    for (_pk, month), counts in own.items():
        into = result.setdefault(month, dict.fromkeys(MONTH_COUNTERS, 0))
        for k, v in counts.items():
            into[k] += v
    return result
