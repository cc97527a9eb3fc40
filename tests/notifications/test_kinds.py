"""Every notification kind and channel has a Chinese label and an English catalog entry (#20): the
preferences page lists them all, and an English page must not fall back to the Chinese."""

import re

import pytest
from django.utils import translation

from pacesetter.notifications.kinds import KIND_DEFAULTS, Channel, Kind, default_for, kind_label

HAN = re.compile(r"[\u4e00-\u9fff]")


@pytest.mark.parametrize("choice", [*Kind, *Channel], ids=lambda c: c.value)
def test_each_kind_and_channel_has_a_chinese_label_and_an_english_entry(choice):
    with translation.override("zh-hans"):
        chinese = str(choice.label)
    assert HAN.search(chinese), chinese
    with translation.override("en"):
        english = str(choice.label)
    assert english != chinese and not HAN.search(english), f"no English catalog entry for {chinese!r}"


def test_kind_values_are_unique_and_fit_the_column():
    assert len(set(Kind.values)) == len(Kind.values)
    assert all(len(v) <= 40 for v in Kind.values)


def test_defaults_name_only_known_kinds_and_channels():
    assert set(KIND_DEFAULTS) <= set(Kind.values)
    assert all(set(chosen) <= set(Channel.values) for chosen in KIND_DEFAULTS.values())
    assert all(isinstance(default_for(k, c), bool) for k in Kind.values for c in Channel.values)
    assert kind_label("no.such.kind") == "no.such.kind"
