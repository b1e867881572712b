"""Every document casekit writes is valid UTF-8, whatever it read: an undecodable file name in a class
folder, ``"\\ud800"`` in any text of a snapshot or an export, become U+FFFD; the report is written."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from casekit import classroom, registry
from casekit._files import atomic_write_text
from casekit.classroom import snapshot
from casekit.cli import main
from casekit.cli._common import say

from .support import all_answers, all_strings, export_doc, learner_store

LONE = "\\ud800"  # as it stands in a JSON file: a lone surrogate once parsed


def _hostile_snapshot(tmp_path: Path, case) -> str:
    """A snapshot (JSON text) with a lone surrogate in each text field a learner can share."""
    store = learner_store(tmp_path, case)
    placements = dict(store.get(registry.STAKEHOLDER_MAP))
    placements["own-1"] = {"power": 2, "interest": 3, "name": "Egen"}
    store.save(registry.STAKEHOLDER_MAP, placements)
    ticked = [*(q.id for q in case.questions), registry.DECISION_POINT, *registry.DILEMMAS]
    ticked += list(registry.PROPOSAL_TEXTS)
    text = json.dumps(snapshot(store, ticked, case=case), ensure_ascii=True)
    store.close()
    for plain in (
        "Svar 0",
        "Forslag 0",
        "fordi",
        "hemmelig",
        "venstre",
        "h\\u00f8jre",
        "b\\u00f8rnene",
        "Egen",
    ):
        assert plain in text, plain
        text = text.replace(plain, plain[:2] + LONE + plain[2:])
    return text


def _check_report(source: Path, out: Path, capsys: pytest.CaptureFixture[str]) -> str:
    assert main(["class", "summarize", str(source), "-o", str(out), "--with-text", "--lang", "da"]) == 0
    page = out.read_bytes().decode("utf-8")  # strict: valid UTF-8
    captured = capsys.readouterr()
    (captured.out + captured.err).encode("utf-8")
    assert "Traceback" not in captured.err
    return page


def test_a_snapshot_with_lone_surrogates(tmp_path: Path, case, capsys: pytest.CaptureFixture[str]):
    folder = tmp_path / "class" / "1"
    folder.mkdir(parents=True)
    text = _hostile_snapshot(tmp_path, case)
    (folder / f"{json.loads(text)['share_id']}.json").write_text(text, encoding="utf-8")  # its own name
    summary = classroom.summarize(tmp_path / "class", lang="da")
    assert len(summary.learners) == 1
    strings = all_strings(summary)
    strings.encode("utf-8")
    assert "\ufffd" in strings
    page = _check_report(tmp_path / "class", tmp_path / "report.html", capsys)
    assert page.count("\ufffd") >= 5


def test_an_export_with_lone_surrogates(tmp_path: Path, case, capsys: pytest.CaptureFixture[str]):
    doc = export_doc("elev-\ud800", {**all_answers(case), case.questions[0].id: "a\ud800b"})
    (tmp_path / "exports").mkdir()
    (tmp_path / "exports" / "a.json").write_text(json.dumps(doc, ensure_ascii=True), encoding="utf-8")
    all_strings(classroom.summarize(tmp_path / "exports", lang="da")).encode("utf-8")
    assert "a\ufffdb" in _check_report(tmp_path / "exports", tmp_path / "report.html", capsys)


@pytest.mark.skipif(os.name != "posix", reason="file names are bytes only on POSIX")
def test_an_undecodable_file_name(tmp_path: Path, case, capsys: pytest.CaptureFixture[str]):
    folder = tmp_path / "class" / "1"
    folder.mkdir(parents=True)
    text = _hostile_snapshot(tmp_path, case)
    (folder / f"{json.loads(text)['share_id']}.json").write_text(text, encoding="utf-8")  # its own name
    with open(os.fsencode(folder) + b"/\xff\xfe.json", "wb") as fh:
        fh.write(b"{")
    summary = classroom.summarize(tmp_path / "class", lang="da")
    assert [s.name for s in summary.skipped] and all(s.name.endswith("(.json)") for s in summary.skipped)
    all_strings(summary).encode("utf-8")
    err_and_page = _check_report(tmp_path / "class", tmp_path / "report.html", capsys)
    err_and_page.encode("utf-8")


def test_writing_and_saying_text_with_a_lone_surrogate(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    """Where text leaves: the one file writer and the command line's one printer."""
    out = atomic_write_text(tmp_path / "f.txt", "a\ud800b")
    assert out.read_bytes().decode("utf-8") == "a\ufffdb"
    say("a\udcffb")
    say("c\ud800d", err=True)
    captured = capsys.readouterr()
    assert captured.out == "a\ufffdb\n" and captured.err == "c\ufffdd\n"
