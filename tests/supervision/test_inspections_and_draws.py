import datetime as dt
import hashlib
import itertools

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pacesetter.core.errors import NotFoundError, PermissionDeniedError, StateError, ValidationError
from pacesetter.orgs.enums import OrgType, Sector
from pacesetter.supervision import draws, services
from pacesetter.supervision.enums import InspectionStatus, Method
from pacesetter.supervision.models import SpotCheckDraw
from pacesetter.supervision.selectors import inspection_get_for, inspection_list_for
from tests.factories import make_org


@pytest.fixture
def team(city):
    return services.team_create(actor=city.office, org=city.city, name="第一督查组", members=[city.inspector])


_org_numbers = itertools.count(1)


def plan(city, team, method=Method.UNANNOUNCED, org=None):
    return services.inspection_plan(
        actor=city.office,
        org=org or city.school,
        method=method,
        planned_on=dt.date(2026, 3, 5),
        subject="检查台账",
        team=team,
    )


def test_team_members_must_be_inspectors(city):
    with pytest.raises(ValidationError):
        services.team_create(actor=city.office, org=city.city, name="组", members=[city.secretary])
    with pytest.raises(PermissionDeniedError):
        services.team_create(actor=city.inspector, org=city.city, name="组", members=[city.inspector])


def test_unannounced_inspection_is_hidden_from_the_inspected_org_until_filed(city, team, client_for):
    insp = plan(city, team)
    assert list(inspection_list_for(city.secretary)) == []
    with pytest.raises(NotFoundError):
        inspection_get_for(city.secretary, insp.pk)
    sec = client_for(city.secretary)
    assert sec.get(f"/supervision/inspections/{insp.pk}/").status_code == 404
    assert "检查台账" not in sec.get("/supervision/inspections/").content.decode()
    assert sec.get(f"/api/supervision/inspections/{insp.pk}").status_code == 404
    assert sec.get("/api/supervision/inspections").json() == []
    assert not city.secretary.notifications.exists()
    assert [i.pk for i in inspection_list_for(city.inspector)] == [insp.pk]
    services.inspection_file(
        actor=city.inspector, inspection=insp, record="暗访发现值班缺岗", findings=["值班缺岗"]
    )
    assert sec.get(f"/supervision/inspections/{insp.pk}/").status_code == 200
    assert [i["id"] for i in sec.get("/api/supervision/inspections").json()] == [insp.pk]


def test_announced_inspection_is_visible_and_notified(city, team):
    insp = plan(city, team, method=Method.REPORT)
    assert list(inspection_list_for(city.secretary)) == [insp]
    assert city.secretary.notifications.filter(title__startswith="督查安排").exists()


def test_file_transition_and_finding_to_rectification(city, team):
    insp = plan(city, team, method=Method.RESEARCH)
    with pytest.raises(PermissionDeniedError):
        services.inspection_file(actor=city.secretary, inspection=insp, record="x")
    insp = services.inspection_file(
        actor=city.inspector, inspection=insp, record="记录", findings=["问题一", " "]
    )
    assert insp.status == InspectionStatus.FILED
    with pytest.raises(StateError):
        services.inspection_file(actor=city.office, inspection=insp, record="again")
    with pytest.raises(StateError):
        services.inspection_cancel(actor=city.office, inspection=insp)
    [finding] = insp.findings.all()
    order = services.rectification_issue(
        actor=city.inspector,
        finding=finding,
        problem=finding.description,
        measures_required="整改",
        working_days=10,
    )
    assert (order.source, order.organisation) == ("finding", city.school)


# ---------------------------------------------------------------- draws


def test_draw_records_seed_candidates_and_result(city):
    for i in range(6):
        make_org(f"社区支部{i}", city.district, OrgType.BRANCH, Sector.COMMUNITY)
    draw = services.draw_create(
        actor=city.office,
        root=city.city,
        n=3,
        title="三月抽查",
        sector=Sector.COMMUNITY,
        public_value="2026-03-05 福彩3D 123",
    )
    assert draw.seed == hashlib.sha256("2026-03-05 福彩3D 123".encode()).hexdigest()
    paths = [c[1] for c in draw.candidates]
    assert paths == sorted(paths) and len(paths) == 6
    assert draw.candidate_digest == draws.candidate_digest(draw.candidate_ids)
    assert draw.chosen_ids == draws.draw_select(draw.seed, draw.candidate_ids, 3)
    with pytest.raises(ValidationError):
        services.draw_create(actor=city.office, root=city.city, n=7, title="x", sector=Sector.COMMUNITY)
    with pytest.raises(PermissionDeniedError):
        services.draw_create(actor=city.inspector, root=city.city, n=1, title="x")


def test_draw_public_page_shows_seed_and_how_to_verify(city, client_for):
    draw = services.draw_create(actor=city.office, root=city.city, n=2, title="公开抽查", public_value="x")
    html = client_for(None).get(f"/supervision/draws/{draw.pk}/").content.decode()
    assert draw.seed in html and draw.candidate_digest in html and "hashlib" in html
    snippet = draws.verify_snippet(
        seed=draw.seed,
        candidate_ids=draw.candidate_ids,
        n=draw.n,
        digest=draw.candidate_digest,
        chosen=draw.chosen_ids,
    )
    scope: dict = {}
    import contextlib
    import io

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(snippet, scope)  # noqa: S102 - the published snippet itself must reproduce the result
    assert out.getvalue().strip() == str(draw.chosen_ids)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    public_value=st.text(
        alphabet=st.characters(blacklist_characters="\x00", blacklist_categories=("Cs",)), max_size=30
    ),
    n=st.integers(min_value=1, max_value=4),
    extra=st.integers(0, 5),
)
def test_rerunning_any_recorded_draw_returns_the_published_list(city, public_value, n, extra):
    for _i in range(extra):
        make_org(f"支部{next(_org_numbers)}", city.town, OrgType.BRANCH)
    draw = services.draw_create(
        actor=city.office, root=city.city, n=n, title="抽查", public_value=public_value
    )
    stored = SpotCheckDraw.objects.get(pk=draw.pk)
    assert draws.draw_select(stored.seed, stored.candidate_ids, stored.n) == stored.chosen_ids
    assert draws.candidate_digest(stored.candidate_ids) == stored.candidate_digest
    assert len(stored.chosen_ids) == n == len(set(stored.chosen_ids))


def test_draw_public_value_with_nul_is_refused_clearly(city):
    with pytest.raises(ValidationError, match="控制字符"):
        services.draw_create(actor=city.office, root=city.city, n=1, title="抽查", public_value="2026\x00")
    assert not SpotCheckDraw.objects.exists()


@given(
    seed=st.text(alphabet="0123456789abcdef", min_size=1, max_size=64),
    ids=st.lists(st.integers(1, 10**6), unique=True, max_size=50),
    n=st.integers(0, 60),
)
def test_draw_select_is_deterministic_and_a_subset(seed, ids, n):
    chosen = draws.draw_select(seed, ids, n)
    assert chosen == draws.draw_select(seed, list(reversed(ids)), n)  # independent of input order
    assert len(chosen) == min(n, len(ids)) and set(chosen) <= set(ids)
