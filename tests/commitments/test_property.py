"""Property: random sequences of transitions by random people never leave the table and never lose history."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pacesetter.commitments import services
from pacesetter.commitments.enums import TRANSITIONS, CommitmentAction, CommitmentStatus
from pacesetter.commitments.models import Commitment
from pacesetter.commitments.rules import parties_for
from pacesetter.core.errors import ApplicationError

from .conftest import member_commitment, org_commitment

PEOPLE = ["member_user", "secretary", "school_secretary", "office", "leader", "outsider", "town_secretary"]
STEPS = st.lists(st.tuples(st.sampled_from(CommitmentAction.values), st.sampled_from(PEOPLE)), max_size=25)


@pytest.mark.django_db
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(kind=st.sampled_from(["org", "member"]), steps=STEPS)
def test_random_transitions_follow_the_table_and_keep_history(city, camp, kind, steps):
    Commitment.objects.filter(campaign=camp).delete()
    c = org_commitment(city, camp) if kind == "org" else member_commitment(city, camp)
    successes = 0
    for action, who in steps:
        actor = getattr(city, who)
        before = Commitment.objects.get(pk=c.pk).status
        allowed = TRANSITIONS.get((before, action))
        may = allowed is not None and bool(parties_for(actor, c) & allowed.parties)
        try:
            services.commitment_transition(actor=actor, commitment=c, action=action, comment="意见")
        except ApplicationError:
            assert Commitment.objects.get(pk=c.pk).status == before
            assert not may
        else:
            successes += 1
            assert may
            assert Commitment.objects.get(pk=c.pk).status == allowed.target
        assert Commitment.objects.get(pk=c.pk).status in CommitmentStatus.values
    events = list(c.events.order_by("id"))
    assert len(events) == successes + 1  # + the creation
    for prev, nxt in zip(events, events[1:], strict=False):
        assert prev.to_status == nxt.from_status
        assert (nxt.from_status, nxt.action) in TRANSITIONS
    assert events[-1].to_status == Commitment.objects.get(pk=c.pk).status
