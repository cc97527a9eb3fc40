"""Paging without COUNT(*): fetch one row more than a page to know whether another follows.

A count over a million-member subtree costs more than the page itself; lists show totals from
precomputed counters instead.
"""

from dataclasses import dataclass
from urllib.parse import urlencode


@dataclass
class Page:
    items: list
    number: int
    per_page: int
    has_next: bool
    query_string: str

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def next_page_number(self) -> int:
        return self.number + 1

    @property
    def previous_page_number(self) -> int:
        return self.number - 1

    @property
    def start_index(self) -> int:
        return (self.number - 1) * self.per_page + 1

    def __iter__(self):
        return iter(self.items)

    def __len__(self):
        return len(self.items)


def paginate(request, queryset, per_page: int = 50) -> Page:
    try:
        number = max(1, min(int(request.GET.get("page", 1)), 100_000))
    except ValueError:
        number = 1
    offset = (number - 1) * per_page
    rows = list(queryset[offset : offset + per_page + 1])
    params = {k: v for k, v in request.GET.items() if k != "page" and v}
    qs = urlencode(params)
    return Page(rows[:per_page], number, per_page, len(rows) > per_page, qs + "&" if qs else "")
