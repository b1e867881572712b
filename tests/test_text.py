"""Shared text helpers (casekit._text) and the one way to write a file (casekit._files)."""

from __future__ import annotations

import os
import stat
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from casekit import _files, _text


class TestExcerpt:
    """The start of a learner's text on a button: short, cut between words, never inside a letter."""

    def test_short_text_is_whole_and_white_space_single(self):
        assert _text.excerpt("  første\n udkast  ", 40) == "første udkast"
        assert _text.excerpt(" \n ", 40) == ""

    def test_long_text_is_cut_at_a_word(self):
        assert (
            _text.excerpt("Samskabelse kræver at alle parter får ejerskab", 30)
            == "Samskabelse kræver at alle…"
        )

    def test_one_long_word_is_never_cut_inside_an_accent_or_an_emoji(self):
        accented = "e\u0301" * 30
        family = "👨\u200d👩\u200d👧" * 10
        for text in (accented, family):
            for limit in range(3, 20):
                cut = _text.excerpt(text, limit)
                assert cut.endswith("…") and len(cut) <= limit
                kept = cut[:-1]
                assert text.startswith(kept)
                following = text[len(kept)]
                assert (
                    not unicodedata.combining(following) and following != "\u200d" and kept[-1:] != "\u200d"
                )

    @given(st.text(), st.integers(2, 80))
    def test_any_text_fits_and_is_its_own_start(self, text: str, limit: int):
        cut = _text.excerpt(text, limit)
        assert len(cut) <= limit
        words = " ".join(text.split())
        assert words.startswith(cut.removesuffix("…").rstrip())


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
