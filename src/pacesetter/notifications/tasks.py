"""Background jobs of the notifications app."""

from django.conf import settings
from django.core.mail import send_mail

from pacesetter.core.tasks import task


@task
def send_email(*, to: list[str], subject: str, body: str) -> None:
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, to, fail_silently=False)
