import pytest

from pacesetter.orgs.enums import Role
from tests.commitments.conftest import PATH, advance, make_campaign, org_commitment  # noqa: F401
from tests.factories import make_user


@pytest.fixture(autouse=True)
def sms_outbox(settings):
    from pacesetter.notifications import sms

    settings.PACESETTER_SMS_BACKEND = "pacesetter.notifications.sms.LocmemBackend"
    settings.SITE_URL = "https://cxzy.example.cn"
    settings.ONECOUNT_RESEND_SECONDS = 0
    sms.outbox.clear()
    return sms.outbox


@pytest.fixture
def published(city):
    from pacesetter.commitments.enums import CommitmentStatus

    city.school_secretary = make_user("school_secretary", Role.SECRETARY, city.school)
    campaign = make_campaign(city)
    return advance(city, org_commitment(city, campaign), CommitmentStatus.PUBLISHED)
