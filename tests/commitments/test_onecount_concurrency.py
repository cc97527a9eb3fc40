"""Real concurrency against the live server: the same slip posted 40 times at once to the public rating API
stores exactly one rating (count_once's unique constraint; the phone key path is raced in
tests/core/test_onecount.py)."""

import json
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest

from pacesetter import onecount
from pacesetter.commitments.enums import CommitmentStatus as S
from pacesetter.commitments.models import Rating
from pacesetter.core.models import OneCount
from tests.file_sqlite import reran_on_file_sqlite

INNER = "PACESETTER_ONECOUNT_CONCURRENCY_INNER"


def _post_json(url: str, body: dict) -> tuple[int, dict]:
    data = json.dumps(body).encode()
    for _attempt in range(5):
        req = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(req, timeout=60) as r:
                return r.status, json.loads(r.read())
        except urllib.error.HTTPError as e:
            return e.code, json.loads(e.read() or b"{}")
        except (ConnectionResetError, urllib.error.URLError):
            time.sleep(0.05)
    raise AssertionError("the live server refused the connection five times")


def _published():
    from pacesetter.orgs.enums import Role
    from tests.commitments.conftest import advance, make_campaign, org_commitment
    from tests.factories import City, make_user

    city = City()
    city.school_secretary = make_user("school_secretary", Role.SECRETARY, city.school)
    return city, advance(city, org_commitment(city, make_campaign(city)), S.PUBLISHED)


@pytest.mark.django_db(transaction=True)
def test_one_slip_posted_40_times_at_once_counts_once(request, tmp_path, settings):
    if reran_on_file_sqlite(request, tmp_path, INNER):
        return
    settings.COMMITMENT_PUBLIC_RATINGS_PER_HOUR = 1000
    live_server = request.getfixturevalue("live_server")
    city, c = _published()
    code = onecount.slip_sheet_create(actor=city.secretary, org=city.school, count=1).codes[0]
    url = f"{live_server.url}/api/wall/{c.pk}/ratings"
    with ThreadPoolExecutor(max_workers=16) as pool:
        outcomes = list(pool.map(lambda _i: _post_json(url, {"level": "basic", "slip": code}), range(40)))
    statuses = sorted(s for s, _b in outcomes)
    assert statuses == [201] + [409] * 39, statuses
    assert Rating.objects.filter(commitment=c).count() == 1
    assert OneCount.objects.count() == 1
