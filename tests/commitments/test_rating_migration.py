"""The migration that brings in one-person-one-count: existing public ratings become unverified (not counted),
members' ratings stay counted."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from pacesetter.commitments import selectors, services
from pacesetter.commitments.enums import CommitmentStatus as S
from pacesetter.commitments.models import Rating


@pytest.mark.django_db(transaction=True)
def test_existing_public_ratings_become_unverified(request):
    from pacesetter.orgs.enums import Role
    from tests.commitments.conftest import advance, make_campaign, org_commitment
    from tests.factories import City, make_user

    city = City()
    city.school_secretary = make_user("school_secretary", Role.SECRETARY, city.school)
    c = advance(city, org_commitment(city, make_campaign(city)), S.PUBLISHED)
    services.rating_submit_member(actor=city.member_user, commitment=c, level="basic")
    for i in range(3):
        services.rating_submit_public(
            commitment=c, level="satisfied", device="", ip="1.1.1.1", person_key=f"p{i}"
        )

    executor = MigrationExecutor(connection)

    def migrate_to_latest():
        # The schema change is committed (transaction=True): leave every app at its latest migration again, or
        # the tests after this one in the same worker (and servers that migrate the same database) meet the
        # schema of commitments 0002.
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())

    request.addfinalizer(migrate_to_latest)
    executor.migrate([("commitments", "0001_initial")])
    executor.loader.build_graph()
    executor.migrate([("commitments", "0002_rating_verification")])

    assert sorted(Rating.objects.values_list("source", "verification")) == [
        ("member", "member"),
        ("public", "none"),
        ("public", "none"),
        ("public", "none"),
    ]
    s = selectors.rating_summary(c)
    assert (s.basic, s.satisfied, s.total, s.unverified) == (1, 0, 1, 3)
