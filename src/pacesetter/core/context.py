"""Per-request context (client address) that audit entries read without threading it through calls."""

from contextvars import ContextVar

current_ip: ContextVar[str | None] = ContextVar("current_ip", default=None)
