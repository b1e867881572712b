"""``casekit answers export|import|show``: exit codes, files written, and clear errors without tracebacks."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

import pytest

from casekit.answers import AnswerStore
from casekit.cli import answers as answers_cli

REPO = Path(__file__).resolve().parents[2]


def _run(argv: list[str]) -> int:
    """Run through a parser built with casekit.cli.answers.add_parsers, the way casekit.cli hooks it in."""
    parser = argparse.ArgumentParser(prog="casekit")
    answers_cli.add_parsers(parser.add_subparsers(dest="command", required=True))
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

    def test_import_of_the_html_hand_in(self, folder: Path, tmp_path: Path, capsys):
        """`casekit answers import svar.html`: the hand-in's embedded export is imported."""
        page = tmp_path / "svar.html"
        assert (
            _run(["answers", "export", "--answers-dir", str(folder), "--format", "html", "-o", str(page)])
            == 0
        )
        target = tmp_path / "instructor"
        assert _run(["answers", "import", str(page), "--answers-dir", str(target)]) == 0
        assert "2 nye" in capsys.readouterr().out
        assert _run(["answers", "show", "--answers-dir", str(target)]) == 0
        assert "Mit svar med æøå" in capsys.readouterr().out

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


class TestHostileConditions:
    """The commands neither harm a learner's files nor pass hostile text to the instructor's terminal."""

    def test_show_neutralises_terminal_escapes(self, tmp_path: Path, capsys):
        """A learner's escape sequences (a window title, a colour, a bidi override) print as visible text."""
        with AnswerStore.open(tmp_path / "answers", case_id="samskabelse", learner="elev\x1b[2J") as store:
            store.save("organisering-1", "hej\x1b]0;ejet\x07 og \u202edrow")
        assert (
            _run(["answers", "show", "--answers-dir", str(tmp_path / "answers"), "--learner", "elev\x1b[2J"])
            == 0
        )
        out = capsys.readouterr().out
        assert "\x1b" not in out and "\x07" not in out and "\u202e" not in out
        assert "\\x1b]0;ejet\\x07" in out and "\\u202e" in out

    def test_import_of_a_missing_file_creates_no_store(self, tmp_path: Path, capsys):
        """A file that cannot be read is refused before any store is created."""
        answers = tmp_path / "answers"
        assert _run(["answers", "import", str(tmp_path / "missing.json"), "--answers-dir", str(answers)]) == 1
        assert "missing.json" in capsys.readouterr().err
        assert not answers.exists()

    def test_export_onto_the_store_is_refused(self, folder: Path, capsys):
        """`-o answers/samskabelse.sqlite` (or its -wal) would replace the store: refused, store intact."""
        store_file = folder / "samskabelse.sqlite"
        before = store_file.read_bytes()
        for target in (store_file, folder / "samskabelse.sqlite-wal"):
            code = _run(
                ["answers", "export", "--format", "html", "--answers-dir", str(folder), "-o", str(target)]
            )
            assert code == 1
            assert "svarfil" in capsys.readouterr().err
        assert store_file.read_bytes()[:16] == before[:16] == b"SQLite format 3\x00"
        with AnswerStore.open(folder, case_id="samskabelse") as store:
            assert store.get("organisering-1") == "Mit svar med æøå"

    def test_export_onto_a_folder_says_so_in_danish(self, folder: Path, tmp_path: Path, capsys):
        """A system error is said in the catalog's words with the path, never "[Errno 21] Is a directory"."""
        target = tmp_path / "en-mappe"
        target.mkdir()
        assert _run(["answers", "export", "--answers-dir", str(folder), "-o", str(target)]) == 1
        err = capsys.readouterr().err
        assert "Errno" not in err and "Is a directory" not in err
        assert "en-mappe" in err and "mappe" in err

    def test_show_and_export_change_nothing(self, folder: Path, tmp_path: Path):
        """The read-only commands leave the store folder byte for byte as it was."""

        def snapshot() -> dict[str, bytes]:
            return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}

        before = snapshot()
        assert _run(["answers", "show", "--answers-dir", str(folder)]) == 0
        assert _run(["answers", "export", "--answers-dir", str(folder), "-o", str(tmp_path / "x.json")]) == 0
        assert snapshot() == before

    def test_show_of_another_file_leaves_it_alone(self, tmp_path: Path, capsys):
        """`--answers-dir noter.txt` is refused; the learner's notes are neither moved nor changed."""
        notes = tmp_path / "noter.txt"
        notes.write_text("mine noter", encoding="utf-8")
        assert _run(["answers", "show", "--answers-dir", str(notes)]) == 1
        assert notes.read_text(encoding="utf-8") == "mine noter"
        assert sorted(p.name for p in tmp_path.iterdir()) == ["noter.txt"]
