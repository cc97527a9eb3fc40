"""The second factor (TOTP codes from a phone app, django-otp) for the roles in settings.OTP_ROLES.

A user holding such a role signs in with the password, then must enter a code before any page that is
not public: the first time they scan a QR code on the setup page, afterwards they type the current code.
django-otp keeps the devices, checks codes (with its own throttling of wrong codes) and marks the session
verified; orgs.accounts decides who needs it (by role) and policy.SecondFactorMiddleware sends them to the right page.
"""

from django_otp.plugins.otp_totp.models import TOTPDevice


def confirmed_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()
