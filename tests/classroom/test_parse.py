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


def test_a_newer_format_says_to_update_casekit(tmp_path: Path, case):
    """A hand-in from a newer casekit says to update casekit; a version that never was says only that."""
    from casekit.i18n import t

    from .support import export_doc, json_bytes

    (tmp_path / "S0_0_0").mkdir()
    (tmp_path / "S0_0_0" / "svar.json").write_bytes(good_export(case))
    for version, key in ((2, "class.skip.schema_newer"), (0, "class.skip.schema_version")):
        doc = export_doc("x1", {"organisering-1": "svar"})
        doc["schema_version"] = version
        (tmp_path / "S1_1_1").mkdir(exist_ok=True)
        (tmp_path / "S1_1_1" / "svar.json").write_bytes(json_bytes(doc))
        (skipped,) = classroom.summarize(tmp_path).skipped
        assert skipped.reason == t(key, "da", found=version, supported=1), version
