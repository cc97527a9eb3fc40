"""Load and soak (issue #23): a 群众评议 surge mixed with public page views, then a long soak, against the real
deployment command (`pacesetter serve`: gunicorn with 2 sync workers and the task worker beside it).

    .venv/bin/python benchmarks/bench_load.py [--surge 30] [--soak 1800] [--soak-connections 8]

Needs PostgreSQL at 127.0.0.1:5432 (user postgres, trust) and `wrk` (apt-get install -y wrk); only 127.0.0.1 is
ever loaded. In ONE run it:

1. creates the database `ps_bench_load` afresh and builds the demo city in it (`pacesetter demo`);
2. opens a 群众评议 round (5 organisations × the 五个好 questions, 4 rater groups) and prints enough one-time
   codes that no request reuses one (a code is valid exactly once);
3. finds the public pages an anonymous visitor reaches from the home page (same-site links, GET 200 HTML);
4. starts `pacesetter serve` and, with wrk (2 threads, a Lua script), sends a mix in which every 2nd request
   casts a ballot with a fresh code and the others view a public page, round robin: --surge seconds at 64 and
   at 256 connections (10 s timeout), recording requests/s, p50 / p99, non-2xx responses and socket errors,
   and checking that every stored sheet was a completed request;
5. soaks: --soak seconds at --soak-connections connections with a 250 ms pause between a connection's requests
   (a steady public load, not a saturating one), while the resident memory (VmRSS) of every process of the
   server (serve, gunicorn master and workers, the task worker) is sampled every 15 s; prints each process's
   RSS in the first and the last minute of the soak and its maximum, and the soak's error counts.

Prints a JSON summary at the end. Timings are for orientation on one machine; tests never assert on them.
"""

import argparse
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import quote, urljoin, urlparse

DB = "ps_bench_load"
URL = f"postgres://postgres@127.0.0.1:5432/{DB}"
PORT = 8131
HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
BIN = ROOT / ".venv" / "bin"
DATA = "/tmp/ps-bench-load"
ENV = {
    **os.environ,
    "PACESETTER_DATABASE_URL": URL,
    "PACESETTER_DATA_DIR": DATA,
    "PACESETTER_CONN_MAX_AGE": "600",
    "PACESETTER_ALLOWED_HOSTS": "127.0.0.1,localhost",
    "DJANGO_SETTINGS_MODULE": "pacesetter.settings",
}

LUA = r"""
local codes, pages = {}, {}
local nc, np = 0, 0
local threads = 2
local counter, thread_seq = 0, 0
local body_tail = BODY_TAIL
function setup(thread)
  thread:set("id", thread_seq)
  thread_seq = thread_seq + 1
end
function init(args)
  for line in io.lines(CODES_FILE) do nc = nc + 1; codes[nc] = line end
  for line in io.lines(PAGES_FILE) do np = np + 1; pages[np] = line end
  counter = id  -- one sequence per thread, never shared: no code is sent twice
end
function request()
  counter = counter + threads
  local k = math.floor(counter / threads)
  if k % 2 == 0 then
    local code = codes[(math.floor(k / 2) * threads + id) % nc + 1]
    return wrk.format("POST", "/api/ballots", {["Content-Type"] = "application/json"},
                      '{"code":"' .. code .. '",' .. body_tail)
  end
  return wrk.format("GET", pages[k % np + 1])
end
DELAY_FUNCTION
"""


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            href = dict(attrs).get("href") or ""
            if href and not href.startswith(("#", "mailto:", "tel:", "javascript:")):
                self.hrefs.append(href)


SKIP = re.compile(
    r"(xlsx|docx|\.pdf|\.png|\.svg|/qr|/poster|/download|export|/accounts/|/i18n/|/static/|/api/)"
)


# Where a citizen lands: the home page, 宣传 (news, 先进典型), the commitment wall (示诺), the honour roll, ballot
# results, the reporting rules; the crawl follows their links to organisations, commitments and articles.
SEEDS = [
    "/",
    "/news/",
    "/news/models/",
    "/wall/",
    "/h/roll/",
    "/e/results/",
    "/r/rules/",
    "/news/search/?q=创先争优",
]


def public_pages(limit: int = 60) -> list[str]:
    """Breadth first from SEEDS as an anonymous visitor: the same-site pages that answer 200 with HTML."""
    seen, queue, pages = set(), [quote(s, safe="/?=&") for s in SEEDS], []
    while queue and len(pages) < limit:
        path = queue.pop(0)
        if path in seen:
            continue
        seen.add(path)
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{PORT}{path}", timeout=30) as r:
                if r.status != 200 or "html" not in r.headers.get("Content-Type", ""):
                    continue
                if r.geturl() != f"http://127.0.0.1:{PORT}{path}":
                    continue  # redirected (to sign in): not public
                parser = _Links()
                parser.feed(r.read().decode())
        except Exception:  # noqa: BLE001 - a 4xx/5xx or a timeout: not a page to load
            continue
        pages.append(path)
        for href in parser.hrefs:
            u = urlparse(urljoin(f"http://127.0.0.1:{PORT}{path}", href.replace("&amp;", "&")))
            target = u.path + (f"?{u.query}" if u.query else "")
            if u.netloc == f"127.0.0.1:{PORT}" and target not in seen and not SKIP.search(target):
                queue.append(target)
    return pages


def sh(cmd: str) -> str:
    return subprocess.run(cmd, shell=True, check=True, env=ENV, capture_output=True, text=True).stdout


def django_setup():
    os.environ.update(ENV)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def open_round(codes_needed: int) -> tuple[str, list[str]]:
    """A 群众评议 round over five of the demo's organisations, open now; (answers JSON tail, codes)."""
    from django.contrib.auth import get_user_model
    from django.utils import timezone
    from tests.evaluations.helpers import GROUPS

    from pacesetter.campaigns.models import CriteriaSet
    from pacesetter.evaluations import services
    from pacesetter.evaluations.models import RaterGroup
    from pacesetter.evaluations.selectors import ballot_form
    from pacesetter.orgs.models import Organisation

    office = get_user_model().objects.get(username="office")
    root = Organisation.objects.get(depth=0)
    targets = list(Organisation.objects.filter(depth=1, is_active=True).order_by("path")[:5])
    now = timezone.now()
    r = services.round_create(
        actor=office,
        organisation=root,
        name="群众评议（负载测试）",
        kind="public_review",
        scale="satisfaction",
        opens_at=now - timezone.timedelta(hours=1),
        closes_at=now + timezone.timedelta(days=2),
        groups=GROUPS,
        target_orgs=targets,
        criteria_set=CriteriaSet.objects.filter(subject="org").first(),
        k_min=5,
    )
    services.round_transition(actor=office, round_=r, to_status="open")
    group = RaterGroup.objects.get(round=r, name="群众")
    codes: list[str] = []
    while len(codes) < codes_needed:
        codes += services.codes_generate(actor=office, round_=r, group=group, count=5000)
    form = ballot_form(r)
    answers = {str(t.id): {str(q.position): 100 for q in form.questions} for t in form.targets}
    return '"answers":' + json.dumps(answers) + "}", codes, r.pk


def parse_wrk(out: str) -> dict:
    def ms(v):
        num, unit = re.match(r"([\d.]+)(\w+)", v).groups()
        return float(num) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]

    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    errors = re.search(r"Socket errors: (.*)", out)
    return {
        "requests": int(re.search(r"(\d+) requests in", out).group(1)),
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "p50_ms": ms(re.search(r"\s50%\s+(\S+)", out).group(1)),
        "p99_ms": ms(re.search(r"\s99%\s+(\S+)", out).group(1)),
        "non2xx": int(non2xx.group(1)) if non2xx else 0,
        "socket_errors": errors.group(1) if errors else "none",
    }


def wrk(conns: int, seconds: int, codes_file: str, pages_file: str, tail: str, delay_ms: int = 0) -> dict:
    delay = f"function delay() return {delay_ms} end" if delay_ms else ""
    script = (
        LUA.replace("CODES_FILE", json.dumps(codes_file))
        .replace("PAGES_FILE", json.dumps(pages_file))
        .replace("BODY_TAIL", json.dumps(tail))
        .replace("DELAY_FUNCTION", delay)
    )
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
        f.write(script)
    out = subprocess.run(
        ["wrk", "-t2", f"-c{conns}", f"-d{seconds}s", "--timeout", "10s", "--latency", "-s", f.name,
         f"http://127.0.0.1:{PORT}"],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    print(out, file=sys.stderr)
    return parse_wrk(out)


def tree(pid: int) -> dict[int, str]:
    """{pid: command line} of `pid` and all its descendants."""
    children: dict[int, list[int]] = {}
    for p in Path("/proc").iterdir():
        if p.name.isdigit():
            try:
                ppid = int((p / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError):
                continue
            children.setdefault(ppid, []).append(int(p.name))
    found, stack = {}, [pid]
    while stack:
        q = stack.pop()
        try:
            found[q] = (Path(f"/proc/{q}/cmdline").read_bytes().replace(b"\0", b" ").decode().strip())[:80]
        except OSError:
            continue
        stack += children.get(q, [])
    return found


def rss_kb(pid: int) -> int | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


def sampler(root_pid: int, stop: threading.Event, samples: list, every: float = 15.0) -> None:
    start = time.monotonic()
    while not stop.is_set():
        t = time.monotonic() - start
        for pid, cmd in tree(root_pid).items():
            kb = rss_kb(pid)
            if kb is not None:
                samples.append((t, pid, cmd, kb))
        stop.wait(every)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--surge", type=int, default=30, help="seconds per surge point (64 and 256 connections)")
    ap.add_argument("--soak", type=int, default=1800, help="seconds of soak; 0 skips it")
    ap.add_argument("--soak-connections", type=int, default=8)
    args = ap.parse_args()

    sh(f'psql -h 127.0.0.1 -U postgres -qc "DROP DATABASE IF EXISTS {DB}" -qc "CREATE DATABASE {DB}"')
    Path(DATA).mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    sh(f"{BIN}/pacesetter demo")
    print(f"demo city built in {time.perf_counter() - t0:.0f} s", file=sys.stderr)
    django_setup()
    # Codes: at most ~1,000 casts/s during a surge, ~80/s while soaking; a margin on top.
    tail, codes, round_id = open_round(2 * args.surge * 1000 + args.soak * 100 + 20_000)
    codes_file = tempfile.mktemp(suffix=".codes")
    Path(codes_file).write_text("\n".join(codes) + "\n")

    serve = subprocess.Popen(
        [str(BIN / "pacesetter"), "serve", "--port", str(PORT)],
        env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, start_new_session=True,
    )  # fmt: skip
    stderr_lines: list[str] = []
    threading.Thread(target=lambda: stderr_lines.extend(serve.stderr), daemon=True).start()
    for _ in range(120):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{PORT}/healthz", timeout=2)
            break
        except Exception:  # noqa: BLE001 - not up yet
            time.sleep(0.5)
    result: dict = {}
    try:
        pages = public_pages()
        pages_file = tempfile.mktemp(suffix=".pages")
        Path(pages_file).write_text("\n".join(pages) + "\n")
        result["public_pages"] = pages
        from pacesetter.evaluations.models import BallotSheet

        used = 0
        for conns in (64, 256):
            # The codes still unspent: every run starts past the codes the runs before it sent.
            Path(codes_file).write_text("\n".join(codes[used:]) + "\n")
            before = BallotSheet.objects.filter(round_id=round_id).count()
            r = wrk(conns, args.surge, codes_file, pages_file, tail)
            r["sheets_stored"] = BallotSheet.objects.filter(round_id=round_id).count() - before
            used += r["requests"] // 2 + 2 * conns  # at most half the requests were casts
            result[f"surge_{conns}"] = r
        if args.soak:
            Path(codes_file).write_text("\n".join(codes[used:]) + "\n")
            samples: list = []
            stop = threading.Event()
            t = threading.Thread(target=sampler, args=(serve.pid, stop, samples), daemon=True)
            t.start()
            before = BallotSheet.objects.filter(round_id=round_id).count()
            r = wrk(args.soak_connections, args.soak, codes_file, pages_file, tail, delay_ms=250)
            r["sheets_stored"] = BallotSheet.objects.filter(round_id=round_id).count() - before
            stop.set()
            t.join()
            per: dict[int, dict] = {}
            for at, pid, cmd, kb in samples:
                p = per.setdefault(pid, {"cmd": cmd, "first": [], "last": [], "max": 0, "n": 0})
                p["n"] += 1
                p["max"] = max(p["max"], kb)
                if at < 60:
                    p["first"].append(kb)
                if at > args.soak - 60:
                    p["last"].append(kb)
            r["rss_kb"] = [
                {
                    "pid": pid,
                    "cmd": p["cmd"],
                    "first_minute": max(p["first"]) if p["first"] else None,
                    "last_minute": max(p["last"]) if p["last"] else None,
                    "max": p["max"],
                    "samples": p["n"],
                }
                for pid, p in per.items()
            ]
            result["soak"] = r
    finally:
        os.killpg(serve.pid, signal.SIGTERM)
        serve.wait(timeout=30)
    server_errors = [line for line in stderr_lines if "Traceback" in line or " 500 " in line]
    result["server_error_lines"] = len(server_errors)
    print(json.dumps(result, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
