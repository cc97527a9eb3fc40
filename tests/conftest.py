import os

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


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
