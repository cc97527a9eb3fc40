"""Batch entry of paper ballots: one Excel file of 2,000 sheets (the upload limit), checked and stored.

    .venv/bin/python benchmarks/bench_paper_import.py [--sqlite] [--sheets 2000]

PostgreSQL by default (the database `ps_bench_ballots`, created afresh, as bench_ballots.py does);
--sqlite uses a fresh file database under /tmp. The round is bench_ballots.make_round's: 5 organisation
targets × 5 questions (五个好), so 2,000 sheets are 10,000 rows. Times `paper_import` from the file's bytes
to the committed transaction (reading, checking every cell and code, then one transaction of casts).
"""

import argparse
import io
import os
import sys
import time

from bench_ballots import ENV, django_setup, make_round, setup_db


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sqlite", action="store_true")
    ap.add_argument("--sheets", type=int, default=2000)
    args = ap.parse_args()
    if args.sqlite:
        path = "/tmp/ps-bench-paper.sqlite3"
        if os.path.exists(path):
            os.remove(path)
        ENV["PACESETTER_DATABASE_URL"] = f"sqlite:///{path}"
    else:
        setup_db()
    django_setup()
    from django.core.management import call_command
    from openpyxl import load_workbook

    from pacesetter.evaluations import services
    from pacesetter.evaluations.models import BallotSheet, RaterGroup
    from pacesetter.evaluations.paper_import import SHEET_TITLE, paper_import, paper_template_xlsx

    call_command("migrate", verbosity=0)
    office, round_ = make_round(name="paper import")
    group = RaterGroup.objects.get(round=round_, name="群众")
    codes = services.codes_generate(actor=office, round_=round_, group=group, count=args.sheets)
    wb = load_workbook(io.BytesIO(paper_template_xlsx(round_)))
    ws = wb[SHEET_TITLE]
    names = list(round_.targets.order_by("order", "id").values_list("name", flat=True))
    n_questions = round_.questions.count()
    row = 3
    for code in codes:
        for name in names:
            ws.cell(row=row, column=1, value=code)
            ws.cell(row=row, column=2, value=name)
            for q in range(n_questions):
                ws.cell(row=row, column=3 + q, value="满意")
            row += 1
    out = io.BytesIO()
    wb.save(out)
    content = out.getvalue()
    start = time.perf_counter()
    report = paper_import(actor=office, round_=round_, content=content)
    elapsed = time.perf_counter() - start
    assert report.ok, report.errors[:5]
    assert BallotSheet.objects.filter(round=round_).count() == args.sheets
    print(
        f"{'SQLite' if args.sqlite else 'PostgreSQL'}: {args.sheets} sheets, {row - 3} rows, "
        f"{len(content) / 1024:.0f} KiB: {elapsed:.2f} s"
    )


if __name__ == "__main__":
    sys.exit(main())
