"""Time #19's reads and the reminder sweep at the size of a large county: 2,101 organisations (a root,
100 committees, 2,000 branches), 20,000 members with accounts, 5,000 mentoring pairs, 5,000 contact
households, one member review per branch filed at 100 review sessions, and an open 民主测评 in one
committee of 200 members where half have rated everyone.

Timed (p50 / p95 / max ms over --runs, with the query count of one more run):
- the half-yearly 集中点评 check over the whole tree (`session_coverage_for` as the office),
- the dashboard's mentoring counts at the root,
- the reminder sweep (`reminders_run`): the first run (which writes the ledger) and then repeat runs
  (which find everyone already reminded this period and send nothing).

    mkdir -p /tmp/ps-bench-members
    PACESETTER_DATA_DIR=/tmp/ps-bench-members \\
    PACESETTER_DATABASE_URL=sqlite:////tmp/ps-bench-members/m.sqlite3 .venv/bin/python benchmarks/bench_members.py

    psql -h 127.0.0.1 -U postgres -c 'create database ps_bench_members'
    PACESETTER_DATA_DIR=/tmp/ps-bench-members-pg \\
    PACESETTER_DATABASE_URL=postgres://postgres@127.0.0.1:5432/ps_bench_members .venv/bin/python benchmarks/bench_members.py
"""

import argparse
import datetime
import os
import statistics
import subprocess
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pacesetter.settings")
os.environ.setdefault("PACESETTER_DATA_DIR", "/tmp/ps-bench-members")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from pacesetter.evaluations.enums import GroupKind, GroupMode, RoundKind, RoundStatus, Scale, Subject  # noqa: E402
from pacesetter.evaluations.models import MemberParticipation, RaterGroup, Round, RoundTarget  # noqa: E402
from pacesetter.members import reminders  # noqa: E402
from pacesetter.members.models import Household, Mentorship, ReminderSent  # noqa: E402
from pacesetter.members.selectors import mentoring_counts  # noqa: E402
from pacesetter.orgs.enums import OrgType, Role, Sector  # noqa: E402
from pacesetter.orgs.models import Member, Organisation, RoleGrant  # noqa: E402
from pacesetter.orgs.services import org_create  # noqa: E402
from pacesetter.supervision import member_reviews as mr  # noqa: E402
from pacesetter.supervision.models import MemberReview, ReviewSession  # noqa: E402

COMMITTEES, BRANCHES_PER, MEMBERS_PER = 100, 20, 10
ROOT = "基准县委（#19）"


def _org(parent, name: str, org_type: str) -> Organisation:
    # Through the service: it assigns the materialised path (a bare create() leaves it empty and the
    # second organisation collides on the unique path).
    return org_create(actor=None, parent=parent, name=name, org_type=org_type, sector=Sector.AGENCY)


def build() -> tuple[Organisation, object]:
    User = get_user_model()
    today = timezone.localdate()
    with transaction.atomic():
        root = _org(None, ROOT, OrgType.COMMITTEE)
        office = User.objects.create(username="bench_m_office")
        RoleGrant.objects.create(user=office, role=Role.OFFICE, organisation=root)
        committees = [_org(root, f"第{i}党委", OrgType.COMMITTEE) for i in range(COMMITTEES)]
        branches = []
        for c in committees:
            for j in range(BRANCHES_PER):
                branches.append(_org(c, f"{c.name}第{j}支部", OrgType.BRANCH))
        users = User.objects.bulk_create(
            [User(username=f"bench_m_{k}") for k in range(len(branches) * MEMBERS_PER)], batch_size=2000
        )
        members = Member.objects.bulk_create(
            [
                Member(
                    name=f"党员{k}",
                    gender="M",
                    organisation=branches[k // MEMBERS_PER],
                    id_number=f"9{k:017d}",
                    user=users[k],
                )
                for k in range(len(users))
            ],
            batch_size=2000,
        )
        Mentorship.objects.bulk_create(
            [
                Mentorship(
                    organisation=b,
                    mentor=members[i * MEMBERS_PER],
                    mentee=members[i * MEMBERS_PER + 1 + n],
                    kind="new",
                    started_on=today,
                )
                for i, b in enumerate(branches)
                for n in range(2)
            ]
            + [
                Mentorship(
                    organisation=b,
                    mentor=members[i * MEMBERS_PER + 3],
                    mentee=members[i * MEMBERS_PER + 4],
                    kind="core",
                    started_on=today,
                )
                for i, b in enumerate(branches)
                if i % 2 == 0
            ],
            batch_size=2000,
        )
        Household.objects.bulk_create(
            [
                Household(
                    organisation=members[k].organisation,
                    member=members[k],
                    head_name=f"户主{k}",
                    address=f"某镇某村{k}号",
                    needs="需要帮助",
                )
                for k in range(0, len(members), 4)
            ],
            batch_size=2000,
        )
        sessions = [
            ReviewSession.objects.create(
                organisation=c, leader=office, title=f"{c.name}集中点评", held_on=today
            )
            for c in committees
        ]
        MemberReview.objects.bulk_create(
            [
                MemberReview(
                    leader=office,
                    member=members[i * MEMBERS_PER + 5],
                    organisation=b,
                    session=sessions[i // BRANCHES_PER],
                    achievements="a",
                    problems="p",
                    direction="d",
                    rating="good",
                )
                for i, b in enumerate(branches)
                if i % 3  # two in three branches reviewed at their committee's session
            ],
            batch_size=2000,
        )
        now = timezone.now()
        r = Round.objects.create(
            name="基准民主测评",
            organisation=committees[0],
            kind=RoundKind.DEMOCRATIC,
            subject=Subject.ORGANISATION,
            scale=Scale.GRADE4,
            opens_at=now - datetime.timedelta(days=1),
            closes_at=now + datetime.timedelta(days=20),
            status=RoundStatus.OPEN,
        )
        group = RaterGroup.objects.create(
            round=r, name="党员", kind=GroupKind.MEMBERS, weight=100, mode=GroupMode.MEMBERS
        )
        targets = [
            RoundTarget.objects.create(round=r, organisation=b, name=b.name, sector=b.sector)
            for b in branches[:BRANCHES_PER]
        ]
        voters = [m for m in members[: BRANCHES_PER * MEMBERS_PER : 2]]
        MemberParticipation.objects.bulk_create(
            [
                MemberParticipation(round=r, group=group, voter_id=m.user_id, target=t)
                for m in voters
                for t in targets
            ],
            batch_size=2000,
        )
    return root, office


def timed(label: str, fn, runs: int) -> None:
    for _ in range(2):
        fn()
    samples = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - t) * 1000)
    with CaptureQueriesContext(connection) as q:
        fn()
    samples.sort()
    p95 = samples[min(len(samples) - 1, int(0.95 * len(samples)))]
    print(
        f"{label:44s} p50 {statistics.median(samples):8.1f}  p95 {p95:8.1f}  max {samples[-1]:8.1f} ms  {len(q)} queries"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    root = Organisation.objects.filter(name=ROOT).first()
    if root is None:
        t = time.perf_counter()
        root, office = build()
        print(f"built in {time.perf_counter() - t:.1f} s")
    else:
        office = get_user_model().objects.get(username="bench_m_office")
    print(
        connection.vendor, f"{Organisation.objects.count()} organisations, {Member.objects.count()} members"
    )
    print("load average:", subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip())
    timed("half-yearly check, whole tree (office)", lambda: mr.session_coverage_for(office), args.runs)
    timed("mentoring counts at the root", lambda: mentoring_counts(root), args.runs)
    ReminderSent.objects.all().delete()
    t = time.perf_counter()
    first = reminders.reminders_run()
    print(
        f"reminder sweep, first run: {(time.perf_counter() - t) * 1000:.0f} ms, "
        f"{first.evaluation} evaluation + {first.commitment_update} commitment + {first.party_analysis} self-analysis"
    )
    timed("reminder sweep, repeat (nothing to send)", lambda: reminders.reminders_run(), args.runs)
    print("load average:", subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip())


if __name__ == "__main__":
    main()
