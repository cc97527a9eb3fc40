"""What the scorecard pages read, stored once when a version is computed (组织考核 read model).

A computed version never changes its totals, so its rankings, peer groups, grade counts and the diff from
the previous version are written to its rows here, in the transaction that finishes the version
(services.scorecard_run); the pages then read rows through indexes instead of ranking and diffing the whole
city on every request. `score_adjust` keeps the two things a grade adjustment changes (the grade counts and
a score's `changed` flag) current.

Plain SQL with window functions and UPDATE … FROM (SQLite ≥ 3.33 and PostgreSQL): four statements per
version, whatever the number of organisations, and no per-subject Python objects.
"""

from django.db import connection
from django.db.models import Count

SCORE = "assessment_score"
ORG = "orgs_organisation"

# Ranks are over scored organisations only: ordering by "total IS NULL" first puts the unscored after the
# scored on both databases (PostgreSQL sorts NULL first in DESC order, SQLite last).
_RANKS = f"""
UPDATE {SCORE} SET sibling_rank = r.sibling_rank, peer_rank = r.peer_rank, peer_n = r.peer_n,
    peer_ties = r.peer_ties
FROM (
    SELECT s.id AS id,
        CASE WHEN s.total IS NULL THEN NULL ELSE RANK() OVER (
            PARTITION BY s.parent_id ORDER BY (s.total IS NULL), s.total DESC) END AS sibling_rank,
        CASE WHEN s.total IS NULL THEN NULL ELSE RANK() OVER (
            PARTITION BY o.sector, o.depth ORDER BY (s.total IS NULL), s.total DESC) END AS peer_rank,
        COUNT(s.total) OVER (PARTITION BY o.sector, o.depth) AS peer_n,
        CASE WHEN s.total IS NULL THEN 0 ELSE COUNT(*) OVER (
            PARTITION BY o.sector, o.depth, s.total) - 1 END AS peer_ties
    FROM {SCORE} s JOIN {ORG} o ON o.id = s.organisation_id
    WHERE s.scorecard_id = %s AND s.member_id IS NULL
) r
WHERE {SCORE}.id = r.id
"""

# The same subject in the previous version: the organisation (organisation schemes) or the organisation
# and member (member schemes), as the unique (scorecard, organisation, member) index finds it.
_PREVIOUS_ORG = f"""
UPDATE {SCORE} SET prev_total = p.total, prev_grade = p.grade
FROM {SCORE} p
WHERE {SCORE}.scorecard_id = %s AND {SCORE}.member_id IS NULL
    AND p.scorecard_id = %s AND p.organisation_id = {SCORE}.organisation_id AND p.member_id IS NULL
"""
_PREVIOUS_MEMBER = f"""
UPDATE {SCORE} SET prev_total = p.total, prev_grade = p.grade
FROM {SCORE} p
WHERE {SCORE}.scorecard_id = %s AND {SCORE}.member_id IS NOT NULL
    AND p.scorecard_id = %s AND p.organisation_id = {SCORE}.organisation_id
    AND p.member_id = {SCORE}.member_id
"""
CHANGED_SQL = "(prev_grade IS NULL OR grade <> prev_grade OR total IS DISTINCT FROM prev_total)"
_CHANGED = f"UPDATE {SCORE} SET changed = {CHANGED_SQL} WHERE scorecard_id = %s"


def grade_counts(scorecard_id: int) -> dict[str, int]:
    """{grade: number of scores} of a version ("" for scores without enough data), one grouped query."""
    from .models import Score

    return dict(
        Score.objects.filter(scorecard_id=scorecard_id)
        .order_by()
        .values_list("grade")
        .annotate(n=Count("id"))
        .values_list("grade", "n")
    )


def derive(
    scorecard_id: int,
    previous_id: int | None,
    *,
    written: tuple[dict[str, int], int] | None = None,
    organisations: bool = True,
) -> dict:
    """Write the ranks, peer groups and the diff from `previous_id` onto a version's scores; return the
    Scorecard fields to store with it ({grade_counts, changed_count}). Call inside a transaction.

    `written`: scorecard_run already wrote the diff from `previous_id` with the scores and counted the
    grades and changed scores as it wrote them ((grade counts, changed count)), so neither the diff UPDATEs
    nor the counting queries run. `organisations=False` (a member scheme): no organisation scores to rank.
    """
    from .models import Score

    with connection.cursor() as cur:
        if organisations:
            cur.execute(_RANKS, [scorecard_id])
        if previous_id is not None and written is None:
            cur.execute(_PREVIOUS_ORG, [scorecard_id, previous_id])
            cur.execute(_PREVIOUS_MEMBER, [scorecard_id, previous_id])
            cur.execute(_CHANGED, [scorecard_id])
    if written is not None:
        counts, changed = written
        return {"grade_counts": counts, "changed_count": changed}
    changed = (
        Score.objects.filter(scorecard_id=scorecard_id, changed=True).count()
        if previous_id is not None
        else 0
    )
    return {"grade_counts": grade_counts(scorecard_id), "changed_count": changed}
