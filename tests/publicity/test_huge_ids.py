"""Bulletin item and recipient ids are refused naming the field when they are not ids (a schemathesis find:
an id past the database's integer range was a 500)."""

import pytest

from pacesetter.core.errors import ValidationError
from pacesetter.publicity.bulletins import _ids


@pytest.mark.parametrize("values", [["9" * 30], ["-1"], ["abc"], [1, "x"]])
def test_bad_ids_are_refused_naming_the_field(values):
    with pytest.raises(ValidationError) as e:
        _ids(values, "distribute_to", "发送范围只能是本单位及下级党组织")
    assert e.value.field == "distribute_to"


def test_ids_pass_through():
    assert _ids([3, "4"], "items", "x") == [3, 4] and _ids(None, "items", "x") == []
