"""Ballot casting throughput (real endpoint vs a bare WSGI insert) and results aggregation at 1 M ballots.

    .venv/bin/python benchmarks/bench_ballots.py [--duration 10] [--ballots 1000000]

Needs PostgreSQL at 127.0.0.1:5432 (user postgres, trust) and `wrk` (apt-get install -y wrk). It creates
the database `ps_bench_ballots` afresh, then in ONE run:

1. a round with 5 organisation targets × 5 questions (五个好) and 4 rater groups; one sheet = 1 sheet row
   + 5 ballot rows; a fresh batch of one-time codes for every load run;
2. gunicorn, 2 sync workers, serving the real public endpoint POST /api/ballots (django-ninja; one
   transaction: a conditional UPDATE … RETURNING that spends the code and checks the round's window and the
   client's rate limit, then the sheet + ballots INSERT; refusals are diagnosed only on the failure path);
3. gunicorn, 2 sync workers, serving benchmarks/bare_ballot_wsgi.py: no framework, no validation, the same
   sheet + ballot INSERTs with psycopg in one transaction;
4. wrk (2 threads, Lua script posting a different code per request) at 16 and 64 connections;
5. 1,000,000 ballot rows generated directly (INSERT … SELECT generate_series) into another round with
   100 targets and 4 groups, then results.round_results timed (median of 3, warm).
"""

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

DB = "ps_bench_ballots"
URL = f"postgres://postgres@127.0.0.1:5432/{DB}"
HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
BIN = ROOT / ".venv" / "bin"
ENV = {
    **os.environ,
    "PACESETTER_DATABASE_URL": URL,
    "PACESETTER_DATA_DIR": "/tmp/ps-bench-ballots",
    "PACESETTER_CONN_MAX_AGE": "600",
    "PACESETTER_ALLOWED_HOSTS": "127.0.0.1,localhost",
    "DJANGO_SETTINGS_MODULE": "pacesetter.settings",
    "BENCH_DSN": f"host=127.0.0.1 port=5432 user=postgres dbname={DB}",
}

LUA = r"""
local codes = {}
local n = 0
local threads = 2
local body_tail = BODY_TAIL
local counter = 0
local thread_seq = 0
function setup(thread)
  thread:set("id", thread_seq)
  thread_seq = thread_seq + 1
end
function init(args)
  for line in io.lines(CODES_FILE) do n = n + 1; codes[n] = line end
  counter = id  -- the global set by setup(); one code sequence per thread, never shared
end
function request()
  counter = counter + threads
  local code = codes[(counter % n) + 1]
  return wrk.format("POST", PATH, {["Content-Type"] = "application/json"}, '{"code":"' .. code .. '",' .. body_tail)
end
"""


def sh(cmd, **kw):
    return subprocess.run(cmd, shell=True, check=True, env=ENV, capture_output=True, text=True, **kw)


def setup_db():
    sh(f'psql -h 127.0.0.1 -U postgres -c "DROP DATABASE IF EXISTS {DB}" -c "CREATE DATABASE {DB}"')
    sh(f"{BIN}/pacesetter manage migrate -v 0")


def django_setup():
    for k, v in ENV.items():
        os.environ[k] = v
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def make_round(n_targets=5, name="bench"):
    from django.contrib.auth import get_user_model
    from django.utils import timezone
    from tests.evaluations.helpers import GROUPS, make_campaign

    from pacesetter.campaigns.models import CriteriaSet
    from pacesetter.evaluations import services
    from pacesetter.orgs.enums import OrgType, Role
    from pacesetter.orgs.models import Organisation, RoleGrant
    from pacesetter.orgs.services import org_create

    root = Organisation.objects.filter(depth=0).first()
    User = get_user_model()
    office = User.objects.filter(username="bench_office").first()
    if root is None:
        root = org_create(
            actor=None, parent=None, name="示范市委", org_type=OrgType.COMMITTEE, sector="agency"
        )
        office = User.objects.create_user("bench_office", password="pass-word-123")
        RoleGrant.objects.create(user=office, role=Role.OFFICE, organisation=root)

    class C:  # the shape make_campaign expects
        pass

    c = C()
    c.office, c.city = office, root
    campaign = make_campaign(c) if not CriteriaSet.objects.exists() else None
    cset = (
        CriteriaSet.objects.filter(subject="org").first()
        if campaign is None
        else campaign.criteria_sets.get(subject="org")
    )
    existing = list(Organisation.objects.filter(depth=1).order_by("path")[:n_targets])
    for i in range(len(existing), n_targets):
        existing.append(
            org_create(
                actor=None, parent=root, name=f"第{i + 1}党支部", org_type=OrgType.BRANCH, sector="community"
            )
        )
    now = timezone.now()
    r = services.round_create(
        actor=office,
        organisation=root,
        name=name,
        kind="public_review",
        scale="satisfaction",
        opens_at=now - timezone.timedelta(hours=1),
        closes_at=now + timezone.timedelta(days=1),
        groups=GROUPS,
        target_orgs=existing,
        criteria_set=cset,
        k_min=5,
    )
    services.round_transition(actor=office, round_=r, to_status="open")
    return office, r


def answers_tail(r):
    from pacesetter.evaluations.selectors import ballot_form

    form = ballot_form(r)
    ans = {str(t.id): {str(q.position): 100 for q in form.questions} for t in form.targets}
    return '"answers":' + json.dumps(ans) + "}"


def parse_wrk(out: str) -> dict:
    def ms(v):
        num, unit = re.match(r"([\d.]+)(\w+)", v).groups()
        return float(num) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]

    p50 = re.search(r"\s50%\s+(\S+)", out).group(1)
    p99 = re.search(r"\s99%\s+(\S+)", out).group(1)
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    errors = re.search(r"Socket errors: (.*)", out)
    return {
        "rps": rps,
        "p50": ms(p50),
        "p99": ms(p99),
        "non2xx": int(non2xx.group(1)) if non2xx else 0,
        "socket_errors": errors.group(1) if errors else "",
    }


def gunicorn(app, port, workers=2):
    proc = subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            app,
            "-w",
            str(workers),
            "-b",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            "--chdir",
            str(HERE),
        ],
        env=ENV,
    )
    for _ in range(100):
        time.sleep(0.1)
        try:
            import urllib.request

            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1)
            break
        except Exception as e:  # noqa: BLE001
            if getattr(e, "code", None):
                break
    time.sleep(0.5)
    return proc


def load(port, path, codes_file, tail, conns, duration):
    script = (
        LUA.replace("CODES_FILE", json.dumps(codes_file))
        .replace("BODY_TAIL", json.dumps(tail))
        .replace("PATH", json.dumps(path))
    )
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
        f.write(script)
    out = subprocess.run(
        ["wrk", "-t2", f"-c{conns}", f"-d{duration}s", "--latency", "-s", f.name, f"http://127.0.0.1:{port}"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return parse_wrk(out), out


def bench_cast(duration, workers=2, interleave=1, conns_list=(16, 64)):
    from pacesetter.evaluations import services
    from pacesetter.evaluations.models import BallotSheet, RaterGroup

    office, r = make_round()
    tail = answers_tail(r)
    group = RaterGroup.objects.get(round=r, name="群众")
    results = {}
    ENV["BENCH_ROUND"], ENV["BENCH_GROUP"] = str(r.pk), str(group.pk)
    real = gunicorn("pacesetter.wsgi:application", 8101, workers)
    bare = gunicorn("bare_ballot_wsgi:application", 8102, workers)
    try:
        for conns, run in [(c, i) for c in conns_list for i in range(interleave)]:
            # enough fresh codes that no request of this run reuses one (each code is valid exactly once)
            codes = []
            for _ in range(8):
                codes += services.codes_generate(actor=office, round_=r, group=group, count=5000)
            path = tempfile.mktemp(suffix=".codes")
            Path(path).write_text("\n".join(codes) + "\n")
            load(8101, "/api/ballots", path, tail, conns, 2)  # warm-up (spends some codes)
            codes = codes[len(codes) // 4 :]  # skip past the warm-up's codes
            Path(path).write_text("\n".join(codes[::-1]) + "\n")
            before = BallotSheet.objects.filter(round=r).count()
            real_res, real_out = load(8101, "/api/ballots", path, tail, conns, duration)
            real_res["sheets_stored"] = BallotSheet.objects.filter(round=r).count() - before
            load(8102, "/", path, tail, conns, 2)
            bare_res, bare_out = load(8102, "/", path, tail, conns, duration)
            results.setdefault(conns, []).append({"real": real_res, "bare": bare_res})
            print(
                f"--- {conns} connections, run {run + 1}: real\n{real_out}\n--- bare\n{bare_out}",
                file=sys.stderr,
            )
    finally:
        for p in (real, bare):
            p.terminate()
            p.wait()
    for conns, runs in results.items():
        ratios = [r["real"]["rps"] / r["bare"]["rps"] for r in runs]
        results[conns] = {
            "runs": runs,
            "median_real_rps": statistics.median(r["real"]["rps"] for r in runs),
            "median_real_p99_ms": statistics.median(r["real"]["p99"] for r in runs),
            "median_bare_rps": statistics.median(r["bare"]["rps"] for r in runs),
            "median_real_over_bare": statistics.median(ratios),
            "non2xx": sum(r["real"]["non2xx"] for r in runs),
        }
    return results


def bench_aggregate(n_ballots):
    from django.db import connection

    from pacesetter.evaluations.models import Round
    from pacesetter.evaluations.results import round_results

    _office, r = make_round(n_targets=100, name="million")
    groups = list(r.groups.order_by("id").values_list("id", flat=True))
    targets = list(r.targets.order_by("id").values_list("id", flat=True))
    per_sheet = len(targets)
    n_sheets = n_ballots // per_sheet
    t0 = time.perf_counter()
    with connection.cursor() as cur:
        cur.execute(
            """
            INSERT INTO evaluations_ballotsheet (id, round_id, group_id, channel, entered_by_id, nonce, receipt)
            SELECT md5(i::text || 's')::uuid, %s, (%s::bigint[])[1 + i %% 4], CASE WHEN i %% 5 = 0 THEN 'paper' ELSE 'web' END,
                   NULL, substr(md5(i::text), 1, 32), encode(sha256(i::text::bytea), 'hex')
            FROM generate_series(1, %s) AS i
            """,
            [r.pk, groups, n_sheets],
        )
        cur.execute(
            """
            INSERT INTO evaluations_ballot (id, sheet_id, round_id, group_id, target_id, channel, a1, a2, a3, a4, a5)
            SELECT gen_random_uuid(), s.id, s.round_id, s.group_id, t.id, s.channel,
                   (ARRAY[100, 60, 0, NULL])[1 + floor(random() * 4)::int],
                   (ARRAY[100, 60, 0, NULL])[1 + floor(random() * 4)::int],
                   (ARRAY[100, 60, 0, NULL])[1 + floor(random() * 4)::int],
                   (ARRAY[100, 60, 0, NULL])[1 + floor(random() * 4)::int],
                   (ARRAY[100, 60, 0, NULL])[1 + floor(random() * 4)::int]
            FROM evaluations_ballotsheet s CROSS JOIN evaluations_roundtarget t
            WHERE s.round_id = %s AND t.round_id = %s
            """,
            [r.pk, r.pk],
        )
        cur.execute("ANALYZE evaluations_ballot")
        cur.execute("SELECT count(*) FROM evaluations_ballot WHERE round_id = %s", [r.pk])
        count = cur.fetchone()[0]
    generate_s = time.perf_counter() - t0
    # Closed: an open round's results are sealed (participation only), which would time nothing.
    Round.objects.filter(pk=r.pk).update(ballot_count=n_sheets, status="closed")
    r.refresh_from_db()
    round_results(r)
    times = []
    for _ in range(3):
        t = time.perf_counter()
        res = round_results(r)
        times.append(time.perf_counter() - t)
    assert sum(t.sample for t in res.targets) == count
    return {
        "ballots": count,
        "sheets": n_sheets,
        "generate_s": generate_s,
        "median_s": statistics.median(times),
        "runs": times,
    }


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument(
        "--duration", type=int, default=10, help="seconds per load point; 0 skips the cast benchmark"
    )
    ap.add_argument("--ballots", type=int, default=1_000_000)
    ap.add_argument("--workers", type=int, default=2, help="gunicorn sync workers, the same for both servers")
    ap.add_argument(
        "--interleave",
        type=int,
        default=1,
        help="real/bare pairs per connection count, run alternately (the issue's judgement: median of 5)",
    )
    ap.add_argument("--connections", default="16,64", help="comma-separated wrk connection counts")
    args = ap.parse_args()
    setup_db()
    django_setup()
    conns = tuple(int(c) for c in args.connections.split(","))
    cast = bench_cast(args.duration, args.workers, args.interleave, conns) if args.duration else None
    agg = bench_aggregate(args.ballots) if args.ballots else None
    print(json.dumps({"cast": cast, "aggregate": agg}, indent=2))


if __name__ == "__main__":
    main()
