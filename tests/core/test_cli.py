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
