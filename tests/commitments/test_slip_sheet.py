"""评价凭条: the organisation's page to print a sheet of one-time slips (Word, QR codes)."""

import io
import re

import pytest
from docx import Document

from pacesetter.core.models import AuditEntry, Slip, SlipSheet

pytestmark = pytest.mark.django_db


def test_secretary_prints_a_sheet_of_slips(city, client_for):
    c = client_for(city.secretary)
    page = c.get(f"/commitments/orgs/{city.school.pk}/slips/")
    assert page.status_code == 200
    assert "尚未生成评价凭条" in page.content.decode()
    r = c.post(f"/commitments/orgs/{city.school.pk}/slips/", {"count": "10"})
    assert r.status_code == 200
    assert r["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.wordprocessingml")
    assert r["Cache-Control"] == "no-store"
    doc = Document(io.BytesIO(r.content))
    text = "\n".join(
        p.text for t in doc.tables for row in t.rows for cell in row.cells for p in cell.paragraphs
    )
    printed = re.findall(r"凭条码：([0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4})", text)
    assert len(printed) == 10 and len(set(printed)) == 10
    assert text.count(city.school.name) == 10
    assert len(doc.inline_shapes) == 10  # one QR code per slip
    sheet = SlipSheet.objects.get()
    assert (sheet.organisation, sheet.count, sheet.created_by) == (city.school, 10, city.secretary)
    assert Slip.objects.filter(sheet=sheet).count() == 10
    assert AuditEntry.objects.filter(action="onecount.slips.create").count() == 1
    assert "secretary" in c.get(f"/commitments/orgs/{city.school.pk}/slips/").content.decode()


@pytest.mark.parametrize("count", ["0", "501", "x", ""])
def test_bad_count_is_a_message(city, client_for, count):
    r = client_for(city.secretary).post(f"/commitments/orgs/{city.school.pk}/slips/", {"count": count})
    assert r.status_code == 200
    assert "凭条数量应在 1 到 500 之间" in r.content.decode()
    assert not SlipSheet.objects.exists()


def test_slip_sheet_page_refused_outside_scope(city, client_for):
    assert (
        client_for(city.town_secretary).get(f"/commitments/orgs/{city.school.pk}/slips/").status_code == 404
    )
    assert client_for(city.member_user).get(f"/commitments/orgs/{city.school.pk}/slips/").status_code == 403
    r = client_for(city.town_secretary).post(f"/commitments/orgs/{city.school.pk}/slips/", {"count": "5"})
    assert r.status_code == 404
    assert not SlipSheet.objects.exists()


def test_moderation_page_links_the_slip_page_of_own_organisations(city, client_for):
    html = client_for(city.secretary).get("/commitments/moderation/").content.decode()
    assert f"/commitments/orgs/{city.district.pk}/slips/" in html
