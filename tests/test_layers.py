"""The import layers of pyproject.toml's [tool.importlinter] contract hold: core knows no domain app, domain
apps import neither `api` nor `web`, `api` does not import `web`, and each app imports only the layers below it."""

from pathlib import Path

from importlinter.cli import lint_imports

ROOT = Path(__file__).resolve().parent.parent


def test_layers_point_down():
    assert lint_imports(config_filename=str(ROOT / "pyproject.toml"), no_cache=True, no_logo=True) == 0
