"""Signed-in evaluation pages after the usability walkthrough: asking before status changes, the closing
time, results grouped by sector, members' progress, the dashboard card, case links and the new-round form."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from pacesetter.evaluations import services
from pacesetter.evaluations.enums import RoundStatus
from pacesetter.evaluations.models import LowSatisfactionCase
from pacesetter.evaluations.selectors import ballot_form
from pacesetter.orgs.enums import OrgType, Sector
from tests.factories import make_member, make_org

from .helpers import codes, make_round

pytestmark = pytest.mark.django_db

CLOSE_ASK = "结束后不能再投票，将公布回执汇总摘要并标出满意度过低的对象。确定结束？"
REOPEN_ASK = "重新开放后回执汇总摘要作废、结果撤回公开，评议人可以继续投票。确定重新开放？"
ROW = re.compile(
    r'data-testid="sector-row"><th[^>]*>([^<]+)</th>'
    r'|data-testid="target-row">\s*<td[^>]*>([^<]+)</td>\s*<td[^>]*>([^<{]+?)\s*<'
)


def _confirms(body: str) -> dict[str, str]:
    """to-<status> button → the question its form asks before submitting."""
    forms = re.findall(
        r"""<form method="post" action="[^"]*/status/" data-confirm="([^"]+)">"""
        r""".*?data-testid="to-(\w+)\"""",
        body,
        re.S,
    )
    return {to: ask for ask, to in forms}


def _closed_round(city, scores: dict | None = None, *, n=3):
    """A public review closed with `n` code ballots; `scores` maps a target name to its answer (None: 不了解)."""
    r = make_round(city, k_min=3)
    scores = scores or {}
    sheet = {
        str(t.id): {str(q.position): scores.get(t.name, 100) for q in ballot_form(r).questions}
        for t in ballot_form(r).targets
    }
    for code in codes(city, r, "群众", n):
        services.ballot_cast_code(code=code, answers=sheet)
    services.round_transition(actor=city.office, round_=r, to_status=RoundStatus.CLOSED)
    r.refresh_from_db()
    return r


def _peer_answers(round_, member):
    form = ballot_form(round_)
    return {
        str(t.id): {str(q.position): 100 for q in form.questions}
        for t in form.targets
        if t.member_id != member.pk
    }


def _queries(client, url) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as ctx:
        resp = client.get(url)
    assert resp.status_code == 200
    return len(ctx.captured_queries), resp.content.decode()


# 1. status buttons ask first; a closed round says when it closed and how many receipts its digest holds


def test_round_detail_open_round_asks_before_closing(city, client_for):
    r = make_round(city)
    body = client_for(city.office).get(f"/evaluations/{r.pk}/").content.decode()
    assert _confirms(body) == {"closed": CLOSE_ASK}


def test_round_detail_draft_round_asks_before_trial_and_open(city, client_for):
    r = make_round(city, status=RoundStatus.DRAFT)
    body = client_for(city.office).get(f"/evaluations/{r.pk}/").content.decode()
    assert _confirms(body) == {
        "trial": "试运行期间可以用评议码和党员账号试投，试投的票不计入结果。确定开始试运行？",
        "open": "开始后评议人即可正式投票；收到第一份正式选票后，评议内容和答案选项不能再修改。确定开始评议？",
    }


def test_round_detail_closed_round_shows_closing_time_and_receipt_count(city, client_for):
    r = _closed_round(city, n=3)
    body = client_for(city.office).get(f"/evaluations/{r.pk}/").content.decode()
    at = timezone.localtime(r.closed_at).strftime("%Y-%m-%d %H:%M")
    assert r.ballot_count == 3
    assert re.findall(r'data-testid="closed-info">([^<]+)<', body) == [
        f"实际结束于 {at}，回执汇总摘要共含 3 份回执"
    ]
    assert _confirms(body) == {"open": REOPEN_ASK}


def test_round_detail_open_round_has_no_closing_line(city, client_for):
    r = make_round(city)
    body = client_for(city.office).get(f"/evaluations/{r.pk}/").content.decode()
    assert 'data-testid="closed-info"' not in body


# 2. the slips download leaves the page in place: a cookie tells its script the download has begun


def test_round_codes_with_token_sets_cookie_and_leaves_a_message(city, client_for):
    r = make_round(city)
    grp = r.groups.get(name="群众")
    c = client_for(city.office)
    resp = c.post(
        f"/evaluations/{r.pk}/codes/", {"group": grp.pk, "count": 4, "download_token": "abc123XYZ9"}
    )
    assert resp.status_code == 200 and resp["Content-Disposition"].startswith("attachment;")
    assert resp.cookies["codes_download"].value == "abc123XYZ9"
    body = c.get(f"/evaluations/{r.pk}/").content.decode()
    assert "已为“群众”生成 4 个评议码；纸条只在这一次下载中提供，请妥善保管" in body
    assert re.search(r"<td class=\"text-nowrap\">0 / 4</td>", body)


def test_round_codes_with_bad_token_sets_no_cookie(city, client_for):
    r = make_round(city)
    grp = r.groups.get(name="群众")
    resp = client_for(city.office).post(
        f"/evaluations/{r.pk}/codes/", {"group": grp.pk, "count": 1, "download_token": "x; Path=/evil"}
    )
    assert resp.status_code == 200 and "codes_download" not in resp.cookies


# 4. results grouped by sector, best rank first, unranked last


def test_round_results_rows_ordered_by_sector_then_rank(city, client_for):
    # targets in order: 城厢区委 (机关), 实验小学 (学校), 和林镇党委 (机关), 八一村 (村(居))
    r = _closed_round(city, {"城厢区委": None, "和林镇党委": 60})
    body = client_for(city.office).get(f"/evaluations/{r.pk}/results/").content.decode()
    rows = [(sector or rank.strip(), name.strip()) for sector, rank, name in ROW.findall(body)]
    assert rows == [
        (str(Sector.AGENCY.label), ""),
        ("1/1", "和林镇党委"),
        ("—", "城厢区委"),
        (str(Sector.SCHOOL.label), ""),
        ("1/1", "城厢区实验小学党支部"),
        (str(Sector.VILLAGE.label), ""),
        ("1/1", "八一村党支部"),
    ]


def test_round_results_ranks_within_a_sector_best_first(city, client_for):
    r = _closed_round(city, {"城厢区委": 60, "和林镇党委": 100})
    body = client_for(city.office).get(f"/evaluations/{r.pk}/results/").content.decode()
    rows = [(rank.strip(), name.strip()) for _s, rank, name in ROW.findall(body) if rank]
    assert rows[:2] == [("1/2", "和林镇党委"), ("2/2", "城厢区委")]


def test_round_results_public_page_is_grouped_by_sector_too(city, client):
    r = _closed_round(city, {"城厢区委": 60, "和林镇党委": 100})
    services.round_publish(actor=city.office, round_=r, published=True)
    body = client.get(f"/e/results/{r.pk}/").content.decode()
    rows = [(sector or rank.strip(), name.strip()) for sector, rank, name in ROW.findall(body)]
    assert rows[:3] == [(str(Sector.AGENCY.label), ""), ("1/2", "和林镇党委"), ("2/2", "城厢区委")]


# 5. /evaluations/mine/: how many peers are left, a done badge once none are


@pytest.fixture
def colleague(city):
    return make_member(city.school, "张老师")


def test_my_rounds_member_sees_peers_left(city, client_for, colleague):
    r = make_round(city, members=True, name="党员互评", extra_members=[colleague])
    body = client_for(city.member_user).get("/evaluations/mine/").content.decode()
    assert re.findall(rf'data-testid="left-{r.pk}">([^<]+)<', body) == ["还有 2 个评议对象待评"]
    assert f'data-testid="peer-{r.pk}"' in body and f'data-testid="done-{r.pk}"' not in body


def test_my_rounds_member_who_rated_everyone_sees_done(city, client_for, colleague):
    r = make_round(city, members=True, name="党员互评", extra_members=[colleague])
    services.ballot_cast_member(actor=city.member_user, round_=r, answers=_peer_answers(r, city.teacher))
    body = client_for(city.member_user).get("/evaluations/mine/").content.decode()
    assert re.findall(rf'data-testid="done-{r.pk}">([^<]+)<', body) == ["已完成"]
    assert f'data-testid="peer-{r.pk}"' not in body and f'data-testid="left-{r.pk}"' not in body


def test_my_rounds_query_count_does_not_grow_with_rounds(city, client_for, colleague):
    c = client_for(city.member_user)
    make_round(city, members=True, name="互评一", extra_members=[colleague])
    one, _body = _queries(c, "/evaluations/mine/")
    rounds = [make_round(city, members=True, name=f"互评{i}", extra_members=[colleague]) for i in range(3)]
    services.ballot_cast_member(
        actor=city.member_user, round_=rounds[0], answers=_peer_answers(rounds[0], city.teacher)
    )
    four, body = _queries(c, "/evaluations/mine/")
    assert (one, four) == (7, 7)
    assert body.count('data-testid="left-') == 3 and body.count('data-testid="done-') == 1


# 6. the member's dashboard lists the rounds waiting for them


def test_dashboard_member_with_open_peer_round_sees_card(city, client_for, colleague):
    r = make_round(city, members=True, name="党员互评", extra_members=[colleague])
    n, body = _queries(client_for(city.member_user), "/dashboard/")
    assert "待参加的评议" in body
    assert re.findall(r'href="([^"]+)" data-testid="take-\d+"', body) == [f"/evaluations/{r.pk}/peer/"]
    assert n == 10  # two more than without a member record: the rounds, then what was rated


def test_dashboard_member_without_open_round_sees_no_card(city, client_for):
    n, body = _queries(client_for(city.member_user), "/dashboard/")
    assert "待参加的评议" not in body and 'data-testid="rounds-to-take"' not in body
    assert n == 9  # one more than without a member record: the rounds query finds none


def test_dashboard_member_who_rated_everyone_sees_no_card(city, client_for, colleague):
    r = make_round(city, members=True, name="党员互评", extra_members=[colleague])
    services.ballot_cast_member(actor=city.member_user, round_=r, answers=_peer_answers(r, city.teacher))
    body = client_for(city.member_user).get("/dashboard/").content.decode()
    assert 'data-testid="rounds-to-take"' not in body


def test_dashboard_office_without_member_record_sees_no_card(city, client_for, colleague):
    make_round(city, members=True, name="党员互评", extra_members=[colleague])
    body = client_for(city.office).get("/dashboard/").content.decode()
    assert 'data-testid="rounds-to-take"' not in body


# 7. the case list links a case's round to its results, where the user may view the round


def test_case_list_links_round_results_for_office(city, client_for):
    r = _closed_round(city, {"城厢区实验小学党支部": 0})
    case = LowSatisfactionCase.objects.get(round=r)
    n, body = _queries(client_for(city.office), "/evaluations/cases/")
    assert re.findall(rf'<a href="([^"]+)" data-testid="case-round-{case.pk}">([^<]+)</a>', body) == [
        (f"/evaluations/{r.pk}/results/", r.name)
    ]
    assert n == 5


def test_case_list_no_link_when_round_is_run_above_the_users_scope(city, client_for):
    r = _closed_round(city, {"城厢区实验小学党支部": 0})
    case = LowSatisfactionCase.objects.get(round=r)
    body = client_for(city.secretary).get("/evaluations/cases/").content.decode()
    assert f'data-testid="case-round-{case.pk}"' not in body and f"<td>{r.name}</td>" in body
    assert client_for(city.secretary).get(f"/evaluations/{r.pk}/results/").status_code == 404


# 8. the new-round form: grade lines only for 组织考核; the organising unit suggests names in scope


def test_round_form_datalist_lists_orgs_in_scope_only(city, client_for):
    make_org("城郊党支部", city.district, OrgType.BRANCH)
    other_city = make_org("邻市市委")
    make_org("邻市党支部", other_city, OrgType.BRANCH)
    body = client_for(city.secretary).get("/evaluations/new/").content.decode()
    options = re.findall(
        r'<option value="([^"]+)">', body.split('id="round-org-options"')[1].split("</datalist>")[0]
    )
    assert options == ["城厢区委", "城厢区实验小学党支部", "城郊党支部"]


def test_round_form_datalist_qualifies_a_shared_name_with_its_parent(city, client_for):
    make_org("第一党支部", city.district, OrgType.BRANCH)
    make_org("第一党支部", city.town, OrgType.BRANCH)
    body = client_for(city.office).get("/evaluations/new/").content.decode()
    options = re.findall(
        r'<option value="([^"]+)">', body.split('id="round-org-options"')[1].split("</datalist>")[0]
    )
    assert "城厢区委/第一党支部" in options and "和林镇党委/第一党支部" in options
    assert "第一党支部" not in options


def test_round_form_grade_lines_toggle_with_kind(city, client_for):
    body = client_for(city.office).get("/evaluations/new/").content.decode()
    # The toggling script is a static file (the CSP forbids inline script); the page names the fields.
    assert '<script src="/static/js/round-form.js"></script>' in body
    assert 'data-grades="id_grade_excellent,id_grade_qualified,id_grade_basic" data-flagged="false"' in body
    for name in ("grade_excellent", "grade_qualified", "grade_basic"):
        assert f'name="{name}"' in body  # still in the form: shown by the script, or by an error
