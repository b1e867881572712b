"""Many files: a total cap on the entries looked at, across folders and ZIPs nested in each other, and a
long list of skipped files counted by reason and kind in the report and on the command line."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pytest
from markupsafe import escape

from casekit import classroom
from casekit.classroom import intake as intake_module
from casekit.classroom import summary as summary_module
from casekit.classroom.errors import ClassFolderError
from casekit.i18n import t

from .support import NAMES, good_export, zip_bytes
from .test_cli_summarize import _run

CAP = 60
SHOWN = 20


def _many(n: int, kinds: tuple[str, ...] = ("pdf",), inside: bytes | None = None) -> bytes:
    """A ZIP of ``n`` empty entries, ``0.pdf``, ``1.png``…, cycling through ``kinds``; ``inside`` last."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        for i in range(n):
            archive.writestr(f"{i}.{kinds[i % len(kinds)]}", b"")
        if inside is not None:
            archive.writestr("inner.zip", inside)
    return buffer.getvalue()


def _lying(data: bytes) -> bytes:
    """A ZIP whose end record says it holds one entry, whatever it holds."""
    at = data.rfind(b"PK\x05\x06")
    return data[: at + 8] + (1).to_bytes(2, "little") * 2 + data[at + 12 :]


@pytest.fixture
def small_cap(monkeypatch: pytest.MonkeyPatch) -> int:
    """The total cap on entries, small, so a hostile ZIP is quick to build and to read."""
    monkeypatch.setattr(intake_module, "MAX_ENTRIES", CAP, raising=False)
    return CAP


@pytest.fixture
def few_shown(monkeypatch: pytest.MonkeyPatch) -> int:
    """How many skipped files are listed one by one, small."""
    monkeypatch.setattr(summary_module, "SKIPPED_SHOWN", SHOWN, raising=False)
    return SHOWN


def _skipped_section(page: str) -> str:
    found = re.search(r'<section class="casekit-report-skipped".*?</section>', page, re.S)
    assert found is not None
    return found.group(0)


class TestEntryCap:
    """At most MAX_ENTRIES entries in all are looked at: a ZIP in a ZIP that holds more than are left is not
    opened, and where the count runs out all the same the intake stops, saying where; what was read counts."""

    def test_nested_zips_over_what_is_left_are_not_opened(self, tmp_path: Path, case, small_cap: int):
        """Four students' ZIPs of 50 entries each: the first is looked into, the other three hold more than
        the cap leaves and are not opened, and the hand-ins beside them (before and after) are summarised."""
        members = {"A_1_1/svar.json": good_export(case, 1)}
        members |= {f"H{k}_2{k}_3{k}/x.zip": _many(50) for k in range(4)}
        members["Z_9_9/svar.json"] = good_export(case, 2)
        path = tmp_path / "hostile.zip"
        path.write_bytes(zip_bytes(members))
        summary = classroom.summarize(path)
        assert len(summary.learners) == 2
        assert len(summary.skipped) == 50 + 3 and summary.stopped is None
        unopened = t("class.skip.entry_limit_zip", "da", count=50, left=small_cap - 56, limit=small_cap)
        assert [s.name for s in summary.skipped if s.reason == unopened] == [
            t("class.file_label", "da", n=n, name=".zip") for n in (52, 53, 54)
        ]

    def test_every_level_of_nesting_counts(self, tmp_path: Path, case, small_cap: int):
        """ZIPs three deep (the most read): 26 entries at the second level leave too few for 40 below."""
        inner = _many(25, inside=_many(40))
        path = tmp_path / "deep.zip"
        path.write_bytes(zip_bytes({"A_1_1/svar.json": good_export(case, 1), "B_2_2/x.zip": inner}))
        summary = classroom.summarize(path)
        assert len(summary.learners) == 1
        unopened = t("class.skip.entry_limit_zip", "da", count=40, left=small_cap - 28, limit=small_cap)
        assert [s.reason for s in summary.skipped].count(unopened) == 1

    def test_a_zip_that_lies_about_its_entries_stops_where_they_run_out(
        self, tmp_path: Path, case, small_cap: int
    ):
        """A ZIP whose end record says it holds one entry, and holds 100: the count stops at the cap there,
        with one line saying where; a ZIP listed before then is not opened; the hand-ins read count."""
        members = {"A_1_1/svar.json": good_export(case, 1), "H_2_2/x.zip": _lying(_many(100))}
        members |= {"I_3_3/y.zip": _many(2), "Z_9_9/svar.json": good_export(case, 2)}
        path = tmp_path / "lying.zip"
        path.write_bytes(zip_bytes(members))
        summary = classroom.summarize(path)
        assert len(summary.learners) == 2
        here = t(
            "class.skip.entry_limit_here",
            "da",
            limit=small_cap,
            where=t("class.where.nested_zip", "da", depth=2),
        )
        assert summary.stopped is not None and summary.stopped.reason == here
        assert [s.reason for s in summary.skipped].count(here) == 1
        unopened = t("class.skip.entry_limit", "da", limit=small_cap)
        assert [s.name for s in summary.skipped if s.reason == unopened] == [
            t("class.file_label", "da", n=59, name=".zip")
        ]
        assert len(summary.skipped) <= small_cap

    def test_the_zip_given_stops_too(self, tmp_path: Path, case, small_cap: int):
        path = tmp_path / "flat.zip"
        path.write_bytes(
            zip_bytes({"A_1_1/svar.json": good_export(case, 1), **{f"B_2_2/{i}.pdf": b"" for i in range(99)}})
        )
        summary = classroom.summarize(path, lang="en")
        assert len(summary.learners) == 1 and len(summary.skipped) == small_cap
        assert summary.stopped == summary.skipped[-1]
        where = t("class.where.zip", "en")
        assert summary.stopped.reason == t("class.skip.entry_limit_here", "en", limit=small_cap, where=where)

    def test_a_folder_stops_too(self, tmp_path: Path, case, small_cap: int):
        """A folder of files (a class folder anyone may drop files in) stops at the cap as well."""
        (tmp_path / "a.json").write_bytes(good_export(case, 1))
        for i in range(30):
            sub = tmp_path / f"s{i:02d}"
            sub.mkdir()
            for j in range(3):
                (sub / f"{j}.pdf").write_bytes(b"")
        summary = classroom.summarize(tmp_path)
        assert len(summary.learners) == 1
        assert summary.stopped is not None
        assert summary.stopped.reason == t(
            "class.skip.entry_limit_here", "da", limit=small_cap, where=t("class.where.folder", "da")
        )
        assert len(summary.skipped) <= small_cap

    def test_nothing_readable_names_the_stop(self, tmp_path: Path, small_cap: int):
        """No hand-in at all: the error says where it stopped, after the first reasons."""
        path = tmp_path / "only.zip"
        path.write_bytes(zip_bytes({f"H_2_2/{i}.pdf": b"" for i in range(99)}))
        with pytest.raises(ClassFolderError) as caught:
            classroom.summarize(path)
        here = t("class.skip.entry_limit_here", "da", limit=small_cap, where=t("class.where.zip", "da"))
        assert here in str(caught.value)
        assert len(str(caught.value).splitlines()) < 20

    def test_the_report_and_command_line_say_where_it_stopped(
        self, tmp_path: Path, case, small_cap: int, capsys
    ):
        members = {"A_1_1/svar.json": good_export(case, 1), **{f"H_2_2/{i}.png": b"" for i in range(99)}}
        path = tmp_path / "hostile.zip"
        path.write_bytes(zip_bytes(members))
        out = tmp_path / "report.html"
        assert _run(["class", "summarize", str(path), "-o", str(out), "--lang", "en"]) == 0
        summary = classroom.summarize(path, lang="en")
        assert summary.stopped is not None
        stopped = {"name": summary.stopped.name, "reason": summary.stopped.reason}
        assert str(escape(t("class.report.stopped", "en", **stopped))) in out.read_text(encoding="utf-8")
        assert capsys.readouterr().err.splitlines()[-1] == t("class.cli.stopped", "en", **stopped)

    def test_under_the_cap_nothing_stops(self, lms_zip: Path):
        summary = classroom.summarize(lms_zip)
        assert summary.stopped is None and summary.skipped == []


class TestLongSkippedList:
    """A long list of skipped files: the first are listed, the rest counted by reason and kind."""

    @pytest.fixture
    def many(self, tmp_path: Path, case) -> Path:
        """One hand-in, and 120 files that are not: 60 .pdf, 30 .png, 30 without a type, names hidden."""
        members = {"A_1_1/svar.json": good_export(case, 1)}
        members |= {f"{NAMES[0]}/bilag-{i}.pdf": b"" for i in range(60)}
        members |= {f"{NAMES[1]}/foto-{i}.png": b"" for i in range(30)}
        members |= {f"C_3_3/README-{i}": b"" for i in range(30)}
        path = tmp_path / "many.zip"
        path.write_bytes(zip_bytes(members))
        return path

    def test_the_report_lists_the_first_and_counts_the_rest(self, many: Path, few_shown: int):
        summary = classroom.summarize(many)
        assert len(summary.skipped) == 120  # the summary keeps them all
        section = _skipped_section(classroom.render_report(summary))
        assert section.count('<span class="casekit-report-file">') == few_shown
        assert t("class.file_label", "da", n=few_shown + 1, name=".pdf") in section
        assert t("class.file_label", "da", n=few_shown + 2, name=".pdf") not in section
        assert t("class.report.skipped_more", "da", count=120 - few_shown) in section
        reason = t("class.skip.not_json_file", "da")
        kinds = ", ".join(
            t("class.skipped.kind", "da", kind=k, count=c)
            for k, c in ((".pdf", 60 - few_shown), (".png", 30), (t("class.file_kind_none", "da"), 30))
        )
        group = t("class.skipped.group", "da", reason=reason, count=120 - few_shown, kinds=kinds)
        assert group in section
        for word in ("bilag", "foto", "README", "Jens", "Mette", "Studerende"):
            assert word not in section  # by position and kind only, never by name or beside a label

    def test_the_command_line_lists_the_first_and_counts_the_rest(
        self, many: Path, tmp_path: Path, few_shown: int, capsys
    ):
        out = tmp_path / "report.html"
        assert _run(["class", "summarize", str(many), "-o", str(out), "--lang", "en"]) == 0
        err = capsys.readouterr().err.splitlines()
        assert len(err) == few_shown + 2  # the first, then how many more, and their one reason
        assert err[few_shown] == t("class.cli.skipped_more", "en", count=120 - few_shown)
        assert t("class.skip.not_json_file", "en") in err[-1] and ".png" in err[-1]
        assert not any(word in line for line in err for word in ("bilag", "foto", "README", "Student"))

    def test_many_reasons_and_kinds_are_counted_in_a_few_lines(self, tmp_path: Path, case, few_shown: int):
        """A reason per file ("older than file N") and a kind per file stay a few lines."""
        members = {"A_1_1/svar.json": good_export(case, 1)}
        members |= {f"B_2_2/{i}.k{i}": b"" for i in range(200)}
        members |= {f"C_3_3/{i}.json": good_export(case, 3) for i in range(40)}
        path = tmp_path / "varied.zip"
        path.write_bytes(zip_bytes(members))
        summary = classroom.summarize(path)
        _, more, groups = summary.skipped_digest()
        assert more == len(summary.skipped) - few_shown
        assert len(groups) <= summary_module.SKIPPED_REASONS + 1
        assert all(line.count(",") <= summary_module.SKIPPED_KINDS for line in groups)


class TestNormalClass:
    """A class with a few skipped files: the report and the command line list each, exactly as before."""

    def test_the_report_and_command_line_are_unchanged(self, lms_zip: Path, tmp_path: Path, capsys):
        with zipfile.ZipFile(lms_zip, "a") as archive:
            archive.writestr(f"{NAMES[1]}/bad.json", b"{")
            archive.writestr(f"{NAMES[0]}/rapport.pdf", b"%PDF")
        summary = classroom.summarize(lms_zip)
        items = "".join(
            f'<li><span class="casekit-report-file">{s.name}</span>: {s.reason}</li>\n'
            for s in summary.skipped
        )
        heading = t("class.report.skipped", "da", count=2)
        expected = (
            '<section class="casekit-report-skipped" aria-labelledby="skipped">\n'
            f'<h2 id="skipped">{heading}</h2>\n<ul>\n{items}</ul>\n</section>'
        )
        assert _skipped_section(classroom.render_report(summary)) == expected
        out = tmp_path / "report.html"
        assert _run(["class", "summarize", str(lms_zip), "-o", str(out)]) == 0
        err = capsys.readouterr().err.splitlines()
        assert err == [
            t("class.cli.skipped_line", "da", name=s.name, reason=s.reason) for s in summary.skipped
        ]


class TestLearnerEntries:
    """One student's ZIPs are looked into up to MAX_LEARNER_ENTRIES entries: a hostile hand-in uses its own
    share, and the ZIPs of the students after it are still opened and read."""

    @pytest.fixture
    def small_share(self, monkeypatch: pytest.MonkeyPatch) -> int:
        monkeypatch.setattr(intake_module, "MAX_LEARNER_ENTRIES", 40, raising=False)
        return 40

    def _class(self, tmp_path: Path, case, hostile: bytes) -> classroom.ClassSummary:
        members = {"A_1_1/x.zip": hostile}
        members |= {
            f"B{k}_2{k}_3{k}/svar.zip": zip_bytes({"svar.json": good_export(case, k)}) for k in range(3)
        }
        path = tmp_path / "class.zip"
        path.write_bytes(zip_bytes(members))
        return classroom.summarize(path)

    def test_a_zip_over_the_students_share_is_not_opened(self, tmp_path: Path, case, small_share: int):
        summary = self._class(tmp_path, case, _many(500))
        assert len(summary.learners) == 3 and summary.stopped is None
        (skipped,) = summary.skipped
        assert skipped.reason == t(
            "class.skip.learner_entries_zip", "da", count=500, left=small_share, limit=small_share
        )

    def test_a_zip_that_lies_stops_at_the_students_share(self, tmp_path: Path, case, small_share: int):
        summary = self._class(tmp_path, case, _lying(_many(500)))
        assert len(summary.learners) == 3 and summary.stopped is None
        reasons = [s.reason for s in summary.skipped]
        assert reasons.count(t("class.skip.learner_entries", "da", limit=small_share)) == 1
        assert (
            len(reasons) == small_share + 1
        )  # the entries looked at (not casekit files), and where it stopped

    def test_the_share_is_the_whole_hand_ins_not_each_zips(self, tmp_path: Path, case, small_share: int):
        """Two ZIPs in one student's folder, and a ZIP inside the first, share one student's entries."""
        hostile = zip_bytes({"a.zip": _many(30), "b.zip": _many(30)})
        summary = self._class(tmp_path, case, hostile)
        assert len(summary.learners) == 3
        left = small_share - 2 - 30  # the outer ZIP's two entries, then the first inner ZIP's thirty
        assert t("class.skip.learner_entries_zip", "da", count=30, left=left, limit=small_share) in [
            s.reason for s in summary.skipped
        ]
