"""Navigation for the signed-in user's roles (what the menu shows mirrors the access policy)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from pacesetter.orgs.enums import Cap, Role
from pacesetter.orgs.selectors import caps_for, roles_for

# (group label, icon, [(url name, label, icon, capability or None)]): a group with one visible entry is a
# plain link, with more a dropdown. What shows mirrors the access policy.
MENU = [
    (_("工作台"), "speedometer2", [("web:dashboard", _("工作台"), "speedometer2", None)]),
    (
        _("活动"),
        "flag",
        [
            ("campaigns:campaign-list", _("活动部署"), "flag", Cap.CAMPAIGN_VIEW),
            ("web:progress", _("活动进度"), "bar-chart-line", Cap.PROGRESS_VIEW),
            ("plans:plan-home", _("实施方案"), "file-earmark-text", Cap.PLAN_WRITE),
            ("plans:review-queue", _("方案审核"), "clipboard-check", Cap.PLAN_REVIEW),
            ("plans:overdue", _("报送情况"), "hourglass-split", Cap.PROGRESS_VIEW),
            ("records:record-list", _("记实登记"), "journal-check", Cap.RECORD_VIEW),
            ("records:my-records", _("我的记实"), "person-lines-fill", Cap.RECORD_LOG),
        ],
    ),
    (
        _("承诺评议"),
        "megaphone",
        [
            ("commitments:commitment-list", _("公开承诺"), "megaphone", Cap.COMMITMENT_WRITE),
            ("commitments:review-queue", _("承诺审核"), "check2-square", Cap.COMMITMENT_REVIEW),
            ("commitments:moderation-queue", _("评诺留言审核"), "chat-square-text", Cap.COMMITMENT_REVIEW),
            ("wall:wall", _("承诺墙（公开）"), "easel", None),
            ("evaluations:round-list", _("群众评议"), "ui-checks", Cap.EVALUATION_VIEW),
            ("evaluations:my-rounds", _("我的评议"), "person-check", None),
            ("evaluations:case-list", _("满意度整改"), "tools", Cap.EVALUATION_RECTIFY),
        ],
    ),
    (
        _("积分"),
        "trophy",
        [
            ("points:home", _("我的积分"), "trophy", None),
            ("points:claim-queue", _("积分申报审核"), "patch-check", Cap.POINTS_AWARD),
            ("points:period-list", _("积分年度与规则"), "sliders", Cap.POINTS_MANAGE),
        ],
    ),
    (
        _("宣传"),
        "newspaper",
        [
            ("publicity:item-list", _("信息报送"), "send", Cap.PUBLICITY_DRAFT),
            ("publicity:article-list", _("宣传稿件"), "file-earmark-richtext", Cap.PUBLICITY_DRAFT),
            ("publicity:bulletin-list", _("简报"), "journal-text", Cap.PUBLICITY_PUBLISH),
            ("publicity:exemplar-list", _("先进典型"), "star", Cap.PUBLICITY_DRAFT),
            ("news:home", _("新闻（公开）"), "globe", None),
        ],
    ),
    (
        _("点评督查"),
        "binoculars",
        [
            ("supervision:liaison-list", _("联系点点评"), "chat-quote", Cap.REVIEW_WRITE),
            ("supervision:review-list", _("领导点评"), "chat-left-text", Cap.PROGRESS_VIEW),
            ("supervision:rectification-list", _("限期整改"), "exclamation-triangle", Cap.PROGRESS_VIEW),
            ("supervision:inspection-list", _("督查检查"), "clipboard-data", Cap.PROGRESS_VIEW),
            ("supervision:draw-list", _("随机抽查"), "shuffle", Cap.SUPERVISION_MANAGE),
            ("supervision:notice-list", _("通报"), "megaphone-fill", Cap.ORG_VIEW),
            ("supervision:holiday-year", _("节假日安排"), "calendar-event", Cap.CAMPAIGN_MANAGE),
            ("complaints:case-list", _("群众反映"), "envelope-exclamation", Cap.CASE_VIEW),
            ("complaints:triage-queue", _("反映分办"), "inboxes", Cap.CASE_TRIAGE),
            ("complaints:stats", _("反映统计"), "bar-chart", Cap.CASE_VIEW),
            ("honours:programme-list", _("评选表彰"), "award", Cap.HONOURS_NOMINATE),
            # assessment
            ("assessment:scheme-list", _("组织考核"), "award", Cap.ASSESSMENT_VIEW),
            ("assessment:my-scores", _("我的考核"), "person-vcard", None),
            ("honours:my-honours", _("我的荣誉"), "patch-check", None),
        ],
    ),
    (
        _("组织与党员"),
        "diagram-3",
        [
            ("orgs:org-tree", _("组织架构"), "diagram-3", Cap.ORG_VIEW),
            ("orgs:member-list", _("党员"), "people", Cap.PERSON_VIEW),
            # groups: 群团组织 (共青团、工会、妇联) and their own rosters
            ("massorgs:list", _("群团组织"), "people-fill", Cap.ORG_VIEW),
            ("orgs:grant-list", _("角色授权"), "person-badge", Cap.ROLE_MANAGE),
            ("web:lockout-list", _("登录锁定"), "shield-lock", Cap.ROLE_MANAGE),
            ("orgs:import-list", _("导入导出"), "file-earmark-spreadsheet", Cap.IMPORT_RUN),
            # The import's validation and e-mail run in the background: failures are seen here.
            ("web:task-list", _("后台任务"), "gear", Cap.ROLE_MANAGE),
            ("notifications:text-list", _("短信发送记录"), "chat-dots", Cap.ROLE_MANAGE),
        ],
    ),
    (_("审计日志"), "journal-text", [("web:audit-list", _("审计日志"), "journal-text", Cap.AUDIT_VIEW)]),
]


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    caps = caps_for(user)
    current = request.resolver_match.view_name if request.resolver_match else ""
    groups = []
    for group_label, group_icon, entries in MENU:
        items = [
            {"url": reverse(name), "label": label, "icon": icon, "active": current == name}
            for name, label, icon, cap in entries
            if cap is None or cap in caps
        ]
        if items:
            groups.append(
                {
                    "label": group_label,
                    "icon": group_icon,
                    "items": items,
                    "active": any(i["active"] for i in items),
                }
            )
    role_labels = [str(label) for value, label in Role.choices if value in roles_for(user)]
    from pacesetter.notifications.selectors import unread_count_for

    return {"nav_groups": groups, "nav_roles": role_labels, "nav_unread": unread_count_for(user)}
