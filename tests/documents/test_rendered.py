"""Every generated Word document, rendered as people see it: LibreOffice → PDF → PNG (150 dpi) → zbarimg.

A QR code in a paragraph with an exact line pitch is cut to a strip in Word and LibreOffice and no longer
scans; python-docx still counts the picture, so only a rendering catches it. Each document must open and
print, and every QR code on it must decode to the address it stands for.
"""

import io
import os
import re
import shutil
import subprocess

import pytest
from docx import Document

from pacesetter.evaluations import services as eval_services
from pacesetter.orgs.enums import Role
from pacesetter.plans import services as plan_services
from pacesetter.supervision import services as sup_services
from tests.evaluations.helpers import answers, codes, make_round
from tests.factories import make_user
from tests.supervision.test_notices import compose

TOOLS = ("libreoffice", "pdftoppm", "zbarimg")


@pytest.fixture
def tools():
    if not all(shutil.which(t) for t in TOOLS):
        if os.environ.get("CI") == "true":
            pytest.fail("libreoffice, poppler-utils and zbar-tools are required in CI")
        pytest.skip("libreoffice, pdftoppm or zbarimg not installed")


def render_qr_codes(tmp_path, documents: dict[str, bytes]) -> dict[str, list[str]]:
    """{name: [decoded QR payloads, page by page]} for each document (one LibreOffice start for all)."""
    for name, content in documents.items():
        (tmp_path / f"{name}.docx").write_bytes(content)
    subprocess.run(
        [
            "libreoffice",
            f"-env:UserInstallation=file://{tmp_path}/lo",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path / "pdf"),
            *(str(tmp_path / f"{name}.docx") for name in documents),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    found = {}
    for name in documents:
        pdf = tmp_path / "pdf" / f"{name}.pdf"
        assert pdf.exists(), f"{name} did not convert"
        subprocess.run(
            ["pdftoppm", "-png", "-r", "150", str(pdf), str(tmp_path / "pdf" / name)], check=True, timeout=120
        )
        pages = sorted((tmp_path / "pdf").glob(f"{name}-*.png"))
        assert pages, f"{name} rendered no page"
        result = subprocess.run(
            ["zbarimg", "--quiet", "--raw", "-Sdisable", "-Sqrcode.enable", *map(str, pages)],
            capture_output=True,
            text=True,
            timeout=120,
        )
        found[name] = sorted(line for line in result.stdout.splitlines() if line)
    return found


def test_every_generated_document_renders_and_its_qr_codes_decode(sup, client_for, tools, tmp_path):
    office, secretary = client_for(sup.office), client_for(sup.secretary)
    c = sup.commitment
    review = sup_services.review_file(
        actor=sup.leader,
        org=sup.school,
        achievements="为民服务有成效",
        problems="台账不全",
        direction="完善制度",
        rating="fairly_good",
        remarks={c.pk: ("进度偏慢", True)},
    )
    notice = compose(sup)
    school_secretary = make_user("school_sec", Role.SECRETARY, sup.school)
    plan = plan_services.plan_save(
        actor=school_secretary,
        campaign=sup.campaign,
        org=sup.school,
        title="实验小学创先争优活动实施方案",
        body="<h2>一、指导思想</h2><p>以科学发展观为指导。</p>",
    )
    r = make_round(sup, name="2026年度群众评议")
    for code in codes(sup, r, "群众", 3):
        eval_services.ballot_cast_code(code=code, answers=answers(r, 100))
    slip_group = r.groups.get(name="代表")
    slips = office.post(f"/evaluations/{r.pk}/codes/", {"group": slip_group.pk, "count": 3})
    assert slips.status_code == 200
    slip_codes = re.findall(r"[2-9A-Z]{4}-[2-9A-Z]{4}-[2-9A-Z]{4}", _docx_text(slips.content))
    assert len(slip_codes) == 3
    assert office.post(f"/evaluations/{r.pk}/status/", {"to": "closed"}).status_code == 302

    def get(client, url):
        response = client.get(url)
        assert response.status_code == 200, url
        return response.content

    documents = {
        "commitment_poster": get(secretary, f"/commitments/{c.pk}/poster.docx"),
        "org_poster": get(secretary, f"/orgs/{sup.school.pk}/poster.docx"),
        "org_pledge": get(secretary, f"/commitments/orgs/{sup.school.pk}/pledge.docx"),
        "member_pledge": get(
            client_for(sup.member_user), f"/commitments/members/{sup.teacher.pk}/pledge.docx"
        ),
        "slips": slips.content,
        "round_report": get(office, f"/evaluations/{r.pk}/report.docx"),
        "review": get(client_for(sup.leader), f"/supervision/reviews/{review.pk}/docx/"),
        "notice": get(office, f"/supervision/notices/{notice.pk}/docx/"),
        "plan": get(secretary, f"/plans/{plan.pk}/docx/"),
        "plan_summary": get(office, f"/plans/summary/docx/?campaign={sup.campaign.pk}"),
    }
    found = render_qr_codes(tmp_path, documents)
    assert found["commitment_poster"] == [f"http://testserver/wall/c/{c.pk}/"]
    assert found["org_poster"] == [f"http://testserver/p/orgs/{sup.school.pk}/"]
    assert found["slips"] == sorted(f"http://testserver/e/{code}/" for code in slip_codes)
    for name in documents.keys() - {"commitment_poster", "org_poster", "slips"}:
        assert found[name] == [], name


def _docx_text(content: bytes) -> str:
    doc = Document(io.BytesIO(content))
    return "\n".join(p.text for t in doc.tables for cell in t._cells for p in cell.paragraphs)
