"""One file's check: each bad file is skipped with the reason it is not a casekit file for this case."""

from __future__ import annotations

from pathlib import Path

from casekit import classroom

from .support import all_strings, bad_members, good_export, zip_bytes


class TestBadInput:
    """Each bad file is skipped with its reason, the rest is summarized, and nothing is ever written."""

    def test_every_bad_member_is_skipped_with_its_reason(self, tmp_path: Path, case):
        """Not JSON, not UTF-8, another version, format or case, no answers, a bad value, a PDF, bad ZIP."""
        bad = bad_members(case)
        members = {"Good_1_1/svar.json": good_export(case), **{name: data for name, (data, _) in bad.items()}}
        path = tmp_path / "mixed.zip"
        path.write_bytes(zip_bytes(members))
        summary = classroom.summarize(path)
        assert len(summary.learners) == 1
        assert len(summary.skipped) == len(bad)
        for skipped, (name, (_, word)) in zip(summary.skipped, bad.items(), strict=True):
            assert skipped.name.endswith(f"(.{name.rsplit('.', 1)[1]})")  # its kind, never its name
            assert word.lower() in skipped.reason.lower(), (name, skipped.reason)
        assert "elev-sneaky" not in all_strings(summary)
