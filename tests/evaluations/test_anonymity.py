"""Anonymity by construction: the ballot tables carry no person, code, time or order-revealing key."""

import pytest
from django.conf import settings
from django.db import OperationalError, connection, models

from pacesetter.evaluations.models import (
    Ballot,
    BallotCode,
    BallotSheet,
    MemberParticipation,
    RaterGroup,
    Round,
    RoundTarget,
)
from pacesetter.orgs.models import Member

# The only links a ballot row may have: to its round, its rater group, its target and its own sheet.
ALLOWED_TARGETS = {Round, RaterGroup, RoundTarget, BallotSheet}
BALLOT_TABLES = (BallotSheet, Ballot)


def test_ballot_columns_reveal_nothing(db):
    user_model = settings.AUTH_USER_MODEL.lower()
    for model in BALLOT_TABLES:
        for field in model._meta.concrete_fields:
            where = f"{model.__name__}.{field.name}"
            assert not isinstance(field, models.DateTimeField | models.DateField | models.TimeField), where
            assert not isinstance(field, models.AutoField | models.BigAutoField | models.SmallAutoField), (
                where
            )
            assert "code" not in field.name and "time" not in field.name and "created" not in field.name, (
                where
            )
            if field.primary_key:
                assert isinstance(field, models.UUIDField), where
                assert field.default is not models.NOT_PROVIDED and field.default.__name__ == "uuid4", where
            if field.is_relation:
                target = field.related_model
                assert target not in (Member, BallotCode, MemberParticipation), where
                if target._meta.label_lower == user_model:
                    # The clerk who typed a paper sheet in — never the rater. Nothing else may name a user.
                    assert (model, field.name) == (BallotSheet, "entered_by"), where
                    assert field.null
                else:
                    assert target in ALLOWED_TARGETS, where


def test_database_columns_match_the_model(db):
    """No column exists in the database that the model does not declare (and the test above checks)."""
    with connection.cursor() as cursor:
        for model in BALLOT_TABLES:
            columns = {
                c.name for c in connection.introspection.get_table_description(cursor, model._meta.db_table)
            }
            assert columns == {f.column for f in model._meta.concrete_fields}


def test_participation_side_has_no_link_to_ballots(db):
    for model in (BallotCode, MemberParticipation):
        for field in model._meta.concrete_fields:
            if field.is_relation:
                assert field.related_model not in (BallotSheet, Ballot), f"{model.__name__}.{field.name}"
    assert not any(f.name in ("spent_at", "created_at", "used_at") for f in BallotCode._meta.concrete_fields)


def test_codes_are_long_and_unambiguous():
    import math

    from pacesetter.core import codes

    assert codes.LENGTH >= 10
    assert not set("01OIL") & set(codes.ALPHABET)
    assert codes.LENGTH * math.log2(len(codes.ALPHABET)) >= 50
    generated = {codes.code_generate() for _ in range(2000)}
    assert len(generated) == 2000
    assert all(codes.code_is_well_formed(c) for c in generated)
    c = next(iter(generated))
    assert codes.code_normalise(codes.code_display(c).lower()) == c


def test_sqlite_ballot_tables_have_no_rowid(db):
    """An ordinary SQLite table numbers rows in insertion order (rowid): an order-revealing key.

    Migration 0003 rebuilt both tables WITHOUT ROWID (stored in random-UUID order); a later migration that
    remakes either table would silently drop the clause, and this test would then fail.
    """
    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL tables have no rowid")
    with connection.cursor() as cursor:
        for model in BALLOT_TABLES:
            cursor.execute(
                "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = %s", [model._meta.db_table]
            )
            assert cursor.fetchone()[0].endswith("WITHOUT ROWID"), model.__name__
            with pytest.raises(OperationalError, match="rowid"):
                cursor.execute(f"SELECT rowid FROM {model._meta.db_table}")
