"""The shapes of the lifecycle tables in the apps' enums.py: (from status, action) → a Transition saying where
it leads and which parties (who someone is to the object, not a site role) may take it; or, where any party
may act, action → {from status: to status} (`StatusTable`, read by core.transitions.status_cas).

    >>> table = {("draft", "submit"): Transition("submitted", frozenset({"owner"}))}
    >>> action_parties(table)
    {'submit': frozenset({'owner'})}
    >>> one_way("close", "open", "closed")
    {'close': {'open': 'closed'}}
"""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol

StatusTable = dict[str, dict[str, str]]


def one_way(action: str, before: str, after: str) -> StatusTable:
    """The table of a one-way switch: one action, taken once, moves `before` to `after` (答复, 印发, 阅知…)."""
    return {action: {before: after}}


@dataclass(frozen=True)
class Transition:
    target: str
    parties: frozenset[str]
    needs_comment: bool = False


class _HasParties(Protocol):
    @property
    def parties(self) -> frozenset[str]: ...


def action_parties(table: Mapping[tuple[str, str], _HasParties]) -> dict[str, frozenset[str]]:
    """Which parties may take each action in some status: a caller with none of them is refused as such,
    before the status is looked at."""
    parties: dict[str, frozenset[str]] = {}
    for (_status, action), t in table.items():
        parties[action] = parties.get(action, frozenset()) | t.parties
    return parties
