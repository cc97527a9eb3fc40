"""api._common.fields_from: an Out schema's fields read from an object, but for those the mapper gives."""

from types import SimpleNamespace

import pytest
from ninja import Schema

from pacesetter.api._common import fields_from


class _ThingOut(Schema):
    id: int
    name: str
    owner_name: str


def test_fields_from_reads_each_schema_field_from_the_object():
    thing = SimpleNamespace(id=7, name="甲", owner_name="乙", secret="not in the schema")
    assert fields_from(thing, _ThingOut) == {"id": 7, "name": "甲", "owner_name": "乙"}


def test_fields_from_takes_the_given_values_over_the_object():
    thing = SimpleNamespace(id=7, name="甲", owner=SimpleNamespace(name="丙"))
    out = fields_from(thing, _ThingOut, owner_name=thing.owner.name)
    assert out == {"id": 7, "name": "甲", "owner_name": "丙"}
    assert list(out) == ["id", "name", "owner_name"]  # the schema's order


def test_fields_from_refuses_a_field_the_object_lacks_and_nobody_gives():
    with pytest.raises(AttributeError):
        fields_from(SimpleNamespace(id=7, name="甲"), _ThingOut)
