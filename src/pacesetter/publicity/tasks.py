"""Periodic work for publicity: keeping the search index of commitments and organisations current.

A sweep rather than hooks in their services: commitments and orgs sit below publicity in the layers and cannot
call it, and signals are not used here. Articles and exemplars are indexed by this app's services in their own
transaction.
"""

from datetime import timedelta

from django.utils import timezone

from pacesetter.core.tasks import sweep

from . import sources

EVERY_SECONDS = 60
# Each run re-indexes what changed in the last five minutes, not only since the last run: a change whose
# transaction was still open when the previous run looked is caught by the next ones (re-indexing is idempotent).
LOOK_BACK = timedelta(minutes=5)


@sweep(every_seconds=EVERY_SECONDS)
def refresh_search_index() -> int:
    """Commitments published, changed or withdrawn and organisations renamed or closed reach the public search
    within a minute; `search_rebuild` stays the tool for a full rebuild."""
    return sum(sources.refresh_since(timezone.now() - LOOK_BACK).values())
