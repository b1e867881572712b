"""Helpers the class tests share: a learner's answers and store, export documents, ZIPs in memory, and
everything a summary holds. Imported as ``from .support import ...`` (tests/classroom is a package)."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path
from typing import Any

from casekit import classroom, registry
from casekit.answers import AnswerStore

HOSTILE = "<script>alert(1)</script>"
NAMES = ("Jens Hansen_12345_assignsubmission_file_", "Mette Ærø Sørensen_67890_assignsubmission_file_")


def all_answers(case, i: int = 0) -> dict[str, Any]:
    """Every activity answered, varied by ``i``, with a text answer to every question."""
    speakers = [a.id for a in case.actors if a.speaks]
    levels = registry.LEVELS
    answers: dict[str, Any] = {
        registry.STAKEHOLDER_MAP: {
            a.id: {"power": (i + j) % 5 + 1, "interest": (i * j + 2) % 5 + 1}
            for j, a in enumerate(case.actors)
        },
        registry.DECISION_POINT: {
            "choice": "interesser" if i % 2 else "maal-foerst",
            "justification": "fordi",
        },
        registry.GOAL_DIVERGENCE: {actor: (i + j) % 5 + 1 for j, actor in enumerate(speakers)},
        registry.PARTICIPATION_PLAN: {a.id: levels[(i + j) % 5] for j, a in enumerate(case.actors)},
    }
    for n, key in enumerate(registry.DILEMMAS):
        answers[key] = {
            "position": (i + n) % 5 + 1,
            "left": "venstre",
            "right": "højre",
            "justification": "hemmelig begrundelse",
            "paragraphs": ["del-1 ¶3"],
            "missing_voices": "børnene",
        }
    for q in case.questions:
        answers[q.id] = f"Svar {i} på {q.id}"
    for key in registry.PROPOSAL_TEXTS:
        answers[key] = f"Forslag {i}"
    return answers


def learner_store(tmp_path: Path, case, i: int = 0, learner: str | None = None, **extra: Any) -> AnswerStore:
    store = AnswerStore.open(tmp_path / f"store-{i}", case=case, learner=learner)
    for key, value in {**all_answers(case, i), **extra}.items():
        store.save(key, value)
    return store


def export_doc(
    learner: str,
    answers: dict[str, Any],
    exported_at: str = "2025-03-01T10:00:00+00:00",
    case_id="samskabelse",
) -> dict[str, Any]:
    """A full export document, as `casekit answers export` writes it."""
    entries = {
        key: {
            "value": value,
            "history": [
                {"value": value, "saved_at": "2025-03-01T09:00:00+00:00", "case_version": "1", "lang": "da"}
            ],
        }
        for key, value in answers.items()
    }
    return {
        "format": "casekit-answers",
        "schema_version": 1,
        "case": {"id": case_id, "version": "1", "lang": "da"},
        "learner": learner,
        "exported_at": exported_at,
        "answers": entries,
    }


def json_bytes(doc: Any) -> bytes:
    return json.dumps(doc, ensure_ascii=False, indent=2).encode("utf-8")


def zip_bytes(members: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def all_strings(summary: classroom.ClassSummary) -> str:
    """Every string a summary holds: its frames, labels and skipped list."""
    parts = [*summary.learners, *summary.rounds, *summary.round_names.values()]
    for frame in (
        summary.stakeholders,
        summary.goals,
        summary.dilemmas,
        summary.decisions,
        summary.participation,
        summary.answered,
        summary.texts,
    ):
        parts.append(frame.to_csv())
    parts += [f"{s.name} {s.reason}" for s in summary.skipped]
    return "\n".join(parts)


def reasons(summary: classroom.ClassSummary) -> dict[str, str]:
    return {s.name: s.reason for s in summary.skipped}


def good_export(case, i: int = 0) -> bytes:
    return json_bytes(export_doc(f"elev-good{i}", all_answers(case, i)))


def bad_members(case) -> dict[str, tuple[bytes, str]]:
    """Member name -> (bytes, a word of the reason)."""
    other_version = export_doc("x1", all_answers(case, 1))
    other_version["schema_version"] = 7
    other_case = export_doc("x2", all_answers(case, 2), case_id="anden-case")
    empty = export_doc("x3", {"organisering-1": "   "})
    bad_shape = export_doc("x4", {registry.GOAL_DIVERGENCE: {"kim": 9}})
    share_with_name = {
        "format": "casekit-class-share",
        "schema_version": 1,
        "case": {"id": "samskabelse", "version": "1", "lang": "da"},
        "share_id": "0123456789abcdef",
        "round": "1",
        "shared_at": "2025-03-01T10:00:00+00:00",
        "answers": {},
        "learner": "elev-sneaky",
    }
    return {
        "S1_1_1/notjson.json": (b"{ this is not json", "ikke gyldig JSON"),
        "S2_2_2/latin1.json": ('{"navn": "Søren"}'.encode("latin-1"), "UTF-8"),
        "S3_3_3/version.json": (json_bytes(other_version), "version"),
        "S4_4_4/format.json": (json_bytes({"format": "noget-andet"}), "ikke en casekit-fil"),
        "S5_5_5/othercase.json": (json_bytes(other_case), "anden case"),
        "S6_6_6/empty.json": (json_bytes(empty), "ingen svar"),
        "S7_7_7/shape.json": (json_bytes(bad_shape), "goal-divergence"),
        "S8_8_8/share.json": (json_bytes(share_with_name), "formatet for delte svar"),
        "S9_9_9/svar.pdf": (b"%PDF-1.4", "hverken en JSON-fil"),
        "S10_10_10/broken.zip": (b"PK\x03\x04broken", "beskadiget ZIP"),
        "S11_11_11/array.json": (b"[1, 2, 3]", "ikke en casekit-fil"),
    }
