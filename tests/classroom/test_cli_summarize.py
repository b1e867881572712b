"""`casekit class summarize`: exit 0 with a report (skipped files on stderr), exit 1 when nothing."""

from __future__ import annotations

import argparse
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from casekit.cli import classroom as class_cli
from casekit.export import render
from casekit.i18n import t

from .support import NAMES, learner_store, zip_bytes


def _run(argv: list[str]) -> int:
    """Run through a parser built with class_cli.add_parsers, the way casekit.cli hooks it in."""
    parser = argparse.ArgumentParser(prog="casekit")
    class_cli.add_parsers(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    return args.handler(args)


class TestCli:
    """`casekit class summarize`: exit 0 with a report (skipped files on stderr), exit 1 when nothing."""

    def test_writes_the_report_and_lists_skipped_files(self, lms_zip: Path, tmp_path: Path, capsys):
        """Exit 0; the report is written; a skipped file and its reason are on stderr."""
        with zipfile.ZipFile(lms_zip, "a") as archive:
            archive.writestr(f"{NAMES[1]}/bad.json", b"{")
        out = tmp_path / "report.html"
        assert _run(["class", "summarize", str(lms_zip), "-o", str(out), "--projection"]) == 0
        captured = capsys.readouterr()
        assert "casekit-projection" in out.read_text(encoding="utf-8")
        assert (
            t("class.file_label", "da", n=4, name=".json") in captured.err
            and "ikke gyldig JSON" in captured.err
        )
        assert "bad.json" not in captured.err  # a file is shown by its kind, never its name
        assert t("class.learner", "da", n=1).split()[0] not in captured.err  # nor beside its learner's label
        assert str(out) in captured.out and "Traceback" not in captured.err

    def test_with_text_and_english(self, lms_zip: Path, tmp_path: Path, capsys):
        """--with-text shows the texts; --lang en gives English words."""
        out = tmp_path / "report.html"
        assert _run(["class", "summarize", str(lms_zip), "-o", str(out), "--with-text", "--lang", "en"]) == 0
        page = out.read_text(encoding="utf-8")
        assert 'id="texts"' in page and "Student 1" in page

    def test_an_lms_zip_of_html_hand_ins(self, tmp_path: Path, case, capsys):
        """The HTML hand-ins the notebook calls "til aflevering", zipped by an LMS, give a report."""
        members = {}
        for i in range(2):
            with learner_store(tmp_path, case, i) as store:
                members[f"Elev {i}_10{i}_assignsubmission_file_/aflevering.html"] = render(
                    store, "html", case=case
                ).encode("utf-8")
        path = tmp_path / "html.zip"
        path.write_bytes(zip_bytes(members))
        out = tmp_path / "report.html"
        assert _run(["class", "summarize", str(path), "-o", str(out)]) == 0
        captured = capsys.readouterr()
        assert t("class.cli.wrote", "da", path=out, learners=2, skipped=0) in captured.out
        assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
        assert "Elev" not in captured.err

    def test_nothing_readable_is_exit_1(self, tmp_path: Path, capsys):
        """Only bad files: exit 1, a catalog message on stderr, no report, no traceback."""
        (tmp_path / "in").mkdir()
        (tmp_path / "in" / "x.json").write_text("nope", encoding="utf-8")
        out = tmp_path / "report.html"
        assert _run(["class", "summarize", str(tmp_path / "in"), "-o", str(out)]) == 1
        err = capsys.readouterr().err
        assert "Ingen svar kunne læses" in err and "Traceback" not in err
        assert not out.exists()

    def test_an_empty_zip_or_folder_says_so(self, tmp_path: Path, capsys):
        """Nothing in the input: one sentence that says so, not a list of skipped files with none in it."""
        empty_zip, empty_folder = tmp_path / "tom.zip", tmp_path / "tom"
        empty_zip.write_bytes(zip_bytes({}))
        empty_folder.mkdir()
        for source in (empty_zip, empty_folder):
            assert _run(["class", "summarize", str(source), "-o", str(tmp_path / "r.html")]) == 1
            err = capsys.readouterr().err
            assert err.strip() == "casekit: " + t("class.error.nothing_empty", "da", path=source)

    def test_missing_input_and_unwritable_output(self, tmp_path: Path, lms_zip: Path, capsys):
        """A missing input and an output in a missing folder are exit 1 with a message."""
        assert _run(["class", "summarize", str(tmp_path / "nope.zip"), "-o", str(tmp_path / "r.html")]) == 1
        assert _run(["class", "summarize", str(lms_zip), "-o", str(tmp_path / "no" / "r.html")]) == 1
        err = capsys.readouterr().err
        assert err.count("casekit:") == 2 and "Traceback" not in err
        assert str(tmp_path / "no") in err and ".tmp" not in err  # the folder asked for, not a temporary file

    def test_the_report_is_never_written_over_or_into_what_is_summarised(
        self, tmp_path: Path, lms_zip: Path, capsys
    ):
        """`-o` naming the LMS ZIP, the one export or a file in the folder being summarised is refused, and
        the hand-ins are as they were (before, the report took the ZIP's place and said it wrote it)."""
        folder = tmp_path / "afleveringer"
        with zipfile.ZipFile(lms_zip) as archive:
            archive.extractall(folder)
        one = next(folder.rglob("*.json"))
        before = {p: p.read_bytes() for p in (lms_zip, *folder.rglob("*")) if p.is_file()}
        for source, out in (
            (lms_zip, lms_zip),
            (one, one),
            (folder, folder / "rapport.html"),
            (folder, one),
            (folder, folder / "ny" / ".." / "rapport.html"),
        ):
            assert _run(["class", "summarize", str(source), "-o", str(out)]) == 1, out
            err = capsys.readouterr().err
            assert err.strip() == "casekit: " + t("class.cli.onto_input", "da", path=out, source=source)
        assert {p: p.read_bytes() for p in (lms_zip, *folder.rglob("*")) if p.is_file()} == before

    @pytest.mark.slow
    def test_as_a_process(self, lms_zip: Path, tmp_path: Path):
        """Run as a process through the module: exit 0 and the report written."""
        code = (
            "import argparse, sys\n"
            "from casekit.cli import classroom as class_cli\n"
            "p = argparse.ArgumentParser(prog='casekit')\n"
            "class_cli.add_parsers(p.add_subparsers(dest='command', required=True))\n"
            "a = p.parse_args(sys.argv[1:])\n"
            "sys.exit(a.handler(a))\n"
        )
        out = tmp_path / "r.html"
        done = subprocess.run(
            [sys.executable, "-c", code, "class", "summarize", str(lms_zip), "-o", str(out)],
            capture_output=True,
            text=True,
        )
        assert done.returncode == 0, done.stderr
        assert out.exists()


def test_the_case_option(lms_zip: Path, tmp_path: Path, capsys):
    """`--case ID` reads the class as that case; an unknown case is exit 1 with a message naming it."""
    out = tmp_path / "report.html"
    assert _run(["class", "summarize", str(lms_zip), "-o", str(out), "--case", "samskabelse"]) == 0
    assert _run(["class", "summarize", str(lms_zip), "-o", str(tmp_path / "r2.html"), "--case", "nope"]) == 1
    captured = capsys.readouterr()
    assert "nope" in captured.err and "Traceback" not in captured.err
    assert not (tmp_path / "r2.html").exists()
