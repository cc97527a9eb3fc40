"""core.transitions.compare_and_set and core.audit.audit_status / audit_update: the steps the apps' transitions share."""

import pytest

from pacesetter.core.audit import audit_log, audit_status, audit_update, snapshot
from pacesetter.core.errors import StateError
from pacesetter.core.models import AuditEntry
from pacesetter.core.transitions import compare_and_set
from pacesetter.orgs.models import Organisation
from tests.factories import make_org, make_user

pytestmark = pytest.mark.django_db


class _AppStateError(StateError):
    code = "app_state"


def test_compare_and_set_writes_the_row_and_mirrors_it():
    org = make_org("甲支部")
    compare_and_set(Organisation, org, True, {"is_active": False, "name": "乙支部"}, "x", field="is_active")
    assert (org.is_active, org.name) == (False, "乙支部")
    assert Organisation.objects.values_list("is_active", "name").get(pk=org.pk) == (False, "乙支部")


def test_compare_and_set_refuses_a_row_changed_meanwhile_with_the_callers_words():
    org = make_org("甲支部")
    Organisation.objects.filter(pk=org.pk).update(is_active=False)
    with pytest.raises(_AppStateError, match="^刚被改过$"):
        compare_and_set(
            Organisation, org, True, {"name": "乙支部"}, "刚被改过", field="is_active", error=_AppStateError
        )
    assert org.name == "甲支部"
    assert Organisation.objects.get(pk=org.pk).name == "甲支部"


def test_audit_status_writes_the_same_entry_as_audit_log():
    actor = make_user("staff")
    org = make_org("甲支部")
    org.is_active = False
    by_hand = audit_log(
        actor=actor,
        action="org.deactivate",
        obj=org,
        before={"is_active": True},
        after={"is_active": False, "name": org.name},
        extra={"reason": ""},
    )
    helper = audit_status(
        actor, "org.deactivate", org, True, field="is_active", also={"name": org.name}, extra={"reason": ""}
    )
    fields = ("actor", "action", "object_type", "object_id", "object_repr", "changes", "scope_path")
    assert AuditEntry.objects.filter(pk=helper.pk).values(*fields).get() == (
        AuditEntry.objects.filter(pk=by_hand.pk).values(*fields).get()
    )
    assert helper.changes == {"is_active": [True, False], "name": [None, "甲支部"], "_": {"reason": ""}}


def test_audit_update_diffs_the_snapshot_taken_before_against_the_object_now():
    org = make_org("甲支部")
    before = snapshot(org, ["name", "org_type"])
    org.name = "乙支部"
    entry = audit_update(None, "org.update", org, before, ["name", "org_type"], scope_path="/x/")
    assert (entry.action, entry.actor_name, entry.scope_path) == ("org.update", "系统", "/x/")
    assert entry.changes == {"name": ["甲支部", "乙支部"]}
