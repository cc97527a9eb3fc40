"""Demo cases (群众举报、意见建议) in every state, one of them overdue and escalated, for `pacesetter demo`."""

import datetime
import itertools

from django.contrib.auth import get_user_model
from django.utils import timezone

from pacesetter.orgs.models import Organisation
from pacesetter.orgs.selectors import subtree_q

from .campaign import org_named

MARK = "（演示）"


def remove_cases(root: Organisation) -> None:
    from pacesetter.complaints.models import Case
    from pacesetter.evaluations.models import LowSatisfactionCase

    cases = Case.objects.filter(subtree_q(root.path)) | Case.objects.filter(
        subject_org__path__startswith=root.path
    )
    LowSatisfactionCase.objects.filter(case__in=cases.values("pk")).update(case=None)
    Case.objects.filter(pk__in=list(cases.values_list("pk", flat=True))).delete()
    from pacesetter.complaints.stats import rebuild

    rebuild()  # the monthly figures without the removed cases


def ensure_cases(root: Organisation) -> int:
    """Build the demo cases once; returns how many were built now (0 if they exist)."""
    from pacesetter.complaints import services as cs
    from pacesetter.complaints.models import Case, Category, ReportThrottle

    if Case.objects.filter(subtree_q(root.path), text__endswith=MARK).exists():
        return 0
    users = {
        u.username: u
        for u in get_user_model().objects.filter(username__in=["cx_secretary", "school_secretary"])
    }
    district_sec, school_sec = users["cx_secretary"], users["school_secretary"]
    school = org_named(root, "城厢区实验小学党支部")
    district = org_named(root, "城厢区委")
    now = timezone.now()
    texts = {
        "service": "到学校办理转学手续，窗口工作人员让我跑了三趟，每次说法不一样，希望一次性告知需要的材料。",
        "commitment": "支部公开承诺每周开设三次“四点半课堂”，但最近一个月只开了两次，家长有意见。",
        "suggestion": "建议学校在放学时段安排党员志愿者在校门口疏导交通，保障学生安全。",
        "conduct": "有工作人员上班时间玩手机，群众排队等候很久无人理睬。",
        "other": "社区公告栏信息更新不及时，活动通知经常过期。",
    }
    built = []

    addresses = itertools.count(1)

    def anon(category, org=school, days_ago=0, subject_type="org"):
        case, _pw = cs.case_file_public(
            subject_type=subject_type,
            subject_id=org.pk if org else None,
            category=category,
            text=texts[category] + MARK,
            ip=f"demo-{next(addresses)}",
            now=now - datetime.timedelta(days=days_ago),
        )
        built.append(case)
        return case

    def real(category, days_ago=0):
        case, _pw = cs.case_open(
            actor=None,
            kind="report",
            organisation=school,
            text=texts[category] + MARK,
            category=Category.objects.get(code=category),
            reporter_name="陈女士",
            reporter_phone="13900001111",
            now=now - datetime.timedelta(days=days_ago),
        )
        built.append(case)
        return case

    def verify(case, finding="true"):
        case = cs.case_acknowledge(actor=school_sec, case=case)
        return cs.case_verify(
            actor=school_sec,
            case=case,
            checked="调阅值班记录，走访当事群众 2 人",
            checked_by="黄丽萍、支部委员 1 人",
            finding=finding,
            evidence="值班记录复印件、走访笔录",
        )

    anon("other", org=None, subject_type="unknown")  # 待分办
    anon("suggestion")  # 待受理
    cs.case_acknowledge(actor=school_sec, case=anon("service"))  # 核查中
    verify(anon("conduct"), finding="partly")  # 已核查
    c = verify(real("service"))
    cs.case_reply(
        actor=school_sec, case=c, reply="经核查情况属实，已制定转学材料清单并在窗口公示，向您致歉。"
    )  # 已答复
    c = verify(real("commitment"))
    c = cs.case_reply(actor=school_sec, case=c, reply="因教室维修暂停两次，已补课，今后按承诺每周三次。")
    cs.case_rate(case=c, level="unsatisfied", reason="补课时间没有提前通知家长")  # 上级复查中
    c = verify(real("suggestion"), finding="true")
    c = cs.case_reply(actor=school_sec, case=c, reply="已安排党员志愿者每天放学时段在校门口值守。")
    cs.case_rate(case=c, level="satisfied")  # 已办结（满意）
    c = cs.case_decline(
        actor=district_sec,
        case=anon("other", org=district),
        reason="该事项属于社区居委会职责，请向龙桥街道社区居委会反映，或拨打 12345 政务服务便民热线。",
    )  # 不予受理
    # 逾期: received 8 days ago and never acknowledged — the sweep flags it and escalates it to 城厢区委.
    anon("conduct", days_ago=8)
    cs.cases_sweep(now=now)
    ReportThrottle.objects.filter(
        address_hash__in=[cs.address_hash(f"demo-{n}", now=now) for n in range(1, 20)]
    ).delete()
    return len(built)
