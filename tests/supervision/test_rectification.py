import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from pacesetter.core.errors import NotFoundError, PermissionDeniedError, StateError, ValidationError
from pacesetter.core.models import AuditEntry
from pacesetter.core.workdays import add_working_days
from pacesetter.notifications.models import Notification
from pacesetter.supervision import services, stats_tally
from pacesetter.supervision.enums import RectificationStatus as RS
from pacesetter.supervision.models import Rectification
from pacesetter.supervision.selectors import (
    rectification_get_for,
    rectification_list_for,
    supervision_stats_by_subtree,
)
from pacesetter.supervision.tasks import escalate_overdue_rectifications
from tests.factories import make_user
from tests.supervision.test_reviews import file_review

PDF = b"%PDF-1.4\n%test\n"


def issue(city, review=None, days=5):
    review = review or file_review(city)
    return services.rectification_issue(
        actor=city.leader,
        review=review,
        problem="台账不全",
        measures_required="一周内补齐",
        working_days=days,
    )


def test_issue_sets_a_working_day_deadline_and_notifies(sup):
    order = issue(sup)
    assert order.deadline == add_working_days(timezone.localdate(), 5)
    assert order.status == RS.IN_PROGRESS
    assert Notification.objects.filter(recipient=sup.secretary, title__startswith="整改通知").exists()
    assert AuditEntry.objects.filter(action="rectification.issue", object_id=str(order.pk)).exists()


def test_issue_refused_for_other_leaders_and_bad_days(sup):
    review = file_review(sup)
    other = make_user("leader2", "leader", sup.district)
    with pytest.raises(PermissionDeniedError):
        services.rectification_issue(
            actor=other, review=review, problem="p", measures_required="m", working_days=5
        )
    with pytest.raises(ValidationError):
        services.rectification_issue(
            actor=sup.leader, review=review, problem="p", measures_required="m", working_days=0
        )
    with pytest.raises(ValidationError):
        services.rectification_issue(actor=sup.leader, problem="p", measures_required="m", working_days=3)


def test_transitions_report_reject_report_close(sup):
    order = issue(sup)
    with pytest.raises(StateError):  # nothing reported yet
        services.rectification_verify(actor=sup.leader, rectification=order, decision="close")
    with pytest.raises(PermissionDeniedError):
        services.rectification_report(actor=sup.leader, rectification=order, measures_taken="x")
    services.rectification_report(
        actor=sup.secretary,
        rectification=order,
        measures_taken="已补齐台账",
        uploads=[SimpleUploadedFile("台账.pdf", PDF, "application/pdf")],
    )
    order.refresh_from_db()
    assert order.status == RS.REPORTED
    with pytest.raises(StateError):
        services.rectification_report(actor=sup.secretary, rectification=order, measures_taken="again")
    with pytest.raises(PermissionDeniedError):  # the responsible org cannot sign off its own order
        services.rectification_verify(actor=sup.secretary, rectification=order, decision="close")
    with pytest.raises(ValidationError):  # a rejection must say why
        services.rectification_verify(actor=sup.leader, rectification=order, decision="reject")
    services.rectification_verify(actor=sup.leader, rectification=order, decision="reject", note="缺少照片")
    order.refresh_from_db()
    assert order.status == RS.IN_PROGRESS
    services.rectification_report(actor=sup.secretary, rectification=order, measures_taken="补充照片")
    services.rectification_verify(actor=sup.office, rectification=order, decision="close", note="")
    order.refresh_from_db()
    assert order.status == RS.CLOSED and order.closed_at is not None and order.overdue_at is None
    with pytest.raises(StateError):
        services.rectification_verify(actor=sup.office, rectification=order, decision="reject", note="x")
    assert list(order.events.values_list("action", "from_status", "to_status")) == [
        ("issue", "", "in_progress"),
        ("report", "in_progress", "reported"),
        ("reject", "reported", "in_progress"),
        ("report", "in_progress", "reported"),
        ("close", "reported", "closed"),
    ]
    assert list(
        AuditEntry.objects.filter(object_type="supervision.rectification", object_id=str(order.pk))
        .order_by("id")
        .values_list("action", flat=True)
    ) == [
        "rectification.issue",
        "rectification.report",
        "rectification.reject",
        "rectification.report",
        "rectification.close",
    ]


def test_evidence_is_checked_by_magic_bytes_and_size(sup):
    order = issue(sup)
    with pytest.raises(ValidationError, match="不符"):
        services.rectification_report(
            actor=sup.secretary,
            rectification=order,
            measures_taken="x",
            uploads=[SimpleUploadedFile("a.pdf", b"MZ\x90\x00evil", "application/pdf")],
        )
    with pytest.raises(ValidationError, match="类型"):
        services.rectification_report(
            actor=sup.secretary,
            rectification=order,
            measures_taken="x",
            uploads=[SimpleUploadedFile("a.exe", b"MZ", "application/octet-stream")],
        )
    order.refresh_from_db()
    assert order.status == RS.IN_PROGRESS


def test_evidence_download_is_access_checked(sup, client_for):
    order = issue(sup)
    report = services.rectification_report(
        actor=sup.secretary,
        rectification=order,
        measures_taken="x",
        uploads=[SimpleUploadedFile("证明.pdf", PDF, "application/pdf")],
    )
    ev = report.evidence.get()
    url = f"/supervision/evidence/{ev.pk}/"
    assert client_for(sup.secretary).get(url).status_code == 200
    assert client_for(sup.town_secretary).get(url).status_code == 404


def test_district_secretary_cannot_see_town_orders(sup):
    from pacesetter.orgs.models import Liaison

    Liaison.objects.create(leader=sup.leader, organisation=sup.village)
    town_review = file_review(sup, org=sup.village, remarks={})
    town_order = issue(sup, review=town_review)
    own = issue(sup)
    assert list(rectification_list_for(sup.secretary)) == [own]
    with pytest.raises(NotFoundError):
        rectification_get_for(sup.secretary, town_order.pk)
    assert list(rectification_list_for(sup.town_secretary)) == [town_order]


def test_overdue_flag_is_frozen_and_escalation_happens_once(sup):
    order = issue(sup, days=3)
    later = timezone.now() + dt.timedelta(days=30)
    assert escalate_overdue_rectifications(now=later) == 1
    order.refresh_from_db()
    assert order.overdue_at == later and order.escalated_at == later
    # the parent of 城厢区实验小学党支部 is 城厢区委: its secretary gets the escalation
    assert Notification.objects.filter(recipient=sup.secretary, title__startswith="整改逾期").count() == 1
    assert escalate_overdue_rectifications(now=later + dt.timedelta(days=1)) == 0
    order.refresh_from_db()
    assert order.overdue_at == later  # frozen
    services.rectification_report(actor=sup.secretary, rectification=order, measures_taken="补齐")
    services.rectification_verify(actor=sup.leader, rectification=order, decision="close")
    order.refresh_from_db()
    assert order.status == RS.CLOSED and order.overdue_at == later
    stats = supervision_stats_by_subtree([sup.district])[sup.district.pk]
    assert (stats.rectifications_open, stats.rectifications_overdue) == (0, 0)
    assert list(rectification_list_for(sup.office, overdue=True)) == [order]  # still counted as overdue
    assert AuditEntry.objects.filter(action="rectification.escalate", object_id=str(order.pk)).count() == 1


def test_dashboard_stats_count_open_and_overdue_per_subtree(sup, django_assert_num_queries):
    issue(sup, days=3)
    order2 = issue(sup, days=3)
    Rectification.objects.filter(pk=order2.pk).update(deadline=timezone.localdate() - dt.timedelta(days=1))
    stats_tally.rebuild()  # written past the services that keep the dashboard's counters
    with django_assert_num_queries(2):
        stats = supervision_stats_by_subtree([sup.district, sup.town])
    assert (stats[sup.district.pk].rectifications_open, stats[sup.district.pk].rectifications_overdue) == (
        2,
        1,
    )
    assert stats[sup.town.pk].rectifications_open == 0


def test_order_from_low_satisfaction_case(sup):
    from pacesetter.evaluations.models import LowSatisfactionCase, RoundTarget
    from tests.evaluations.helpers import make_round

    round_ = make_round(sup)
    target = RoundTarget.objects.filter(round=round_, organisation=sup.school).first()
    case = LowSatisfactionCase.objects.create(
        round=round_, target=target, organisation=sup.school, satisfaction=55
    )
    with pytest.raises(PermissionDeniedError):
        services.rectification_issue(
            actor=sup.secretary, low_case=case, problem="p", measures_required="m", working_days=5
        )
    order = services.rectification_issue(
        actor=sup.inspector, low_case=case, problem="满意度低", measures_required="分析原因", working_days=10
    )
    assert (order.source, order.organisation) == ("low_satisfaction", sup.school)
