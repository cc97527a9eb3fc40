import pytest


@pytest.fixture(autouse=True)
def sms_outbox(settings):
    from pacesetter.notifications import sms

    settings.PACESETTER_SMS_BACKEND = "pacesetter.notifications.sms.LocmemBackend"
    sms.outbox.clear()
    return sms.outbox
