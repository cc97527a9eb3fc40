"""The commendation documents open in LibreOffice, and every certificate's QR code decodes to its honour-roll
address (rendered to PNG and read back with zbarimg, as in tests/documents/test_rendered.py)."""

import datetime
import shutil
import subprocess

import pytest
from django.utils import timezone

from pacesetter.honours import documents, services

from .conftest import DEED

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        not shutil.which("libreoffice") or not shutil.which("zbarimg"), reason="needs LibreOffice and zbar"
    ),
]


def _render(docx: bytes, tmp_path, name: str) -> list:
    src = tmp_path / f"{name}.docx"
    src.write_bytes(docx)
    subprocess.run(
        ["libreoffice", "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(src)],
        check=True,
        capture_output=True,
        timeout=120,
    )
    subprocess.run(
        ["pdftoppm", "-png", "-r", "110", str(tmp_path / f"{name}.pdf"), str(tmp_path / name)], check=True
    )
    return sorted(tmp_path.glob(f"{name}-*.png"))


def test_notice_decision_and_certificates_render(city, programme, tmp_path):
    cat = programme.categories.get(name="先进基层党组织")
    members = programme.categories.get(name="优秀共产党员")
    a = services.nomination_create(
        actor=city.secretary,
        category=cat,
        nominator=city.district,
        subject_org=city.school,
        summary="扎根农村教育二十年，带头服务群众。",
        deed=DEED,
    )
    b = services.nomination_create(
        actor=city.secretary,
        category=members,
        nominator=city.district,
        subject_member=city.teacher,
        post="教师",
        summary="三尺讲台二十年，党员示范岗。",
        deed=DEED,
    )
    for n in (a, b):
        services.nomination_review(actor=city.office, nomination=n, action="approve")
    p = services.notice_start(actor=city.office, programme=programme)
    notice = documents.notice_docx(p, list(p.nominations.select_related("category")))
    assert _render(notice, tmp_path, "notice")
    d = services.decision_issue(
        actor=city.office,
        programme=p,
        number="示委〔2011〕25号",
        now=timezone.now() + datetime.timedelta(days=8),
    )
    honours = list(d.honours.select_related("decision__programme").order_by("certificate_no"))
    assert _render(documents.decision_docx(d, honours), tmp_path, "decision")
    pages = _render(
        documents.certificates_docx(
            honours, url_for=lambda h: f"https://example.org/h/c/{h.certificate_no}/"
        ),
        tmp_path,
        "cert",
    )
    assert len(pages) == 2  # one page per honoree
    for page, h in zip(pages, honours, strict=True):
        out = subprocess.run(["zbarimg", "--quiet", "--raw", str(page)], capture_output=True, text=True)
        assert out.stdout.strip() == f"https://example.org/h/c/{h.certificate_no}/"
