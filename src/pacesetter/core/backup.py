"""Backup and restore of one Pacesetter site: database, uploaded files and the secret key in one tar.gz.

Archive layout::

    manifest.json        format, created time, engine, schema (latest applied migration per app), applied list
    database.sqlite3     SQLite: a copy made with the online backup API (sqlite3.Connection.backup)
    database.pgdump      PostgreSQL: `pg_dump --format=custom`
    secret_key           the SECRET_KEY the data was written under (hashes of addresses, HMACs depend on it)
    media/...            every file under MEDIA_ROOT

Consistency while `serve` runs: the SQLite backup API copies the whole database in one step under a read
transaction, and pg_dump reads every table in one snapshot; so the database part is one instant. Files are
copied *after* that instant: an upload is written to disk before its row commits, so every file a row in
the copy names is already there (a file uploaded later is an orphan and harmless).

Why pg_dump rather than Django's dumpdata: one consistent snapshot without locking writers, sequences and
constraints restored exactly, and no model code involved (an archive restores even with rows a current
model would reject). The custom format is compressed and restored with pg_restore in one transaction.
"""

import datetime
import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from pathlib import Path

FORMAT = 1
SQLITE_ENGINE = "django.db.backends.sqlite3"
POSTGRES_ENGINE = "django.db.backends.postgresql"


class BackupError(Exception):
    """A backup or restore that cannot go on; the message is for the person at the console."""


def _db():
    from django.db import connection

    return connection


def applied_migrations() -> list[list[str]]:
    """[app, name] of every applied migration, in the order they were applied."""
    from django.db.migrations.recorder import MigrationRecorder

    recorder = MigrationRecorder(_db())
    if not recorder.has_table():
        return []
    return [[m.app, m.name] for m in recorder.migration_qs.order_by("applied", "id")]


def schema_of(applied: list[list[str]]) -> dict[str, str]:
    """The latest applied migration per app."""
    latest: dict[str, str] = {}
    for app, name in applied:
        latest[app] = name
    return latest


def _pg_args(settings_dict) -> tuple[list[str], dict]:
    args = ["--dbname", settings_dict["NAME"]]
    if settings_dict.get("HOST"):
        args += ["--host", str(settings_dict["HOST"])]
    if settings_dict.get("PORT"):
        args += ["--port", str(settings_dict["PORT"])]
    if settings_dict.get("USER"):
        args += ["--username", settings_dict["USER"]]
    env = dict(os.environ)
    if settings_dict.get("PASSWORD"):
        env["PGPASSWORD"] = str(settings_dict["PASSWORD"])
    return args, env


def _run(cmd: list[str], env: dict) -> None:
    try:
        result = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    except FileNotFoundError:
        raise BackupError(f"找不到 {cmd[0]}：请安装与数据库服务器同版本的 PostgreSQL 客户端工具") from None
    if result.returncode != 0:
        raise BackupError(f"{cmd[0]} 失败：{result.stderr.strip()}")


def _sqlite_path(settings_dict) -> Path:
    return Path(settings_dict["NAME"])


def _dump_database(workdir: Path) -> str:
    """Copy the database into workdir; return its member name."""
    conn = _db()
    engine = conn.settings_dict["ENGINE"]
    if engine == SQLITE_ENGINE:
        target = workdir / "database.sqlite3"
        src = sqlite3.connect(_sqlite_path(conn.settings_dict))
        dst = sqlite3.connect(target)
        try:
            src.backup(dst)  # pages=-1: the whole file in one step, one consistent read
        finally:
            dst.close()
            src.close()
        return target.name
    if engine == POSTGRES_ENGINE:
        target = workdir / "database.pgdump"
        args, env = _pg_args(conn.settings_dict)
        _run(
            ["pg_dump", "--format=custom", "--no-owner", "--no-privileges", "--file", str(target), *args], env
        )
        return target.name
    raise BackupError(f"不支持的数据库引擎：{engine}")


def _file_digest(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def media_files(root: Path) -> dict[str, str]:
    """{relative path: sha256} of every regular file under root."""
    if not root.is_dir():
        return {}
    return {p.relative_to(root).as_posix(): _file_digest(p) for p in sorted(root.rglob("*")) if p.is_file()}


def backup(archive: Path, *, now=None) -> dict:
    """Write the archive; return its manifest."""
    from django.conf import settings

    conn = _db()
    applied = applied_migrations()
    if not applied:
        raise BackupError("数据库尚未初始化（没有已执行的迁移），没有可备份的数据")
    created = now or datetime.datetime.now(datetime.UTC)
    archive = Path(archive)
    media_root = Path(settings.MEDIA_ROOT)
    with tempfile.TemporaryDirectory(prefix="pacesetter-backup-") as tmp:
        workdir = Path(tmp)
        db_member = _dump_database(workdir)
        files = media_files(media_root)
        manifest = {
            "format": FORMAT,
            "created": created.isoformat(),
            "engine": conn.settings_dict["ENGINE"],
            "database": db_member,
            "schema": schema_of(applied),
            "applied": applied,
            "files": files,
        }
        partial = archive.with_name(archive.name + ".partial")
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)  # it holds the secret key
        with os.fdopen(fd, "wb") as raw, tarfile.open(fileobj=raw, mode="w:gz") as tar:
            _add_bytes(tar, "manifest.json", json.dumps(manifest, ensure_ascii=False, indent=1).encode())
            _add_bytes(tar, "secret_key", settings.SECRET_KEY.encode())
            tar.add(workdir / db_member, arcname=db_member)
            for rel in files:
                tar.add(media_root / rel, arcname=f"media/{rel}")
        partial.replace(archive)
    return manifest


def _add_bytes(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mode = 0o600
    info.mtime = int(datetime.datetime.now(datetime.UTC).timestamp())
    tar.addfile(info, io.BytesIO(data))


def read_manifest(tar: tarfile.TarFile) -> dict:
    try:
        member = tar.extractfile("manifest.json")
    except KeyError:
        raise BackupError("这不是 Pacesetter 备份文件（缺少 manifest.json）") from None
    if member is None:  # a directory or link named manifest.json
        raise BackupError("这不是 Pacesetter 备份文件（manifest.json 不是文件）")
    manifest = json.loads(member.read().decode())
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(f"不认识的备份格式版本：{manifest.get('format')}")
    return manifest


def unknown_migrations(applied: list[list[str]]) -> list[str]:
    """Migrations in the archive that this code does not have: the archive comes from a newer version."""
    from django.db.migrations.loader import MigrationLoader

    known = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
    return [f"{app}.{name}" for app, name in applied if (app, name) not in known]


def database_is_empty() -> bool:
    conn = _db()
    if conn.settings_dict["ENGINE"] == SQLITE_ENGINE:
        path = _sqlite_path(conn.settings_dict)
        if not path.exists() or path.stat().st_size == 0:
            return True
        with sqlite3.connect(path) as probe:
            return probe.execute("SELECT count(*) FROM sqlite_master WHERE type='table'").fetchone()[0] == 0
    return not conn.introspection.table_names()


def restore(archive: Path) -> dict:
    """Restore the archive into an empty database and empty MEDIA_ROOT; return its manifest.

    The current secret key file in the data directory is replaced by the archive's; when the key comes from
    PACESETTER_SECRET_KEY instead and differs, the caller is told to set it (see the returned manifest's
    "secret_key_mismatch")."""
    from django.conf import settings

    conn = _db()
    archive = Path(archive)
    if not archive.is_file():
        raise BackupError(f"找不到备份文件：{archive}")
    engine = conn.settings_dict["ENGINE"]
    media_root = Path(settings.MEDIA_ROOT)
    try:
        return _restore_from(archive, conn, engine, media_root, settings)
    except (tarfile.TarError, EOFError, OSError, ValueError, KeyError, TypeError) as exc:
        raise BackupError(f"备份文件已损坏或不完整：{exc}") from exc


def _restore_from(archive: Path, conn, engine: str, media_root: Path, settings) -> dict:
    with tarfile.open(archive, "r:gz") as tar:
        manifest = read_manifest(tar)
        names = set(tar.getnames())
        lacking = sorted({"secret_key", manifest["database"]} - names)
        if lacking:
            raise BackupError("备份文件不完整，缺少：" + "、".join(lacking))
        if manifest["engine"] != engine:
            raise BackupError(
                f"备份来自 {manifest['engine']} 数据库，当前配置的是 {engine}：只能恢复到同一种数据库"
            )
        newer = unknown_migrations(manifest["applied"])
        if newer:
            raise BackupError(
                "备份来自更新版本的 Pacesetter（本程序不认识这些数据库迁移："
                + "、".join(newer)
                + "）。请先升级程序再恢复。"
            )
        if not database_is_empty():
            raise BackupError("目标数据库不是空的：只能恢复到空数据库。请换一个新数据库（或清空后）再恢复。")
        if media_files(media_root):
            raise BackupError(f"上传文件目录 {media_root} 不是空的：只能恢复到空的数据目录。")
        with tempfile.TemporaryDirectory(prefix="pacesetter-restore-") as tmp:
            workdir = Path(tmp)
            tar.extractall(workdir, filter="data")
            _load_database(workdir / manifest["database"], engine)
            if (workdir / "media").is_dir():
                media_root.mkdir(parents=True, exist_ok=True)
                shutil.copytree(workdir / "media", media_root, dirs_exist_ok=True)
            key = (workdir / "secret_key").read_text()
    restored = media_files(media_root)
    missing = sorted(rel for rel, digest in manifest["files"].items() if restored.get(rel) != digest)
    if missing:
        raise BackupError("以下文件恢复后校验不一致：" + "、".join(missing))
    manifest["secret_key_mismatch"] = _restore_secret_key(key, settings)
    return manifest


def _load_database(source: Path, engine: str) -> None:
    conn = _db()
    if engine == SQLITE_ENGINE:
        conn.close()
        path = _sqlite_path(conn.settings_dict)
        path.parent.mkdir(parents=True, exist_ok=True)
        src = sqlite3.connect(source)
        dst = sqlite3.connect(path)
        try:
            src.backup(dst)
        finally:
            dst.close()
            src.close()
        return
    conn.close()
    args, env = _pg_args(conn.settings_dict)
    _run(
        [
            "pg_restore",
            "--no-owner",
            "--no-privileges",
            "--single-transaction",
            "--exit-on-error",
            *args,
            str(source),
        ],
        env,
    )


def _restore_secret_key(key: str, settings) -> bool:
    """Put the archive's key where settings read it; True when PACESETTER_SECRET_KEY overrides it and differs."""
    from_env = os.getenv("PACESETTER_SECRET_KEY", "")
    if from_env:
        return from_env != key
    key_file = Path(settings.DATA_DIR) / "secret_key"
    fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(key)
    return False
