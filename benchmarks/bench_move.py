"""Time a move of a town with its branches to another district on a generated database (issue #23), and what a
rebuild of the counters would cost instead, in one process. Each move runs in a transaction rolled back.

    PACESETTER_DATABASE_URL=postgres://postgres@127.0.0.1:5432/ps_ladder_100 PACESETTER_DATA_DIR=/tmp/ps-ladder-100 \\
    .venv/bin/python benchmarks/bench_move.py [--runs 3]

Needs generate.py's organisations and bench_dashboard.py's campaign (its `bench_office` user). Timings are for
orientation on one machine; tests never assert on them.
"""

import argparse
import os
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pacesetter.settings")
os.environ.setdefault("PACESETTER_STATIC_MANIFEST", "false")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import transaction  # noqa: E402

from pacesetter.campaigns import tallies  # noqa: E402
from pacesetter.campaigns.models import Campaign  # noqa: E402
from pacesetter.orgs.enums import OrgType  # noqa: E402
from pacesetter.orgs.models import Organisation  # noqa: E402
from pacesetter.orgs.services import org_move  # noqa: E402
from pacesetter.supervision import coverage_tally  # noqa: E402


def rolled_back(fn) -> float:
    with transaction.atomic():
        started = time.perf_counter()
        fn()
        elapsed = time.perf_counter() - started
        transaction.set_rollback(True)
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    office = get_user_model().objects.get(username="bench_office")
    town = Organisation.objects.filter(depth=2, org_type=OrgType.COMMITTEE).order_by("path").first()
    target = Organisation.objects.filter(depth=1).exclude(pk=town.parent_id).order_by("path").first()
    size = Organisation.objects.filter(path__startswith=town.path).count()
    moves = [
        rolled_back(
            lambda: org_move(actor=office, org=Organisation.objects.get(pk=town.pk), new_parent=target)
        )
        for _ in range(args.runs)
    ]
    print(
        f"move a town ({size:,} organisations) to another district: " + ", ".join(f"{t:.2f} s" for t in moves)
    )
    campaign = Campaign.objects.order_by("pk").first()
    print(
        f"a rebuild instead: the campaign's counters {rolled_back(lambda: tallies.rebuild(campaign)):.1f} s, "
        f"the coverage counters {rolled_back(coverage_tally.rebuild):.1f} s"
    )


if __name__ == "__main__":
    main()
