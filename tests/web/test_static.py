"""Static files as `make install` and `pacesetter serve` collect them: hashed names, gzip, long cache lifetimes."""

from django.core.management import call_command
from django.template.loader import render_to_string
from django.test import Client


def test_collected_static_files_are_hashed_compressed_and_cached_long(db, settings, tmp_path):
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "pacesetter.core.storage.StaticFilesStorage"},
    }
    settings.WHITENOISE_USE_FINDERS = False
    call_command("collectstatic", "--noinput", "-v", "0")
    html = render_to_string("web/public_base.html", {})
    [css] = [
        f
        for f in (tmp_path / "vendor").iterdir()
        if f.name.startswith("bootstrap.min.") and f.suffix == ".css" and f.name != "bootstrap.min.css"
    ]
    assert (tmp_path / "vendor" / f"{css.name}.gz").exists()
    assert f'href="/static/vendor/{css.name}"' in html
    response = Client().get(f"/static/vendor/{css.name}", headers={"Accept-Encoding": "gzip"})
    assert response.status_code == 200 and response["Content-Encoding"] == "gzip"
    assert response["Cache-Control"] == "max-age=315360000, public, immutable"


def test_management_commands_start_before_the_first_collectstatic(tmp_path):
    """collectstatic itself imports the URLconf: nothing there may ask for a hashed name at import time."""
    import os
    import subprocess
    import sys

    env = {**os.environ, "PACESETTER_DATA_DIR": str(tmp_path), "PACESETTER_STATIC_MANIFEST": "true"}
    done = subprocess.run(
        [sys.executable, "-m", "pacesetter", "manage", "check"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
