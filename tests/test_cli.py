"""The casekit command validates cases, writes handouts, and lists cases; errors never show a traceback."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from casekit.cli import main

MINI = Path(__file__).with_name("data") / "mini"


def test_validate_a_good_case(capsys: pytest.CaptureFixture[str]):
    """A valid folder exits 0 and says what it holds."""
    assert main(["validate", str(MINI)]) == 0
    assert "3 aktører" in capsys.readouterr().out


def test_validate_a_broken_case(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    """A broken folder exits 1 and prints one line per problem with file, line and field."""
    folder = tmp_path / "mini"
    shutil.copytree(MINI, folder)
    text = (folder / "relations.yaml").read_text(encoding="utf-8").replace("target: ada", "target: adam")
    (folder / "relations.yaml").write_text(text, encoding="utf-8")
    assert main(["validate", str(folder)]) == 1
    err = capsys.readouterr().err
    assert "relations.yaml:4 [relations[0].target]: relation to an unknown actor 'adam'" in err


def test_handout_writes_a_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    out = tmp_path / "handout.html"
    assert main(["handout", "--lang", "da", "-o", str(out)]) == 0
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_unknown_language_is_a_clear_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    assert main(["handout", "--lang", "fr", "-o", str(tmp_path / "x.html")]) == 1
    err = capsys.readouterr().err
    assert "no edition in 'fr'" in err and "Traceback" not in err


def test_list(capsys: pytest.CaptureFixture[str]):
    assert main(["list"]) == 0
    assert capsys.readouterr().out.split() == ["samskabelse"]


def test_console_script_is_installed():
    """The `casekit` entry point runs (installed by pip with the package)."""
    exe = Path(sys.executable).with_name("casekit")
    out = subprocess.run([str(exe), "list"], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "samskabelse"
