import os

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(autouse=True, scope="session")
def redis_cache_per_worker():
    """With Redis (CI's PostgreSQL + replica + Redis stage) and pytest-xdist, each worker gets a Redis
    database of its own for the cache and sessions: the workers' test databases reuse the same ids, and a
    test's `cache.clear()` is a FLUSHDB, which would sign the other worker's clients out mid-test. Worker
    gwK uses the configured database number minus K + 1 (db 13 → 12 and 11)."""
    from django.conf import settings
    from django.test.utils import override_settings

    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    if not settings.REDIS_URL or not worker.startswith("gw"):
        yield
        return
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(settings.REDIS_URL)
    base = int(parts.path.strip("/") or 0)
    number = base - int(worker[2:]) - 1
    if number < 0:
        raise pytest.UsageError(f"PACESETTER_REDIS_URL's database {base} leaves none below it for {worker}")
    url = urlunsplit(parts._replace(path=f"/{number}"))
    caches = {**settings.CACHES, "default": {**settings.CACHES["default"], "LOCATION": url}}
    with override_settings(CACHES=caches):
        from django.core.cache import cache

        cache.clear()
        yield


@pytest.fixture
def city(db):
    from tests.factories import City

    return City()


@pytest.fixture
def client_for(client):
    """client_for(user) → a test client signed in as `user` (None: anonymous)."""
    from django.test import Client

    def make(user):
        c = Client()
        if user is not None:
            c.force_login(user)
        return c

    return make


@pytest.fixture(autouse=True)
def fast_password_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def plain_static_storage(settings):
    """Tests render pages without a collectstatic: source files under their own names, served by finders."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
    }
    settings.WHITENOISE_USE_FINDERS = True


@pytest.fixture
def database_tasks(settings):
    """The database task queue, whose rows (DBTaskResult) a test reads, also when the run sets Redis (which
    puts tasks on RQ, as in CI's PostgreSQL + replica + Redis stage)."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
