import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from pacesetter.complaints import services
from pacesetter.complaints.enums import CaseStatus, Outcome
from pacesetter.complaints.models import Case, CaseAttachment, Category, ReportThrottle
from pacesetter.complaints.selectors import case_list_for, monthly_stats, triage_queue_for
from pacesetter.core.errors import PermissionDeniedError, RateLimitedError, StateError, ValidationError
from pacesetter.core.workdays import add_working_days
from pacesetter.orgs.enums import Role
from pacesetter.orgs.models import RoleGrant

from .conftest import MONDAY

pytestmark = pytest.mark.django_db


def _verify(actor, case, finding="true"):
    return services.case_verify(
        actor=actor,
        case=case,
        checked="走访当事群众3人，调阅台账",
        checked_by="张三、李四",
        finding=finding,
        evidence="走访记录、台账复印件",
    )


def test_case_file_public_anonymous_routes_to_named_org_with_working_day_deadlines(city, file_case):
    case, password = file_case(now=MONDAY)
    assert case.status == CaseStatus.RECEIVED
    assert case.owner == city.school and case.first_owner == city.school
    assert case.path == city.school.path
    assert case.ack_by == add_working_days(datetime.date(2026, 3, 2), 2) == datetime.date(2026, 3, 4)
    assert case.close_by == add_working_days(datetime.date(2026, 3, 2), 20)
    assert len(password) == 8 and case.password_hash != password
    assert (case.reporter_name, case.reporter_phone, case.reporter_key) == ("", "", "")
    assert ReportThrottle.objects.count() == 1
    assert "10.0.0.1" not in ReportThrottle.objects.get().address_hash


def test_case_visible_to_owner_and_ancestors_only(city, file_case):
    case, _ = file_case()
    assert list(case_list_for(city.secretary)) == [case]  # district: the school's parent
    assert list(case_list_for(city.office)) == [case]
    assert list(case_list_for(city.town_secretary)) == []  # lateral
    assert list(case_list_for(city.member_user)) == []
    assert list(case_list_for(city.outsider)) == []


def test_case_naming_a_handler_goes_to_parent_and_hides_from_them(city, file_case):
    RoleGrant.objects.create(user=city.member_user, role=Role.SECRETARY, organisation=city.school)
    case, _ = file_case(subject_type="member", subject_id=city.school.pk, member_name="林老师")
    assert case.owner == city.district
    assert case.hidden_from == city.member_user
    assert list(case_list_for(city.member_user)) == []
    assert list(case_list_for(city.secretary)) == [case]


def test_case_about_unknown_member_is_refused_and_nothing_stored(city, file_case):
    with pytest.raises(ValidationError) as exc:
        file_case(subject_type="member", subject_id=city.school.pk, member_name="没有这个人")
    assert exc.value.field == "member_name"
    assert Case.objects.count() == 0 and ReportThrottle.objects.count() == 0


@pytest.mark.parametrize(("text", "field"), [("", "text"), ("太短", "text"), ("长" * 3001, "text")])
def test_case_file_public_bad_text_refused(city, file_case, text, field):
    with pytest.raises(ValidationError) as exc:
        file_case(text=text)
    assert exc.value.field == field
    assert Case.objects.count() == 0


def test_case_file_public_wrong_file_type_refused_nothing_stored(city, file_case):
    bad = SimpleUploadedFile("x.exe", b"MZ\x90\x00", content_type="application/octet-stream")
    with pytest.raises(ValidationError) as exc:
        file_case(files=[bad])
    assert exc.value.field == "files"
    assert Case.objects.count() == 0 and CaseAttachment.objects.count() == 0


def test_case_file_public_four_files_refused(city, file_case):
    png = b"\x89PNG\r\n\x1a\n" + b"0" * 20
    files = [SimpleUploadedFile(f"{i}.png", png, content_type="image/png") for i in range(4)]
    with pytest.raises(ValidationError):
        file_case(files=files)
    case, _ = file_case(files=files[:3])
    assert case.attachments.count() == 3


def test_case_file_public_rate_limited_per_address(city, file_case):
    for _i in range(5):
        file_case(ip="10.9.9.9")
    with pytest.raises(RateLimitedError) as exc:
        file_case(ip="10.9.9.9")
    assert exc.value.status == 429
    assert Case.objects.count() == 5
    file_case(ip="10.9.9.8")
    assert Case.objects.count() == 6


def test_case_real_name_needs_confirmed_phone(city, file_case, sms_outbox):
    from pacesetter.onecount import phone_code_send

    with pytest.raises(ValidationError) as exc:
        file_case(real_name=True, name="张群众", phone="13911112222", code="000000")
    assert exc.value.field == "code" and Case.objects.count() == 0
    phone_code_send(phone="13911112222", client_ip="1.1.1.1", purpose="case")
    code = sms_outbox[-1][1].split("验证码是 ")[1][:6]
    case, password = file_case(real_name=True, name="张群众", phone="139 1111 2222", code=code)
    assert case.real_name and case.reporter_phone == "13911112222" and case.reporter_key
    assert sms_outbox[-1] == (
        "13911112222",
        f"您反映的问题已收到，编号 {case.number}，查询密码 {password}，请妥善保管。",
    )


def test_case_lifecycle_real_name_reply_rate_satisfied(city, file_case):
    case, _ = file_case()
    Case.objects.filter(pk=case.pk).update(real_name=True, reporter_phone="13911112222")
    case.refresh_from_db()
    with pytest.raises(StateError):
        _verify(city.secretary, case)  # not acknowledged yet
    case = services.case_acknowledge(actor=city.secretary, case=case)
    assert case.status == CaseStatus.PROCESSING
    case = _verify(city.secretary, case)
    assert services.allowed_actions(city.secretary, case) == ["reply"]
    with pytest.raises(StateError):
        services.case_close(actor=city.secretary, case=case)  # 实名必复
    case = services.case_reply(actor=city.secretary, case=case, reply="经核查属实，已责令整改并向您致歉。")
    assert case.status == CaseStatus.REPLIED
    case = services.case_rate(case=case, level="satisfied")
    assert (case.status, case.outcome) == (CaseStatus.CLOSED, Outcome.SATISFIED)
    with pytest.raises(StateError):
        services.case_rate(case=case, level="satisfied")


def test_case_anonymous_closes_after_verification_without_reply(city, file_case):
    case, _ = file_case()
    case = services.case_acknowledge(actor=city.secretary, case=case)
    with pytest.raises(StateError):
        services.case_close(actor=city.secretary, case=case)  # 有件必核: verify first
    case = _verify(city.secretary, case, finding="false")
    case = services.case_close(actor=city.secretary, case=case)
    assert (case.status, case.outcome, case.verifications.count()) == (CaseStatus.CLOSED, Outcome.CLOSED, 1)


def test_case_lateral_secretary_cannot_act(city, file_case):
    case, _ = file_case()
    with pytest.raises(PermissionDeniedError):
        services.case_acknowledge(actor=city.town_secretary, case=case)
    assert Case.objects.get(pk=case.pk).status == CaseStatus.RECEIVED


def test_case_unsatisfied_reopens_once_for_parent_then_final(city, file_case):
    case, _ = file_case()
    case = services.case_acknowledge(actor=city.secretary, case=case)
    case = _verify(city.secretary, case)
    case = services.case_reply(actor=city.secretary, case=case, reply="已整改，谢谢您的监督。")
    with pytest.raises(ValidationError):
        services.case_rate(case=case, level="unsatisfied")  # a reason is required
    case = services.case_rate(case=case, level="unsatisfied", reason="整改没有落实")
    assert (case.status, case.owner, case.reopened) == (CaseStatus.REVIEW, city.district, True)
    assert case.owner.parent == city.city
    with pytest.raises(PermissionDeniedError):
        services.case_review_conclude(actor=city.town_secretary, case=case, conclusion="复查维持原答复意见。")
    case = services.case_review_conclude(actor=city.secretary, case=case, conclusion="复查后维持原答复意见。")
    assert (case.status, case.outcome) == (CaseStatus.CLOSED, Outcome.FINAL)


def test_case_transfer_keeps_first_owner_and_tells_reporter(city, file_case):
    case, _ = file_case()
    with pytest.raises(ValidationError):
        services.case_transfer(actor=city.secretary, case=case, organisation=city.village, reason="")
    case = services.case_transfer(
        actor=city.secretary, case=case, organisation=city.village, reason="反映的是八一村的事"
    )
    assert (case.owner, case.first_owner, case.status) == (city.village, city.school, CaseStatus.RECEIVED)
    event = case.events.get(action="transfer")
    assert event.public and "反映的是八一村的事" in event.note
    assert list(case_list_for(city.secretary)) == []
    assert list(case_list_for(city.town_secretary)) == [case]


def test_case_unknown_subject_waits_in_triage_for_office(city, file_case):
    case, _ = file_case(subject_type="unknown", subject_id=None)
    assert (case.status, case.owner) == (CaseStatus.TRIAGE, None)
    assert list(triage_queue_for(city.office)) == [case]
    assert list(triage_queue_for(city.secretary)) == []
    assert list(case_list_for(city.secretary)) == []
    with pytest.raises(PermissionDeniedError):
        services.case_assign(actor=city.secretary, case=case, organisation=city.school)
    case = services.case_assign(actor=city.office, case=case, organisation=city.school)
    assert (case.status, case.owner, case.first_owner) == (CaseStatus.RECEIVED, city.school, city.school)


def test_case_decline_needs_where_to_go(city, file_case):
    case, _ = file_case()
    with pytest.raises(ValidationError):
        services.case_decline(actor=city.secretary, case=case, reason="不归我们管")
    case = services.case_decline(
        actor=city.secretary, case=case, reason="该事项属于劳动争议，请向区劳动人事争议仲裁委员会申请仲裁。"
    )
    assert (case.status, case.outcome) == (CaseStatus.CLOSED, Outcome.DECLINED)


def test_case_sweep_flags_frozen_escalates_once_and_expires_unrated(city, file_case):
    case, _ = file_case(now=MONDAY)
    late = MONDAY + datetime.timedelta(days=5)  # Saturday: ack_by (Wed) passed
    counts = services.cases_sweep(now=late)
    case.refresh_from_db()
    assert case.ack_overdue_at == late and case.verify_overdue_at is None
    assert case.escalated_at == late and counts["escalated"] == 1
    # A longer category moves the deadline, not the flag.
    slow = Category.objects.create(
        code="slow", name="慢", ack_days=30, verify_days=40, reply_days=50, close_days=60
    )
    services.case_recategorise(actor=city.office, case=case, category=slow)
    services.cases_sweep(now=late + datetime.timedelta(days=1))
    case.refresh_from_db()
    assert case.ack_overdue_at == late and case.escalated_at == late
    assert case.events.filter(action="escalate").count() == 1
    # Accountability note against the missed deadline; none against one that was met.
    services.accountability_note_add(actor=city.office, case=case, deadline="ack", note="受理超期，约谈书记")
    with pytest.raises(StateError):
        services.accountability_note_add(actor=city.office, case=case, deadline="verify", note="x")
    with pytest.raises(PermissionDeniedError):
        services.accountability_note_add(actor=city.secretary, case=case, deadline="ack", note="x")
    case = services.case_acknowledge(actor=city.secretary, case=case, now=late)
    case = _verify(city.secretary, case)
    case = services.case_reply(actor=city.secretary, case=case, reply="已经处理完毕，感谢监督。", now=late)
    services.cases_sweep(now=late + datetime.timedelta(days=6))
    assert Case.objects.get(pk=case.pk).status == CaseStatus.REPLIED
    services.cases_sweep(now=late + datetime.timedelta(days=8))
    case.refresh_from_db()
    assert (case.status, case.outcome) == (CaseStatus.CLOSED, Outcome.UNRATED)


def test_case_query_limits_wrong_passwords(city, file_case):
    case, password = file_case()
    with pytest.raises(ValidationError):
        services.case_query(number="not-a-number", password=password)
    for left in (4, 3, 2, 1):
        with pytest.raises(ValidationError) as exc:
            services.case_query(number=case.number, password="wrong")
        assert f"还可以尝试 {left} 次" in str(exc.value.message)
    with pytest.raises(RateLimitedError):
        services.case_query(number=case.number, password="wrong")
    with pytest.raises(RateLimitedError):
        services.case_query(number=case.number, password=password)  # locked even with the right one


def test_case_query_unknown_number_not_found(city):
    from pacesetter.core.errors import NotFoundError

    with pytest.raises(NotFoundError):
        services.case_query(number="260101000000", password="x")


def test_case_rectification_from_verified_finding(city, file_case):
    from pacesetter.supervision.enums import Source

    case, _ = file_case()
    case = services.case_acknowledge(actor=city.secretary, case=case)
    with pytest.raises(StateError):
        services.case_rectify(
            actor=city.inspector, case=case, problem="p", measures_required="m", working_days=10
        )
    case = _verify(city.secretary, case, finding="partly")
    order = services.case_rectify(
        actor=city.inspector, case=case, problem="办事拖拉", measures_required="建立首问台账", working_days=10
    )
    assert (order.source, order.case, order.organisation) == (Source.CASE, case, city.school)


def test_case_monthly_stats_counts_frozen_flags(city, file_case):
    a, _ = file_case(now=MONDAY)
    b, _ = file_case(now=MONDAY, subject_id=city.village.pk, ip="10.0.0.2")
    services.case_acknowledge(actor=city.secretary, case=a, now=MONDAY)
    services.cases_sweep(now=MONDAY + datetime.timedelta(days=5))
    total, rows = monthly_stats(city.city, datetime.date(2026, 3, 1))
    assert (total.received, total.ack_in_time, total.ack_late) == (2, 1, 1)
    by_name = {r.name: r for r in rows}
    assert (by_name["城厢区委"].received, by_name["城厢区委"].ack_in_time) == (1, 1)
    assert (by_name["和林镇党委"].received, by_name["和林镇党委"].ack_late) == (1, 1)
    assert by_name["示范市委（本级）"].received == 0


def test_case_taken_up_for_review_stays_readable_by_its_first_handler(city, file_case, client_for):
    """After a 不满意 rating the parent reviews the case: the branch that handled it still reads how it ends
    (its notice links there), read-only and without the reporter; a case transferred aside is not theirs."""
    from pacesetter.complaints.rules import can_see_reporter, parties_for
    from pacesetter.orgs.enums import Role
    from tests.factories import make_user

    school = make_user("school_handler", Role.SECRETARY, city.school)
    case, _ = file_case()
    case = services.case_acknowledge(actor=school, case=case)
    case = _verify(school, case)
    case = services.case_reply(actor=school, case=case, reply="已整改，谢谢您的监督。")
    case = services.case_rate(case=case, level="unsatisfied", reason="整改没有落实")
    assert case.owner == city.district
    case = Case.objects.select_related("first_owner").get(pk=case.pk)
    assert parties_for(school, case) == {"former"} and not can_see_reporter(school, case)
    page = client_for(school).get(f"/complaints/{case.pk}/")
    assert page.status_code == 200
    with pytest.raises(PermissionDeniedError):
        services.case_review_conclude(actor=school, case=case, conclusion="复查后维持原答复意见。")
    other, _ = file_case()
    other = services.case_transfer(
        actor=school, case=other, organisation=city.village, reason="反映的是八一村的事"
    )
    assert client_for(school).get(f"/complaints/{other.pk}/").status_code == 404
