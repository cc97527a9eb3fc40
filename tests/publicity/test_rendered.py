"""The bulletin's and an article's Word files rendered as people see them: LibreOffice → PDF → PNG."""

import datetime
import os
import shutil
import subprocess

import pytest

from pacesetter.publicity import bulletins, documents, services
from pacesetter.publicity.enums import ArticleAction, ItemAction

pytestmark = pytest.mark.django_db


@pytest.fixture
def tools():
    if not all(shutil.which(t) for t in ("libreoffice", "pdftoppm")):
        if os.environ.get("CI") == "true":
            pytest.fail("libreoffice and poppler-utils are required in CI")
        pytest.skip("libreoffice or pdftoppm not installed")


def _render(tmp_path, docs: dict[str, bytes]) -> dict[str, list]:
    for name, content in docs.items():
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
            *(str(tmp_path / f"{n}.docx") for n in docs),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    pages = {}
    for name in docs:
        pdf = tmp_path / "pdf" / f"{name}.pdf"
        assert pdf.exists(), f"{name} did not convert"
        subprocess.run(
            ["pdftoppm", "-png", "-r", "60", str(pdf), str(tmp_path / name)], check=True, timeout=120
        )
        pages[name] = sorted(tmp_path.glob(f"{name}-*.png"))
        assert pages[name], f"{name} has no pages"
    if os.environ.get("PUBLICITY_RENDER_DIR"):  # to look at them
        for files in pages.values():
            for f in files:
                shutil.copy(f, os.environ["PUBLICITY_RENDER_DIR"])
    return pages


def test_bulletin_and_article_render(city, tools, tmp_path):
    item = services.item_create(
        actor=city.office,
        organisation=city.village,
        kind="experience",
        title="八一村“四比四看”强村富民",
        body="八一村党支部对照“五个好”目标，开展“四比四看”活动。\n一是比服务群众，看群众满意度。",
    )
    services.item_transition(actor=city.office, item=item, action=ItemAction.SUBMIT)
    services.item_transition(actor=city.office, item=item, action=ItemAction.ACCEPT)
    b = bulletins.bulletin_create(
        actor=city.office,
        issuer=city.city,
        title="全市创先争优活动进展情况",
        editor="李明",
        report_to="市委组织部",
        copy_to="市创先争优活动领导小组成员",
        items=[item.pk],
        distribute_to=[city.district.pk, city.town.pk],
    )
    b = bulletins.bulletin_issue(actor=city.office, bulletin=b, today=datetime.date(2026, 12, 5))
    a = services.article_from_item(actor=city.office, item=item)
    services.article_transition(actor=city.office, article=a, action=ArticleAction.SUBMIT)
    a = services.article_transition(actor=city.office, article=a, action=ArticleAction.PUBLISH)
    pages = _render(tmp_path, {"bulletin": bulletins.bulletin_docx(b), "article": documents.article_docx(a)})
    assert len(pages["bulletin"]) == 1 and len(pages["article"]) == 1
