"""The learner's preference file: a damaged one is set aside beside itself (never deleted), said in the
learner's language, never a crash of the notebook's first cell; the next choice writes a fresh file."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from casekit import preferences, widgets
from casekit.i18n import t

DAMAGE: dict[str, bytes | None] = {
    "deep nesting": b'{"lang": ' + b"[" * 100_000 + b"]" * 100_000 + b"}",
    "not JSON": b'{"lang": "da"',
    "not an object": b'["da"]',
    "lang not text": b'{"lang": ["da"]}',
    "not UTF-8": b'{"lang": "d\xe6"}',
    "too big": b'{"lang": "da", "x": "' + b"x" * (preferences.MAX_BYTES + 1) + b'"}',
    "a folder": None,
}


def _damage(folder: Path, what: str) -> Path:
    path = folder / preferences.FILE_NAME
    folder.mkdir(parents=True, exist_ok=True)
    content = DAMAGE[what]
    if content is None:
        path.mkdir()
        (path / "inside").write_text("kept")
    else:
        path.write_bytes(content)
    return path


def _kept(folder: Path) -> list[Path]:
    return sorted(folder.glob(f"{preferences.FILE_NAME}.damaged-*"))


@pytest.mark.parametrize("what", sorted(DAMAGE))
class TestDamaged:
    """Each kind of damage: ignored, then set aside unchanged with a message, then a fresh choice."""

    def test_ignored_set_aside_and_replaced(self, tmp_path: Path, what: str):
        path = _damage(tmp_path, what)
        assert preferences.chosen_lang(tmp_path) is None
        message = preferences.set_aside_damaged(tmp_path, "en")
        kept = _kept(tmp_path)
        assert len(kept) == 1 and not path.exists()
        assert message == t("widgets.language.set_aside", "en", path=path, kept=kept[0].name)
        if DAMAGE[what] is not None:
            assert kept[0].read_bytes() == DAMAGE[what]
        else:
            assert (kept[0] / "inside").read_text() == "kept"
        assert preferences.set_aside_damaged(tmp_path, "en") is None
        preferences.choose_lang("en", tmp_path)
        assert preferences.chosen_lang(tmp_path) == "en"

    def test_choosing_sets_it_aside_first(self, tmp_path: Path, what: str):
        _damage(tmp_path, what)
        preferences.choose_lang("da", tmp_path)
        assert preferences.chosen_lang(tmp_path) == "da" and len(_kept(tmp_path)) == 1

    def test_start_says_so_and_goes_on(self, tmp_path: Path, what: str, monkeypatch: pytest.MonkeyPatch):
        """The first cell of every notebook: a message in the learner's language, the store opened."""
        import IPython.display

        monkeypatch.setenv("CASEKIT_ANSWERS", str(tmp_path))
        shown: list[Any] = []
        monkeypatch.setattr(IPython.display, "display", lambda *objs, **_kw: shown.extend(objs))
        path = _damage(tmp_path, what)
        case, store = widgets.start(lang="en")
        assert store is not None and case.lang == "en"
        expected = t("widgets.language.set_aside", "en", path=path, kept=_kept(tmp_path)[0].name)
        assert any(expected in str(getattr(obj, "data", "")) for obj in shown)
        store.close()

    def test_the_language_choice_says_so(self, tmp_path: Path, what: str):
        _damage(tmp_path, what)
        box = widgets.language(tmp_path / "x.sqlite", lang="da")
        note = box.children[1].value
        assert "beskadiget" in note or preferences.FILE_NAME in note
        box.children[0].value = "en"
        assert preferences.chosen_lang(tmp_path) == "en"


def test_a_file_that_cannot_be_moved_is_said_and_kept(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """A read-only folder: the file stays where it is, the message says why it is not used."""
    path = _damage(tmp_path, "not JSON")
    monkeypatch.setattr(preferences, "rename_no_overwrite", _refuse)
    message = preferences.set_aside_damaged(tmp_path, "da")
    assert message is not None and message.startswith(
        t("widgets.language.damaged", "da", path=path, reason="")[:30]
    )
    assert path.read_bytes() == DAMAGE["not JSON"]
    with pytest.raises(OSError):
        preferences.choose_lang("da", tmp_path)
    assert path.read_bytes() == DAMAGE["not JSON"]


def _refuse(source: Path, target: Path) -> bool:
    raise PermissionError(13, os.strerror(13), str(source))


def test_a_foreign_language_is_ignored_not_damage(tmp_path: Path):
    (tmp_path / preferences.FILE_NAME).write_text('{"lang": "fr", "other": 1}')
    assert preferences.chosen_lang(tmp_path) is None
    assert preferences.set_aside_damaged(tmp_path) is None
    preferences.choose_lang("en", tmp_path)
    assert (tmp_path / preferences.FILE_NAME).read_text() == '{"lang": "en", "other": 1}'
