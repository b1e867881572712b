"""Network and FUSE folders: the store keeps a rollback journal there instead of WAL."""

from __future__ import annotations

import json
import logging
import sqlite3
from pathlib import Path

import pytest

from casekit.answers import AnswerStore, netfs

from .support import folder_files

pytestmark = pytest.mark.usefixtures("every_revision_exported")


_MOUNTS = r"""22 27 0:21 / /proc rw,relatime - proc proc rw
27 1 0:50 / / rw,relatime - overlay overlay rw,lowerdir=/var/lib/l1,upperdir=/var/lib/u,workdir=/var/lib/w
40 27 0:60 / /home rw,relatime shared:5 - autofs auto.home rw,fd=7
41 40 0:61 /export/home /home rw,relatime shared:6 - nfs4 srv:/export/home rw,vers=4.2,sec=sys
42 41 8:1 / /home/kim/scratch rw,relatime - ext4 /dev/sda1 rw
43 27 0:62 / /mnt/my\040drive rw,nosuid,nodev master:3 - fuse.sshfs kim@host:/data rw,user_id=1000
44 27 0:63 / /srv/data rw - cifs //nas/data rw,vers=3.0
broken line without a separator
"""


class TestNetworkFolder:
    """On NFS, SMB or FUSE the store keeps a rollback journal instead of WAL, with the same guarantees."""

    def test_mountinfo_parser(self):
        """Mount points are unescaped (\\040: a space) and paired with their fstype; bad lines are skipped."""
        mounts = netfs.parse_mountinfo(_MOUNTS)
        assert ("/mnt/my drive", "fuse.sshfs") in mounts
        assert mounts[:2] == [("/proc", "proc"), ("/", "overlay")]
        assert ("/home", "autofs") in mounts and ("/home", "nfs4") in mounts and len(mounts) == 7

    @pytest.mark.parametrize(
        ("path", "expected"),
        [
            ("/home/kim/answers", "nfs4"),  # the nfs4 mount on top of the autofs one wins
            ("/home/kim/scratch/answers", None),  # a local disk under an nfs parent
            ("/mnt/my drive/case", "fuse.sshfs"),
            ("/srv/data", "cifs"),
            ("/srv/database", None),  # a prefix of the name is not a parent folder
            ("/tmp/answers", None),  # the overlay root
        ],
    )
    def test_network_filesystem_on_sample_mountinfo(self, path: str, expected: str | None):
        """The longest mount point that is a parent of the folder decides; only network/FUSE types count."""
        from casekit.answers import network_filesystem

        assert network_filesystem(path, mountinfo=_MOUNTS) == expected

    def test_without_proc_the_folder_is_local(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
        """Where /proc/self/mountinfo cannot be read (macOS, Windows), the folder counts as local."""
        monkeypatch.setattr(netfs, "MOUNTINFO", str(tmp_path / "no-such-file"))
        assert netfs.network_filesystem(tmp_path) is None

    def test_detected_network_folder_gets_a_rollback_journal(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ):
        """A folder the mountinfo says is on nfs4 gets journal_mode=delete, and saves leave no -wal."""
        folder = tmp_path / "answers"
        folder.mkdir()
        mountinfo = tmp_path / "mountinfo"
        mountinfo.write_text(
            "27 1 8:1 / / rw - ext4 /dev/sda1 rw\n"
            f"41 27 0:61 / {str(folder).replace(' ', chr(92) + '040')} rw - nfs4 srv:/home rw\n"
        )
        monkeypatch.delenv("CASEKIT_JOURNAL", raising=False)
        monkeypatch.setattr(netfs, "MOUNTINFO", str(mountinfo))
        with AnswerStore.open(folder, case_id="samskabelse") as store:
            assert store.journal_mode == "delete"
            for n in range(10):
                store.save(f"etik-{n % 3}", f"svar {n}")
            assert not Path(f"{store.path}-wal").exists() and not Path(f"{store.path}-shm").exists()
            conn = sqlite3.connect(store.path)
            try:
                assert conn.execute("PRAGMA journal_mode").fetchone() == ("delete",)
                assert conn.execute("PRAGMA synchronous").fetchone() == (2,)  # a new connection: FULL
            finally:
                conn.close()
            assert store.synchronous == 3  # the store's: EXTRA
        assert folder_files(folder) == ["samskabelse.sqlite"]
        with AnswerStore.open(folder, case_id="samskabelse", read_only=True) as ro:
            assert ro.count() == 10 and ro.journal_mode == "delete"

    @pytest.mark.parametrize(
        ("env", "network", "expected"),
        [
            ("wal", "nfs4", "wal"),
            ("delete", None, "delete"),
            ("DELETE ", None, "delete"),
            ("auto", "fuse.sshfs", "delete"),
            ("auto", None, "wal"),
            ("", "cifs", "delete"),
            ("bogus", None, "wal"),
        ],
    )
    def test_casekit_journal_overrides_the_detection(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, env: str, network: str | None, expected: str
    ):
        """CASEKIT_JOURNAL=wal or delete wins over the detection; auto, empty or unknown values detect."""
        monkeypatch.setenv("CASEKIT_JOURNAL", env)
        monkeypatch.setattr(netfs, "network_filesystem", lambda path, mountinfo=None: network)
        with AnswerStore.open(tmp_path, case_id="samskabelse") as store:
            store.save("etik-1", "x")
            assert store.journal_mode == expected
        assert Path(f"{store.path}-wal").exists() is False  # closed: WAL leaves none behind either

    def test_wal_store_is_switched_when_free_and_keeps_every_answer(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
    ):
        """A WAL store opened where a rollback journal is wanted stays WAL while another notebook has it
        open (logged, the open does not fail), and is switched, every answer kept, once it is free."""
        folder = tmp_path / "answers"
        monkeypatch.setenv("CASEKIT_JOURNAL", "wal")
        first = AnswerStore.open(folder, case_id="samskabelse")
        for n in range(20):
            first.save(f"k{n % 4}", f"svar {n}")
        monkeypatch.setenv("CASEKIT_JOURNAL", "delete")
        with caplog.at_level(logging.WARNING, logger="casekit.answers"):
            second = AnswerStore.open(folder, case_id="samskabelse")
        with second:
            assert second.journal_mode == "wal"
            second.save("k9", "fra den anden")
        assert any("kept its wal journal" in r.getMessage() for r in caplog.records)
        first.save("k0", "sidst")
        expected = first.as_dict()
        first.close()
        with AnswerStore.open(folder, case_id="samskabelse") as switched:
            assert switched.journal_mode == "delete"
            assert switched.count() == 22 and switched.as_dict() == expected
        assert folder_files(folder) == ["samskabelse.sqlite"]
        monkeypatch.setenv("CASEKIT_JOURNAL", "wal")  # and back again on a local disk
        with AnswerStore.open(folder, case_id="samskabelse") as back:
            assert back.journal_mode == "wal" and back.count() == 22

    def test_answers_only_in_the_wal_survive_the_switch(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ):
        """A WAL store whose last answers are only in its -wal keeps them when switched to DELETE."""
        import shutil

        source = tmp_path / "source" / "samskabelse.sqlite"
        with AnswerStore.open(source, case_id="samskabelse") as store:
            store.save("etik-0", "i hovedfilen")
            raw = sqlite3.connect(source, isolation_level=None)
            raw.execute("PRAGMA wal_autocheckpoint = 0")
            for n in range(5):
                raw.execute(
                    "INSERT INTO revisions (key, value, saved_at, case_version, lang, source)"
                    " VALUES (?, ?, ?, '1', 'da', 'local')",
                    (f"etik-{n + 1}", json.dumps(f"kun i -wal {n}"), f"2025-03-01T09:0{n}:00.000000+00:00"),
                )
            target = tmp_path / "answers"
            target.mkdir()
            for extra in ("", "-wal"):  # as a copy taken while the notebook ran
                shutil.copyfile(f"{source}{extra}", target / f"samskabelse.sqlite{extra}")
            raw.close()
        assert (target / "samskabelse.sqlite-wal").stat().st_size > 0
        monkeypatch.setenv("CASEKIT_JOURNAL", "delete")
        with AnswerStore.open(target, case_id="samskabelse") as switched:
            assert switched.journal_mode == "delete" and switched.recovered_from is None
            assert switched.count() == 6 and switched.get("etik-5") == "kun i -wal 4"
        assert folder_files(target) == ["samskabelse.sqlite"]
