"""Low-satisfaction cases of a 群众评议 live on the one case engine: opened with the round's close, answered
through the evaluations service, closed on the engine with the answer as the verification record."""

import pytest

from pacesetter.complaints.enums import CaseKind, CaseStatus, Finding
from pacesetter.complaints.selectors import case_list_for
from pacesetter.evaluations import services
from pacesetter.evaluations.enums import RoundStatus
from pacesetter.evaluations.models import LowSatisfactionCase
from pacesetter.evaluations.selectors import ballot_form
from tests.evaluations.helpers import answers, codes, make_round

pytestmark = pytest.mark.django_db


def test_low_satisfaction_case_runs_on_the_engine(city):
    r = make_round(city, k_min=3)
    school = next(t for t in ballot_form(r).targets if t.organisation_id == city.school.pk)
    for code in codes(city, r, "群众", 3):
        a = answers(r, 100)
        a[str(school.id)] = {"1": 0}
        services.ballot_cast_code(code=code, answers=a)
    services.round_transition(actor=city.office, round_=r, to_status=RoundStatus.CLOSED)
    low = LowSatisfactionCase.objects.select_related("case").get()
    case = low.case
    assert (case.kind, case.status, case.owner, case.source_id) == (
        CaseKind.LOW_SATISFACTION,
        CaseStatus.RECEIVED,
        city.school,
        str(low.pk),
    )
    assert list(case_list_for(city.secretary)) == [case]
    services.case_answer(
        actor=city.secretary,
        case=low,
        analysis="联系群众不够紧密，服务窗口时间短",
        measures="延长服务时间，每月走访",
    )
    case.refresh_from_db()
    assert (case.status, case.finding) == (CaseStatus.CLOSED, Finding.TRUE)
    assert case.verifications.get().checked == "联系群众不够紧密，服务窗口时间短"
