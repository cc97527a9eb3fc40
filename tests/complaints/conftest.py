import datetime

import pytest


@pytest.fixture(autouse=True)
def sms_outbox(settings):
    from pacesetter.notifications import sms

    settings.PACESETTER_SMS_BACKEND = "pacesetter.notifications.sms.LocmemBackend"
    sms.outbox.clear()
    return sms.outbox


@pytest.fixture(autouse=True)
def clear_cache():
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def file_case(city):
    from pacesetter.complaints.services import categories_ensure

    categories_ensure()
    """file_case(**overrides) → (case, password): an anonymous report about the school branch."""
    from pacesetter.complaints.services import case_file_public

    def make(**kw):
        args = {
            "subject_type": "org",
            "subject_id": city.school.pk,
            "category": "conduct",
            "text": "学校党支部办事拖拉，群众反映多次未得到答复。",
            "ip": "10.0.0.1",
        }
        args.update(kw)
        return case_file_public(**args)

    return make


MONDAY = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)
