"""A learner's files are private: the answers folder 0700, the store, its side files, what is moved aside,
put back, exported or preferred 0600; rights only ever taken away, never from a folder holding other files
or from the folder's parents; another user cannot read them."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from casekit import preferences
from casekit._files import create_private, make_private, private_folder
from casekit.answers import AnswerStore
from casekit.export import write_export

CASE = "samskabelse"


def mode(path: Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


@pytest.fixture
def umask_022() -> Iterator[None]:
    """The common umask (Debian's, The Littlest JupyterHub's), whatever the test runner's is."""
    old = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(old)


@pytest.mark.usefixtures("umask_022")
class TestNewFiles:
    """What casekit creates is private under an ordinary umask."""

    def test_folder_store_and_side_files(self, tmp_path: Path):
        folder = tmp_path / "answers"
        store = AnswerStore.open(folder, case_id=CASE)
        store.save("organisering-1", "hemmeligt")
        assert mode(folder) == 0o700
        assert mode(tmp_path) == stat.S_IMODE(tmp_path.stat().st_mode)  # the parent is not touched
        for extra in ("", "-wal", "-shm"):
            assert mode(Path(f"{store.path}{extra}")) == 0o600, extra
        store.close()

    def test_rollback_journal_is_private(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
        monkeypatch.setenv("CASEKIT_JOURNAL", "delete")
        store = AnswerStore.open(tmp_path / "a", case_id=CASE)
        store.save("organisering-1", "x")
        assert store.journal_mode == "delete" and mode(store.path) == 0o600
        store.close()

    def test_export_and_preferences(self, tmp_path: Path):
        with AnswerStore.open(tmp_path / "a", case_id=CASE) as store:
            store.save("organisering-1", "x")
            for fmt in ("json", "markdown"):
                out = write_export(store, tmp_path / f"svar.{fmt}", fmt, find_case=False)
                assert mode(out) == 0o600, fmt
        assert mode(preferences.choose_lang("en", tmp_path / "a")) == 0o600

    def test_moved_aside_copy_is_private(self, tmp_path: Path):
        folder = tmp_path / "a"
        folder.mkdir()
        damaged = folder / f"{CASE}.sqlite"
        damaged.write_bytes(b"not a database at all, but the learner's" * 10)
        damaged.chmod(0o644)
        store = AnswerStore.open(folder, case_id=CASE)
        assert store.recovered_from is not None and mode(store.recovered_from) == 0o600
        store.close()

    def test_a_store_put_back_is_private(self, tmp_path: Path):
        store = AnswerStore.open(tmp_path / "a", case_id=CASE)
        store.save("organisering-1", "x")
        for extra in ("", "-wal", "-shm"):
            Path(f"{store.path}{extra}").unlink(missing_ok=True)
        store.save("organisering-2", "y")
        assert store.restored == 1 and mode(store.path) == 0o600
        store.close()


@pytest.mark.usefixtures("umask_022")
class TestExistingFiles:
    """A store made by an older casekit (0644 in a 0755 folder) is made private when it is opened."""

    def _old_store(self, folder: Path) -> Path:
        with AnswerStore.open(folder, case_id=CASE) as store:
            store.save("organisering-1", "x")
            path = store.path
        folder.chmod(0o755)
        for extra in ("", "-wal", "-shm"):
            if Path(f"{path}{extra}").exists():
                os.chmod(f"{path}{extra}", 0o644)
        return path

    def test_store_and_folder_are_tightened(self, tmp_path: Path):
        path = self._old_store(tmp_path / "answers")
        (tmp_path / "answers" / preferences.FILE_NAME).write_text('{"lang": "da"}')
        AnswerStore.open(tmp_path / "answers", case_id=CASE).close()
        assert mode(path) == 0o600 and mode(tmp_path / "answers") == 0o700

    def test_a_folder_with_other_files_is_left_alone(self, tmp_path: Path):
        """Pointed at a folder that holds other things: the store is private, the folder unchanged."""
        path = self._old_store(tmp_path / "home")
        (tmp_path / "home" / "noter.txt").write_text("mine")
        AnswerStore.open(tmp_path / "home", case_id=CASE).close()
        assert mode(path) == 0o600 and mode(tmp_path / "home") == 0o755

    def test_rights_are_never_added(self, tmp_path: Path):
        """A stricter file (the user's umask or choice) stays as strict."""
        strict = tmp_path / "f"
        strict.write_text("x")
        strict.chmod(0o400)
        make_private(strict)
        assert mode(strict) == 0o400
        old = os.umask(0o077)
        try:
            create_private(tmp_path / "g")
            assert mode(tmp_path / "g") == 0o600
        finally:
            os.umask(old)

    def test_a_stricter_umask_is_kept_for_the_folder(self, tmp_path: Path):
        old = os.umask(0o277)
        try:
            folder = tmp_path / "a"
            private_folder(folder)
            assert mode(folder) == 0o500
        finally:
            os.umask(old)


def _traversable(path: Path, top: Path) -> None:
    """Let another user pass through ``path``'s folders up to ``top`` (as a hub's 0755 home folders do)."""
    for folder in [path, *path.parents]:
        folder.chmod(stat.S_IMODE(folder.stat().st_mode) | 0o711)
        if folder == top:
            break


@pytest.mark.skipif(
    not hasattr(os, "geteuid") or os.geteuid() != 0, reason="needs root to act as another user"
)
def test_another_user_cannot_read_the_answers(
    tmp_path: Path, tmp_path_factory: pytest.TempPathFactory, umask_022
):
    """On a hub with 0755 home folders, `casekit answers show --answers-dir <other's folder>` run by another
    user shows nothing of the learner's texts."""
    home = tmp_path / "home" / "anne"
    home.mkdir(parents=True)
    with AnswerStore.open(home / "casekit-answers", case_id=CASE) as store:
        store.save("organisering-1", "Annes hemmelige svar")
    _traversable(home, tmp_path_factory.getbasetemp().parent)
    # Python and casekit (the command parsed) are loaded as root: the interpreter may sit in root's own
    # folder. Then the process becomes user 65534 before it reads anything of the learner's.
    code = (
        "import os, sys; from casekit.cli import build_parser; "
        "args = build_parser().parse_args(sys.argv[1:]); "
        "os.setgroups([]); os.setgid(65534); os.setuid(65534); sys.exit(args.handler(args))"
    )
    args = ["answers", "show", "--answers-dir", str(home / "casekit-answers")]
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2]), "HOME": str(tmp_path)}
    done = subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, env=env, timeout=60
    )
    assert "hemmelige" not in done.stdout + done.stderr
    assert done.returncode == 1 and done.stderr.startswith("casekit: "), done.stderr
