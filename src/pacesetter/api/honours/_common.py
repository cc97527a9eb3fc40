"""What the honours endpoints share: the page size and the offset window."""

LIMIT = 200
MAX_OFFSET = 1_000_000


def _window(offset: int) -> slice:
    start = min(max(offset, 0), MAX_OFFSET)
    return slice(start, start + LIMIT)
