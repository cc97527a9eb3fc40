import pytest


@pytest.fixture(autouse=True)
def database_sessions(settings):
    """The query-count tests here count the session's SELECT; with PACESETTER_REDIS_URL the session would be
    read from Redis (one query fewer), so these tests keep sessions in the database whatever the run's setup."""
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.db"
