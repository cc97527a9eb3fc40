"""`pacesetter backup` / `pacesetter restore`: backup → wipe → restore gives back every row and every file.

The commands run as separate processes with their own data directory and database, as they do on a server;
the test process's own database is not involved.
"""

import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tarfile
import time
from pathlib import Path

import pytest
from django.db.migrations.loader import MigrationLoader

from tests.file_sqlite import migrated_copy

# Sites of their own (SQLite, and a scratch PostgreSQL database), in subprocesses: the same in every stage of
# .ci/run, which runs them once.
pytestmark = pytest.mark.one_engine

REPO = Path(__file__).resolve().parents[2]
PG_SERVER = os.getenv("PACESETTER_BACKUP_TEST_PG", "postgres://postgres@127.0.0.1:5432")
PG_SRC, PG_DST = "ps_backup_scratch_src", "ps_backup_scratch_dst"

POPULATE = """
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from tests.factories import City
from pacesetter.core.audit import audit_log
from pacesetter.supervision.models import Evidence, Rectification, RectificationReport, Review

c = City()
rv = Review.objects.create(leader=c.leader, organisation=c.school, achievements="成绩", problems="问题",
    direction="方向", rating="good")
o = Rectification.objects.create(organisation=c.school, source="review", review=rv, problem="问题", measures_required="要求",
    working_days=5, deadline=timezone.localdate(), issued_by=c.office, issued_at=timezone.now(), updated_at=timezone.now())
r = RectificationReport.objects.create(rectification=o, measures_taken="已整改", reported_by=c.secretary,
    reported_at=timezone.now())
for name, data in (("a.pdf", b"%PDF-1.4 first"), ("b.png", bytes(range(256)) * 40)):
    ev = Evidence(report=r, original_name=name, size=len(data))
    ev.file.save(name, SimpleUploadedFile(name, data), save=False)
    ev.save()
audit_log(actor=c.office, action="test.backup", obj=o, after={"note": "备份测试"})
"""


def _run(args, env, *, check=True):
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-m", "pacesetter", *args], env=env, capture_output=True, text=True, check=False
    )
    if check and result.returncode != 0:
        raise AssertionError(f"{args} failed: {result.stdout}\n{result.stderr}")
    return result


def _env(data_dir: Path, database_url: str | None = None) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PACESETTER_")}
    env.update(PYTHONPATH=f"{REPO / 'src'}{os.pathsep}{REPO}", PACESETTER_DATA_DIR=str(data_dir))
    if database_url:
        env["PACESETTER_DATABASE_URL"] = database_url
    return env


def _files(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in root.rglob("*")
        if p.is_file()
    }


def _sqlite_rows(path: Path) -> dict[str, list]:
    with sqlite3.connect(path) as conn:
        tables = [
            r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name")
        ]
        return {t: sorted(map(repr, conn.execute(f'SELECT * FROM "{t}"'))) for t in tables}  # noqa: S608


def _pg_rows(dbname: str) -> dict[str, list]:
    import psycopg

    with psycopg.connect(f"{PG_SERVER}/{dbname}") as conn:
        tables = [
            r[0]
            for r in conn.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
            )
        ]
        rows = {t: sorted(map(repr, conn.execute(f'SELECT * FROM "{t}"'))) for t in tables}  # noqa: S608
        seqs = conn.execute("SELECT sequencename, last_value FROM pg_sequences ORDER BY 1").fetchall()
        rows["<sequences>"] = seqs
        return rows


def _pg_admin(sql: str) -> None:
    import psycopg

    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as conn:
        conn.execute(sql)


def _make_site(data_dir: Path, database_url: str | None = None, request=None) -> dict:
    """A populated site; on SQLite (with `request`) from the migrated copy, which is what `migrate` makes."""
    env = _env(data_dir, database_url)
    if database_url is None and request is not None:
        migrated_copy(request, data_dir / "pacesetter.sqlite3")
    else:
        _run(["manage", "migrate", "--noinput", "-v", "0"], env)
    _run(["manage", "shell", "-c", POPULATE], env)
    return env


@pytest.fixture(scope="module")
def sqlite_site(request, tmp_path_factory):
    root = tmp_path_factory.mktemp("sqlite-site")
    env = _make_site(root / "data", request=request)
    _run(["backup", str(root / "site.tar.gz")], env)
    return root, env


def test_backup_then_wipe_then_restore_sqlite_gives_every_row_and_file_back(sqlite_site):
    root, env = sqlite_site
    data = root / "data"
    rows_before = _sqlite_rows(data / "pacesetter.sqlite3")
    files_before = _files(data / "media")
    key_before = (data / "secret_key").read_text()
    shutil.rmtree(data)

    result = _run(["restore", str(root / "site.tar.gz")], env)

    assert "已从" in result.stdout
    assert _sqlite_rows(data / "pacesetter.sqlite3") == rows_before
    assert _files(data / "media") == files_before
    assert len(files_before) == 2
    assert len(rows_before["supervision_evidence"]) == 2
    assert (data / "secret_key").read_text() == key_before


def test_backup_archive_holds_manifest_with_schema_engine_and_time(sqlite_site):
    root, _env_ = sqlite_site
    with tarfile.open(root / "site.tar.gz") as tar:
        manifest = json.load(tar.extractfile("manifest.json"))
        names = set(tar.getnames())
    assert manifest["engine"] == "django.db.backends.sqlite3"
    # The site was migrated to the end: the latest applied migration of each app is this code's leaf.
    # The site runs without Redis (_env drops every PACESETTER_ setting), so django_rq, which only Redis
    # installs, is no part of its schema even when this test process runs with Redis (CI's replica stage).
    leaves = MigrationLoader(None, ignore_no_migrations=True).graph.leaf_nodes()
    assert manifest["schema"] == {app: name for app, name in leaves if app != "django_rq"}
    assert manifest["schema"]["core"] == "0005_merge_task_queue"
    assert manifest["created"].startswith("20")
    assert {"manifest.json", "secret_key", "database.sqlite3"} <= names
    assert oct(os.stat(root / "site.tar.gz").st_mode & 0o777) == "0o600"


def test_restore_into_non_empty_database_is_refused(sqlite_site, tmp_path):
    root, _env_ = sqlite_site
    env = _env(tmp_path / "data")
    _run(["manage", "migrate", "--noinput", "-v", "0", "auth"], env)

    result = _run(["restore", str(root / "site.tar.gz")], env, check=False)

    assert result.returncode == 1
    assert "目标数据库不是空的" in result.stderr


def test_restore_into_data_directory_with_files_is_refused(sqlite_site, tmp_path):
    root, _env_ = sqlite_site
    (tmp_path / "data" / "media").mkdir(parents=True)
    (tmp_path / "data" / "media" / "old.txt").write_text("left over")

    result = _run(["restore", str(root / "site.tar.gz")], _env(tmp_path / "data"), check=False)

    assert result.returncode == 1
    assert "不是空的" in result.stderr
    assert (
        not (tmp_path / "data" / "pacesetter.sqlite3").exists()
        or _sqlite_rows(tmp_path / "data" / "pacesetter.sqlite3") == {}
    )


WRITER = """
import sqlite3, sys, time
conn = sqlite3.connect(sys.argv[1], timeout=20, isolation_level=None)
i = 0
while True:
    conn.execute("BEGIN IMMEDIATE")
    conn.execute("INSERT INTO core_sweeprun (name) VALUES (?)", (f"w{i}a",))
    conn.execute("INSERT INTO core_sweeprun (name) VALUES (?)", (f"w{i}b",))
    conn.execute("COMMIT")
    i += 1
    if i == 20:
        open(sys.argv[2], "w").close()  # writing has started
"""


def test_backup_while_another_process_writes_is_one_consistent_instant(sqlite_site, tmp_path):
    root, env = sqlite_site
    db = root / "data" / "pacesetter.sqlite3"
    started = tmp_path / "started"
    writer = subprocess.Popen([sys.executable, "-c", WRITER, str(db), str(started)])  # noqa: S603
    try:
        for _ in range(600):
            if started.exists() or writer.poll() is not None:
                break
            time.sleep(0.05)
        assert started.exists()
        _run(["backup", str(tmp_path / "busy.tar.gz")], env)
    finally:
        writer.kill()
        writer.wait()
    _run(["restore", str(tmp_path / "busy.tar.gz")], _env(tmp_path / "data"))

    with sqlite3.connect(tmp_path / "data" / "pacesetter.sqlite3") as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        names = {r[0] for r in conn.execute("SELECT name FROM core_sweeprun WHERE name LIKE 'w%'")}
    assert len(names) >= 40
    # Every writer transaction is in the copy whole or not at all.
    assert {n[:-1] for n in names if n.endswith("a")} == {n[:-1] for n in names if n.endswith("b")}
    with sqlite3.connect(db) as conn:
        conn.execute("DELETE FROM core_sweeprun WHERE name LIKE 'w%'")


def _rewrite_manifest(source: Path, target: Path, change) -> None:
    with tarfile.open(source) as tin, tarfile.open(target, "w:gz") as tout:
        for member in tin.getmembers():
            data = tin.extractfile(member).read()
            if member.name == "manifest.json":
                manifest = json.loads(data)
                change(manifest)
                data = json.dumps(manifest).encode()
                member.size = len(data)
            tout.addfile(member, io.BytesIO(data))


def test_restore_of_archive_from_newer_schema_is_refused(sqlite_site, tmp_path):
    root, _env_ = sqlite_site

    def newer(manifest):
        manifest["applied"].append(["supervision", "0099_from_the_future"])
        manifest["schema"]["supervision"] = "0099_from_the_future"

    _rewrite_manifest(root / "site.tar.gz", tmp_path / "newer.tar.gz", newer)

    result = _run(["restore", str(tmp_path / "newer.tar.gz")], _env(tmp_path / "data"), check=False)

    assert result.returncode == 1
    assert "supervision.0099_from_the_future" in result.stderr
    assert "更新版本" in result.stderr
    assert _sqlite_rows(tmp_path / "data" / "pacesetter.sqlite3") == {}


def test_restore_of_archive_from_other_engine_is_refused(sqlite_site, tmp_path):
    root, _env_ = sqlite_site
    _rewrite_manifest(
        root / "site.tar.gz",
        tmp_path / "pg.tar.gz",
        lambda m: m.update(engine="django.db.backends.postgresql"),
    )

    result = _run(["restore", str(tmp_path / "pg.tar.gz")], _env(tmp_path / "data"), check=False)

    assert result.returncode == 1
    assert "只能恢复到同一种数据库" in result.stderr


def test_restore_of_a_damaged_archive_is_refused_plainly(sqlite_site, tmp_path):
    root, _env_ = sqlite_site
    damaged = tmp_path / "damaged.tar.gz"
    damaged.write_bytes((root / "site.tar.gz").read_bytes()[:5000])

    result = _run(["restore", str(damaged)], _env(tmp_path / "data"), check=False)

    assert result.returncode == 1
    assert result.stderr.startswith("恢复失败：备份文件已损坏或不完整")
    assert "Traceback" not in result.stderr


def _pg_available() -> bool:
    try:
        _pg_admin("SELECT 1")
    except Exception:
        return False
    return shutil.which("pg_dump") is not None


@pytest.mark.skipif(not _pg_available(), reason="PostgreSQL server or pg_dump not available")
def test_backup_then_wipe_then_restore_postgresql_gives_every_row_and_file_back(tmp_path):
    for name in (PG_SRC, PG_DST):
        _pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    _pg_admin(f'CREATE DATABASE "{PG_SRC}"')
    try:
        env = _make_site(tmp_path / "data", f"{PG_SERVER}/{PG_SRC}")
        _run(["backup", str(tmp_path / "site.tar.gz")], env)
        rows_before = _pg_rows(PG_SRC)
        files_before = _files(tmp_path / "data" / "media")
        # Wipe: a new empty database and an empty data directory.
        _pg_admin(f'DROP DATABASE "{PG_SRC}" WITH (FORCE)')
        _pg_admin(f'CREATE DATABASE "{PG_DST}"')
        shutil.rmtree(tmp_path / "data")
        env_dst = _env(tmp_path / "data", f"{PG_SERVER}/{PG_DST}")

        _run(["restore", str(tmp_path / "site.tar.gz")], env_dst)

        assert _pg_rows(PG_DST) == rows_before
        assert _files(tmp_path / "data" / "media") == files_before
        assert len(files_before) == 2
        assert len(rows_before["supervision_evidence"]) == 2
        again = _run(["restore", str(tmp_path / "site.tar.gz")], env_dst, check=False)
        assert again.returncode == 1
        assert "目标数据库不是空的" in again.stderr
    finally:
        for name in (PG_SRC, PG_DST):
            _pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
