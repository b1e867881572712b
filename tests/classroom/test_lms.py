"""LMS file names: the prefixes of lms.json (a table of named patterns, of a checked shape) are cut from
every name shown."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from casekit import classroom, export
from casekit._text import SLUG_PATTERN
from casekit.classroom import lms
from casekit.classroom.snapshot import DEFAULT_ROUND
from casekit.i18n import t

from .support import (
    NAMES,
    all_answers,
    all_strings,
    export_doc,
    good_export,
    json_bytes,
    learner_store,
    reasons,
    zip_bytes,
)


class TestAnonymity:
    """No name, pseudonym or LMS folder name anywhere; labels in a stable order that follows no name."""

    def test_canvas_style_names_are_cut(self, tmp_path: Path, case):
        """A flat Canvas file `hansenjens_123_456_svar.json` is shown by its kind, with no student part."""
        path = tmp_path / "canvas.zip"
        path.write_bytes(
            zip_bytes({"hansenjens_123_456_svar.json": b"nope", "b_1_2_x.json": good_export(case)})
        )
        summary = classroom.summarize(path)
        assert summary.skipped[0].name == t("class.file_label", "da", n=1, name=".json")


class TestTable:
    """lms.json is data of a checked shape; each LMS's examples are cut as the table says."""

    def test_the_data_file_fits_its_schema(self):
        """lms.json validates against casekit/schemas/lms.schema.json, and every pattern compiles."""
        jsonschema = pytest.importorskip("jsonschema")
        schema = json.loads((lms.LMS_FILE.parents[1] / "schemas" / "lms.schema.json").read_text("utf-8"))
        jsonschema.Draft202012Validator.check_schema(schema)
        data = json.loads(lms.LMS_FILE.read_text(encoding="utf-8"))
        assert list(jsonschema.Draft202012Validator(schema).iter_errors(data)) == []
        names = [entry["name"] for entry in data["prefixes"]]
        assert len(set(names)) == len(names) and all(SLUG_PATTERN.fullmatch(n) for n in names)
        assert [c.name for c in lms.conventions()] == names

    def test_each_example_is_cut_by_its_own_lms(self):
        """Every example's prefix is matched by the convention it is listed under, leaving its rest."""
        data = json.loads(lms.LMS_FILE.read_text(encoding="utf-8"))
        for entry in data["prefixes"]:
            for example in entry["examples"]:
                found = lms.match(example["name"])
                assert found is not None and found[0].name == entry["name"], example
                assert lms.strip_prefix(example["name"]) == example["rest"]

    def test_the_three_lms_of_today(self):
        """Canvas (also _late_), Moodle and Brightspace prefixes are cut; names without one are kept."""
        assert {c.lms for c in lms.conventions()} >= {"Canvas", "Moodle", "D2L Brightspace"}
        assert lms.strip_prefix("hansenjens_late_123_456_svar.json") == "svar.json"
        assert lms.strip_prefix("Jens Hansen_123_assignsubmission_file_svar.json") == "svar.json"
        assert lms.strip_prefix("12-34 - Jens Hansen - 1 March, 2025 1252 PM - svar.json") == "svar.json"
        for kept in ("svar.json", "mine svar", "aflevering.zip", "hold_a.json"):
            assert lms.strip_prefix(kept) == kept and lms.match(kept) is None

    def test_matching_ignores_case(self):
        """An LMS that writes ASSIGNSUBMISSION in capitals is still cut."""
        assert lms.strip_prefix("Jens Hansen_123_ASSIGNSUBMISSION_FILE_svar.json") == "svar.json"


def test_brightspace_tells_students_of_the_same_name_apart(tmp_path: Path, case):
    """Brightspace's user id, not the name, is the student: two Mette Jensens are two learners, and one
    who hands in again (a new submission id, the same user id) is still one."""
    mette = "{sub}-{user} - Mette Jensen - {day} May 2025 1252 PM - svar.json"
    members = {
        mette.format(sub=12, user=34, day=1): good_export(case, 0),
        mette.format(sub=13, user=56, day=1): good_export(case, 1),
        mette.format(sub=19, user=34, day=2): good_export(case, 2),
    }
    path = tmp_path / "brightspace.zip"
    path.write_bytes(zip_bytes(members))
    summary = classroom.summarize(path)
    assert len(summary.learners) == 2
    assert [s.name for s in summary.skipped] == [t("class.file_label", "da", n=1, name=".json")]


def test_snapshots_in_a_student_s_folder_are_that_student_s(tmp_path: Path, case):
    """Class snapshots handed in through the LMS belong to the student whose folder holds them, like any
    file there: ten with made-up share ids are one learner, not ten, and the round a student wrote in them
    is no heading of the report."""
    members = {f"{NAMES[1]}/svar.json": good_export(case, 1)}
    shared = classroom.snapshot(learner_store(tmp_path, case, 2), case=case)
    for n in range(10):
        doc = {**shared, "share_id": f"{n:016x}", "round": "mette-hansen-er-dum"}
        members[f"{NAMES[0]}/{doc['share_id']}.json"] = json.dumps(doc).encode("utf-8")
    path = tmp_path / "class.zip"
    path.write_bytes(zip_bytes(members))
    summary = classroom.summarize(path)
    assert len(summary.learners) == 2 and summary.rounds == [DEFAULT_ROUND]
    for projection in (False, True):
        assert "mette-hansen" not in classroom.render_report(summary, with_text=True, projection=projection)


class TestNoNameInSkipped:
    """A skipped file is listed by its position, its learner's number where known and its kind: no name."""

    def test_casekits_own_html_and_blackboard_names_never_show(self, tmp_path: Path, case):
        """`samskabelse-Jens Hansen.html` beside the JSON, and Blackboard's user names, are not shown."""
        bb = "Opgave 1_jhansen_attempt_2025-03-01-10-00-00"
        members = {
            "Jens Hansen_123_assignsubmission_file_/svar.json": good_export(case, 0),
            "Jens Hansen_123_assignsubmission_file_/samskabelse-Jens Hansen.html": b"<html></html>",
            f"{bb}_svar.json": good_export(case, 1),
            f"{bb}_samskabelse-elev-a50174.html": b"<html></html>",
            f"{bb}.txt": b"Name: Jens Hansen (jhansen)",
            "samskabelse-Mette Hansen.docx": b"PK",
        }
        path = tmp_path / "class.zip"
        path.write_bytes(zip_bytes(members))
        summary = classroom.summarize(path)
        assert len(summary.learners) == 2
        shown = " ".join(s.name for s in summary.skipped)
        for word in ("Jens", "Hansen", "jhansen", "a50174", "Mette", "samskabelse", "Opgave", "attempt"):
            assert word not in shown
        names = [s.name for s in summary.skipped]
        assert t("class.file_label", "da", n=6, name=".docx") in names
        assert not any(label in n for n in names for label in summary.learners)


LAYOUTS = {
    "moodle_folders": lambda i, a, f: f"Elev {i}_10{i}_assignsubmission_file_/{f}",
    "moodle_flat": lambda i, a, f: f"Elev {i}_10{i}_assignsubmission_file_{f}",
    "canvas": lambda i, a, f: f"elev{i}{'_late' if a else ''}_10{i}_{500 + 10 * a + i}_{f}",
    "brightspace_flat": lambda i, a, f: f"{200 + 10 * a + i}-10{i} - Elev {i} - {a + 1} May 2025 - {f}",
    "brightspace_folders": lambda i, a, f: f"{200 + 10 * a + i}-10{i} - Elev {i} - {a + 1} May 2025/{f}",
    "blackboard": lambda i, a, f: f"Opgave 1_elev{i}_attempt_2025-03-0{a + 1}-10-00-00_{f}",
    "student_folders": lambda i, a, f: f"Hansen, Elev {i}/{f}",
}
"""How each LMS names a learner's file ``f`` of attempt ``a`` (0, then a resubmission 1), as in lms.json;
``student_folders``: one plain folder per student (itslearning's and others' per-student folders)."""


class TestEachLms:
    """In every layout a resubmission replaces the earlier one and other uploads are skipped by their kind."""

    @pytest.mark.parametrize("wrapped", [False, True], ids=["as_downloaded", "in_a_wrapper"])
    @pytest.mark.parametrize("layout", sorted(LAYOUTS))
    def test_resubmission_and_other_files(self, tmp_path: Path, case, layout: str, wrapped: bool):
        """3 learners; learner 0 resubmitted from another computer and uploaded .docx, .pdf and .html too."""
        name = LAYOUTS[layout]
        members: dict[str, bytes] = {}
        for i in range(3):
            doc = export_doc(f"elev-first{i}", all_answers(case, 1), "2025-03-01T10:00:00+00:00")
            members[name(i, 0, "svar.json")] = json_bytes(doc)
        later = export_doc("elev-other-pc", all_answers(case, 2), "2025-03-02T10:00:00+00:00")
        members[name(0, 1, "svar (2).json")] = json_bytes(later)
        for kind in ("docx", "pdf", "html"):
            members[name(0, 1, f"samskabelse-Elev 0.{kind}")] = b"x"  # an HTML file with no answers in it
        if wrapped:
            members = {f"Opgave 1/{k}": v for k, v in members.items()}
        path = tmp_path / f"{layout}.zip"
        path.write_bytes(zip_bytes(members))
        summary = classroom.summarize(path)
        assert len(summary.learners) == 3
        assert sorted(summary.decisions["choice"].tolist()) == ["interesser", "interesser", "maal-foerst"]
        kinds = sorted(s.name.rsplit("(", 1)[1].rstrip(")") for s in summary.skipped)
        assert kinds == [".docx", ".html", ".json", ".pdf"]
        # by position and kind only: a position leads back to the student, so never beside "Studerende N"
        assert not any(label in s.name for s in summary.skipped for label in summary.learners)
        not_json = t("class.skip.not_json_file", "da")
        assert sum(s.reason == not_json for s in summary.skipped) == 2  # .docx and .pdf: not read
        no_answers = t("class.skip.html_without_answers", "da")
        assert sum(s.reason == no_answers for s in summary.skipped) == 1  # .html: read, with none inside
        assert "Elev" not in all_strings(summary) and "elev0" not in all_strings(summary)


FRAMES = ("stakeholders", "goals", "dilemmas", "decisions", "participation", "answered", "texts")


@pytest.fixture(scope="module")
def hand_ins(tmp_path_factory: pytest.TempPathFactory, case) -> list[tuple[bytes, bytes]]:
    """Three learners' HTML hand-ins as the downloads make them (charts and all), each with its JSON."""
    folder = tmp_path_factory.mktemp("hand-ins")
    made = []
    for i in range(3):
        with learner_store(folder, case, i) as store:
            page = export.render(store, "html", case=case).encode("utf-8")
            made.append((page, export.render(store, "json").encode("utf-8")))
    return made


class TestHtmlHandIns:
    """An LMS ZIP of HTML hand-ins gives the report their JSON exports give: each page carries its export."""

    @pytest.mark.parametrize("layout", sorted(LAYOUTS))
    def test_the_same_summary_as_the_json_exports(self, tmp_path: Path, hand_ins, layout: str):
        name = LAYOUTS[layout]
        summaries = []
        for kind, file in (("html", "samskabelse-Elev {i}.html"), ("json", "svar.json")):
            members = {name(i, 0, file.format(i=i)): pair[kind == "json"] for i, pair in enumerate(hand_ins)}
            path = tmp_path / f"{kind}.zip"
            path.write_bytes(zip_bytes(members))
            summaries.append(classroom.summarize(path))
        pages, exports = summaries
        assert len(pages.learners) == 3 and pages.skipped == []
        for frame in FRAMES:
            assert getattr(pages, frame).equals(getattr(exports, frame)), frame
        assert "Elev" not in all_strings(pages)

    def test_a_page_and_its_json_are_one_learner(self, tmp_path: Path, hand_ins):
        """A learner who handed in the HTML and the JSON counts once (the later file counts)."""
        page, export_json = hand_ins[0]
        members = {
            "Elev 0_100_assignsubmission_file_/samskabelse-elev.html": page,
            "Elev 0_100_assignsubmission_file_/svar.json": export_json,
            "Elev 1_101_assignsubmission_file_/samskabelse-elev.html": hand_ins[1][0],
        }
        path = tmp_path / "both.zip"
        path.write_bytes(zip_bytes(members))
        summary = classroom.summarize(path)
        assert len(summary.learners) == 2
        older = t("class.skip.older", "da", newer="")[:10]
        assert [s.reason[:10] for s in summary.skipped] == [older]

    def test_a_page_without_answers_is_skipped_saying_so(self, tmp_path: Path, hand_ins):
        members = {
            "Elev 0_100_assignsubmission_file_/samskabelse-elev.html": hand_ins[0][0],
            "Elev 1_101_assignsubmission_file_/gammel.html": b"<!DOCTYPE html><html><p>svar</p></html>",
        }
        path = tmp_path / "old.zip"
        path.write_bytes(zip_bytes(members))
        summary = classroom.summarize(path)
        assert len(summary.learners) == 1
        assert list(reasons(summary).values()) == [t("class.skip.html_without_answers", "da")]

    @pytest.mark.parametrize(
        ("before", "after"),
        [(b'"format": "casekit-answers"', b'"format": "noget andet"'), (b'"position": 1', b'"position": 9')],
        ids=["format", "value_shape"],
    )
    def test_a_tampered_page_is_skipped_as_its_json_would_be(self, tmp_path: Path, hand_ins, before, after):
        """The same change to a page's block and to its JSON export: the same reason (each names its file)."""
        page, exported = hand_ins[0]
        members = {
            "Elev 0_100_assignsubmission_file_/aflevering.html": page.replace(before, after),
            "Elev 1_101_assignsubmission_file_/svar.json": exported.replace(before, after),
            "Elev 2_102_assignsubmission_file_/svar.json": hand_ins[2][1],
        }
        assert all(after in data for data in list(members.values())[:2])
        path = tmp_path / "tampered.zip"
        path.write_bytes(zip_bytes(members))
        summary = classroom.summarize(path)
        assert len(summary.learners) == 1
        (html_name, html_reason), (json_name, json_reason) = reasons(summary).items()
        html_label = t("class.file_label", "da", n=1, name=".html")
        json_label = t("class.file_label", "da", n=2, name=".json")
        assert html_label in html_name and json_label in json_name
        assert html_reason == json_reason.replace(json_label, html_label)
