import datetime
import io

import pytest
from docx import Document

from pacesetter.core.errors import PermissionDeniedError, StateError, ValidationError
from pacesetter.notifications.models import Notification
from pacesetter.orgs.enums import Role
from pacesetter.publicity import bulletins, selectors, services
from pacesetter.publicity.enums import BulletinStatus, ItemAction
from tests.factories import make_user
from tests.plans.conftest import make_campaign

pytestmark = pytest.mark.django_db


def _accepted(city, title="八一村强村富民经验"):
    item = services.item_create(
        actor=city.office, organisation=city.village, kind="experience", title=title, body="一是……\n二是……"
    )
    services.item_transition(actor=city.office, item=item, action=ItemAction.SUBMIT)
    return services.item_transition(actor=city.office, item=item, action=ItemAction.ACCEPT)


def _draft(city, items, campaign=None, **kw):
    data = {
        "title": "全市创先争优活动进展",
        "editor": "李编辑",
        "report_to": "市委组织部",
        "copy_to": "市创先争优活动领导小组成员",
        "items": [i.pk for i in items],
        "distribute_to": [city.town.pk, city.district.pk],
        **kw,
    }
    return bulletins.bulletin_create(actor=city.office, issuer=city.city, campaign=campaign, **data)


def test_bulletin_numbers_run_per_year_without_gaps_and_issue_once(city):
    item = _accepted(city)
    first = _draft(city, [item])
    abandoned = _draft(city, [item])  # a draft never issued takes no number
    second = _draft(city, [item])
    first = bulletins.bulletin_issue(actor=city.office, bulletin=first, today=datetime.date(2026, 3, 1))
    second = bulletins.bulletin_issue(actor=city.office, bulletin=second, today=datetime.date(2026, 4, 1))
    assert (first.year, first.number, second.number) == (2026, 1, 2)
    with pytest.raises(StateError) as e:
        bulletins.bulletin_issue(actor=city.office, bulletin=first, today=datetime.date(2026, 5, 1))
    assert "不能重复印发" in str(e.value.message)
    nxt = bulletins.bulletin_issue(actor=city.office, bulletin=abandoned, today=datetime.date(2027, 1, 5))
    assert (nxt.year, nxt.number) == (2027, 1)
    abandoned.refresh_from_db()
    assert abandoned.status == BulletinStatus.ISSUED


def test_bulletin_issue_notifies_the_distribution_list_with_the_word_file(city):
    b = bulletins.bulletin_issue(actor=city.office, bulletin=_draft(city, [_accepted(city)]))
    notes = Notification.objects.filter(url=f"/publicity/bulletins/{b.pk}/bulletin.docx")
    # the district's and the town's secretaries; the school's (not on the list) gets nothing
    assert sorted(n.recipient.username for n in notes) == ["secretary", "town_secretary"]
    # news rather than work: a kind of its own, waiting for the daily digest instead of an e-mail each (#20)
    assert {(n.kind, n.in_app, n.digest_due) for n in notes} == {("publicity.bulletin", True, True)}
    assert "第1期" in notes[0].title


def test_bulletin_refusals(city):
    item = _accepted(city)
    with pytest.raises(PermissionDeniedError):
        bulletins.bulletin_create(actor=city.secretary, issuer=city.district, title="x", editor="y")
    with pytest.raises(ValidationError) as e:
        _draft(city, [item], title="")
    assert e.value.field == "title"
    pending = services.item_create(
        actor=city.office, organisation=city.village, kind="news", title="未采用", body="x"
    )
    with pytest.raises(ValidationError) as e:
        _draft(city, [pending])
    assert e.value.field == "items"
    empty = _draft(city, [])
    with pytest.raises(ValidationError) as e:
        bulletins.bulletin_issue(actor=city.office, bulletin=empty)
    assert e.value.field == "items"


def test_issued_bulletin_cannot_be_edited_and_is_seen_by_the_distribution_list(city):
    b = bulletins.bulletin_issue(actor=city.office, bulletin=_draft(city, [_accepted(city)]))
    with pytest.raises(StateError):
        bulletins.bulletin_update(actor=city.office, bulletin=b, title="改", editor="x")
    assert list(selectors.bulletin_list_for(city.town_secretary)) == [b]
    school = make_user("school_sec", Role.SECRETARY, city.school)
    assert list(selectors.bulletin_list_for(school)) == []  # 发 names the district; the district passes it on
    assert list(selectors.bulletin_list_for(city.outsider)) == []


def test_bulletin_figures_come_from_the_progress_read_model(city):
    campaign = make_campaign(city.city)
    b = _draft(city, [_accepted(city)], campaign=campaign)
    assert b.figures.splitlines()[0].startswith("实施方案：完成 0")
    assert "公开承诺" in b.figures


def test_bulletin_word_layout(city):
    b = bulletins.bulletin_issue(
        actor=city.office, bulletin=_draft(city, [_accepted(city)]), today=datetime.date(2026, 12, 5)
    )
    doc = Document(io.BytesIO(bulletins.bulletin_docx(b)))
    texts = [p.text for p in doc.paragraphs]
    assert texts[0] == "简　报"
    assert texts[1] == "2026年第1期"
    assert texts[2] == "创先争优活动领导小组办公室\t2026年12月5日"
    assert "一、八一村强村富民经验" in texts
    assert any(t.startswith("报：市委组织部") for t in texts)
    assert any(t == "发：城厢区委、和林镇党委" or t == "发：和林镇党委、城厢区委" for t in texts)
    assert doc.paragraphs[0].runs[0].font.color.rgb == bulletins.RGBColor.from_string("FF0000")
