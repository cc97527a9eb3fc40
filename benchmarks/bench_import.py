"""Time the Excel import of a 100,000-row member roster: preview (parse + validate), confirm, roll back.

It builds a fresh database (root 示范市委, --committees 党委 with --branches 党支部 in total, an office
user), writes a roster .xlsx of --rows members spread over the branches, and times, in-process:

  1. preview: imports.import_batch_create (read the workbook, check every row, match 身份证号, plan)
  2. confirm: imports.import_batch_confirm (re-check against the database, bulk insert, member counts)
  3. re-preview of the same file (every row now matches an existing member: all "unchanged")
  4. export of the whole roster (imports.export_members_xlsx)
  5. rollback: imports.import_batch_rollback (checks, bulk delete, member counts)

    PACESETTER_DATA_DIR=/tmp/ps-bench-import .venv/bin/python benchmarks/bench_import.py
    PACESETTER_DATABASE_URL=postgres://postgres@127.0.0.1:5432/ps_bench_import \\
        .venv/bin/python benchmarks/bench_import.py

The database must be empty (a new SQLite file is made in PACESETTER_DATA_DIR by default). Timings are
for orientation on one machine; tests never assert on them.

--ladder runs on a rung of the scale ladder instead (bench_ladder.py, a database made by generate.py, signed
in as its `bench_office`): a roster of --rows (default 10,000) new members (身份证号 of the fake region
359998, which generate.py does not use) spread over 500 of the rung's branches whose names are unique (so
“所在党组织” resolves by name alone); then --runs cycles of preview, confirm and rollback, each step timed,
and one more cycle inside CaptureQueriesContext for the query counts; printed in bench_pages.py's columns.
Every cycle ends rolled back (a confirmed batch is rolled back on a failure too) and the run deletes its
ImportBatch rows, so the rung's organisations, members and member counts are as before (the audit rows of
the imports stay, as they would in production).
"""

import argparse
import contextlib
import datetime
import io
import os
import platform
import random
import sys
import tempfile
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pacesetter.settings")
if "PACESETTER_DATA_DIR" not in os.environ:
    os.environ["PACESETTER_DATA_DIR"] = tempfile.mkdtemp(prefix="ps-bench-import-")
os.environ.setdefault("PACESETTER_IMPORT_INLINE_MAX_ROWS", "100000000")  # time the work, not the queue

import django  # noqa: E402

django.setup()

import openpyxl  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from pacesetter.orgs import imports  # noqa: E402
from pacesetter.orgs.enums import OrgType, Role, Sector  # noqa: E402
from pacesetter.orgs.models import Member, Organisation, RoleGrant  # noqa: E402
from pacesetter.orgs.services import org_create  # noqa: E402
from pacesetter.orgs.validation import id_number_with_check_digit  # noqa: E402

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾肖田董潘袁蔡蒋余于杜叶程魏苏吕丁任沈"
)
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国志红玉兰文斌海燕晓东春梅"
POSTS = ["教师", "医生", "护士", "村干部", "社区工作者", "职员", "工程师", "退休", "个体经营", "公务员"]


def create_missing_tables():
    """Apps whose migrations are not written yet still get tables, so deletes can check references."""
    existing = set(connection.introspection.table_names())
    from django.apps import apps

    with connection.schema_editor() as editor:
        for model in apps.get_models():
            if model._meta.managed and model._meta.db_table not in existing:
                editor.create_model(model)
                existing.add(model._meta.db_table)


def build_tree(committees: int, branches: int):
    from django.contrib.auth import get_user_model

    root = org_create(
        actor=None, parent=None, name="示范市委", org_type=OrgType.COMMITTEE, sector=Sector.AGENCY
    )
    names = []
    per = branches // committees
    for c in range(committees):
        committee = org_create(
            actor=None, parent=root, name=f"第{c + 1}党委", org_type=OrgType.COMMITTEE, sector=Sector.AGENCY
        )
        for b in range(per):
            branch = org_create(
                actor=None,
                parent=committee,
                name=f"第{c + 1}党委第{b + 1}党支部",
                org_type=OrgType.BRANCH,
                sector=Sector.COMMUNITY,
            )
            names.append(branch.name)
    office = get_user_model().objects.create_user("bench_import_office", password="bench12345")
    RoleGrant.objects.create(user=office, role=Role.OFFICE, organisation=root)
    return office, names


def build_roster(rows: int, branch_names: list[str], region: str = "359901") -> bytes:
    rnd = random.Random(7)
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("党员花名册")
    ws.append(["2024年党员花名册"])
    ws.append(["姓名", "性别", "民族", "出生日期", "入党时间", "所在党组织", "岗位", "联系电话", "身份证号"])
    for i in range(rows):
        birth = datetime.date(1950, 1, 1) + datetime.timedelta(days=i // 1000)
        id_number = id_number_with_check_digit(f"{region}{birth:%Y%m%d}{i % 1000:03d}")
        joined = birth + datetime.timedelta(days=365 * 25 + rnd.randrange(3000))
        ws.append(
            [
                rnd.choice(SURNAMES) + rnd.choice(GIVEN) + rnd.choice(["", *GIVEN]),
                "男" if i % 2 else "女",
                "汉族",
                birth.isoformat(),
                f"{joined:%Y年%m月%d日}",
                branch_names[i % len(branch_names)],
                rnd.choice(POSTS),
                f"13{rnd.randrange(10**9):09d}",
                id_number,
            ]
        )
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def unique_branch_names(limit: int) -> list[str]:
    """Names of branches no other organisation shares, spread over the tree (every n-th by path)."""
    from django.db.models import Count

    shared = (
        Organisation.objects.values("name")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .values_list("name", flat=True)
    )
    names = list(
        Organisation.objects.filter(org_type=OrgType.BRANCH, is_active=True)
        .exclude(name__in=shared)
        .order_by("path")
        .values_list("name", flat=True)
    )
    return names[:: max(1, len(names) // limit)][:limit]


def ladder(rows: int, runs: int) -> None:
    """Preview + confirm + rollback of a roster into a rung's existing branches, --runs times and once counted."""
    import statistics

    from django.contrib.auth import get_user_model
    from django.test.utils import CaptureQueriesContext

    from pacesetter.orgs.models import ImportBatch, ImportStatus

    office = get_user_model().objects.get(username="bench_office")
    members_before = Member.objects.count()
    names = unique_branch_names(500)
    content = build_roster(rows, names, region="359998")
    print(
        f"# {connection.vendor} ({connection.settings_dict['NAME']}): {Organisation.objects.count():,} "
        f"organisations, {members_before:,} members; roster of {rows:,} rows over {len(names)} branches, "
        f"{len(content) / 1e6:.1f} MB"
    )
    steps = {
        "preview": "import_batch_create",
        "confirm": "import_batch_confirm",
        "rollback": "import_batch_rollback",
    }
    times: dict[str, list[float]] = {s: [] for s in steps}
    queries: dict[str, int] = {}
    made = []
    batch = None
    try:
        for cycle in range(runs + 1):
            counting = cycle == runs  # the last cycle only counts queries (CaptureQueriesContext slows it)
            for step in steps:
                ctx = CaptureQueriesContext(connection) if counting else contextlib.nullcontext()
                started = time.perf_counter()
                with ctx:
                    if step == "preview":
                        batch = imports.import_batch_create(
                            actor=office, kind="members", filename="ladder-import.xlsx", content=content
                        )
                        made.append(batch.pk)
                    elif step == "confirm":
                        imports.import_batch_confirm(actor=office, batch=batch)
                    else:
                        imports.import_batch_rollback(actor=office, batch=batch)
                elapsed = (time.perf_counter() - started) * 1000
                if counting:
                    queries[step] = len(ctx.captured_queries)
                else:
                    times[step].append(elapsed)
                batch.refresh_from_db()
                if step == "preview":
                    assert batch.status == "ready", batch.report.get("errors", [])[:5]
                    assert batch.report["create"] == rows, batch.report
                elif step == "confirm":
                    assert Member.objects.count() == members_before + rows
            assert Member.objects.count() == members_before
    finally:  # whatever failed, leave the rung as it was
        if batch is not None:
            batch.refresh_from_db()
            if batch.status == ImportStatus.CONFIRMED:
                imports.import_batch_rollback(actor=office, batch=batch)
    ImportBatch.objects.filter(pk__in=made).delete()
    print(f"# load average after: {os.getloadavg()[0]:.2f}")
    print("| page | URL | p50 ms | p95 ms | max ms | queries | slowest query ms |")
    print("|---|---|---:|---:|---:|---:|---:|")
    for step, function in steps.items():
        ts = sorted(times[step])
        k = (len(ts) - 1) * 0.95  # interpolated, as bench_pages.py
        p95 = ts[int(k)] + (ts[min(int(k) + 1, len(ts) - 1)] - ts[int(k)]) * (k - int(k))
        print(
            f"| import {rows:,} rows: {step} ({runs} runs) | `{function}` | {statistics.median(ts):.0f} "
            f"| {p95:.0f} | {ts[-1]:.0f} | {queries[step]} | — |"
        )


def timed(label, func, rows, results):
    start = time.perf_counter()
    value = func()
    seconds = time.perf_counter() - start
    results.append((label, seconds, rows / seconds if rows else None))
    print(f"{label:<58} {seconds:8.2f} s  {rows / seconds:>10,.0f} rows/s", flush=True)
    return value


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=None, help="100,000 (10,000 with --ladder)")
    parser.add_argument("--committees", type=int, default=20)
    parser.add_argument("--branches", type=int, default=500)
    parser.add_argument("--ladder", action="store_true", help="on a bench_ladder.py rung (see the docstring)")
    parser.add_argument("--runs", type=int, default=3, help="preview/confirm/rollback cycles with --ladder")
    args = parser.parse_args()
    if args.ladder:
        return ladder(args.rows or 10_000, args.runs)
    args.rows = args.rows or 100_000

    db = connection.settings_dict
    print(f"database: {connection.vendor} {db['NAME']}")
    print(f"python {platform.python_version()} on {platform.platform()}, {os.cpu_count()} CPUs")
    call_command("migrate", verbosity=0)
    create_missing_tables()
    if Member.objects.exists() or Organisation.objects.exists():
        sys.exit(
            "the database is not empty; point PACESETTER_DATA_DIR / PACESETTER_DATABASE_URL at a new one"
        )

    start = time.perf_counter()
    office, branch_names = build_tree(args.committees, args.branches)
    print(f"tree: {Organisation.objects.count()} organisations in {time.perf_counter() - start:.1f} s")
    start = time.perf_counter()
    content = build_roster(args.rows, branch_names)
    print(
        f"roster: {args.rows:,} rows, {len(content) / 1e6:.1f} MB .xlsx, written in {time.perf_counter() - start:.1f} s"
    )
    print()

    results = []
    batch = timed(
        "1. preview: parse + validate (all new)",
        lambda: imports.import_batch_create(
            actor=office, kind="members", filename="bench.xlsx", content=content
        ),
        args.rows,
        results,
    )
    batch.refresh_from_db()
    assert batch.status == "ready", batch.report.get("errors", [])[:5]
    assert batch.report["create"] == args.rows
    timed(
        "2. confirm: re-check + bulk insert + member counts",
        lambda: imports.import_batch_confirm(actor=office, batch=batch),
        args.rows,
        results,
    )
    assert Member.objects.count() == args.rows
    assert sum(Organisation.objects.values_list("member_count", flat=True)) == args.rows
    again = timed(
        "3. preview of the same file again (all unchanged)",
        lambda: imports.import_batch_create(
            actor=office, kind="members", filename="again.xlsx", content=content
        ),
        args.rows,
        results,
    )
    again.refresh_from_db()
    assert again.report["unchanged"] == args.rows, again.report
    exported = timed(
        "4. export whole roster (.xlsx, write-only)",
        lambda: imports.export_members_xlsx(user=office, org=None).read(),
        args.rows,
        results,
    )
    print(f"   export size {len(exported) / 1e6:.1f} MB")
    batch.refresh_from_db()
    timed(
        "5. rollback: checks + bulk delete + member counts",
        lambda: imports.import_batch_rollback(actor=office, batch=batch),
        args.rows,
        results,
    )
    assert Member.objects.count() == 0
    assert sum(Organisation.objects.values_list("member_count", flat=True)) == 0


if __name__ == "__main__":
    main()
