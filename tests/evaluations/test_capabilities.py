"""Evaluation capabilities are named for what they allow and referenced by name (never as bare strings)."""

import ast
import pathlib

import pacesetter.api
from pacesetter.evaluations import access, rules
from pacesetter.orgs.enums import ROLE_CAPS, Cap, Role


def test_the_api_names_no_capability_as_a_bare_string():
    caps = set(Cap.values)
    found = []
    for path in sorted(pathlib.Path(pacesetter.api.__file__).parent.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Constant) and node.value in caps:
                found.append(f"{path.name}:{node.lineno} {node.value!r}")
    assert found == []


def test_evaluation_routes_need_evaluation_capabilities():
    used = set()
    for rule in access.RULES.values():
        used |= set(rule.values()) if isinstance(rule, dict) else {rule}
    assert Cap.PLAN_WRITE not in used and Cap.PROGRESS_VIEW not in used
    assert {Cap.EVALUATION_MANAGE, Cap.EVALUATION_VIEW, Cap.EVALUATION_RECTIFY} <= used
    assert (rules.MANAGE_CAP, rules.VIEW_CAP, rules.RECTIFY_CAP) == (
        Cap.EVALUATION_MANAGE,
        Cap.EVALUATION_VIEW,
        Cap.EVALUATION_RECTIFY,
    )


def test_the_roles_keep_what_they_could_do_before():
    """Held exactly where plan.write (running rounds) and progress.view (results) were held."""
    for role, caps in ROLE_CAPS.items():
        if role == Role.GUIDE:
            # a sector guide (条块结合) reads progress along its line; evaluation results are not in its grant
            assert not caps & {Cap.EVALUATION_MANAGE, Cap.EVALUATION_RECTIFY, Cap.EVALUATION_VIEW}
            continue
        assert (Cap.EVALUATION_MANAGE in caps) == (Cap.PLAN_WRITE in caps), role
        assert (Cap.EVALUATION_RECTIFY in caps) == (Cap.PLAN_WRITE in caps), role
        assert (Cap.EVALUATION_VIEW in caps) == (Cap.PROGRESS_VIEW in caps), role
    assert Cap.EVALUATION_MANAGE not in ROLE_CAPS[Role.LEADER]


def test_a_leader_sees_rounds_but_does_not_run_them(city):
    from pacesetter.evaluations.models import Round

    r = Round(organisation=city.district)
    assert rules.can_view_round(city.leader, r) and not rules.can_manage_round(city.leader, r)
    assert rules.can_manage_round(city.secretary, r) and not rules.can_view_round(city.member_user, r)
