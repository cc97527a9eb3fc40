"""The second factor (TOTP codes from a phone app, django-otp) for the roles in settings.OTP_ROLES.

A user holding such a role signs in with the password, then must enter a code before any page that is
not public: the first time they scan a QR code on the setup page, afterwards they type the current code.
django-otp keeps the devices, checks codes (with its own throttling of wrong codes) and marks the session
verified; this module decides who needs it and sends them to the right page.
"""

from urllib.parse import urlencode

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

# Pages an unverified user still needs: the second-factor pages themselves and leaving.
EXEMPT = {"otp-setup", "otp-verify", "logout", "set_language", "javascript-catalog", "favicon"}


def otp_required(user) -> bool:
    if not settings.OTP_ROLES or not user.is_authenticated:
        return False
    from pacesetter.orgs.selectors import roles_for

    return bool(roles_for(user) & settings.OTP_ROLES)


def confirmed_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


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
        from pacesetter.policy import PUBLIC, rule_for

        match = request.resolver_match
        name = match.view_name if match else ""
        if name in EXEMPT or name.startswith("static") or rule_for(name, request.method) == PUBLIC:
            return None
        if request.path_info.startswith("/api/"):
            return JsonResponse(
                {"code": "second_factor_required", "message": _("请先在网页上完成动态验证码验证")}, status=401
            )
        target = "otp-verify" if confirmed_device(user) else "otp-setup"
        return redirect(f"{reverse(target)}?{urlencode({'next': request.get_full_path()})}")
