"""The console script: asking a command for help prints the usage and starts nothing."""

import pytest

from pacesetter import cli


@pytest.mark.parametrize(
    "argv", [["serve", "--help"], ["demo", "--serve", "-h"], ["worker", "--help"], ["--help"]]
)
def test_help_prints_usage_and_starts_nothing(argv, monkeypatch, capsys):
    def refuse(*_a, **_k):
        raise AssertionError("started something")

    monkeypatch.setattr(cli, "serve", refuse)
    monkeypatch.setattr(cli, "_manage", refuse)
    assert cli.main(argv) == 0
    assert capsys.readouterr().out.startswith("usage: pacesetter <command>")


def test_serve_migrates_and_collects_static_files_before_starting(monkeypatch):
    calls = []
    monkeypatch.setattr(cli, "_manage", calls.append)
    monkeypatch.setattr(
        cli, "serve", lambda port=8000, workers=2: calls.append(["serve", port, workers]) or 0
    )
    assert cli.main(["serve", "--port", "8123"]) == 0
    assert calls == [
        ["migrate", "--noinput", "-v", "0"],
        ["collectstatic", "--noinput", "-v", "0"],
        ["serve", 8123, 2],
    ]
