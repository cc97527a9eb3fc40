"""A large import is validated by the task queue: the clerk watches the progress bar, then sees the report."""

from playwright.sync_api import expect

from pacesetter.core import tasks
from pacesetter.orgs.models import ImportBatch
from tests.browser.test_imports import _roster


def test_queued_import_shows_progress_then_its_report(page, live_server, bcity, sign_in, tmp_path, settings):
    settings.IMPORT_INLINE_MAX_ROWS = 1  # two rows: the worker validates it
    sign_in(page, "office")
    page.goto(f"{live_server.url}/imports/")
    roster = tmp_path / "花名册.xlsx"
    _roster(roster, bad=False)
    page.locator("select[name=kind]").select_option("members")
    page.set_input_files("input[type=file]", str(roster))
    page.get_by_test_id("upload-button").click()
    bar = page.get_by_role("progressbar")
    expect(bar).to_have_attribute("aria-valuenow", "0")
    ImportBatch.objects.update(progress=40)  # as the task's progress callback writes it
    expect(bar).to_have_attribute("aria-valuenow", "40")
    assert tasks.run_pending("browser-test-worker") == 1
    expect(page.get_by_test_id("count-create")).to_have_text("2")
    expect(page.get_by_test_id("confirm-button")).to_be_visible()
