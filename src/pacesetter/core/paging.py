"""Paging without COUNT(*): fetch one row more than a page to know whether another follows.

A count over a million-member subtree costs more than the page itself; lists show totals from
precomputed counters instead.

The bounds of every paging parameter live here too, for the pages and the API alike: a negative `limit`
or an `offset` past what a database can address was a server error, so the API declares
`limit: int = limit_param(100, 500)`, `offset: int = offset_param()`, `page: int = page_param()` and
refuses anything outside with a 422 naming the parameter (the bounds also appear in the OpenAPI document).
"""

from dataclasses import dataclass
from urllib.parse import urlencode

from ninja import Field, Query

# No list is ever paged this deep; a bigger number overflows SQLite's 64-bit LIMIT/OFFSET arithmetic.
MAX_OFFSET = 1_000_000
MAX_PAGE = 100_000


def limit_param(default: int, maximum: int):
    """`?limit=`: how many rows, 1 to `maximum`."""
    return Query(default, ge=1, le=maximum, description=f"1–{maximum}")


def offset_param():
    """`?offset=`: rows to skip, 0 to MAX_OFFSET."""
    return Query(0, ge=0, le=MAX_OFFSET, description=f"0–{MAX_OFFSET}")


def page_param():
    """`?page=`: page number, 1 to MAX_PAGE (the pages clamp instead of refusing; see paginate)."""
    return Query(1, ge=1, le=MAX_PAGE, description=f"1–{MAX_PAGE}")


def page_field():
    """The same `page` as a field of a filter schema (`filters: Query[ListFilter]`)."""
    return Field(1, ge=1, le=MAX_PAGE, description=f"1–{MAX_PAGE}")


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
        number = max(1, min(int(request.GET.get("page", 1)), MAX_PAGE))
    except ValueError:
        number = 1
    offset = (number - 1) * per_page
    rows = list(queryset[offset : offset + per_page + 1])
    params = {k: v for k, v in request.GET.items() if k != "page" and v}
    qs = urlencode(params)
    return Page(rows[:per_page], number, per_page, len(rows) > per_page, qs + "&" if qs else "")
