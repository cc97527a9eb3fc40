"""The deployment settings read from the environment: replicas, Redis, a shared upload directory."""

import json

from tests.core.test_deploy_settings import run

NAMES = [
    "DATABASE_ROUTERS",
    "MIDDLEWARE",
    "CACHES",
    "SESSION_ENGINE",
    "TASKS",
    "MEDIA_ROOT",
    "REPLICA_ALIASES",
    "STORAGES",
]


def settings_of(tmp_path, **env):
    code = (
        "import json, pacesetter.settings as s; "
        f"print(json.dumps({{n: getattr(s, n, None) for n in {NAMES!r}}}, default=str)); "
        "print(json.dumps({k: {'HOST': v['HOST'], 'PORT': v['PORT'], 'TEST': v.get('TEST')} "
        "for k, v in s.DATABASES.items()}))"
    )
    result = run(["-c", code], tmp_path, **env)
    return result


def test_nothing_set_one_database_local_cache_and_files_in_the_data_directory(tmp_path):
    result = settings_of(tmp_path)
    assert result.returncode == 0, result.stderr
    s, dbs = (json.loads(line) for line in result.stdout.splitlines())
    assert s["DATABASE_ROUTERS"] is None and s["REPLICA_ALIASES"] == []
    assert "pacesetter.core.db_router.ReplicaReadMiddleware" not in s["MIDDLEWARE"]
    assert s["CACHES"] is None and s["SESSION_ENGINE"] is None  # Django's defaults: local memory, database
    assert s["TASKS"]["default"]["BACKEND"] == "django_tasks_db.DatabaseBackend"
    assert s["MEDIA_ROOT"] == str(tmp_path.resolve() / "media")
    assert list(dbs) == ["default"]


def test_replicas_redis_and_shared_uploads(tmp_path):
    result = settings_of(
        tmp_path,
        PACESETTER_DATABASE_URL="postgres://postgres@db1:5432/ps",
        PACESETTER_REPLICA_URLS="postgres://postgres@db2:5432/ps, postgres://postgres@db3:5432/ps",
        PACESETTER_REDIS_URL="redis://cache:6379/2",
        PACESETTER_MEDIA_ROOT=str(tmp_path / "shared"),
    )
    assert result.returncode == 0, result.stderr
    s, dbs = (json.loads(line) for line in result.stdout.splitlines())
    assert s["DATABASE_ROUTERS"] == ["pacesetter.core.db_router.ReplicaRouter"]
    assert s["MIDDLEWARE"][:2] == [
        "django.middleware.security.SecurityMiddleware",
        "pacesetter.core.db_router.ReplicaReadMiddleware",
    ]
    assert dbs["replica1"]["HOST"] == "db2" and dbs["replica2"]["HOST"] == "db3"
    assert dbs["replica1"]["TEST"] == {"MIRROR": "default"}
    assert s["CACHES"]["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    assert s["CACHES"]["default"]["LOCATION"] == "redis://cache:6379/2"
    assert s["SESSION_ENGINE"] == "django.contrib.sessions.backends.cache"
    assert s["TASKS"]["default"]["BACKEND"] == "pacesetter.core.rq.RetryingRQBackend"
    assert s["MEDIA_ROOT"] == str(tmp_path / "shared")


def test_a_replica_of_another_engine_is_refused(tmp_path):
    result = settings_of(
        tmp_path,
        PACESETTER_DATABASE_URL="postgres://postgres@db1:5432/ps",
        PACESETTER_REPLICA_URLS=f"sqlite:///{tmp_path}/x.sqlite3",
    )
    assert result.returncode != 0 and "PACESETTER_REPLICA_URLS" in result.stderr
