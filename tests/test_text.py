"""Shared text helpers (casekit._text) and the one way to write a file (casekit._files)."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from casekit import _files, _text


class TestSlug:
    """A name becomes a file-safe id: the Danish letters as Danes write them without, nothing else."""

    @pytest.mark.parametrize(
        ("name", "expected"),
        [("Før", "foer"), ("Runde 2: Åbning!", "runde-2-aabning"), ("Ærø é", "aeroe-e"), ("🙂", "")],
    )
    def test_examples(self, name: str, expected: str):
        assert _text.slug(name) == expected

    @given(st.text(max_size=60), st.integers(min_value=1, max_value=50))
    def test_any_name_gives_an_id_or_nothing(self, name: str, limit: int):
        """Whatever is typed, the slug fits the id pattern (or is empty) and its limit."""
        made = _text.slug(name, limit=limit)
        assert made == "" or _text.SLUG_PATTERN.fullmatch(made)
        assert len(made) <= limit


class TestAtomicWrite:
    """A file is written whole or not at all; a failed write leaves the target as it was."""

    def test_writes_and_replaces(self, tmp_path: Path):
        target = tmp_path / "x.html"
        _files.atomic_write_text(target, "første\n")
        _files.atomic_write_text(target, "anden\n", mode=0o644)
        assert target.read_text(encoding="utf-8") == "anden\n"
        assert stat.S_IMODE(target.stat().st_mode) == 0o644
        assert [p.name for p in tmp_path.iterdir()] == ["x.html"], "no temporary file left behind"

    def test_a_failed_write_leaves_the_old_file(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
        target = tmp_path / "x.json"
        target.write_text("gammel", encoding="utf-8")

        def no_space(*_args: object) -> None:
            raise OSError(28, "No space left on device")

        monkeypatch.setattr(os, "fsync", no_space)
        with pytest.raises(OSError):
            _files.atomic_write_text(target, "ny")
        assert target.read_text(encoding="utf-8") == "gammel"
        assert [p.name for p in tmp_path.iterdir()] == ["x.json"]
