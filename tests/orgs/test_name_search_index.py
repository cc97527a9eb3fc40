"""The organisation name search is served by the trigram index on PostgreSQL (migration orgs 0007)."""

import pytest
from django.db import connection

from pacesetter.orgs.enums import OrgType, Sector
from pacesetter.orgs.models import SEGMENT_ALPHABET, Organisation
from pacesetter.orgs.selectors import org_list_for, org_search_for


def _segment(i: int) -> str:
    return "".join(SEGMENT_ALPHABET[i // 36**k % 36] for k in (3, 2, 1, 0))


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a PostgreSQL index")
def test_the_name_search_query_is_served_by_the_trigram_index(city):
    # 3,000 branches under the district, one of which the search names: the index is over upper(name::text),
    # so the planner takes it only if that is exactly how Django writes name__icontains.
    district = city.district
    Organisation.objects.bulk_create(
        Organisation(
            name=f"第{i}网格党支部",
            parent=district,
            path=district.path + _segment(100 + i),
            depth=district.depth + 1,
            org_type=OrgType.BRANCH,
            sector=Sector.COMMUNITY,
        )
        for i in range(3000)
    )
    with connection.cursor() as cur:
        cur.execute("ANALYZE orgs_organisation")
        cur.execute("SELECT gin_clean_pending_list('orgs_organisation_name_trgm')")  # as VACUUM would
    qs = org_list_for(city.office).filter(name__icontains="实验小学").order_by("depth", "path")[:50]
    sql, params = qs.query.sql_with_params()
    with connection.cursor() as cur:
        cur.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cur.fetchall())
    assert "orgs_organisation_name_trgm" in plan, plan
    assert [o.name for o in org_search_for(city.office, "实验小学")] == ["城厢区实验小学党支部"]
