"""The signed-in dashboard: what each person is responsible for, and notices that still ask them to act."""

import re

from pacesetter.commitments import services
from pacesetter.commitments.enums import CommitmentAction
from pacesetter.commitments.enums import CommitmentStatus as S
from pacesetter.orgs.enums import Role
from tests.commitments.conftest import advance, make_campaign, member_commitment
from tests.factories import make_user


def _new_notices(html: str) -> list[str]:
    box = html.split("最新通知")[1]
    return re.findall(r'<span class="badge bg-warning text-dark">新</span> ([^<]+)</li>', box)


def test_an_ordinary_member_is_shown_the_organisation_they_belong_to(city, client_for):
    member = client_for(city.member_user).get("/dashboard/").content.decode()
    assert 'data-testid="scope-title">我所在的组织<' in member and "我负责的组织" not in member
    secretary = client_for(city.secretary).get("/dashboard/").content.decode()
    assert 'data-testid="scope-title">我负责的组织<' in secretary


def test_review_notice_stops_being_new_once_the_commitment_is_reviewed(city, client_for):
    school_secretary = make_user("school_secretary", Role.SECRETARY, city.school)
    campaign = make_campaign(city)
    c = advance(city, member_commitment(city, campaign), S.SUBMITTED)
    reviewer = client_for(school_secretary)
    assert _new_notices(reviewer.get("/dashboard/").content.decode()) == [f"待审核承诺：{c.title}"]
    c = services.commitment_transition(actor=school_secretary, commitment=c, action=CommitmentAction.APPROVE)
    assert c.status == S.APPROVED
    assert _new_notices(reviewer.get("/dashboard/").content.decode()) == []
