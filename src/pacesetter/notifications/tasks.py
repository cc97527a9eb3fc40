"""Background jobs of the notifications app."""

from django.conf import settings
from django.core.mail import send_mail
from django.utils.translation import gettext_lazy as _

from pacesetter.core.tasks import task


@task(label=_("发送邮件通知"))
def send_email(*, to: list[str], subject: str, body: str) -> None:
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, to, fail_silently=False)
