import pytest

from pacesetter.core.errors import ValidationError
from pacesetter.publicity import search, selectors, services, sources
from pacesetter.publicity.enums import ArticleAction, SearchKind

pytestmark = pytest.mark.django_db

TERMS = ["创先争优", "五个好", "五带头", "四比四看", "党员示范岗", "强村富民", "服务群众"]


def _published(city, title, body, tags=()):
    a = services.article_create(
        actor=city.office, organisation=city.village, title=title, body=body, tags=tags
    )
    services.article_transition(actor=city.office, article=a, action=ArticleAction.SUBMIT)
    return services.article_transition(actor=city.office, article=a, action=ArticleAction.PUBLISH)


@pytest.mark.parametrize("term", TERMS)
def test_campaign_terms_are_words(term):
    assert term in search.segment(f"我们要开展{term}活动").words.split()


@pytest.mark.parametrize("term", TERMS)
def test_search_finds_each_campaign_term(city, term):
    a = _published(city, f"关于{term}的报道", f"全市上下扎实推进{term}工作，成效明显。")
    _published(city, "其他新闻", "今天天气很好。")
    hits = search.search_public(term)
    assert [h.object_id for h in hits] == [a.pk]
    assert f"<mark>{term}</mark>" in hits[0].snippet


def test_search_ranks_title_matches_first_and_matches_word_parts(city):
    body_only = _published(city, "工作动态", "本周各支部学习四比四看的要求。")
    in_title = _published(city, "四比四看推进会召开", "会议部署了下一步工作。")
    assert [h.object_id for h in search.search_public("四比四看")] == [in_title.pk, body_only.pk]


def test_search_finds_part_of_a_dictionary_word(city):
    a = _published(city, "动态", "深入开展创先争优活动")
    assert [h.object_id for h in search.search_public("争优")] == [a.pk]


def test_search_escapes_html_in_snippets(city):
    _published(city, "标题", "创先争优：1<2")
    snippet = search.search_public("创先争优")[0].snippet
    assert snippet.startswith("<mark>创先争优</mark>") and "&lt;" in snippet and "<2" not in snippet


@pytest.mark.parametrize(
    ("q", "message"),
    [
        ("", "请输入要搜索的文字"),
        ("，。！？…", "只有标点"),
        ("字" * 10_000, "不能超过100个字"),
        ("\x00", "请输入"),
    ],
)
def test_bad_queries_get_a_clear_message(q, message):
    with pytest.raises(ValidationError) as e:
        search.search_public(q)
    assert message in str(e.value.message) and e.value.field == "q"


def test_public_search_page_messages_never_500(city, client):
    for q in ("", "。。。", "字" * 10_000, '"OR *', "a/b\\c", "NEAR(创先 争优)"):
        r = client.get("/news/search/", {"q": q})
        assert r.status_code == 200, q
    r = client.get("/news/search/", {"q": "。。。"})
    assert "搜索词只有标点符号" in r.content.decode()
    r = client.get("/api/news/search", {"q": "。。。"})
    assert r.status_code == 422 and r.json()["field"] == "q"


def test_commitments_and_organisations_are_indexed_by_rebuild(city):
    counts = sources.rebuild()
    assert counts[SearchKind.ORGANISATION] == 5
    hits = search.search_public("八一村")
    assert {h.kind for h in hits} == {SearchKind.ORGANISATION}
    assert hits[0].url == f"/p/orgs/{city.village.pk}/"


def test_related_items_share_tags_or_title_words(city):
    a = _published(city, "八一村五个好创建", "内容一", tags=["五个好"])
    b = _published(city, "和林镇推进五个好", "内容二", tags=["五个好"])
    _published(city, "无关", "天气")
    assert [h.object_id for h in selectors.related_hits(a)] == [b.pk]


def test_the_worker_sweep_makes_a_new_commitment_and_a_renamed_organisation_searchable(
    city, school_secretary
):
    from django.utils import timezone

    from pacesetter.commitments.enums import CommitmentStatus
    from pacesetter.core.tasks import run_due_sweeps
    from pacesetter.publicity.tasks import refresh_search_index
    from tests.commitments.conftest import advance, make_campaign, org_commitment

    city.school_secretary = school_secretary
    c = advance(
        city,
        org_commitment(city, make_campaign(city), title="为留守儿童开办周末夜校"),
        CommitmentStatus.PUBLISHED,
    )
    assert search.search_public("夜校") == []  # not indexed by the commitment's own services
    assert "pacesetter.publicity.tasks.refresh_search_index" in run_due_sweeps()
    hits = search.search_public("夜校")
    assert [(h.kind, h.object_id) for h in hits] == [(SearchKind.COMMITMENT, c.pk)]
    assert "<mark>" in hits[0].snippet or hits[0].title == c.title

    city.school.name = "八一希望小学党支部"
    city.school.save()
    refresh_search_index()
    assert [h.object_id for h in search.search_public("希望小学", kind=SearchKind.ORGANISATION)] == [
        city.school.pk
    ]
    # Withdrawn from public view: gone at the next run.
    type(c).objects.filter(pk=c.pk).update(status=CommitmentStatus.DRAFT, updated_at=timezone.now())
    refresh_search_index()
    assert search.search_public("夜校") == []
