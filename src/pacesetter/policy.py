"""The access policy: one declared rule for every URL name (pages and API), enforced by PolicyMiddleware.

A rule says who may reach a view at all: PUBLIC (anyone), LOGIN (any signed-in user) or a capability
(`Cap`) that one of the user's roles must carry somewhere. Which *objects* they may touch is the
selectors' business (scope: the subtree their role is granted on). A URL name missing from this table
is refused for everyone (fail closed), and the permission test fails until a rule is written.
"""

from urllib.parse import urlencode

from django.http import HttpResponseForbidden, JsonResponse
from django.shortcuts import redirect
from django.urls import Resolver404, resolve, reverse
from django.utils.translation import gettext as _

from pacesetter.actions.access import RULES as ACTION_RULES
from pacesetter.assessment.access import RULES as ASSESSMENT_RULES
from pacesetter.campaigns.access import RULES as CAMPAIGN_RULES
from pacesetter.commitments.access import RULES as COMMITMENT_RULES
from pacesetter.complaints.access import RULES as COMPLAINT_RULES
from pacesetter.core.access import LOGIN, PUBLIC
from pacesetter.core.otp import confirmed_device
from pacesetter.evaluations.access import RULES as EVALUATION_RULES
from pacesetter.follows.access import RULES as FOLLOW_RULES
from pacesetter.honours.access import RULES as HONOUR_RULES
from pacesetter.massorgs.access import RULES as MASSORG_RULES
from pacesetter.members.access import RULES as MEMBER_RULES
from pacesetter.orgs.accounts import otp_required
from pacesetter.orgs.enums import Cap
from pacesetter.orgs.selectors import has_cap
from pacesetter.plans.access import RULES as PLAN_RULES
from pacesetter.points.access import RULES as POINT_RULES
from pacesetter.publicity.access import RULES as PUBLICITY_RULES
from pacesetter.records.access import RULES as RECORD_RULES
from pacesetter.supervision.access import RULES as SUPERVISION_RULES

POLICY: dict[str, str | dict[str, str]] = {
    # Site and account
    "web:home": PUBLIC,
    "web:dashboard": LOGIN,
    "web:healthz": PUBLIC,
    "web:public-org": PUBLIC,
    "web:public-org-poster": Cap.ORG_VIEW,
    "web:progress": Cap.PROGRESS_VIEW,
    "web:progress-xlsx": Cap.PROGRESS_VIEW,
    "login": PUBLIC,
    "logout": LOGIN,
    "set_language": PUBLIC,
    "password_change": LOGIN,
    "password_change_done": LOGIN,
    "otp-setup": LOGIN,
    "otp-verify": LOGIN,
    "javascript-catalog": PUBLIC,
    "favicon": PUBLIC,
    # Organisation tree
    "orgs:org-tree": Cap.ORG_VIEW,
    "orgs:org-children": Cap.ORG_VIEW,
    "orgs:org-detail": Cap.ORG_VIEW,
    "orgs:org-create": Cap.ORG_MANAGE,
    "orgs:org-edit": Cap.ORG_MANAGE,
    "orgs:org-move": Cap.ORG_MANAGE,
    "orgs:org-deactivate": Cap.ORG_MANAGE,
    "orgs:org-activate": Cap.ORG_MANAGE,
    # People
    "orgs:me": LOGIN,
    "orgs:member-list": Cap.PERSON_VIEW,
    "orgs:member-detail": LOGIN,  # a member may open their own record; others need person.view in scope
    "orgs:member-create": Cap.PERSON_MANAGE,
    "orgs:member-edit": Cap.PERSON_MANAGE,
    "orgs:member-reveal": Cap.PERSON_PII,  # over the member's organisation: checked in the service
    "orgs:member-deactivate": Cap.PERSON_MANAGE,
    "orgs:member-activate": Cap.PERSON_MANAGE,
    "orgs:member-account": Cap.PERSON_MANAGE,
    # Roles and liaison
    "orgs:grant-list": Cap.ROLE_MANAGE,
    "orgs:grant-create": Cap.ROLE_MANAGE,
    "orgs:grant-revoke": Cap.ROLE_MANAGE,
    "orgs:account-create": Cap.ROLE_MANAGE,
    "orgs:liaison-create": Cap.ROLE_MANAGE,
    "orgs:liaison-remove": Cap.ROLE_MANAGE,
    # Import and export
    "orgs:import-list": Cap.IMPORT_RUN,
    "orgs:import-upload": Cap.IMPORT_RUN,
    "orgs:import-detail": Cap.IMPORT_RUN,
    "orgs:import-progress": Cap.IMPORT_RUN,
    "orgs:import-confirm": Cap.IMPORT_RUN,
    "orgs:import-rollback": Cap.IMPORT_RUN,
    "orgs:import-template": Cap.IMPORT_RUN,
    "orgs:export": Cap.IMPORT_RUN,
    # Audit, tokens, inbox
    "web:audit-list": Cap.AUDIT_VIEW,
    "web:audit-xlsx": Cap.AUDIT_VIEW,
    "web:token-list": LOGIN,
    "web:token-revoke": LOGIN,
    "web:lockout-list": Cap.ROLE_MANAGE,
    "web:lockout-lift": Cap.ROLE_MANAGE,
    # Background tasks: office only (the view narrows it to an office at the root of the tree)
    "web:task-list": Cap.ROLE_MANAGE,
    "web:task-retry": Cap.ROLE_MANAGE,
    "notifications:inbox": LOGIN,
    "notifications:mark-read": LOGIN,
    "notifications:preferences": LOGIN,
    "notifications:text-list": Cap.ROLE_MANAGE,  # the view narrows it to the office, like web:task-list
    # JSON API (django-ninja names its routes api-1.0.0:<url_name>)
    "api-1.0.0:openapi-json": PUBLIC,
    "api-1.0.0:openapi-view": PUBLIC,
    "api-1.0.0:api-root": PUBLIC,
    "api-1.0.0:me": LOGIN,
    "api-1.0.0:org-list": {"GET": Cap.ORG_VIEW, "POST": Cap.ORG_MANAGE},
    "api-1.0.0:org-detail": {"GET": Cap.ORG_VIEW, "PATCH": Cap.ORG_MANAGE},
    "api-1.0.0:org-children": Cap.ORG_VIEW,
    "api-1.0.0:org-move": Cap.ORG_MANAGE,
    "api-1.0.0:org-deactivate": Cap.ORG_MANAGE,
    "api-1.0.0:member-list": {"GET": Cap.PERSON_VIEW, "POST": Cap.PERSON_MANAGE},
    "api-1.0.0:member-detail": {"GET": LOGIN, "PATCH": Cap.PERSON_MANAGE},
    "api-1.0.0:member-deactivate": Cap.PERSON_MANAGE,
    "api-1.0.0:grant-list": {"GET": Cap.ROLE_MANAGE, "POST": Cap.ROLE_MANAGE},
    "api-1.0.0:grant-revoke": Cap.ROLE_MANAGE,
    "api-1.0.0:audit-list": Cap.AUDIT_VIEW,
    "api-1.0.0:progress": Cap.PROGRESS_VIEW,
    "api-1.0.0:notification-list": LOGIN,
    "api-1.0.0:notification-read": LOGIN,
    "api-1.0.0:notification-preferences": LOGIN,
    # Each later app declares its own rules beside its views; they are part of this one table.
    **CAMPAIGN_RULES,
    **PLAN_RULES,
    **RECORD_RULES,
    **COMMITMENT_RULES,
    **EVALUATION_RULES,
    **SUPERVISION_RULES,
    **COMPLAINT_RULES,
    **POINT_RULES,
    **PUBLICITY_RULES,
    **HONOUR_RULES,
    **FOLLOW_RULES,
    **ACTION_RULES,
    **ASSESSMENT_RULES,
    **MASSORG_RULES,
    **MEMBER_RULES,
}


def rule_for(url_name: str, method: str) -> str | None:
    rule = POLICY.get(url_name)
    if isinstance(rule, dict):
        return rule.get(method.upper()) or (
            rule.get("GET") if method.upper() in ("HEAD", "OPTIONS") else None
        )
    return rule


def is_allowed(user, rule: str | None) -> bool:
    if rule is None:
        return False
    if rule == PUBLIC:
        return True
    if not user.is_authenticated:
        return False
    return rule == LOGIN or has_cap(user, rule)


class PolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if match is None:
            try:
                match = resolve(request.path_info)
            except Resolver404:
                return None
        name = match.view_name
        if name.startswith(("static", "djdt")):
            return None
        rule = rule_for(name, request.method)
        if is_allowed(request.user, rule):
            return None
        is_api = request.path_info.startswith("/api/")
        if not request.user.is_authenticated and rule is not None:
            if is_api:
                return JsonResponse(
                    {"code": "not_authenticated", "message": _("请先登录或提供有效的 API 令牌")}, status=401
                )
            return redirect(f"/accounts/login/?next={request.get_full_path()}")
        message = _("您没有权限访问此页面") if rule is not None else _("此页面尚未声明访问规则，已拒绝访问")
        if is_api:
            return JsonResponse({"code": "permission_denied", "message": message}, status=403)
        from django.template.loader import render_to_string

        return HttpResponseForbidden(
            render_to_string("web/error.html", {"status": 403, "message": message}, request)
        )


# Pages an unverified user still needs: the second-factor pages themselves and leaving.
OTP_EXEMPT = {"otp-setup", "otp-verify", "logout", "set_language", "javascript-catalog", "favicon"}


class SecondFactorMiddleware:
    """Sends a signed-in user whose role needs a second factor, and who has not given it in this session,
    to the setup or verify page (API token clients are machines: their token was made by a verified user)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = request.user
        if getattr(request, "auth_via_token", False) or not otp_required(user) or user.is_verified():
            return None
        match = request.resolver_match
        name = match.view_name if match else ""
        if name in OTP_EXEMPT or name.startswith("static") or rule_for(name, request.method) == PUBLIC:
            return None
        if request.path_info.startswith("/api/"):
            return JsonResponse(
                {"code": "second_factor_required", "message": _("请先在网页上完成动态验证码验证")}, status=401
            )
        target = "otp-verify" if confirmed_device(user) else "otp-setup"
        return redirect(f"{reverse(target)}?{urlencode({'next': request.get_full_path()})}")
