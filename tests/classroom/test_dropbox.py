"""The class folder as a drop box the instructor owns: ``class init``, rounds only by the owner, a
snapshot's identity is its file, hostile files never stop the instructor."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from casekit import classroom
from casekit.classroom import ClassFolderError
from casekit.classroom.folder import DROPBOX_MODE, init_class_folder
from casekit.classroom.snapshot import MAX_SHARE_BYTES
from casekit.cli import main
from casekit.i18n import t

from .support import learner_store, reasons

LEARNER_UID = 54321
"""An uid no one on the test machine has: a learner who is not the folder's owner."""

root_only = pytest.mark.skipif(
    os.name != "posix" or os.geteuid() != 0, reason="another Unix user needs root to switch to it"
)


def _as_learner(code: str, gid: int = LEARNER_UID) -> subprocess.CompletedProcess[str]:
    """Run ``code`` as another Unix user (after importing casekit); its stdout is what it prints."""
    prelude = (
        "import os, sys, json\nfrom casekit import classroom\n"
        "from casekit.classroom import ClassFolderError\n"
        f"os.setgroups([{gid}]); os.setgid({gid}); os.setuid({LEARNER_UID})\n"
    )
    env = {**os.environ, "PYTHONPATH": str(Path(classroom.__file__).parents[2]), "HOME": "/nonexistent"}
    return subprocess.run(
        [sys.executable, "-c", prelude + code], capture_output=True, text=True, timeout=60, env=env
    )


def _snapshot_file(folder: Path, store, the_case, *, name: str | None = None, **changes) -> Path:
    doc = {**classroom.snapshot(store, case=the_case), **changes}
    path = folder / (name or f"{doc['share_id']}.json")
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


class TestInit:
    def test_makes_a_drop_box_with_rounds_and_the_default_round(self, tmp_path: Path):
        folder = init_class_folder(tmp_path / "hold")
        assert stat.S_IMODE(folder.stat().st_mode) == DROPBOX_MODE == 0o3730
        assert json.loads((folder / "rounds.json").read_text(encoding="utf-8"))["rounds"] == []
        assert stat.S_IMODE((folder / "1").stat().st_mode) == DROPBOX_MODE
        round_id = classroom.open_round(folder, "Før")
        assert stat.S_IMODE((folder / round_id).stat().st_mode) == DROPBOX_MODE

    def test_again_keeps_the_rounds(self, tmp_path: Path):
        folder = init_class_folder(tmp_path / "hold")
        classroom.open_round(folder, "Før")
        init_class_folder(folder)
        assert [r["id"] for r in classroom.rounds(folder)] == ["foer"]

    def test_cli_with_a_group(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]):
        grp = pytest.importorskip("grp")
        group = grp.getgrgid(os.getegid()).gr_name
        assert main(["class", "init", str(tmp_path / "hold"), "--group", group, "--lang", "en"]) == 0
        assert capsys.readouterr().out.strip() == t(
            "class.cli.initialised", "en", path=tmp_path / "hold", group=group
        )

    def test_an_unknown_group_is_refused(self, tmp_path: Path):
        with pytest.raises(ClassFolderError) as info:
            init_class_folder(tmp_path / "hold", "no-such-group-casekit", lang="en")
        assert str(info.value) == t("class.error.no_group", "en", group="no-such-group-casekit")


@root_only
class TestRoundsBelongToTheInstructor:
    @pytest.fixture(autouse=True)
    def _reachable(self, tmp_path: Path):
        """Let another user reach ``tmp_path`` (pytest makes its folders ``0700``); as it was after."""
        modes = {p: p.stat().st_mode for p in [tmp_path, *tmp_path.parents] if not p.stat().st_mode & 0o001}
        for path, mode in modes.items():
            os.chmod(path, mode | 0o011)
        yield
        for path, mode in modes.items():
            os.chmod(path, stat.S_IMODE(mode))

    def test_a_learner_cannot_open_a_round_nor_create_a_round_folder(self, tmp_path: Path):
        folder = tmp_path / "hold"
        folder.mkdir()
        os.chmod(folder, 0o777)  # even where a learner could write, rounds are the owner's
        result = _as_learner(
            "for call in (lambda: classroom.open_round(sys.argv[1], 'Før', lang='en'),"
            " lambda: classroom.round_folder(sys.argv[1], 'x')):\n"
            "    try:\n        call()\n    except ClassFolderError as exc:\n        print(exc)\n".replace(
                "sys.argv[1]", repr(str(folder))
            )
        )
        assert result.returncode == 0, result.stderr
        lines = result.stdout.splitlines()
        assert lines[0] == t("class.error.not_owner", "en", folder=folder)
        assert len(lines) == 2
        assert list(folder.iterdir()) == []  # nothing created

    def test_a_learner_shares_into_the_drop_box_but_cannot_list_it(self, tmp_path: Path, case):
        folder = init_class_folder(tmp_path / "hold")
        os.chown(folder, 0, LEARNER_UID)
        os.chown(folder / "1", 0, LEARNER_UID)
        store = learner_store(tmp_path, case)
        doc = classroom.snapshot(store, case=case)
        result = _as_learner(
            f"folder = {str(folder)!r}\n"
            f"print(classroom.FolderTransport(folder).share({doc!r}))\n"
            "try:\n    os.listdir(folder + '/1')\nexcept PermissionError:\n    print('no listing')\n"
        )
        assert result.returncode == 0, result.stderr
        written = folder / "1" / f"{doc['share_id']}.json"
        assert result.stdout.splitlines() == [str(written), "no listing"]
        assert written.stat().st_uid == LEARNER_UID
        assert len(classroom.summarize(folder, case=case).learners) == 1


class TestIdentityIsTheFile:
    def test_a_snapshot_under_another_name_is_skipped(self, tmp_path: Path, case):
        folder = tmp_path / "hold"
        (folder / "1").mkdir(parents=True)
        mine, theirs = learner_store(tmp_path, case, 0), learner_store(tmp_path, case, 1)
        _snapshot_file(folder / "1", mine, case)
        victim = classroom.share_id(theirs)
        _snapshot_file(folder / "1", mine, case, name="0000000000000000.json", share_id=victim)
        summary = classroom.summarize(folder, case=case, lang="en")
        assert len(summary.learners) == 1
        assert list(reasons(summary).values()) == [t("class.skip.name_mismatch", "en")]

    def test_a_snapshot_shared_in_the_future_is_skipped(self, tmp_path: Path, case):
        folder = tmp_path / "hold"
        (folder / "1").mkdir(parents=True)
        _snapshot_file(folder / "1", learner_store(tmp_path, case, 0), case)
        late = learner_store(tmp_path, case, 1)
        _snapshot_file(folder / "1", late, case, shared_at="2999-01-01T00:00:00.000000+00:00")
        summary = classroom.summarize(folder, case=case, lang="en")
        assert len(summary.learners) == 1
        assert list(reasons(summary).values()) == [t("class.skip.future_time", "en")]


class TestHostileFiles:
    def test_a_deeply_nested_rounds_file(self, tmp_path: Path, case):
        folder = tmp_path / "hold"
        (folder / "1").mkdir(parents=True)
        (folder / "rounds.json").write_text("[" * 200_000, encoding="utf-8")
        _snapshot_file(folder / "1", learner_store(tmp_path, case), case)
        assert classroom.rounds(folder) == [] and classroom.current_round(folder) == "1"
        assert len(classroom.summarize(folder, case=case).learners) == 1
        with pytest.raises(ClassFolderError):
            classroom.open_round(folder, "Før")  # damaged: left as it is

    @pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
    def test_fifos_never_block(self, tmp_path: Path, case):
        folder = tmp_path / "hold"
        (folder / "1").mkdir(parents=True)
        os.mkfifo(folder / "rounds.json")
        os.mkfifo(folder / "1" / "0123456789abcdef.json")
        _snapshot_file(folder / "1", learner_store(tmp_path, case), case)
        done: list[object] = []
        worker = threading.Thread(target=lambda: done.append(classroom.summarize(folder, case=case)))
        worker.start()
        worker.join(30)
        assert not worker.is_alive() and done, "reading the class folder blocked on a FIFO"
        summary = done[0]
        assert len(summary.learners) == 1  # type: ignore[attr-defined]
        assert classroom.rounds(folder) == []

    def test_big_files_are_skipped_by_their_size_and_never_exhaust_the_budget(self, tmp_path: Path, case):
        folder = tmp_path / "hold"
        (folder / "1").mkdir(parents=True)
        huge = folder / "1" / "00000000000000ff.json"
        with open(huge, "wb") as fh:
            fh.truncate(1 << 30)  # 1 GiB, sparse
        for n in range(13):  # sort first, each just under the import limit: 260 MB in all
            with open(folder / "1" / f"000000000000000{n:x}.json", "wb") as fh:
                fh.truncate(20 * 1024 * 1024 - 1)
        for n in range(13):
            with open(folder / "1" / f"0-{n:02d}.json", "wb") as fh:
                fh.truncate(20 * 1024 * 1024 - 1)
        real = _snapshot_file(folder / "1", learner_store(tmp_path, case), case)
        started = time.monotonic()
        summary = classroom.summarize(folder, case=case, lang="en")
        assert time.monotonic() - started < 20
        assert len(summary.learners) == 1
        why = reasons(summary)
        assert real.name not in " ".join(why)
        # The skipped list names no file (a file's name may name its learner): the 1 GiB file and the 13
        # named like snapshots are skipped by their size from stat, the 13 others by the read budget.
        too_big = t("class.skip.too_big", "en", size="", limit="")[:8]
        assert sum(reason.startswith(too_big) for reason in why.values()) == 14
        assert len(why) == 27
        assert MAX_SHARE_BYTES < 20 * 1024 * 1024

    def test_two_thousand_copies_and_a_hundred_rounds(self, tmp_path: Path, case):
        folder = tmp_path / "hold"
        folder.mkdir()
        store = learner_store(tmp_path, case)
        for n in range(100):
            round_id = classroom.open_round(folder, f"Runde {n}")
            classroom.share(store, folder, case=case)
        text = (folder / round_id / f"{classroom.share_id(store)}.json").read_text(encoding="utf-8")
        for n in range(2000):
            (folder / round_id / f"kopi-{n}.json").write_text(text, encoding="utf-8")
        summary = classroom.summarize(folder, case=case, lang="en")
        assert len(summary.learners) == 1 and len(summary.rounds) == 100
        assert set(reasons(summary).values()) == {t("class.skip.name_mismatch", "en")}
        assert len(summary.skipped) == 2000


class TestAnonymityTowardTheInstructor:
    def test_one_learner_does_not_set_the_language_and_no_exact_time_or_owner_shows(
        self, tmp_path: Path, case
    ):
        """An English snapshot sorting first does not make the report English; the report and the live
        view show no share time to the microsecond and no file owner."""
        folder = tmp_path / "hold"
        (folder / "1").mkdir(parents=True)
        english = learner_store(tmp_path, case, 0)
        doc = classroom.snapshot(english, case=case)
        _snapshot_file(
            folder / "1", english, case, share_id="0000000000000000", case={**doc["case"], "lang": "en"}
        )
        times = [doc["shared_at"]]
        for i in (1, 2):
            path = _snapshot_file(folder / "1", learner_store(tmp_path, case, i), case)
            times.append(json.loads(path.read_text(encoding="utf-8"))["shared_at"])
        summary = classroom.summarize(folder)
        assert summary.lang == "da" and len(summary.learners) == 3
        page = classroom.render_report(summary, with_text=True)
        import pwd

        owner = pwd.getpwuid(os.getuid()).pw_name if os.name == "posix" else "\0"
        from casekit.widgets.sharing import ClassView

        view = ClassView(case, folder)
        shown = page + view.overview.value + view.charts.value + view.status.value + repr(view.round.options)
        for moment in times:
            assert moment not in shown and moment[:19] not in shown and moment[20:26] not in shown
        assert f">{owner}<" not in shown and f" {owner} " not in shown
