"""What the honours endpoints share: the page size."""

LIMIT = 200
