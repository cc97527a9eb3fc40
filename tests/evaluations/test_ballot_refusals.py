"""The one public-ballot module: the phone page, the API and the paper entry hear the same refusal, in order.

Order: rate limit → unknown (or another round's) code → spent code → round not taking ballots.
"""

import json

import pytest
from django.urls import reverse

from pacesetter.core.models import AuditEntry
from pacesetter.evaluations import services
from pacesetter.evaluations.enums import Channel, RoundStatus
from pacesetter.evaluations.errors import (
    CodeSpentError,
    CodeUnknownError,
    RateLimitedError,
    RoundNotOpenError,
)
from pacesetter.evaluations.models import CodeAttempt

from .helpers import answers, codes, make_round


def _close(city, round_):
    services.round_transition(actor=city.office, round_=round_, to_status=RoundStatus.CLOSED)
    round_.refresh_from_db()


def test_a_spent_code_of_a_closed_round_hears_spent_first(city):
    r = make_round(city)
    [code] = codes(city, r, n=1)
    services.ballot_cast_code(code=code, answers=answers(r))
    _close(city, r)
    with pytest.raises(CodeSpentError):
        services.ballot_open(code, client="1.1.1.1")
    with pytest.raises(CodeSpentError):
        services.ballot_cast_code(code=code, answers=answers(r), client="1.1.1.1")
    assert not CodeAttempt.objects.exists()  # neither a spent code nor a closed round is a guess


def test_an_unspent_code_of_a_closed_round_hears_closed(city):
    r = make_round(city)
    [code] = codes(city, r, n=1)
    _close(city, r)
    with pytest.raises(RoundNotOpenError, match="已结束"):
        services.ballot_open(code, client="1.1.1.1")
    with pytest.raises(RoundNotOpenError, match="已结束"):
        services.ballot_cast_code(code=code, answers=answers(r), client="1.1.1.1")


def test_the_rate_limit_comes_before_anything_about_the_code(city, monkeypatch):
    monkeypatch.setattr(services.ratelimit, "MAX_FAILED_CODES", 2)
    r = make_round(city)
    [code] = codes(city, r, n=1)
    for _i in range(2):
        with pytest.raises(CodeUnknownError):
            services.ballot_open("2345-6789-ABCD", client="5.5.5.5")
    with pytest.raises(RateLimitedError):
        services.ballot_open(code, client="5.5.5.5")  # a good code says nothing either
    with pytest.raises(RateLimitedError):
        services.ballot_cast_code(code=code, answers=answers(r), client="5.5.5.5")


def test_paper_entry_of_another_rounds_spent_code_hears_not_this_round(city):
    r, other = make_round(city), make_round(city, name="另一次评议")
    [foreign] = codes(city, other, n=1)
    services.ballot_cast_code(code=foreign, answers=answers(other))
    with pytest.raises(CodeUnknownError, match="不属于本次评议"):
        services.ballot_enter_paper(actor=city.office, round_=r, code=foreign, answers=answers(r))
    refusals = services.codes_refusals(
        [services.ballot.codebook.code_hash(services.ballot.codebook.code_normalise(foreign))],
        round_=r,
        client="user:x",
    )
    assert [str(e.message) for e in refusals.values()] == ["该评议码不属于本次评议"]
    # each of the two calls counted the guess against its own client key
    assert sum(CodeAttempt.objects.values_list("failures", flat=True)) == 2
    assert not AuditEntry.objects.filter(action="evaluation.paper.enter").exists()


def test_page_and_api_say_the_same_for_a_spent_code(city, client):
    r = make_round(city)
    [code] = codes(city, r, n=1)
    services.ballot_cast_code(code=code, answers=answers(r), channel=Channel.WEB)
    page = client.get(reverse("ballots:ballot", args=[code]))
    api = client.get("/api/ballots/form", {"code": code})
    assert page.status_code == api.status_code == 409
    message = str(CodeSpentError.default_message)
    assert message in page.content.decode()
    assert json.loads(api.content)["message"] == message
