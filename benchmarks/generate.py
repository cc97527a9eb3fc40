"""Generate a benchmark database: 50,000 organisations and 1,000,000 members (deterministic).

Shape: 示范市委 → 10 districts/counties (above 60,000 organisations: 示范省委 → 10 cities → ⌈orgs / 46,000⌉
districts each) → 24 towns/streets each → per town 6 direct branches and 12
党总支/党委 (villages, communities, schools, enterprises) with 10–22 branches each, cut so that the
total is exactly --orgs. Members (5–40 per branch, also cut to exactly --members) are synthetic
people from pacesetter.demo.city.People: valid 身份证号 with the fake region 3599xx.

Usage (the database must be empty; the script runs migrate itself):

    export PACESETTER_DATA_DIR=/tmp/ps-bench-sqlite
    export PACESETTER_DATABASE_URL=sqlite:////tmp/ps-bench-sqlite/bench.sqlite3
    .venv/bin/python benchmarks/generate.py

    psql -h 127.0.0.1 -U postgres -c 'create database ps_bench'
    export PACESETTER_DATABASE_URL=postgres://postgres@127.0.0.1:5432/ps_bench
    .venv/bin/python benchmarks/generate.py

Organisations are inserted with explicit ids (parents first) by executemany; members by executemany
on SQLite and COPY on PostgreSQL; member_count by one aggregate UPDATE; then ANALYZE. It creates
the users `bench_office` (活动办公室 at the root) and `bench_secretary` (书记 of the first district),
password `bench12345`.
"""

import argparse
import datetime
import os
import random
import sys
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pacesetter.settings")
os.environ.setdefault("PACESETTER_DATA_DIR", "/tmp/ps-bench")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.core.management.color import no_style  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from pacesetter.demo.city import People, refresh_member_counts  # noqa: E402
from pacesetter.orgs import subtree_tally  # noqa: E402
from pacesetter.orgs.enums import OrgType, Role, Sector  # noqa: E402
from pacesetter.orgs.models import Member, Organisation, RoleGrant, encode_segment  # noqa: E402

PASSWORD = "bench12345"
DISTRICTS = [
    "城厢区",
    "荔城区",
    "涵江区",
    "秀屿区",
    "仙游县",
    "永安县",
    "临江县",
    "青山县",
    "东湖区",
    "南岭县",
]
# One city of 10 districts holds about 50,000 organisations (the 1/1,000 and 1/100 rungs); above that
# the root is a province of 10 cities (the 1/10 rung: 10 × 10 districts).
CITY_CAPACITY = 60_000
CITIES = ["示范", "莆阳", "闽南", "东江", "西山", "北湖", "南溪", "清源", "武夷", "海滨"]
TOWN_STEMS = "和林龙桥凤凰常太青山华亭东海西岭南门北岸白沙黄石金溪玉湖梅峰桂花竹林松岭杏园荷塘"
PLACE_STEMS = "东西南北上下前后大小新老中长高石溪岭坑洋坂湖塘林山桥头尾坪田园"
GENERAL_KINDS = [
    ("村党总支", OrgType.GENERAL_BRANCH, Sector.VILLAGE),
    ("社区党委", OrgType.COMMITTEE, Sector.COMMUNITY),
    ("中学党总支", OrgType.GENERAL_BRANCH, Sector.SCHOOL),
    ("卫生院党总支", OrgType.GENERAL_BRANCH, Sector.HOSPITAL),
    ("有限公司党委", OrgType.COMMITTEE, Sector.PRIVATE),
    ("集团公司党委", OrgType.COMMITTEE, Sector.SOE),
    ("社区党总支", OrgType.GENERAL_BRANCH, Sector.COMMUNITY),
    ("村党委", OrgType.COMMITTEE, Sector.VILLAGE),
]
DIRECT_BRANCHES = [
    ("机关党支部", Sector.AGENCY),
    ("离退休党支部", Sector.RETIRED),
    ("中心小学党支部", Sector.SCHOOL),
    ("非公企业联合党支部", Sector.PRIVATE),
    ("社会组织联合党支部", Sector.SOCIAL),
    ("流动党员党支部", Sector.COMMUNITY),
]


STARTED = time.perf_counter()


def log(msg):
    print(f"[{time.perf_counter() - STARTED:7.1f}s] {msg}", flush=True)


def plan_orgs(total: int, rng: random.Random) -> list[tuple]:
    """(id, parent_id, name, path, depth, org_type, sector, region) in parent-first order."""
    rows: list[tuple] = []

    def add(parent, name, org_type, sector, n_child, region):
        pid, ppath, pdepth = (parent[0], parent[3], parent[4]) if parent else (None, "", -1)
        row = (
            len(rows) + 1,
            pid,
            name,
            ppath + encode_segment(n_child),
            pdepth + 1,
            org_type,
            sector,
            region,
        )
        rows.append(row)
        return row

    if total <= CITY_CAPACITY:
        root = add(None, "示范市委", OrgType.COMMITTEE, Sector.AGENCY, 1, "359900")
        districts = [
            add(root, f"{d}委", OrgType.COMMITTEE, Sector.AGENCY, i, f"3599{i:02d}")
            for i, d in enumerate(DISTRICTS, start=1)
        ]
    else:  # a province: 10 cities of ceil(total / 46,000) districts each, the same towns below
        root = add(None, "示范省委", OrgType.COMMITTEE, Sector.AGENCY, 1, "359000")
        per_city = -(-total // 46_000)
        districts = []
        for c, city in enumerate(CITIES):
            city_row = add(root, f"{city}市委", OrgType.COMMITTEE, Sector.AGENCY, c + 1, f"35{90 + c}00")
            for i in range(per_city):
                name = f"{city}{DISTRICTS[i % len(DISTRICTS)][:-1]}{'区' if i % 2 == 0 else '县'}委"
                region = f"35{90 + c}{i + 1:02d}"
                districts.append(add(city_row, name, OrgType.COMMITTEE, Sector.AGENCY, i + 1, region))
    towns = []
    for district in districts:
        for t in range(1, 25):
            stem = TOWN_STEMS[(t * 2 - 2) % len(TOWN_STEMS)] + TOWN_STEMS[(t * 2 - 1) % len(TOWN_STEMS)]
            street = t % 3 == 0
            name = f"{district[2][:-1]}{stem}{'街道党工委' if street else '镇党委'}"
            sector = Sector.COMMUNITY if street else Sector.VILLAGE
            towns.append(add(district, name, OrgType.COMMITTEE, sector, t, district[7]))
    # Breadth-first below the towns so the cut at `total` trims the last towns evenly, not one district.
    generals = []
    for town in towns:
        n = 0
        for n, (suffix, sector) in enumerate(DIRECT_BRANCHES, start=1):
            add(town, f"{town[2][:-3]}{suffix}", OrgType.BRANCH, sector, n, town[7])
        for g in range(12):
            suffix, org_type, sector = GENERAL_KINDS[(g + len(towns)) % len(GENERAL_KINDS)]
            stem = rng.choice(PLACE_STEMS) + rng.choice(PLACE_STEMS)
            name = f"{stem}{suffix}"
            generals.append(add(town, name, org_type, sector, n + g + 1, town[7]))
    fanouts = [rng.randint(10, 22) for _ in generals]
    b = 0
    while len(rows) < total and b < max(fanouts):
        for general, fanout in zip(generals, fanouts, strict=True):
            if b < fanout and len(rows) < total:
                add(
                    general,
                    f"{general[2].removesuffix('党总支').removesuffix('党委')}第{b + 1}党支部",
                    OrgType.BRANCH,
                    general[6],
                    b + 1,
                    general[7],
                )
        b += 1
    return rows[:total]


def insert_orgs(rows):
    now = connection.ops.adapt_datetimefield_value(datetime.datetime(2024, 6, 30, tzinfo=datetime.UTC))
    sql = (
        "INSERT INTO orgs_organisation (id, parent_id, name, path, depth, org_type, sector, is_active,"
        " member_count, created_at, updated_at) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, 0, %s, %s)"
    )
    with connection.cursor() as cur:
        cur.executemany(sql, [(r[0], r[1], r[2], r[3], r[4], r[5], r[6], True, now, now) for r in rows])


def member_rows(orgs, total, rng):
    """Yield member tuples; branches get 5–40 members, repeated round-robin until `total`."""
    people = People(rng)
    branches = [o for o in orgs if o[5] == OrgType.BRANCH]
    made = 0
    while made < total:
        for b in branches:
            for _ in range(rng.randint(5, 40)):
                if made >= total:
                    return
                p = people.person(b[6], b[7])
                made += 1
                yield (
                    made,
                    p["name"],
                    p["gender"],
                    p["ethnicity"],
                    p["birth_date"],
                    p["joined_on"],
                    p["post"],
                    b[0],
                    p["phone"],
                    p["id_number"],
                )


MEMBER_COLUMNS = (
    "id, name, gender, ethnicity, birth_date, joined_on, post, organisation_id, phone, id_number,"
    " is_active, status, created_at, updated_at"
)


def insert_members(orgs, total, rng):
    now_dt = datetime.datetime(2024, 6, 30, tzinfo=datetime.UTC)
    rows = member_rows(orgs, total, rng)
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            raw = cur.cursor  # the psycopg cursor under Django's wrapper
            with raw.copy(f"COPY orgs_member ({MEMBER_COLUMNS}) FROM STDIN") as copy:
                for i, r in enumerate(rows, start=1):
                    copy.write_row((*r, True, "", now_dt, now_dt))
                    if i % 200_000 == 0:
                        log(f"  {i:,} members")
        return
    now = connection.ops.adapt_datetimefield_value(now_dt)
    date = connection.ops.adapt_datefield_value
    sql = f"INSERT INTO orgs_member ({MEMBER_COLUMNS}) VALUES ({', '.join(['%s'] * 14)})"
    batch = []
    done = 0
    with connection.cursor() as cur:
        for r in rows:
            batch.append((*r[:4], date(r[4]), date(r[5]), *r[6:], True, "", now, now))
            if len(batch) == 50_000:
                cur.executemany(sql, batch)
                done += len(batch)
                batch = []
                if done % 200_000 == 0:
                    log(f"  {done:,} members")
        cur.executemany(sql, batch)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orgs", type=int, default=50_000)
    parser.add_argument("--members", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=2010)
    args = parser.parse_args(argv)

    log(f"database: {connection.vendor} {connection.settings_dict['NAME']}")
    call_command("migrate", verbosity=0, interactive=False)
    if Organisation.objects.exists() or Member.objects.exists():
        sys.exit("the database already holds organisations or members; use a fresh one")
    rng = random.Random(args.seed)
    orgs = plan_orgs(args.orgs, rng)
    log(f"planned {len(orgs):,} organisations (max depth {max(o[4] for o in orgs)})")
    if connection.vendor == "sqlite":
        with connection.cursor() as cur:
            cur.execute("PRAGMA synchronous=OFF")
    with transaction.atomic():
        insert_orgs(orgs)
        log("organisations inserted")
        insert_members(orgs, args.members, rng)
        log(f"{args.members:,} members inserted")
        with connection.cursor() as cur:
            for sql in connection.ops.sequence_reset_sql(no_style(), [Organisation, Member]):
                cur.execute(sql)
        refresh_member_counts("")
        log("member_count set")
        log(f"subtree counters: {subtree_tally.rebuild():,} rows")
        User = get_user_model()
        office = User.objects.create_user("bench_office", password=PASSWORD, first_name="基准办公室")
        secretary = User.objects.create_user("bench_secretary", password=PASSWORD, first_name="基准书记")
        RoleGrant.objects.create(user=office, role=Role.OFFICE, organisation_id=orgs[0][0])
        RoleGrant.objects.create(user=secretary, role=Role.SECRETARY, organisation_id=orgs[1][0])
    with connection.cursor() as cur:
        cur.execute("ANALYZE")
    log("analyzed; done")


if __name__ == "__main__":
    main()
