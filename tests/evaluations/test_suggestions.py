"""意见建议 in any round and the 民主评议行风政风 round kind: stored apart from ballots, sealed while the round runs,
reviewed by the office after the close, released only for rater groups with at least k ballots."""

import json

import pytest
from django.db import OperationalError, connection, models

from pacesetter.core.errors import PermissionDeniedError, ValidationError
from pacesetter.core.models import AuditEntry
from pacesetter.evaluations import services
from pacesetter.evaluations.documents import ballot_file_lines
from pacesetter.evaluations.enums import RoundKind, RoundStatus, SuggestionStatus
from pacesetter.evaluations.errors import BallotIncompleteError, RoundStateError
from pacesetter.evaluations.models import BallotCode, BallotSheet, Suggestion, SuggestionRelease
from pacesetter.evaluations.selectors import released_suggestions, suggestion_page_for

from .helpers import answers, codes, make_round


@pytest.fixture(autouse=True)
def k_three(settings):
    settings.EVALUATION_SUGGESTION_K = 3


def city_secretary(city):
    """A secretary over the round's organisation: runs rounds, but does not review 意见建议."""
    from pacesetter.orgs.enums import Role
    from tests.factories import make_user

    if not hasattr(city, "_city_secretary"):
        city._city_secretary = make_user("city_secretary", Role.SECRETARY, city.city)
    return city._city_secretary


@pytest.fixture
def round_(city):
    return make_round(city)


def _cast(round_, code, text, score=100):
    return services.ballot_cast_code(
        code=code, answers=answers(round_, score), client="1.2.3.4", suggestion=text
    )


def _close(city, round_):
    services.round_transition(actor=city.office, round_=round_, to_status=RoundStatus.CLOSED)
    round_.refresh_from_db()


# ---------------------------------------------------------------- the table reveals nothing


def test_suggestion_columns_reveal_nothing(db):
    for field in Suggestion._meta.concrete_fields:
        where = f"Suggestion.{field.name}"
        assert not isinstance(field, models.DateTimeField | models.TimeField), where
        assert not isinstance(field, models.AutoField | models.BigAutoField | models.SmallAutoField), where
        if field.primary_key:
            assert isinstance(field, models.UUIDField) and field.default.__name__ == "uuid4", where
        if field.is_relation:
            assert field.related_model._meta.label in ("evaluations.Round", "evaluations.RaterGroup"), where
    assert {f.name for f in Suggestion._meta.concrete_fields} == {
        "id",
        "round",
        "group",
        "text",
        "day",
        "status",
    }
    with connection.cursor() as cursor:
        columns = {
            c.name for c in connection.introspection.get_table_description(cursor, "evaluations_suggestion")
        }
    assert columns == {f.column for f in Suggestion._meta.concrete_fields}


def test_sqlite_suggestion_table_has_no_rowid(db):
    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL tables have no rowid")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'evaluations_suggestion'"
        )
        assert cursor.fetchone()[0].endswith("WITHOUT ROWID")
        with pytest.raises(OperationalError, match="rowid"):
            cursor.execute("SELECT rowid FROM evaluations_suggestion")


# ---------------------------------------------------------------- casting


def test_cast_stores_suggestion_apart_from_the_sheet(city, round_):
    [code] = codes(city, round_, n=1)
    _cast(round_, code, "  窗口排队太久，建议增设自助机。 ")
    s = Suggestion.objects.get()
    assert s.text == "窗口排队太久，建议增设自助机。"
    assert s.round_id == round_.pk and s.group.name == "群众" and s.status == SuggestionStatus.PENDING
    assert BallotSheet.objects.count() == 1


def test_cast_without_suggestion_stores_none(city, round_):
    [code] = codes(city, round_, n=1)
    _cast(round_, code, "   ")
    assert BallotSheet.objects.count() == 1 and not Suggestion.objects.exists()


@pytest.mark.parametrize(
    "text",
    ["坏\x00字", "x" * 10_000, "a\x07b"],
    ids=["nul", "10000-chars", "control"],
)
def test_bad_suggestion_refused_nothing_stored(city, round_, text):
    [code] = codes(city, round_, n=1)
    with pytest.raises(ValidationError) as exc:
        _cast(round_, code, text)
    assert exc.value.field == "suggestion"
    assert "意见建议" in str(exc.value.message)
    assert not BallotSheet.objects.exists() and not Suggestion.objects.exists()
    assert not BallotCode.objects.get().spent


def test_refused_sheet_stores_no_suggestion(city, round_):
    [code] = codes(city, round_, n=1)
    incomplete = answers(round_)
    incomplete.popitem()
    with pytest.raises(BallotIncompleteError):
        services.ballot_cast_code(code=code, answers=incomplete, client="1.2.3.4", suggestion="好")
    assert not Suggestion.objects.exists()


def test_member_cast_stores_one_suggestion(city):
    round_ = make_round(city, members=True)
    services.ballot_cast_member(
        actor=city.member_user, round_=round_, answers=answers(round_), suggestion="多开展结对帮扶"
    )
    assert list(Suggestion.objects.values_list("text", flat=True)) == ["多开展结对帮扶"]
    assert Suggestion.objects.get().group.name == "党员"


def test_trial_suggestions_discarded_on_open(city):
    round_ = make_round(city, status=RoundStatus.TRIAL)
    [code] = codes(city, round_, n=1)
    _cast(round_, code, "测试")
    services.round_transition(actor=city.office, round_=round_, to_status=RoundStatus.OPEN)
    assert not Suggestion.objects.exists()


# ---------------------------------------------------------------- sealed, reviewed, released


def test_sealed_while_open_even_for_the_office(city, round_):
    [code] = codes(city, round_, n=1)
    _cast(round_, code, "建议")
    page = suggestion_page_for(city.office, round_)
    assert page.mode == "sealed" and list(page.rows) == []
    with pytest.raises(RoundStateError):
        services.suggestions_review(
            actor=city.office, round_=round_, ids=[str(Suggestion.objects.get().pk)], to_status="approved"
        )
    with pytest.raises(RoundStateError):
        services.suggestions_release(actor=city.office, round_=round_)


def test_review_and_release_only_groups_with_k_ballots(city, round_):
    public = codes(city, round_, "群众", n=3)
    deputies = codes(city, round_, "代表", n=2)
    for i, code in enumerate(public):
        _cast(round_, code, f"群众意见{i}")
    for code in deputies:
        _cast(round_, code, "代表意见")
    _close(city, round_)

    page = suggestion_page_for(city.office, round_)
    assert page.mode == "review" and page.pending == 5
    assert [g.name for g in page.held_groups] == ["代表"]  # 2 ballots < k = 3
    # Sorted by group and text: the order says nothing about when each was written.
    assert [s.text for s in page.rows] == ["代表意见", "代表意见", "群众意见0", "群众意见1", "群众意见2"]
    # Nobody but the office reads them before release.
    assert suggestion_page_for(city_secretary(city), round_).mode == "sealed"

    by_text = {s.text: s for s in page.rows}
    with pytest.raises(RoundStateError, match="5 条"):
        services.suggestions_release(actor=city.office, round_=round_)
    ids = [str(s.pk) for s in page.rows]
    assert services.suggestions_review(actor=city.office, round_=round_, ids=ids, to_status="approved") == 5
    services.suggestions_review(
        actor=city.office, round_=round_, ids=[str(by_text["群众意见1"].pk)], to_status="withheld"
    )
    assert suggestion_page_for(city_secretary(city), round_).mode == "sealed"
    services.suggestions_release(actor=city.office, round_=round_)

    released = suggestion_page_for(city_secretary(city), round_)
    assert released.mode == "released"
    assert [s.text for s in released.rows] == ["群众意见0", "群众意见2"]
    assert [g.name for g in released.held_groups] == ["代表"]
    actions = list(
        AuditEntry.objects.filter(action__startswith="evaluation.suggestion").values_list("action", flat=True)
    )
    assert actions.count("evaluation.suggestion.review") == 2
    assert actions.count("evaluation.suggestion.release") == 1
    # Released: nothing changes any more.
    with pytest.raises(RoundStateError):
        services.suggestions_review(
            actor=city.office, round_=round_, ids=[str(by_text["群众意见1"].pk)], to_status="approved"
        )
    with pytest.raises(RoundStateError):
        services.suggestions_release(actor=city.office, round_=round_)


def test_review_transitions_and_refusals(city, round_):
    [code] = codes(city, round_, n=1)
    _cast(round_, code, "建议")
    _close(city, round_)
    sid = str(Suggestion.objects.get().pk)
    for bad_status in ("pending", "released", ""):
        with pytest.raises(ValidationError) as exc:
            services.suggestions_review(actor=city.office, round_=round_, ids=[sid], to_status=bad_status)
        assert exc.value.field == "status"
    for bad_ids in ([], ["not-a-uuid"], ["00000000-0000-0000-0000-000000000000"], ["x"] * 1001):
        with pytest.raises(ValidationError) as exc:
            services.suggestions_review(actor=city.office, round_=round_, ids=bad_ids, to_status="approved")
        assert exc.value.field == "ids"
    # the secretary runs rounds but does not review suggestions
    with pytest.raises(PermissionDeniedError):
        services.suggestions_review(
            actor=city_secretary(city), round_=round_, ids=[sid], to_status="approved"
        )
    with pytest.raises(PermissionDeniedError):
        services.suggestions_release(actor=city_secretary(city), round_=round_)
    # pending → withheld → approved → withheld are all allowed before release
    for to in ("withheld", "approved", "withheld"):
        assert services.suggestions_review(actor=city.office, round_=round_, ids=[sid], to_status=to) == 1
    assert services.suggestions_review(actor=city.office, round_=round_, ids=[sid], to_status="withheld") == 0


def test_reopening_withdraws_the_release(city, round_):
    for code in codes(city, round_, n=3):
        _cast(round_, code, "建议")
    _close(city, round_)
    ids = [str(s.pk) for s in Suggestion.objects.all()]
    services.suggestions_review(actor=city.office, round_=round_, ids=ids, to_status="approved")
    services.suggestions_release(actor=city.office, round_=round_)
    assert len(released_suggestions(round_).rows) == 3
    services.round_transition(actor=city.office, round_=round_, to_status=RoundStatus.OPEN)
    round_.refresh_from_db()
    assert not SuggestionRelease.objects.exists()
    assert released_suggestions(round_).mode == "sealed"


def test_ballot_file_never_carries_suggestions(city, round_):
    for code in codes(city, round_, n=3):
        _cast(round_, code, "独特的意见文字")
    _close(city, round_)
    text = "".join(ballot_file_lines(round_))
    assert "独特的意见文字" not in text and "suggestion" not in text
    for line in text.splitlines():
        json.loads(line)


# ---------------------------------------------------------------- 民主评议行风政风


def test_conduct_round_has_the_service_window_questions(city):
    round_ = make_round(city, kind=RoundKind.CONDUCT, name="2011年度民主评议行风政风")
    assert list(round_.questions.values_list("text", flat=True)) == [
        "服务态度",
        "办事效率",
        "廉洁自律",
        "一次性告知",
    ]
    assert sum(round_.questions.values_list("weight", flat=True)) == 100
    [code] = codes(city, round_, n=1)
    _cast(round_, code, "一次性告知做得好")
    assert Suggestion.objects.get().text == "一次性告知做得好"


def test_conduct_round_of_members_refused(city):
    with pytest.raises(ValidationError) as exc:
        make_round(city, kind=RoundKind.CONDUCT, members=True)
    assert exc.value.field == "kind"


# ---------------------------------------------------------------- pages and API


def test_public_ballot_page_takes_a_suggestion(city, round_, client):
    [code] = codes(city, round_, n=1)
    page = client.get(f"/e/{code}/")
    assert 'name="suggestion"' in page.content.decode()
    data = {f"t{t}_q{q}": v for t, row in answers(round_).items() for q, v in row.items()}
    data["suggestion"] = "x" * 600
    refused = client.post(f"/e/{code}/", data)
    assert refused.status_code == 422 and "意见建议最多" in refused.content.decode()
    assert not BallotSheet.objects.exists()
    data["suggestion"] = "办事大厅指示牌不清楚"
    assert client.post(f"/e/{code}/", data).status_code == 302
    assert Suggestion.objects.get().text == "办事大厅指示牌不清楚"


def test_suggestion_pages(city, round_, client_for):
    for code in codes(city, round_, n=3):
        _cast(round_, code, "建议增加周末窗口")
    office, secretary = client_for(city.office), client_for(city_secretary(city))
    assert "评议进行中" in office.get(f"/evaluations/{round_.pk}/suggestions/").content.decode()
    _close(city, round_)
    body = office.get(f"/evaluations/{round_.pk}/suggestions/").content.decode()
    assert body.count('data-testid="suggestion-row"') == 3 and 'data-testid="release"' in body
    assert "建议增加周末窗口" not in secretary.get(f"/evaluations/{round_.pk}/suggestions/").content.decode()
    assert secretary.post(f"/evaluations/{round_.pk}/suggestions/release/").status_code == 403
    ids = [str(s.pk) for s in Suggestion.objects.all()]
    office.post(f"/evaluations/{round_.pk}/suggestions/review/", {"ids": ids, "status": "approved"})
    office.post(f"/evaluations/{round_.pk}/suggestions/release/")
    body = secretary.get(f"/evaluations/{round_.pk}/suggestions/").content.decode()
    assert body.count("建议增加周末窗口") == 3


def test_suggestion_api(city, round_, client, client_for):
    [code] = codes(city, round_, n=1)
    full = answers(round_)
    bad = client.post(
        "/api/ballots",
        {"code": code, "answers": full, "suggestion": "a\x07b"},
        content_type="application/json",
    )
    assert (
        bad.status_code == 422 and bad.json()["field"] == "suggestion" and "意见建议" in bad.json()["message"]
    )
    ok = client.post(
        "/api/ballots", {"code": code, "answers": full, "suggestion": "好评"}, content_type="application/json"
    )
    assert ok.status_code == 201
    for c in codes(city, round_, n=2):
        _cast(round_, c, "好评")
    office = client_for(city.office)
    url = f"/api/evaluations/rounds/{round_.pk}/suggestions"
    assert office.get(url).json() == {
        "mode": "sealed",
        "total": 0,
        "items": [],
        "pending": 0,
        "groups_below_k": [],
    }
    _close(city, round_)
    listed = office.get(url).json()
    assert listed["mode"] == "review" and listed["pending"] == 3 and listed["total"] == 3
    assert len(office.get(f"{url}?limit=2&offset=2").json()["items"]) == 1
    assert office.get(f"{url}?offset=99999999999").status_code == 422
    conflict = office.post(f"{url}/release", content_type="application/json")
    assert conflict.status_code == 409
    ids = [i["id"] for i in listed["items"]]
    reviewed = office.post(
        f"{url}/review", {"ids": ids, "status": "approved"}, content_type="application/json"
    )
    assert reviewed.json() == {"changed": 3}
    assert (
        client_for(city_secretary(city)).post(f"{url}/release", content_type="application/json").status_code
        == 403
    )
    released = office.post(f"{url}/release", content_type="application/json").json()
    assert released["mode"] == "released" and [i["text"] for i in released["items"]] == ["好评"] * 3
    assert client_for(city_secretary(city)).get(url).json()["mode"] == "released"


# ---------------------------------------------------------------- bulk review


def test_bulk_review_one_update_per_from_status_and_audit_per_group(city, round_):
    from django.test.utils import CaptureQueriesContext

    for i, code in enumerate(codes(city, round_, n=6)):
        _cast(round_, code, f"建议{i}")
    _close(city, round_)
    ids = sorted(str(s.pk) for s in Suggestion.objects.all())
    services.suggestions_review(actor=city.office, round_=round_, ids=ids[:2], to_status="withheld")
    before = set(
        AuditEntry.objects.filter(action="evaluation.suggestion.review").values_list("pk", flat=True)
    )
    # 2 withheld + 4 pending → approved (one already approved would be left alone)
    with CaptureQueriesContext(connection) as ctx:
        assert (
            services.suggestions_review(actor=city.office, round_=round_, ids=ids, to_status="approved") == 6
        )
    updates = [q["sql"] for q in ctx.captured_queries if q["sql"].lstrip().upper().startswith("UPDATE")]
    assert len(updates) == 2  # one per from-status, not one per suggestion
    assert set(Suggestion.objects.values_list("status", flat=True)) == {SuggestionStatus.APPROVED}
    entries = AuditEntry.objects.filter(action="evaluation.suggestion.review").exclude(pk__in=before)
    assert sorted((e.changes["status"][0], e.changes["_"]["count"]) for e in entries) == [
        ("pending", 4),
        ("withheld", 2),
    ]
    for e in entries:
        assert not any(i in json.dumps(e.changes) for i in ids)  # no handle on single suggestions


def test_bulk_review_all_or_nothing_names_foreign_ids(city, round_):
    for code in codes(city, round_, n=3):
        _cast(round_, code, "建议")
    _close(city, round_)
    other = make_round(city, name="另一次评议")
    [code] = codes(city, other, n=1)
    _cast(other, code, "别处的建议")
    foreign = str(Suggestion.objects.get(round=other).pk)
    ids = [str(s.pk) for s in Suggestion.objects.filter(round=round_)]
    with pytest.raises(ValidationError) as exc:
        services.suggestions_review(
            actor=city.office, round_=round_, ids=[*ids, foreign], to_status="approved"
        )
    assert exc.value.field == "ids" and foreign in str(exc.value.message)
    assert not Suggestion.objects.exclude(status=SuggestionStatus.PENDING).exists()
    assert not AuditEntry.objects.filter(action="evaluation.suggestion.review").exists()


def test_bulk_review_api_and_page_refuse_a_foreign_id_naming_it(city, round_, client_for):
    for code in codes(city, round_, n=3):
        _cast(round_, code, "建议")
    _close(city, round_)
    other = make_round(city, name="另一次评议")
    [code] = codes(city, other, n=1)
    _cast(other, code, "别处的建议")
    foreign = str(Suggestion.objects.get(round=other).pk)
    ids = [str(s.pk) for s in Suggestion.objects.filter(round=round_)]
    c = client_for(city.office)
    url = f"/api/evaluations/rounds/{round_.pk}/suggestions/review"
    r = c.post(url, {"ids": [*ids, foreign], "status": "approved"}, content_type="application/json")
    assert r.status_code in (400, 422) and r.json()["field"] == "ids" and foreign in r.json()["message"]
    page = c.post(
        f"/evaluations/{round_.pk}/suggestions/review/",
        {"ids": [*ids, foreign], "status": "approved"},
        follow=True,
    )
    assert foreign in page.content.decode()
    assert not Suggestion.objects.exclude(status=SuggestionStatus.PENDING).exists()
    r = c.post(url, {"ids": ids, "status": "approved"}, content_type="application/json")
    assert r.status_code == 200 and r.json() == {"changed": 3}
    review_page = c.get(f"/evaluations/{round_.pk}/suggestions/").content.decode()
    assert 'data-check-all="ids"' in review_page
