"""`casekit validate` checks a case folder, `casekit list` lists the cases; errors show no traceback."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from casekit.cli import main

MINI = Path(__file__).resolve().parents[1] / "data" / "mini"


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


def test_list(capsys: pytest.CaptureFixture[str]):
    assert main(["list"]) == 0
    assert capsys.readouterr().out.split() == ["samskabelse"]
