"""Periods and rules: the office sets them; a rule that does not parse or contradicts itself is refused, naming
the field, and nothing is stored; every change is audited."""

import pytest

from pacesetter.core.errors import PermissionDeniedError, StateError, ValidationError
from pacesetter.core.models import AuditEntry
from pacesetter.points import services
from pacesetter.points.enums import EventType, ManualBy, PeriodAction, PeriodStatus, RuleAction, RuleStatus
from pacesetter.points.models import PointPeriod, PointRule

from .conftest import TODAY, rule

GOOD = {"name": "带头服务群众", "event_type": EventType.MANUAL, "points": 3, "manual_by": ManualBy.SECRETARY}


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"name": ""}, "name"),
        ({"name": "名" * 101}, "name"),
        ({"name": "a\x00b"}, "name"),
        ({"event_type": "nonsense"}, "event_type"),
        ({"points": "abc"}, "points"),
        ({"points": "3.5"}, "points"),
        ({"points": "9" * 40}, "points"),
        ({"points": 0}, "points"),
        ({"points": 5000}, "points"),
        ({"points": True}, "points"),
        ({"points": "３"}, "points"),  # a full-width digit is not read as 3
        ({"cap": "x"}, "cap"),
        ({"cap": 0}, "cap"),
        ({"cap": 2}, "cap"),  # smaller than one award
        ({"cap": 10, "once_only": True}, "cap"),
        ({"manual_by": "anyone"}, "manual_by"),
        ({"manual_by": ManualBy.NOBODY}, "manual_by"),
        ({"points": -2, "claimable": True}, "claimable"),
        ({"event_type": EventType.MEETING_ATTENDED}, "manual_by"),  # automatic, yet manual_by secretary
        (
            {"event_type": EventType.MEETING_ATTENDED, "manual_by": ManualBy.NOBODY, "claimable": True},
            "claimable",
        ),
    ],
)
def test_rule_refused_naming_the_field(city, period, changes, field):
    with pytest.raises(ValidationError) as exc:
        services.rule_create(actor=city.office, period=period, **{**GOOD, **changes})
    assert exc.value.field == field
    assert PointRule.objects.count() == 0


def test_second_active_rule_for_one_automatic_event_is_refused(city, period):
    auto = {"event_type": EventType.MEETING_ATTENDED, "manual_by": ManualBy.NOBODY}
    first = rule(city, period, **auto)
    with pytest.raises(ValidationError) as exc:
        rule(city, period, **auto)
    assert exc.value.field == "event_type"
    services.rule_transition(actor=city.office, rule=first, action=RuleAction.RETIRE)
    second = rule(city, period, **auto)
    with pytest.raises(ValidationError):  # reinstating the first would count each meeting twice
        services.rule_transition(actor=city.office, rule=first, action=RuleAction.REINSTATE)
    assert second.status == RuleStatus.ACTIVE


def test_rule_create_update_and_transition_are_audited(city, period):
    r = rule(city, period, **GOOD)
    r = services.rule_update(actor=city.office, rule=r, points="4", cap="8")
    assert (r.points, r.cap) == (4, 8)
    r = services.rule_transition(actor=city.office, rule=r, action=RuleAction.RETIRE)
    assert r.status == RuleStatus.RETIRED
    with pytest.raises(StateError):
        services.rule_transition(actor=city.office, rule=r, action=RuleAction.RETIRE)
    actions = list(AuditEntry.objects.filter(object_type="points.pointrule").values_list("action", flat=True))
    assert sorted(actions) == ["points.pointrule.retire", "points.rule.create", "points.rule.update"]
    update = AuditEntry.objects.get(action="points.rule.update")
    assert update.changes["points"] == [3, 4]


def test_event_type_cannot_change_once_the_rule_wrote_entries(city, camp, period, rules):
    services.points_award(actor=city.secretary, rule=rules["service"], member=city.teacher, reason="义务辅导")
    with pytest.raises(ValidationError) as exc:
        services.rule_update(
            actor=city.office,
            rule=rules["service"],
            event_type=EventType.RECORD_LOGGED,
            manual_by="nobody",
            claimable=False,
        )
    assert exc.value.field == "event_type"


def test_only_the_office_sets_periods_and_rules(city, camp, period):
    for user in (city.secretary, city.member_user, city.leader):
        with pytest.raises(PermissionDeniedError):
            services.rule_create(actor=user, period=period, **GOOD)
        with pytest.raises(PermissionDeniedError):
            services.period_create(actor=user, campaign=camp, year=TODAY.year + 1)
    assert PointRule.objects.count() == 0


@pytest.mark.parametrize("year", ["abc", 1999, 3000, "", "2026\x00"])
def test_period_year_refused(city, camp, year):
    with pytest.raises(ValidationError) as exc:
        services.period_create(actor=city.office, campaign=camp, year=year)
    assert exc.value.field == "year"
    assert PointPeriod.objects.count() == 0


def test_period_twice_refused_and_close_reopen(city, camp, period):
    with pytest.raises(ValidationError) as exc:
        services.period_create(actor=city.office, campaign=camp, year=TODAY.year)
    assert exc.value.field == "year"
    p = services.period_transition(actor=city.office, period=period, action=PeriodAction.CLOSE)
    assert p.status == PeriodStatus.CLOSED
    with pytest.raises(ValidationError) as exc:
        rule(city, p, **GOOD)
    assert exc.value.field == "period"
    with pytest.raises(StateError):
        services.period_transition(actor=city.office, period=p, action=PeriodAction.CLOSE)
    p = services.period_transition(actor=city.office, period=p, action=PeriodAction.REOPEN)
    assert p.status == PeriodStatus.OPEN
    assert AuditEntry.objects.filter(action__startswith="points.pointperiod.").count() == 2
