"""core.lifecycle.one_way: the action → {from: to} table of a one-way switch, as status_cas reads it."""

from pacesetter.core.lifecycle import one_way
from pacesetter.members.enums import MENTOR_TRANSITIONS, MentorAction, MentorStatus
from pacesetter.supervision.enums import NOTICE_TRANSITIONS, NoticeAction, NoticeStatus


def test_one_way_is_one_action_from_one_status_to_another():
    assert one_way("close", "open", "closed") == {"close": {"open": "closed"}}


def test_one_way_tables_are_the_tables_spelled_out():
    assert MENTOR_TRANSITIONS == {MentorAction.END: {MentorStatus.ACTIVE: MentorStatus.ENDED}}
    assert NOTICE_TRANSITIONS == {NoticeAction.ISSUE: {NoticeStatus.DRAFT: NoticeStatus.ISSUED}}
    assert NOTICE_TRANSITIONS[NoticeAction.ISSUE].get(NoticeStatus.ISSUED) is None
