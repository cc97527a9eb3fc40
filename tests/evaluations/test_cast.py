"""Casting ballots: by code (web and API), paper entry, signed-in peer evaluation; every refusal."""

import datetime
from collections import Counter

import pytest
from django.utils import timezone

from pacesetter.core.errors import PermissionDeniedError, ValidationError
from pacesetter.core.models import AuditEntry
from pacesetter.evaluations import services
from pacesetter.evaluations.enums import Channel, RoundStatus
from pacesetter.evaluations.errors import (
    AlreadyVotedError,
    BallotIncompleteError,
    CodeSpentError,
    CodeUnknownError,
    RateLimitedError,
    RoundNotOpenError,
)
from pacesetter.evaluations.models import Ballot, BallotCode, BallotSheet, MemberParticipation
from pacesetter.evaluations.selectors import ballot_form
from pacesetter.orgs.enums import Role
from tests.factories import make_member, make_user

from .helpers import answers, codes, make_round


@pytest.fixture
def round_(city):
    return make_round(city)


def test_cast_spends_code_and_stores_sheet(city, round_):
    [code] = codes(city, round_, n=1)
    receipt = services.ballot_cast_code(code=code, answers=answers(round_, 60), client="1.2.3.4")
    sheet = BallotSheet.objects.get()
    assert sheet.receipt == receipt and len(receipt) == 64
    assert sheet.channel == Channel.WEB and sheet.entered_by is None
    assert Ballot.objects.filter(sheet=sheet).count() == 4
    assert set(Ballot.objects.values_list("a1", flat=True)) == {60}
    assert BallotCode.objects.get().spent is True
    with pytest.raises(CodeSpentError):
        services.ballot_cast_code(code=code, answers=answers(round_), client="1.2.3.4")
    assert BallotSheet.objects.count() == 1


def test_code_accepts_dashes_and_lower_case(city, round_):
    [code] = codes(city, round_, n=1)
    pretty = "-".join(code[i : i + 4] for i in range(0, 12, 4)).lower()
    services.ballot_cast_code(code=f" {pretty} ", answers=answers(round_))
    assert BallotSheet.objects.count() == 1


def test_unknown_code_is_refused_and_counted(city, round_):
    with pytest.raises(CodeUnknownError):
        services.ballot_cast_code(code="ABCDEFGHJKMN", answers=answers(round_), client="9.9.9.9")
    with pytest.raises(CodeUnknownError):
        services.ballot_cast_code(code="nonsense", answers=answers(round_), client="9.9.9.9")


def test_rate_limit_after_twenty_failures_per_address(city, round_):
    [code] = codes(city, round_, n=1)
    for _i in range(services.MAX_FAILED_CODES):
        with pytest.raises(CodeUnknownError):
            services.ballot_open("ABCDEFGHJKMN", client="6.6.6.6")
    with pytest.raises(RateLimitedError):
        services.ballot_cast_code(code=code, answers=answers(round_), client="6.6.6.6")
    # another address (and spent codes, which are not guesses) are not affected
    services.ballot_cast_code(code=code, answers=answers(round_), client="7.7.7.7")
    for _i in range(30):
        with pytest.raises(CodeSpentError):
            services.ballot_cast_code(code=code, answers=answers(round_), client="7.7.7.7")


def test_half_filled_ballot_names_missing_items_and_stores_nothing(city, round_):
    [code] = codes(city, round_, n=1)
    form = ballot_form(round_)
    skip = {(form.targets[1].id, 1), (form.targets[3].id, 1)}
    with pytest.raises(BallotIncompleteError) as exc:
        services.ballot_cast_code(code=code, answers=answers(round_, skip=skip))
    assert [d["message"] for d in exc.value.details] == [
        f"{form.targets[1].name} · 总体满意度",
        f"{form.targets[3].name} · 总体满意度",
    ]
    assert exc.value.status == 422
    assert BallotSheet.objects.count() == 0 and Ballot.objects.count() == 0
    assert BallotCode.objects.get().spent is False


def test_invalid_score_is_refused(city, round_):
    [code] = codes(city, round_, n=1)
    bad = answers(round_, 55)
    with pytest.raises(ValidationError):
        services.ballot_cast_code(code=code, answers=bad)
    assert not BallotCode.objects.get().spent


def test_dont_know_is_stored_as_null(city, round_):
    [code] = codes(city, round_, n=1)
    form = ballot_form(round_)
    services.ballot_cast_code(code=code, answers=answers(round_, dont_know={(form.targets[0].id, 1)}))
    assert Ballot.objects.get(target_id=form.targets[0].id).a1 is None
    assert Ballot.objects.filter(a1=100).count() == 3


def test_out_of_window_and_closed_rounds_refuse(city):
    now = timezone.now()
    early = make_round(
        city, opens_at=now + datetime.timedelta(days=1), closes_at=now + datetime.timedelta(days=2)
    )
    [code] = codes(city, early, n=1)
    with pytest.raises(RoundNotOpenError, match="将于"):
        services.ballot_cast_code(code=code, answers=answers(early))
    late = make_round(city, name="late")
    [code2] = codes(city, late, n=1)
    services.round_transition(actor=city.office, round_=late, to_status=RoundStatus.CLOSED)
    with pytest.raises(RoundNotOpenError, match="已结束"):
        services.ballot_cast_code(code=code2, answers=answers(late))
    assert not BallotCode.objects.filter(spent=True).exists()


def test_paper_entry_records_clerk_and_spends_once_across_channels(city, round_):
    c1, c2 = codes(city, round_, n=2)
    services.ballot_enter_paper(actor=city.office, round_=round_, code=c1, answers=answers(round_, 0))
    sheet = BallotSheet.objects.get()
    assert sheet.channel == Channel.PAPER and sheet.entered_by == city.office
    assert BallotCode.objects.get(spent=True).channel == Channel.PAPER
    with pytest.raises(CodeSpentError):
        services.ballot_cast_code(code=c1, answers=answers(round_))
    services.ballot_cast_code(code=c2, answers=answers(round_))
    with pytest.raises(CodeSpentError):
        services.ballot_enter_paper(actor=city.office, round_=round_, code=c2, answers=answers(round_))
    assert BallotSheet.objects.count() == 2
    # the clerk's entry is audited once (the refused one is not), with neither the code nor the receipt
    [entry] = AuditEntry.objects.filter(action="evaluation.paper.enter")
    assert (entry.actor, entry.object_id, entry.changes) == (
        city.office,
        str(round_.pk),
        {"_": {"channel": "paper"}},
    )
    assert c1 not in str(entry.changes) and sheet.receipt not in str(entry.changes)


def test_paper_entry_needs_scope(city, round_):
    [code] = codes(city, round_, n=1)
    for user in (city.town_secretary, city.member_user, city.leader):
        with pytest.raises(PermissionDeniedError):
            services.ballot_enter_paper(actor=user, round_=round_, code=code, answers=answers(round_))


def test_code_of_another_round_is_refused_in_paper_entry(city, round_):
    other = make_round(city, name="other")
    [code] = codes(city, other, n=1)
    with pytest.raises(CodeUnknownError):
        services.ballot_enter_paper(actor=city.office, round_=round_, code=code, answers=answers(round_))


def test_member_peer_evaluation_one_per_target_never_self(city):
    colleague = make_member(city.school, "张老师")
    round_ = make_round(city, members=True, extra_members=[colleague])
    form = ballot_form(round_)
    mine = next(t for t in form.targets if t.member_id == city.teacher.pk)
    full = answers(round_, 100)
    full.pop(str(mine.id))
    receipts = services.ballot_cast_member(actor=city.member_user, round_=round_, answers=full)
    rated = set(
        MemberParticipation.objects.filter(voter=city.member_user).values_list("target_id", flat=True)
    )
    assert mine.id not in rated and len(rated) == 2
    # One sheet per peer, each with its own receipt, none entered by a clerk.
    assert [name for name, _r in receipts] == ["王大伯", "张老师"]
    assert {r for _n, r in receipts} == set(BallotSheet.objects.values_list("receipt", flat=True))
    assert list(BallotSheet.objects.values_list("entered_by", flat=True)) == [None, None]
    with pytest.raises(AlreadyVotedError):
        services.ballot_cast_member(actor=city.member_user, round_=round_, answers=full)
    assert BallotSheet.objects.count() == 2


def test_peer_sheets_do_not_name_their_rater_by_the_target_left_out(city):
    """A sheet covering "everyone but me" would name its rater; each peer ballot is a sheet of its own."""
    colleague = make_member(city.school, "张老师")
    colleague.user = make_user("zhang", Role.MEMBER, city.school)
    colleague.save(update_fields=["user"])
    round_ = make_round(city, members=True, extra_members=[colleague])
    form = ballot_form(round_)
    for user, member in ((city.member_user, city.teacher), (colleague.user, colleague)):
        mine = next(t for t in form.targets if t.member_id == member.pk)
        full = answers(round_, 100)
        full.pop(str(mine.id))
        services.ballot_cast_member(actor=user, round_=round_, answers=full)
    per_sheet = Counter(Ballot.objects.values_list("sheet_id", flat=True))
    assert sorted(per_sheet.values()) == [1, 1, 1, 1]


def test_participation_unique_constraint_is_in_the_database(city):
    from django.db import IntegrityError, transaction

    round_ = make_round(city, members=True)
    target = round_.targets.first()
    grp = round_.groups.get(name="党员")
    MemberParticipation.objects.create(round=round_, group=grp, voter=city.member_user, target=target)
    with pytest.raises(IntegrityError), transaction.atomic():
        MemberParticipation.objects.create(round=round_, group=grp, voter=city.member_user, target=target)


def test_outsider_cannot_peer_evaluate(city):
    round_ = make_round(city, members=True)
    with pytest.raises(PermissionDeniedError):
        services.ballot_cast_member(actor=city.outsider, round_=round_, answers=answers(round_))


def test_api_cast_public_and_errors(city, round_, client):
    c1, c2 = codes(city, round_, n=2)
    form = client.get("/api/ballots/form", {"code": c1}).json()
    assert [t["name"] for t in form["targets"]] == [
        "城厢区委",
        "城厢区实验小学党支部",
        "和林镇党委",
        "八一村党支部",
    ]
    assert form["options"][-1] == {"score": None, "label": "不了解"}
    r = client.post("/api/ballots", {"code": c1, "answers": answers(round_)}, content_type="application/json")
    assert r.status_code == 201 and len(r.json()["receipt"]) == 64
    r = client.post("/api/ballots", {"code": c1, "answers": answers(round_)}, content_type="application/json")
    assert r.status_code == 409 and r.json()["code"] == "code_spent"
    r = client.post("/api/ballots", {"code": "XXXXXXXXXXXX", "answers": {}}, content_type="application/json")
    assert r.status_code == 422 and r.json()["code"] == "code_unknown"
    half = answers(round_)
    half.popitem()
    r = client.post("/api/ballots", {"code": c2, "answers": half}, content_type="application/json")
    assert r.status_code == 422 and r.json()["code"] == "ballot_incomplete"
    assert r.json()["details"][0]["message"] == "八一村党支部 · 总体满意度"
    receipt = BallotSheet.objects.get().receipt
    check = client.post("/api/ballots/receipt", {"receipt": receipt}, content_type="application/json").json()
    assert check == {"found": True, "round_id": round_.pk, "round_closed": False, "digest": ""}
    assert client.get("/api/ballots/receipt", {"receipt": receipt}).json() == check  # old clients
    missing = client.post("/api/ballots/receipt", {"receipt": "0" * 64}, content_type="application/json")
    assert missing.json() == {"found": False, "round_id": None, "round_closed": False, "digest": ""}


def test_api_peer_and_paper(city, client_for):
    round_ = make_round(city, members=True)
    form = ballot_form(round_)
    mine = next(t for t in form.targets if t.member_id == city.teacher.pk)
    full = answers(round_)
    full.pop(str(mine.id))
    c = client_for(city.member_user)
    r = c.post(
        f"/api/evaluations/rounds/{round_.pk}/peer", {"answers": full}, content_type="application/json"
    )
    assert r.status_code == 201
    assert [x["target"] for x in r.json()["receipts"]] == ["王大伯"]
    assert r.json()["receipts"][0]["receipt"] == BallotSheet.objects.get().receipt
    r = c.post(
        f"/api/evaluations/rounds/{round_.pk}/peer", {"answers": full}, content_type="application/json"
    )
    assert r.status_code == 409 and r.json()["code"] == "already_voted"
    [code] = codes(city, round_, n=1)
    r = client_for(city.office).post(
        f"/api/evaluations/rounds/{round_.pk}/paper",
        {"code": code, "answers": answers(round_)},
        content_type="application/json",
    )
    assert r.status_code == 201
    assert BallotSheet.objects.filter(channel="paper", entered_by=city.office).count() == 1


def test_a_long_list_of_missing_answers_says_how_many_it_leaves_out(city):
    extra = [make_member(city.school, f"党员{i}") for i in range(23)]
    round_ = make_round(city, members=True, extra_members=extra)
    [code] = codes(city, round_, n=1)
    with pytest.raises(BallotIncompleteError) as refused:
        services.ballot_cast_code(code=code, answers={})
    message = str(refused.value.message)
    assert message.startswith("以下 25 项未填写（可选“不了解”），未保存任何内容：林老师 · 总体满意度；")
    assert message.endswith("……等 25 项（已在表中标出）") and message.count("；") == 19
    assert len(refused.value.details) == 25 and not BallotSheet.objects.exists()


def test_answers_for_an_unknown_target_are_refused_naming_it(city, round_, client):
    [code] = codes(city, round_, n=1)
    extra = answers(round_) | {"999999": {"1": 60}}
    r = client.post("/api/ballots", {"code": code, "answers": extra}, content_type="application/json")
    assert r.status_code == 422
    assert r.json() == {
        "code": "validation_error",
        "message": "评议对象“999999”不在本次评议中，未保存任何内容",
        "field": "answers.999999",
    }
    assert BallotSheet.objects.count() == 0 and BallotCode.objects.get().spent is False


def test_answers_for_an_unknown_question_are_refused_naming_it(city, round_):
    [code] = codes(city, round_, n=1)
    extra = answers(round_)
    target = next(iter(extra))
    extra[target] = dict(extra[target]) | {"7": 60}
    with pytest.raises(ValidationError) as exc:
        services.ballot_cast_code(code=code, answers=extra)
    assert exc.value.field == f"answers.{target}.7"
    assert str(exc.value.message) == "本次评议没有第“7”题，未保存任何内容"
    assert BallotSheet.objects.count() == 0
