"""core.lifecycle: the Transition rows of the lifecycle tables and the parties per action."""

from pacesetter.core.lifecycle import Transition, action_parties


def test_action_parties_is_the_union_over_statuses():
    table = {
        ("draft", "submit"): Transition("submitted", frozenset({"owner"})),
        ("returned", "submit"): Transition("submitted", frozenset({"owner", "editor"})),
        ("submitted", "return"): Transition("returned", frozenset({"editor"}), needs_comment=True),
    }
    assert action_parties(table) == {
        "submit": frozenset({"owner", "editor"}),
        "return": frozenset({"editor"}),
    }


def test_action_parties_of_an_empty_table_is_empty():
    assert action_parties({}) == {}


def test_transition_needs_no_comment_unless_said():
    assert Transition("x", frozenset()).needs_comment is False
