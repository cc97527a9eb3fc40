"""Who must hear of a change to the organisation tree: derived data kept above `orgs` (the dashboard's
roll-up counters, campaigns.tallies) registers here from its AppConfig.ready, since orgs imports nothing
above it.

- `changing(org)`: before one organisation's own counted fields change (activation, sector);
- `changed(org)`: after it changed, or was created;
- `moved(org, old_parent_path)`: after `org` moved with its subtree from under the organisation at
  `old_parent_path` (its path now the new one);
- `subtree_changed(paths)`: after a bulk import touching the subtrees at and around `paths`;
- `liaison_changing(link)` / `liaison_changed(link)`: before a liaison link is removed, after one is made
  (supervision counts the links whose review is due).
"""

from collections.abc import Callable

from .models import Liaison, Organisation

CHANGING: list[Callable[[Organisation], None]] = []
CHANGED: list[Callable[[Organisation], None]] = []
SUBTREE_CHANGED: list[Callable[[list[str]], None]] = []
MOVED: list[Callable[[Organisation, str], None]] = []
LIAISON_CHANGING: list[Callable[[Liaison], None]] = []
LIAISON_CHANGED: list[Callable[[Liaison], None]] = []


def register(
    *,
    changing: Callable[[Organisation], None],
    changed: Callable[[Organisation], None],
    subtree_changed: Callable[[list[str]], None],
    moved: Callable[[Organisation, str], None],
    liaison_changing: Callable[[Liaison], None] | None = None,
    liaison_changed: Callable[[Liaison], None] | None = None,
) -> None:
    for hooks, fn in (
        (CHANGING, changing),
        (CHANGED, changed),
        (SUBTREE_CHANGED, subtree_changed),
        (MOVED, moved),
        (LIAISON_CHANGING, liaison_changing),
        (LIAISON_CHANGED, liaison_changed),
    ):
        if fn is not None and fn not in hooks:
            hooks.append(fn)  # type: ignore[arg-type]


def org_changing(org: Organisation) -> None:
    for fn in CHANGING:
        fn(org)


def org_changed(org: Organisation) -> None:
    for fn in CHANGED:
        fn(org)


def subtree_changed(paths: list[str]) -> None:
    for fn in SUBTREE_CHANGED:
        fn([p for p in paths if p])


def org_moved(org: Organisation, old_parent_path: str) -> None:
    for fn in MOVED:
        fn(org, old_parent_path)


def liaison_changing(link: Liaison) -> None:
    for fn in LIAISON_CHANGING:
        fn(link)


def liaison_changed(link: Liaison) -> None:
    for fn in LIAISON_CHANGED:
        fn(link)
