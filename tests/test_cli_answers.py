"""``casekit answers export|import|show``: exit codes, files written, and clear errors without tracebacks."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

import pytest

from casekit import _cli_answers
from casekit.answers import AnswerStore

REPO = Path(__file__).resolve().parents[1]


def _run(argv: list[str]) -> int:
    """Run through a parser built with _cli_answers.add_parsers, the way casekit.cli hooks it in."""
    parser = argparse.ArgumentParser(prog="casekit")
    _cli_answers.add_parsers(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    return args.handler(args)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    with AnswerStore.open(tmp_path / "answers", case_id="samskabelse") as store:
        store.save("organisering-1", "Mit svar med æøå")
        store.save("stakeholder-map", {"kim": {"power": 4, "interest": 5}})
    return tmp_path / "answers"


class TestExport:
    """Export writes the file in the chosen format and says where."""

    def test_json(self, folder: Path, tmp_path: Path, capsys):
        out = tmp_path / "svar.json"
        assert _run(["answers", "export", "--answers-dir", str(folder), "-o", str(out)]) == 0
        assert (
            json.loads(out.read_text(encoding="utf-8"))["answers"]["organisering-1"]["value"]
            == "Mit svar med æøå"
        )
        assert str(out) in capsys.readouterr().out

    @pytest.mark.parametrize("fmt", ["html", "markdown"])
    def test_hand_in(self, folder: Path, tmp_path: Path, fmt: str):
        out = tmp_path / f"svar.{fmt}"
        assert _run(["answers", "export", "--format", fmt, "--answers-dir", str(folder), "-o", str(out)]) == 0
        text = out.read_text(encoding="utf-8")
        assert "Mit svar med æøå" in text
        assert "Hvilke forskellige aktørgrupper" in text  # question text from the real case

    def test_missing_store_is_an_error_not_a_new_file(self, tmp_path: Path, capsys):
        empty = tmp_path / "empty"
        code = _run(["answers", "export", "--answers-dir", str(empty), "-o", str(tmp_path / "x.json")])
        err = capsys.readouterr().err
        assert code == 1 and "samskabelse.sqlite" in err and "Traceback" not in err
        assert not empty.exists() or not any(empty.iterdir())


class TestImportAndShow:
    """Import merges an export into a store; show lists the answers."""

    def test_import_then_show(self, folder: Path, tmp_path: Path, capsys):
        export = tmp_path / "svar.json"
        assert _run(["answers", "export", "--answers-dir", str(folder), "-o", str(export)]) == 0
        target = tmp_path / "instructor"
        assert _run(["answers", "import", str(export), "--answers-dir", str(target)]) == 0
        assert "2 nye" in capsys.readouterr().out
        assert _run(["answers", "show", "--answers-dir", str(target)]) == 0
        out = capsys.readouterr().out
        assert "organisering-1" in out and "Mit svar med æøå" in out
        assert "stakeholder-map – Interessentkort" in out

    def test_bad_import_file(self, folder: Path, tmp_path: Path, capsys):
        bad = tmp_path / "bad.json"
        bad.write_text("[]", encoding="utf-8")
        assert _run(["answers", "import", str(bad), "--answers-dir", str(folder)]) == 1
        err = capsys.readouterr().err
        assert "bad.json" in err and "JSON-objekt" in err and "Traceback" not in err

    def test_english_messages(self, folder: Path, tmp_path: Path, capsys):
        assert (
            _run(
                [
                    "answers",
                    "import",
                    str(tmp_path / "nope.json"),
                    "--answers-dir",
                    str(folder),
                    "--lang",
                    "en",
                ]
            )
            == 1
        )
        assert "cannot be read" in capsys.readouterr().err

    def test_show_empty_store(self, tmp_path: Path, capsys):
        AnswerStore.open(tmp_path, case_id="samskabelse").close()
        assert _run(["answers", "show", "--answers-dir", str(tmp_path)]) == 0
        assert "Ingen svar endnu." in capsys.readouterr().out


@pytest.mark.slow
def test_casekit_command_line(folder: Path, tmp_path: Path):
    """``python -m casekit.cli answers …`` is wired in and fails without a traceback."""
    env_cmd = [sys.executable, "-m", "casekit.cli", "answers"]
    ok = subprocess.run(
        [*env_cmd, "show", "--answers-dir", str(folder)],
        capture_output=True,
        text=True,
        cwd=REPO,
        check=False,
    )
    assert ok.returncode == 0 and "organisering-1" in ok.stdout
    (tmp_path / "bad.json").write_bytes(b"\xff\xfe")
    bad = subprocess.run(
        [*env_cmd, "import", str(tmp_path / "bad.json"), "--answers-dir", str(folder)],
        capture_output=True,
        text=True,
        cwd=REPO,
        check=False,
    )
    assert bad.returncode == 1 and "UTF-8" in bad.stderr and "Traceback" not in bad.stderr
