"""core.locking.lock_or_not_found: the row a write locks, or a 404."""

import pytest

from pacesetter.core.errors import NotFoundError
from pacesetter.core.locking import lock_or_not_found, locked
from pacesetter.core.models import SweepRun


@pytest.mark.django_db
def test_lock_or_not_found_returns_the_row_or_refuses():
    run = SweepRun.objects.create(name="a")
    assert lock_or_not_found(SweepRun.objects.all(), run.pk) == run
    with pytest.raises(NotFoundError):
        lock_or_not_found(SweepRun.objects.filter(name="b"), run.pk)
    with pytest.raises(NotFoundError):
        lock_or_not_found(SweepRun.objects.all(), None)


@pytest.mark.django_db
def test_locked_returns_the_row_and_a_row_gone_is_does_not_exist():
    run = SweepRun.objects.create(name="a")
    assert locked(SweepRun.objects.all(), run.pk) == run
    with pytest.raises(SweepRun.DoesNotExist):
        locked(SweepRun.objects.filter(name="b"), run.pk)
