"""`casekit handout` and `casekit rolecards` write their document and say where; a problem is one line."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from casekit import teaching
from casekit.case import Case
from casekit.cli import main
from casekit.i18n import t


@pytest.fixture(scope="module")
def html(case: Case) -> str:
    """The role cards of the Danish case, as teaching.rolecards_html writes them."""
    return teaching.rolecards_html(case)


# -- casekit handout -----------------------------------------------------------------------------------------
def test_handout_writes_a_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    out = tmp_path / "handout.html"
    assert main(["handout", "--lang", "da", "-o", str(out)]) == 0
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_unknown_language_is_a_clear_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    assert main(["handout", "--lang", "fr", "-o", str(tmp_path / "x.html")]) == 1
    err = capsys.readouterr().err
    assert "no edition in 'fr'" in err and "Traceback" not in err


# -- casekit rolecards ---------------------------------------------------------------------------------------
def _run(argv: list[str]) -> int:
    """Run through a parser built with teaching.add_parsers, the way casekit.cli hooks it in."""
    parser = argparse.ArgumentParser(prog="casekit")
    teaching.add_parsers(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    return args.handler(args)


class TestCommandLine:
    """`casekit rolecards -o FILE` writes the document and says where; a problem is one line, exit 1."""

    def test_writes_the_file(self, tmp_path: Path, capsys: pytest.CaptureFixture[str], html: str):
        out = tmp_path / "rollekort.html"
        assert _run(["rolecards", "--case", "samskabelse", "--lang", "da", "-o", str(out)]) == 0
        assert out.read_text(encoding="utf-8") == html
        assert capsys.readouterr().out.strip() == t("teaching.cli.wrote", "da", path=out)

    def test_unknown_case_is_one_line(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]):
        out = tmp_path / "x.html"
        assert _run(["rolecards", "--case", "ingen-case", "-o", str(out)]) == 1
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and err.startswith("casekit: kunne ikke lave rollekortene")
        assert "Traceback" not in err and not out.exists()

    def test_output_into_a_folder_is_one_line(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]):
        assert _run(["rolecards", "-o", str(tmp_path)]) == 1
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and err.startswith(f"casekit: {tmp_path}") and "Errno" not in err

    def test_the_casekit_command_has_it(self, tmp_path: Path, capsys: pytest.CaptureFixture[str], html: str):
        """`casekit rolecards` through main writes the same document as teaching.add_parsers's parser."""
        out = tmp_path / "rollekort.html"
        assert main(["rolecards", "--lang", "da", "-o", str(out)]) == 0
        assert out.read_text(encoding="utf-8") == html
        assert capsys.readouterr().out.strip() == t("teaching.cli.wrote", "da", path=out)

    def test_run_rolecards_takes_plain_arguments(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, html: str
    ):
        """teaching.run_rolecards needs only case, lang, output; no --lang is $CASEKIT_LANG, else Danish."""
        monkeypatch.delenv("CASEKIT_LANG", raising=False)
        out = tmp_path / "rollekort.html"
        args = argparse.Namespace(case="samskabelse", lang=None, output=str(out))
        assert teaching.run_rolecards(args) == 0
        assert out.read_text(encoding="utf-8") == html
        assert capsys.readouterr().out.strip() == t("teaching.cli.wrote", "da", path=out)
        bad = argparse.Namespace(case="ingen-case", lang="en", output=str(out))
        assert teaching.run_rolecards(bad) == 1
        assert capsys.readouterr().err.startswith("casekit: could not make the role cards")

    def test_write_rolecards_is_the_command_without_the_command_line(self, tmp_path: Path, html: str):
        """teaching.write_rolecards writes the document the command writes and returns its path."""
        out = tmp_path / "rollekort.html"
        assert teaching.write_rolecards(out, "samskabelse", lang="da") == out
        assert out.read_text(encoding="utf-8") == html
