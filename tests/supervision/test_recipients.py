"""Who a supervision notice goes to (#20: only whoever must act): one level, never every secretary or
office up to the city, and a 通报 to the organisations it is addressed to rather than the whole subtree."""

import datetime as dt

from django.utils import timezone

from pacesetter.notifications.models import Notification
from pacesetter.orgs.enums import OrgType, Role
from pacesetter.supervision import services
from pacesetter.supervision.models import Rectification
from pacesetter.supervision.tasks import escalate_overdue_rectifications
from tests.factories import make_org, make_user
from tests.supervision.test_notices import compose
from tests.supervision.test_rectification import issue


def _told(title_start: str) -> list[str]:
    return sorted(
        Notification.objects.filter(title__startswith=title_start).values_list(
            "recipient__username", flat=True
        )
    )


def test_rectification_order_goes_to_the_nearest_secretary_not_every_one_above(sup):
    make_user("city_secretary", Role.SECRETARY, sup.city)
    issue(sup)  # ordered on the school branch, which has no secretary account of its own
    assert _told("整改通知") == ["secretary"]  # the district's; not the city's as well


def test_escalation_goes_to_the_nearest_level_above_with_someone_to_act(sup):
    # 城厢区机关党总支 (nobody holds a role on it) → its branch; the order is the branch's
    general = make_org("城厢区机关党总支", sup.district, OrgType.GENERAL_BRANCH)
    branch = make_org("区机关第一党支部", general, OrgType.BRANCH)
    order = issue(sup)
    Rectification.objects.filter(pk=order.pk).update(organisation=branch)
    later = timezone.now() + dt.timedelta(days=30)
    assert escalate_overdue_rectifications(now=later) == 1
    # the 总支 has nobody: the district (secretary) acts, not the city office as well
    assert _told("整改逾期") == ["secretary"]


def test_notice_goes_to_its_scope_and_the_level_below_not_every_branch(sup):
    make_user("school_secretary", Role.SECRETARY, sup.school)
    notice = compose(sup)
    services.notice_issue(actor=sup.office, notice=notice)
    # the city's children (district, town) relay it; the school reads it in its notice list
    assert _told("通报：") == ["secretary", "town_secretary"]
