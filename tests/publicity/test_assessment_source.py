"""信息报送采用数 as an assessment source: accepted items count for the sender, scored against the most
accepted in the subtree, in the scheme's period only; the evidence link lists the sender's accepted items."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from pacesetter.assessment.sources import REGISTRY
from pacesetter.orgs.enums import Role
from pacesetter.publicity import services
from pacesetter.publicity.enums import ItemAction, ItemStatus
from pacesetter.publicity.models import InfoItem
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def _sent(city, sender, org, title, *, accept=True):
    item = services.item_create(actor=sender, organisation=org, kind="news", title=title, body="正文")
    services.item_transition(actor=sender, item=item, action=ItemAction.SUBMIT)
    if accept:
        services.item_transition(actor=city.office, item=item, action=ItemAction.ACCEPT)
    return item


def _values(city, start, end):
    rows = REGISTRY["publicity_accepted"].values(path=city.city.path, start=start, end=end, campaign_id=0)
    return {sid: (v, n) for sid, v, n in rows}


def test_accepted_items_score_their_sender_against_the_best(city, school_secretary):
    village_secretary = make_user("village_secretary", Role.SECRETARY, city.village)
    for i in range(2):
        _sent(city, school_secretary, city.school, f"课后服务{i}")
    _sent(city, village_secretary, city.village, "修路")
    _sent(city, village_secretary, city.village, "未采用", accept=False)  # waiting: no count
    today = timezone.localdate()
    year = (today - datetime.timedelta(days=30), today + datetime.timedelta(days=30))

    assert _values(city, *year) == {city.school.pk: (100.0, 2), city.village.pk: (50.0, 1)}
    # A period before the items were accepted has no data for anyone.
    assert _values(city, today - datetime.timedelta(days=60), today - datetime.timedelta(days=1)) == {}
    # The town's subtree holds only the village: it is its own best.
    rows = REGISTRY["publicity_accepted"].values(
        path=city.town.path, start=year[0], end=year[1], campaign_id=0
    )
    assert list(rows) == [(city.village.pk, 100.0, 1)]
    assert REGISTRY["publicity_accepted"].subject == "org"


def test_the_evidence_lists_the_senders_accepted_items_on_the_page_and_in_the_api(
    city, client_for, school_secretary
):
    village_secretary = make_user("village_secretary", Role.SECRETARY, city.village)
    _sent(city, school_secretary, city.school, "课后服务经验")
    _sent(city, village_secretary, city.village, "修路经验")
    today = timezone.localdate()
    url = REGISTRY["publicity_accepted"].evidence(city.school.pk, None, today, today)
    office = client_for(city.office)
    page = office.get(url).content.decode()
    assert "课后服务经验" in page and "修路经验" not in page
    api = office.get("/api/publicity/items", {"org": city.school.pk, "status": "accepted"}).json()
    assert [i["title"] for i in api] == ["课后服务经验"]
    # An id that is not a number, or too large, lists nothing rather than failing.
    for bad in ("abc", "9" * 40, "1/2"):
        assert office.get(reverse("publicity:item-list"), {"org": bad}).status_code == 200
        assert office.get("/api/publicity/items", {"org": bad}).json() == []
    assert InfoItem.objects.filter(status=ItemStatus.ACCEPTED).count() == 2
