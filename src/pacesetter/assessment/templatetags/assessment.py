"""Template filters of assessment: a grade's and a source's label from their stored codes."""

from django import template

from ..enums import Grade
from ..sources import REGISTRY

register = template.Library()


@register.filter
def grade_label(code) -> str:
    """'' (no grade: not enough data) → "—"."""
    return str(Grade(code).label) if code in Grade.values else "—"


@register.filter
def source_label(key) -> str:
    src = REGISTRY.get(key)
    return str(src.label) if src else str(key)
