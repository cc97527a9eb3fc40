"""core.selectors.filter_given: a list's optional filters, applied only when given a value."""

import pytest

from pacesetter.core.models import SweepRun
from pacesetter.core.selectors import filter_given


@pytest.mark.django_db
def test_filter_given_skips_empty_values():
    a = SweepRun.objects.create(name="a")
    SweepRun.objects.create(name="b")
    qs = SweepRun.objects.order_by("name")
    assert list(filter_given(qs, name="a", last_run_at=None)) == [a]
    assert list(filter_given(qs, name="", last_run_at__isnull=0)) == list(qs)
    assert filter_given(qs) is qs
