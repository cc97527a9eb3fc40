"""The daily digest (issue #20) at 1,000,000 members of whom 5 % have news.

    PYTHONPATH=src .venv/bin/python benchmarks/bench_digest.py [--users 1000000] [--share 0.05] [--batch 500]

Needs PostgreSQL at 127.0.0.1:5432 (user postgres, trust). Creates the database `ps_bench_digest` afresh,
migrates it, then generates with INSERT … SELECT generate_series:

- N users (auth_user), each with an e-mail address;
- one old notice per user already sent in an earlier digest (digest_due = false: the history every
  member has);
- for share × N users, 1–3 notices waiting for the digest (digest_due = true).

Then measures, in this process: `digest_run` (the one SQL query over the partial index and the queueing
of one job per 500 recipients WITH news) — wall time, peak Python memory (tracemalloc) and the number of
jobs queued; and one `send_digests` job (500 recipients, locmem mail backend).
"""

import argparse
import os
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

DB = "ps_bench_digest"
URL = f"postgres://postgres@127.0.0.1:5432/{DB}"
ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--users", type=int, default=1_000_000)
    ap.add_argument("--share", type=float, default=0.05)
    ap.add_argument("--batch", type=int, default=500)
    args = ap.parse_args()
    os.environ.update(
        PACESETTER_DATABASE_URL=URL,
        PACESETTER_DATA_DIR="/tmp/ps-bench-digest",
        DJANGO_SETTINGS_MODULE="pacesetter.settings",
        PACESETTER_EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
    )
    subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-qc", f"DROP DATABASE IF EXISTS {DB}"], check=True
    )
    subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-qc", f"CREATE DATABASE {DB}"], check=True)
    t = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "pacesetter", "manage", "migrate", "-v0"], check=True, env=os.environ
    )
    print(f"migrate: {time.perf_counter() - t:.1f} s")

    import django

    django.setup()
    from django.db import connection

    from pacesetter.notifications import tasks

    n, news = args.users, int(args.users * args.share)
    t = time.perf_counter()
    with connection.cursor() as c:
        c.execute(
            """INSERT INTO auth_user (password, is_superuser, username, first_name, last_name, email,
                   is_staff, is_active, date_joined)
               SELECT '!', false, 'u' || i, '', '', 'u' || i || '@example.cn', false, true, now()
               FROM generate_series(1, %s) i""",
            [n],
        )
        c.execute("SELECT min(id) FROM auth_user")
        first = c.fetchone()[0]
        c.execute(
            """INSERT INTO notifications_notification
                   (recipient_id, kind, title, body, url, created_at, in_app, digest_due)
               SELECT id, 'plan.result', '旧通知', '', '', now() - interval '3 days', true, false
               FROM auth_user""",
        )
        # the members with news are spread over the table (every 1/share-th id), 1-3 notices each
        step = max(1, round(1 / args.share))
        c.execute(
            """INSERT INTO notifications_notification
                   (recipient_id, kind, title, body, url, created_at, in_app, digest_due)
               SELECT u.id, 'supervision.notice', '通报 ' || k, '', '/supervision/notices/1/', now(), true, true
               FROM auth_user u CROSS JOIN generate_series(1, 3) k
               WHERE (u.id - %s) %% %s = 0 AND k <= 1 + (u.id %% 3)""",
            [first, step],
        )
        c.execute("ANALYZE")
        c.execute(
            "SELECT count(*), count(DISTINCT recipient_id) FROM notifications_notification WHERE digest_due"
        )
        due_rows, due_users = c.fetchone()
    print(
        f"generate: {time.perf_counter() - t:.1f} s; {n:,} users, {due_users:,} with news ({due_rows:,} notices)"
    )
    assert abs(due_users - news) <= 1, (due_users, news)

    with connection.cursor() as c:
        c.execute(
            "EXPLAIN SELECT DISTINCT recipient_id FROM notifications_notification "
            "WHERE digest_due ORDER BY recipient_id"
        )
        plan = "\n".join(r[0] for r in c.fetchall())
    print(plan)

    from django_tasks_db.models import DBTaskResult

    DBTaskResult.objects.all().delete()
    tracemalloc.start()
    t = time.perf_counter()
    jobs = tasks.digest_run(batch=args.batch)
    elapsed = time.perf_counter() - t
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    queued = DBTaskResult.objects.count()
    print(
        f"digest_run: {elapsed:.2f} s, peak Python memory {peak / 1e6:.1f} MB, jobs queued {jobs} ({queued} rows)"
    )
    assert queued == jobs == -(-due_users // args.batch)

    ids = DBTaskResult.objects.order_by("enqueued_at").first().args_kwargs["kwargs"]["user_ids"]
    from django.core import mail

    mail.outbox = []
    t = time.perf_counter()
    sent = tasks.send_digests.call(user_ids=ids)
    print(f"send_digests (one job, {len(ids)} recipients): {time.perf_counter() - t:.2f} s, {sent} mails")


if __name__ == "__main__":
    main()
