"""A migrated SQLite file database, copied instead of migrated again: for the concurrency tests that re-run in a
subprocess on a file database, and for the sites of their own that some tests start (serve, backup, crashed
workers).

SQLite's in-memory test database is shared by every thread through ONE connection, which would hide races;
on a file database (PACESETTER_TEST_SQLITE) each thread has its own connection. The subprocess starts from a
copy of one migrated database (`--reuse-db`) instead of running every migration again for each test: the
copy is built once per run, in the folder the xdist workers share, by `manage migrate` (the migrations with
their seed rows, as a new site or test database has them; Django adds the cache table when the test
database is set up).
"""

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from django.db import connection

TEMPLATE = "migrated.sqlite3"


def _shared_folder(request) -> Path:
    base = request.getfixturevalue("tmp_path_factory").getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


def migrated_copy(request, dest: Path) -> None:
    """Put at `dest` a SQLite database with every migration applied."""
    template = _shared_folder(request) / TEMPLATE
    if not template.exists():
        work = Path(tempfile.mkdtemp(dir=template.parent))
        env = {**os.environ, "PACESETTER_DATA_DIR": str(work)}
        for name in ("PACESETTER_DATABASE_URL", "PACESETTER_REPLICA_URLS", "DJANGO_SETTINGS_MODULE"):
            env.pop(name, None)  # a SQLite file in `work`, whatever database the run itself is on
        subprocess.run(
            [sys.executable, "-m", "pacesetter", "manage", "migrate", "-v", "0"],
            env=env,
            check=True,
            capture_output=True,
            timeout=600,
        )
        os.replace(work / "pacesetter.sqlite3", template)  # atomic: another worker may be building one too
    dest.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(template, dest)


def reran_on_file_sqlite(request, tmp_path: Path, inner: str) -> bool:
    """On in-memory SQLite, run this test again in a subprocess on a file database; True if it did.
    `inner` names the environment variable that tells the subprocess it is the re-run."""
    if not (connection.vendor == "sqlite" and connection.is_in_memory_db()) or os.environ.get(inner):
        return False
    db = tmp_path / "test.sqlite3"
    migrated_copy(request, db)
    env = {**os.environ, inner: "1", "PACESETTER_TEST_SQLITE": str(db)}
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:randomly",
            "--reuse-db",
            f"{request.node.path}::{request.node.name}",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    return True
