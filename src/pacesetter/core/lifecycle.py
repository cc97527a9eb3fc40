"""The shapes of the lifecycle tables in the apps' enums.py: (from status, action) → a Transition saying where
it leads and which parties (who someone is to the object, not a site role) may take it.

    >>> table = {("draft", "submit"): Transition("submitted", frozenset({"owner"}))}
    >>> action_parties(table)
    {'submit': frozenset({'owner'})}
"""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol


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
