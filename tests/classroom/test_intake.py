"""Reading folders and ZIPs within limits: huge files, bombs, unsafe names, links and deep nesting are
skipped with a reason, and nothing is ever written."""

from __future__ import annotations

import io
import os
import stat
import zipfile
from pathlib import Path

import pytest

from casekit import classroom
from casekit.classroom.intake import MAX_LEARNER_BYTES, MAX_TOTAL_BYTES, Intake, student_level
from casekit.i18n import t
from casekit.importer import MAX_IMPORT_BYTES

from .support import all_answers, export_doc, good_export, json_bytes, reasons, zip_bytes


class TestBadInput:
    """Each bad file is skipped with its reason, the rest is summarized, and nothing is ever written."""

    def test_huge_member_is_not_read(self, tmp_path: Path, case):
        """A member over MAX_IMPORT_BYTES is skipped by its declared size, before it is read."""
        big = b"[" + b"0," * (MAX_IMPORT_BYTES // 2 + 10) + b"0]"
        path = tmp_path / "big.zip"
        path.write_bytes(zip_bytes({"A_1_1/svar.json": good_export(case), "B_2_2/huge.json": big}))
        summary = classroom.summarize(path)
        assert "for stor" in reasons(summary)["fil 2 (.json)"]

    def test_huge_file_in_a_folder_is_not_read(self, tmp_path: Path, case, monkeypatch: pytest.MonkeyPatch):
        """A file over the limit in a folder is skipped by its size (read() is never called on it)."""
        (tmp_path / "good.json").write_bytes(good_export(case))
        with open(tmp_path / "huge.json", "wb") as fh:
            fh.truncate(MAX_IMPORT_BYTES + 1)
        summary = classroom.summarize(tmp_path)
        assert any("for stor" in s.reason and s.name.endswith("(.json)") for s in summary.skipped)

    def test_zip_bomb_is_skipped(self, tmp_path: Path, case):
        """A member that would unpack to far more than its size is skipped without unpacking it."""
        path = tmp_path / "bomb.zip"
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("A_1_1/svar.json", good_export(case))
            archive.writestr("B_2_2/bomb.json", b"0" * (MAX_IMPORT_BYTES - 1024))
        summary = classroom.summarize(path)
        assert len(summary.learners) == 1
        assert "pakket" in reasons(summary)["fil 2 (.json)"]

    def test_member_is_read_in_chunks_up_to_its_cap(self):
        """A member larger than the cap is stopped, and a header that lies about the size gives no data."""
        read = Intake("da").read_member
        with zipfile.ZipFile(io.BytesIO(zip_bytes({"x.json": b"1" * 5000}))) as archive:
            info = archive.infolist()[0]
            assert read(archive, info, MAX_IMPORT_BYTES) == b"1" * 5000
            assert isinstance(read(archive, info, 1000), str)
            info.file_size = 10  # the header claims 10 bytes
            assert isinstance(read(archive, info, MAX_IMPORT_BYTES), str)

    def test_traversal_names_are_skipped_and_nothing_is_written(self, tmp_path: Path, case):
        """`../x`, `/etc/passwd` and `C:\\x` inside a ZIP are skipped; the folders around are unchanged."""
        inside = tmp_path / "work" / "inside"
        inside.mkdir(parents=True)
        path = inside / "evil.zip"
        path.write_bytes(
            zip_bytes(
                {
                    "A_1_1/svar.json": good_export(case),
                    "../x.json": good_export(case, 1),
                    "/etc/passwd.json": good_export(case, 2),
                    "C:\\x.json": good_export(case, 3),
                    "B_2_2/../../y.json": good_export(case, 4),
                }
            )
        )

        def tree() -> list[tuple[str, int, float]]:
            return sorted(
                (str(p.relative_to(tmp_path)), p.stat().st_size, p.stat().st_mtime)
                for p in tmp_path.rglob("*")
            )

        before = tree()
        cwd = os.getcwd()
        os.chdir(inside)
        try:
            summary = classroom.summarize(path)
        finally:
            os.chdir(cwd)
        assert tree() == before
        assert len(summary.learners) == 1
        unsafe = [s for s in summary.skipped if "usikkert navn" in s.reason]
        assert len(unsafe) == 4
        assert not any("x.json" in s.name or ".." in s.name for s in unsafe)  # only the kind is shown
        assert not any(s.name.count("/etc/") for s in unsafe)  # no absolute path is shown

    def test_symlink_entry_in_a_zip_is_skipped(self, tmp_path: Path, case):
        """A ZIP member that is a symbolic link is skipped, never resolved."""
        path = tmp_path / "link.zip"
        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr("A_1_1/svar.json", good_export(case))
            info = zipfile.ZipInfo("B_2_2/link.json")
            info.external_attr = (stat.S_IFLNK | 0o777) << 16
            archive.writestr(info, "/etc/passwd")
        summary = classroom.summarize(path)
        assert "genvej" in reasons(summary)["fil 2 (.json)"]

    def test_symlinks_in_a_folder_are_skipped(self, tmp_path: Path, case):
        """A symlinked file and a symlinked folder are listed as skipped and never followed."""
        outside = tmp_path / "outside"
        outside.mkdir()
        (outside / "secret.json").write_bytes(good_export(case, 1))
        folder = tmp_path / "class"
        folder.mkdir()
        (folder / "good.json").write_bytes(good_export(case))
        (folder / "link.json").symlink_to(outside / "secret.json")
        (folder / "linked-folder").symlink_to(outside, target_is_directory=True)
        summary = classroom.summarize(folder)
        assert len(summary.learners) == 1
        assert sum("genvej" in s.reason for s in summary.skipped) == 2

    def test_nested_zips_are_followed_three_deep_at_most(self, tmp_path: Path, case):
        """ZIPs inside ZIPs are read down to MAX_ZIP_DEPTH; one deeper is skipped with a reason."""
        level3 = zip_bytes({"svar.json": good_export(case, 3)})
        level2 = zip_bytes({"svar.json": good_export(case, 2), "inner.zip": level3})
        too_deep = zip_bytes({"deeper.zip": zip_bytes({"svar.json": good_export(case, 9)})})
        level2b = zip_bytes({"x.zip": too_deep})
        path = tmp_path / "nested.zip"
        path.write_bytes(zip_bytes({"A_1_1/a.zip": level2, "B_2_2/b.zip": level2b}))
        summary = classroom.summarize(path)
        assert len(summary.learners) == 1  # both files of A are one learner
        assert any("lag dybt" in s.reason for s in summary.skipped)


def _four(case, name: str) -> dict[str, bytes]:
    """Four learners' exports, each under ``name.format(i=i)``."""
    return {name.format(i=i): json_bytes(export_doc(f"elev-w{i}", all_answers(case, i))) for i in range(4)}


WRAPPED = {
    "mac_compress": "Opgave 1/S{i}_1{i}_2{i}/svar.json",
    "two_wrappers": "Hold A/Opgave 1/S{i}_1{i}_2{i}/svar.json",
    "wrapped_plain_folders": "Opgave 1/Elev {i}/svar.json",
    "wrapped_flat_moodle": "Opgave 1/Elev {i}_10{i}_assignsubmission_file_svar.json",
    "wrapped_moodle_folders": "Opgave 1/Elev {i}_10{i}_assignsubmission_file_/svar.json",
}


class TestWrappers:
    """Whatever wraps an LMS download, each student folder (or prefixed file) is one learner's."""

    @pytest.mark.parametrize("stray", [False, True], ids=["alone", "with_index_html"])
    @pytest.mark.parametrize("layout", sorted(WRAPPED))
    def test_a_wrapper_never_merges_the_class(self, tmp_path: Path, case, layout: str, stray: bool):
        """A folder around everything (and a stray file beside the student folders) keeps 4 learners."""
        members = _four(case, WRAPPED[layout])
        top = WRAPPED[layout].split("/")[0]
        members["__MACOSX/._x"] = b"litter"
        if stray:
            members[f"{top}/index.html"] = b"<html></html>"
        path = tmp_path / "wrapped.zip"
        path.write_bytes(zip_bytes(members))
        summary = classroom.summarize(path)
        assert len(summary.learners) == 4
        older = t("class.skip.older", "da", newer="")[:10]
        assert not any(s.reason.startswith(older) for s in summary.skipped)

    def test_one_students_folder_alone_stays_theirs(self):
        """A folder with only plain files in it is a student's folder, not a wrapper."""
        assert student_level([["A", "svar.json"], ["A", "svar2.json"]]) == 0
        assert student_level([["W", "A", "svar.json"], ["W", "B", "svar.json"], ["W", "x.html"]]) == 1
        assert student_level([["W", "Jens_1_assignsubmission_file_", "svar.json"]]) == 1


def test_one_learners_files_never_starve_the_class(tmp_path: Path, case):
    """A small hand-in of 1 MiB members (each just under the ratio check) stops at its learner's budget;
    the 20 genuine learners after it are all read, and the cut files say which budget stopped them."""
    path = tmp_path / "class.zip"
    zeros = b"0" * (1 << 20)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for n in range(MAX_TOTAL_BYTES // len(zeros) + 4):
            archive.writestr(f"A_0_0/fyld-{n}.json", zeros)
        for i in range(20):
            archive.writestr(f"S{i}_1{i}_2{i}/svar.json", good_export(case, i))
    assert path.stat().st_size < 4 * (1 << 20)
    summary = classroom.summarize(path)
    assert len(summary.learners) == 20
    cut = t("class.skip.learner_limit", "da", limit=MAX_LEARNER_BYTES // (1 << 20))
    stopped = [s for s in summary.skipped if s.reason == cut]
    assert stopped and len(stopped) >= MAX_TOTAL_BYTES // (1 << 20) - MAX_LEARNER_BYTES // (1 << 20)
