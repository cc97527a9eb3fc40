"""Lighthouse (mobile, simulated throttling) on the public pages of a running site: median of 3 runs each.

Needs the site running on the demo data (`make demo`, or `pacesetter serve` on it later) and Lighthouse from
package.json (`npm install`, which `make install` runs); Chromium is Debian's. Pages: the commitment wall,
an organisation's notice board, the code entry page, and a ballot opened with a fresh one-time code (made
here in the demo database: a GET never spends it). Prints a Markdown table for BENCHMARKS.md.

    PACESETTER_DATA_DIR=$PWD/var .venv/bin/python benchmarks/bench_lighthouse.py --base http://127.0.0.1:8000
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LIGHTHOUSE = ROOT / "node_modules" / ".bin" / "lighthouse"
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")


def demo_pages() -> dict[str, str]:
    """Paths of the pages to measure, looked up (and a ballot code made) in the configured database."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pacesetter.settings")
    import django

    django.setup()
    from pacesetter.evaluations import services
    from pacesetter.evaluations.enums import GroupKind, GroupMode, RoundStatus
    from pacesetter.evaluations.models import RaterGroup
    from pacesetter.plans.enums import PlanStatus
    from pacesetter.plans.models import Plan

    plan = Plan.objects.filter(status=PlanStatus.APPROVED).order_by("id").first()
    group = (
        RaterGroup.objects.filter(round__status=RoundStatus.OPEN, kind=GroupKind.PUBLIC, mode=GroupMode.CODES)
        .select_related("round")
        .order_by("id")
        .first()
    )
    pages = {"/wall/": "/wall/"}
    if plan is not None:
        pages["/p/orgs/<id>/"] = f"/p/orgs/{plan.organisation_id}/"
    pages["/e/"] = "/e/"
    if group is not None:
        office = group.round.created_by
        [code] = services.codes_generate(actor=office, round_=group.round, group=group, count=1)
        pages["/e/<code>/ (ballot)"] = f"/e/{code}/"
    return pages


def lighthouse(url: str) -> dict[str, float]:
    with tempfile.TemporaryDirectory(prefix="ps-lh-") as tmp:
        out = Path(tmp) / "report.json"
        subprocess.run(
            [
                str(LIGHTHOUSE),
                url,
                "--quiet",
                "--form-factor=mobile",
                "--throttling-method=simulate",
                "--output=json",
                f"--output-path={out}",
                "--chrome-flags=--headless=new --no-sandbox --disable-gpu",
            ],
            check=True,
            env={**os.environ, "CHROME_PATH": os.environ.get("CHROME_PATH", "/usr/bin/chromium")},
        )
        report = json.loads(out.read_text())
    scores = {c: round(report["categories"][c]["score"] * 100) for c in CATEGORIES}
    failed = [
        a["id"]
        for a in report["audits"].values()
        if a.get("scoreDisplayMode") in ("binary", "numeric")
        and a.get("score") is not None
        and a["score"] < 1
        and any(a["id"] == ref["id"] for c in CATEGORIES[1:] for ref in report["categories"][c]["auditRefs"])
    ]
    scores["failed"] = failed
    return scores


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", default="http://127.0.0.1:8000")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    if not LIGHTHOUSE.exists():
        print("Lighthouse is missing: run `npm install` (or `make install`) first", file=sys.stderr)
        return 1
    rows = []
    for name, path in demo_pages().items():
        runs = [lighthouse(args.base + path) for _ in range(args.runs)]
        median = {c: statistics.median(r[c] for r in runs) for c in CATEGORIES}
        failed = sorted({a for r in runs for a in r["failed"]})
        rows.append((name, median, [r["performance"] for r in runs], failed))
        print(name, median, "runs:", [r["performance"] for r in runs], "not passed:", failed, flush=True)
    print()
    print("| page | performance (runs) | accessibility | best practices | SEO |")
    print("|---|---:|---:|---:|---:|")
    for name, m, perf, _failed in rows:
        runs = ", ".join(str(p) for p in perf)
        print(
            f"| `{name}` | {m['performance']:.0f} ({runs}) | {m['accessibility']:.0f} | "
            f"{m['best-practices']:.0f} | {m['seo']:.0f} |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
