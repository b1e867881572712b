"""Fixtures of the class tests: an LMS ZIP of three students' exports."""

from __future__ import annotations

from pathlib import Path

import pytest

from .support import NAMES, all_answers, export_doc, json_bytes, zip_bytes


@pytest.fixture
def lms_zip(tmp_path: Path, case) -> Path:
    """An LMS ZIP (Moodle-style): one folder per student named by the student, with a nested ZIP."""
    members = {
        f"{NAMES[0]}/svar.json": json_bytes(export_doc("elev-aaaaaa", all_answers(case, 1))),
        f"{NAMES[1]}/aflevering.zip": zip_bytes(
            {"mine svar/svar.json": json_bytes(export_doc("elev-bbbbbb", all_answers(case, 2)))}
        ),
        "Kasper Holm_55555_assignsubmission_file_/export.json": json_bytes(
            export_doc("kasper-holm", all_answers(case, 3))
        ),
    }
    path = tmp_path / "hand-ins.zip"
    path.write_bytes(zip_bytes(members))
    return path
