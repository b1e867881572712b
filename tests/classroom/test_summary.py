"""summarize: the sources it reads, one file per learner and round, anonymous labels in a stable order,
moves between rounds, and own stakeholders grouped by name."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

import casekit
from casekit import classroom, registry
from casekit.classroom import ClassFolderError
from casekit.errors import CasekitError
from casekit.i18n import t

from .support import (
    NAMES,
    all_answers,
    all_strings,
    export_doc,
    good_export,
    json_bytes,
    learner_store,
    zip_bytes,
)


class TestSources:
    """summarize reads a class folder, a folder of exports, an LMS ZIP (nested ZIPs too) and one file."""

    def test_class_folder(self, tmp_path: Path, case):
        """Snapshots in the round folder: one learner each, frames filled, nothing skipped."""
        folder = tmp_path / "class"
        folder.mkdir()
        for i in range(3):
            classroom.share(learner_store(tmp_path, case, i), folder, ["organisering-1"], case=case)
        summary = classroom.summarize(folder)
        assert summary.learners == ["Studerende 1", "Studerende 2", "Studerende 3"]
        assert summary.skipped == [] and summary.files == 3
        assert summary.case.id == "samskabelse"
        assert len(summary.stakeholders) == 3 * len(case.actors)
        assert set(summary.goals.columns) == {"learner", "round", "actor", "position"}
        assert set(summary.texts["key"]) == {"organisering-1"}
        answered = summary.answered.set_index(["learner", "key"])["answered"]
        assert answered["Studerende 1", "organisering-1"] and not answered["Studerende 1", "organisering-2"]

    def test_folder_of_exports_with_nested_folders(self, tmp_path: Path, case):
        """A folder tree of exports (as written by AnswerStore.export) is read through, sub-folders too."""
        folder = tmp_path / "exports"
        (folder / "hold-a" / "dybere").mkdir(parents=True)
        # a group's folder
        learner_store(tmp_path, case, 0).export(folder / "hold-a" / "a.json", format="json")
        learner_store(tmp_path, case, 1).export(folder / "hold-a" / "dybere" / "b.json", format="json")
        learner_store(tmp_path, case, 2).export(folder / "c.json", format="json")
        summary = classroom.summarize(folder)
        assert len(summary.learners) == 3 and summary.skipped == []
        assert len(summary.texts) == 3 * (len(case.questions) + 3 + 3 * 4 + 1)  # poles, justification, voices

    def test_lms_zip_with_nested_zip(self, lms_zip: Path, case):
        """Each student folder is one learner, also through a ZIP inside it."""
        summary = classroom.summarize(lms_zip)
        assert len(summary.learners) == 3 and summary.skipped == []
        assert summary.decisions["choice"].value_counts().to_dict() == {"interesser": 2, "maal-foerst": 1}

    def test_one_json_file(self, tmp_path: Path, case):
        """One export on its own is a class of one."""
        path = tmp_path / "svar.json"
        learner_store(tmp_path, case).export(path, format="json")
        summary = classroom.summarize(path)
        assert summary.learners == ["Studerende 1"] and summary.files == 1

    def test_wrapper_folder_around_student_folders(self, tmp_path: Path, case):
        """A ZIP whose student folders sit in one wrapper folder still has one learner per student folder."""
        members = {
            f"Opgave 1/{name}/svar.json": json_bytes(export_doc(f"e{i}", all_answers(case, i)))
            for i, name in enumerate(NAMES)
        }
        path = tmp_path / "wrapped.zip"
        path.write_bytes(zip_bytes(members))
        assert len(classroom.summarize(path).learners) == 2

    def test_missing_source_raises(self, tmp_path: Path):
        """A source that does not exist is a CasekitError naming it."""
        with pytest.raises(ClassFolderError, match="nowhere"):
            classroom.summarize(tmp_path / "nowhere")

    def test_nothing_readable_raises(self, tmp_path: Path):
        """A folder with only bad files: a CasekitError that lists them."""
        (tmp_path / "a.json").write_text("not json", encoding="utf-8")
        with pytest.raises(CasekitError, match=r"fil 1 \(\.json\): ikke gyldig JSON"):
            classroom.summarize(tmp_path)

    def test_corrupt_zip_source_raises(self, tmp_path: Path):
        """A ZIP given as the source that cannot be opened is a CasekitError, not a traceback."""
        path = tmp_path / "broken.zip"
        path.write_bytes(b"PK\x03\x04" + b"\x00" * 50)
        with pytest.raises(CasekitError):
            classroom.summarize(path)


class TestOneFilePerLearner:
    """Of two files from one learner, the latest counts and the older is listed as skipped."""

    def test_two_files_from_one_learner_keep_the_latest(self, tmp_path: Path, case):
        """In one student folder the newer export counts; the older is listed as skipped."""
        old = export_doc("elev-a", all_answers(case, 1), exported_at="2025-03-01T10:00:00+00:00")
        new = export_doc("elev-b", all_answers(case, 2), exported_at="2025-03-02T10:00:00+00:00")
        path = tmp_path / "two.zip"
        path.write_bytes(
            zip_bytes({f"{NAMES[0]}/new.json": json_bytes(new), f"{NAMES[0]}/old.json": json_bytes(old)})
        )
        summary = classroom.summarize(path)
        assert len(summary.learners) == 1
        assert summary.decisions["choice"].tolist() == ["maal-foerst"]  # i = 2
        (skipped,) = summary.skipped
        assert skipped.name == t("class.file_label", "da", n=2, name=".json")
        assert "ældre" in skipped.reason

    def test_same_pseudonym_in_a_flat_folder_is_one_learner(self, tmp_path: Path, case):
        """Without student folders, two exports with one pseudonym are one learner."""
        (tmp_path / "a.json").write_bytes(
            json_bytes(export_doc("elev-x", all_answers(case, 1), "2025-03-03T00:00:00Z"))
        )
        (tmp_path / "b.json").write_bytes(
            json_bytes(export_doc("elev-x", all_answers(case, 2), "2025-03-01T00:00:00Z"))
        )
        summary = classroom.summarize(tmp_path)
        assert len(summary.learners) == 1
        assert summary.skipped[0].name == t("class.file_label", "da", n=2, name=".json")

    def test_a_skipped_file_is_not_tied_to_a_learner_s_label(self, tmp_path: Path, case):
        """A skipped file's position leads back to its student in the ZIP, so the report never puts it beside
        that student's "Studerende N": else the texts under that label have a name. Here one student hands
        in a PDF beside the export, another hands in twice."""
        names = [*NAMES, "Carl Cold_10030_assignsubmission_file_"]
        files = {
            f"{name}/svar.json": json_bytes(export_doc(f"elev-{n}", all_answers(case, n)))
            for n, name in enumerate(names)
        }
        files[f"{names[1]}/rapport.pdf"] = b"%PDF-1.4"
        files[f"{names[2]}/svar (1).json"] = json_bytes(
            export_doc("elev-2", all_answers(case, 4), exported_at="2020-01-01T00:00:00+00:00")
        )
        path = tmp_path / "class.zip"
        path.write_bytes(zip_bytes(files))
        summary = classroom.summarize(path)
        assert len(summary.learners) == 3 and len(summary.skipped) == 2
        page = classroom.render_report(summary, with_text=True)
        for skipped in summary.skipped:
            assert not any(label in skipped.name or label in skipped.reason for label in summary.learners)
            listed = next(line for line in page.splitlines() if skipped.name in line)
            assert not any(label in listed for label in summary.learners), listed


def test_an_english_learner_s_untouched_poles_are_no_written_answer(tmp_path: Path, case):
    """The English widget saves the English wording of the poles: in a Danish class's report it is the
    case's wording, not the learner's, so it is not listed as written (which also showed the one learner
    working in English). A pole the learner renamed is still theirs."""
    english = casekit.load_case("samskabelse", lang="en").activity("dilemmas")
    answers = {
        key: {"position": 2, "left": english[key]["left"], "right": english[key]["right"]}
        for key in registry.DILEMMAS
    }
    answers[registry.DILEMMAS[0]]["right"] = "Min egen yderpol"
    path = tmp_path / "class.zip"
    path.write_bytes(
        zip_bytes(
            {
                f"{NAMES[0]}/svar.json": json_bytes(export_doc("elev-da", all_answers(case, 1))),
                f"{NAMES[1]}/svar.json": json_bytes(export_doc("elev-en", answers)),
            }
        )
    )
    summary = classroom.summarize(path)
    assert len(summary.learners) == 2
    theirs = summary.texts[summary.texts["text"].isin({"Min egen yderpol", *english_poles(english)})]
    assert theirs["text"].tolist() == ["Min egen yderpol"]


def english_poles(dilemmas) -> set[str]:
    return {dilemmas[key][part] for key in registry.DILEMMAS for part in ("left", "right")}


class TestRevisionFlood:
    """Only each answer's latest value counts: a file with a long history is read for that, and a file with
    more revisions than any learner's export is skipped with its reason, never slowing the class down."""

    @staticmethod
    def _history(doc: dict, key: str, values: list) -> dict:
        doc["answers"][key]["history"] = [
            {"value": v, "saved_at": f"2025-03-01T09:{i // 60:02d}:{i % 60:02d}+00:00"}
            for i, v in enumerate(values)
        ]
        return doc

    def test_flooded_files_are_skipped_and_the_class_is_counted(self, tmp_path: Path, case):
        from casekit.answers.document import MAX_IMPORT_REVISIONS

        folders = [f"Studerende {i}_{1000 + i}_assignsubmission_file_" for i in range(4)]
        members = {f"{folders[i]}/svar.json": good_export(case, i) for i in range(3)}
        flood = export_doc("elev-flod", all_answers(case, 4))
        flood = self._history(
            flood, "dilemma-1", [{"position": 1 + i % 5} for i in range(MAX_IMPORT_REVISIONS + 1)]
        )
        members[f"{folders[3]}/svar.json"] = json_bytes(flood)
        path = tmp_path / "flood.zip"
        path.write_bytes(zip_bytes(members))
        summary = classroom.summarize(path, case=case)
        assert len(summary.learners) == 3
        (skipped,) = summary.skipped
        assert str(MAX_IMPORT_REVISIONS) in skipped.reason

    def test_a_long_history_counts_its_latest_value(self, tmp_path: Path, case):
        """3,600 revisions of one dilemma, every older one of a shape no longer valid: the latest counts."""
        doc = export_doc("elev-lang", all_answers(case, 1))
        doc = self._history(doc, "dilemma-1", [[0]] * 3599 + [{"position": 5}])
        (tmp_path / "lang.json").write_bytes(json_bytes(doc))
        summary = classroom.summarize(tmp_path / "lang.json", case=case)
        positions = summary.dilemmas.query("dilemma == 'dilemma-1'")["position"].tolist()
        assert positions == [5] and summary.skipped == []


class TestRounds:
    """Rounds: vote, discuss, vote again; who moved which way on the goal scale."""

    def test_moves_between_rounds(self, tmp_path: Path, case):
        """Learners present in both rounds are counted: "k af n flyttede sig mod …" from the case's poles."""
        folder = tmp_path / "class"
        folder.mkdir()
        stores = [
            learner_store(tmp_path, case, i, **{registry.GOAL_DIVERGENCE: {"kim": 2, "sanne": 3}})
            for i in range(4)
        ]
        for store in stores:
            classroom.share(store, folder, case=case)
        classroom.open_round(folder, "Efter diskussion")
        for store, (kim, sanne) in zip(stores[:3], [(4, 3), (5, 1), (2, 3)], strict=True):
            store.save(registry.GOAL_DIVERGENCE, {"kim": kim, "sanne": sanne})
            classroom.share(store, folder, case=case)
        summary = classroom.summarize(folder, case=case)
        assert summary.rounds == ["1", "efter-diskussion"]
        assert summary.round_names["efter-diskussion"] == "Efter diskussion"
        moves = {m.actor: m for m in summary.moves("1", "efter-diskussion")}
        assert (moves["kim"].toward_right, moves["kim"].toward_left, moves["kim"].stayed, moves["kim"].n) == (
            2,
            0,
            1,
            3,
        )
        assert moves["kim"].sentence.startswith("Kim: 2 af 3 flyttede sig mod plads til forskellige mål")
        assert "1 af 3 mod ét fælles mål" in moves["sanne"].sentence
        assert moves["jorun"].n == 0
        sentences = summary.move_sentences("1", "efter-diskussion")
        assert moves["kim"].sentence in sentences and not any(s.startswith("Jorun") for s in sentences)
        page = classroom.render_report(summary)
        assert "Kim: 2 af 3 flyttede sig mod plads til forskellige mål" in page


class TestMissingValues:
    """What a learner left out is ``None`` in the frames, never pandas' NaN (its str columns hold NaN)."""

    def test_a_justification_without_a_choice(self, tmp_path: Path, case):
        """A decision shared with its justification and no choice: the choice is None, and the learner
        answered (the justification counts, :func:`casekit.registry.is_answered`)."""
        folder = tmp_path / "class"
        folder.mkdir()
        chosen = learner_store(tmp_path, case, 1)
        partial = learner_store(
            tmp_path, case, 2, **{registry.DECISION_POINT: {"choice": None, "justification": "endnu ikke"}}
        )
        classroom.share(chosen, folder, case=case)
        classroom.share(partial, folder, [registry.DECISION_POINT], case=case)
        summary = classroom.summarize(folder, case=case)
        choices = list(summary.decisions["choice"])
        assert choices.count(None) == 1 and "interesser" in choices
        assert summary.learners_in("1") == summary.learners


class TestPlaced:
    """Where the class placed each stakeholder, for the report and the live view alike."""

    def test_own_stakeholders_named_by_several(self, tmp_path: Path, case):
        """The case's stakeholders in the case's order, then those at least two learners added (grouped
        by name, any case); one named by a single learner is left out."""
        folder = tmp_path / "class"
        folder.mkdir()
        for i, (name, other) in enumerate((("Bedsteforældre", "Nabo"), ("bedsteforældre ", "Præst"))):
            own = {
                "own-1": {"name": name, "at_table": True, "power": i + 1, "interest": 3},
                "own-2": {"name": other, "at_table": False, "power": 5, "interest": 5},
            }
            store = learner_store(tmp_path, case, i)
            store.save(registry.STAKEHOLDER_MAP, {"kim": {"power": 2, "interest": 2}, **own})
            classroom.share(store, folder, case=case)
        summary = classroom.summarize(folder, case=case)
        placed = summary.placed()
        assert [p.actor for p in placed] == ["kim", "own:bedsteforældre"]
        grouped = placed[1]
        assert grouped.own and grouped.count == 2 and len(grouped.answers) == 2
        assert grouped.chart(case).table.iloc[:, 1:].to_numpy().sum() == 2
        assert summary.placements(summary.stakeholders, "kim").count == 2

    def test_an_own_stakeholder_is_at_the_table_as_most_learners_said(self, tmp_path: Path, case):
        """Three learners added "Lærerne", two of them not at the table: the class's maps draw it as not
        at the table (it was always drawn at the table); a case actor keeps the case's."""
        folder = tmp_path / "class"
        folder.mkdir()
        for i, at_table in enumerate((False, True, False)):
            teachers = {"name": "Lærerne", "at_table": at_table, "power": 2, "interest": 4}
            store = learner_store(tmp_path, case, i)
            store.save(registry.STAKEHOLDER_MAP, {"kim": {"power": 2, "interest": 2}, "own-1": teachers})
            classroom.share(store, folder, case=case)
        summary = classroom.summarize(folder, case=case)
        (teachers_placed,) = [p for p in summary.placed() if p.own]
        assert {answer["own-1"]["at_table"] for answer in teachers_placed.answers} == {False}
        rows = summary.stakeholders
        assert rows[rows["own"]]["at_table"].tolist().count(False) == 2
        assert rows[rows["actor"] == "kim"]["at_table"].tolist() == [case.actor("kim").at_table] * 3


class TestAnonymity:
    """No name, pseudonym or LMS folder name anywhere; labels in a stable order that follows no name."""

    def test_no_names_anywhere(self, lms_zip: Path, tmp_path: Path, case):
        """Neither the student folders' names nor the pseudonyms appear in the summary or the report."""
        with zipfile.ZipFile(lms_zip, "a") as archive:  # and a bad file in a named folder
            archive.writestr(f"{NAMES[0]}/noter.txt", b"hej")
            archive.writestr(f"{NAMES[0]}svar.json", b"flat Moodle download, not JSON")
        summary = classroom.summarize(lms_zip)
        page = classroom.render_report(summary, with_text=True)
        secrets = ["Jens", "Hansen", "Mette Ærø", "Sørensen", "Kasper", "Holm", "kasper-holm", "elev-aaaaaa"]
        secrets += ["elev-bbbbbb", "12345", "67890", "55555", "assignsubmission", "mine svar"]
        everything = all_strings(summary)
        for secret in secrets:
            assert secret not in everything, secret
            assert secret not in page, secret
        assert summary.skipped and summary.skipped[0].name.startswith("fil ")

    def test_label_order_is_stable_and_follows_no_name(self, tmp_path: Path, case):
        """The same class in another file order, under other folder names, gets the same labels."""
        docs = [export_doc(f"elev-{i:06d}", all_answers(case, i)) for i in range(6)]

        def labels(order: list[int], prefix: str) -> dict[str, str]:
            folder = tmp_path / prefix
            folder.mkdir()
            for n, i in enumerate(order):
                (folder / f"{prefix}-{n}.json").write_bytes(json_bytes(docs[i]))
            summary = classroom.summarize(folder)
            decisions = summary.goals[summary.goals["actor"] == "kim"].set_index("learner")["position"]
            return decisions.to_dict()

        first = labels([0, 1, 2, 3, 4, 5], "a")
        second = labels([5, 3, 1, 0, 2, 4], "zz")
        assert first == second
        assert list(first) == [f"Studerende {n}" for n in range(1, 7)]
        by_name = [int(v) for v in first.values()]
        assert by_name != sorted(by_name) or by_name != [(i % 5) + 1 for i in range(6)]


def test_own_stakeholders_grouped_by_typed_name_anonymously(tmp_path: Path, case):
    """Own stakeholders are grouped by name (trimmed, any case), shown as the first typed it, with no names
    of learners, and the report shows the spread of one that two learners placed."""
    folder = tmp_path / "hand-ins"
    folder.mkdir()
    typed = [" Lærerne", "LÆRERNE ", "Pedellen"]
    for i, name in enumerate(typed):
        own = {"own-1": {"name": name, "at_table": True, "power": 3, "interest": 2 + i}}
        doc = export_doc(f"elev-hemmelig-{i}", {**all_answers(case, i), "stakeholder-map": own})
        (folder / f"{i}.json").write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    summary = classroom.summarize(folder, case=case)
    own = summary.stakeholders[summary.stakeholders["own"]]
    assert set(own["actor"]) == {"own:lærerne", "own:pedellen"}
    teachers = own[own["actor"] == "own:lærerne"]
    assert len(teachers) == 2 and len(set(teachers["name"])) == 1
    assert teachers["name"].iloc[0] in ("Lærerne", "LÆRERNE")
    report = classroom.render_report(summary)
    assert "hemmelig" not in report
    assert "Holdets placering af Lærerne" in report or "Holdets placering af LÆRERNE" in report
    assert "Holdets placering af Pedellen" not in report


class TestWhichCase:
    """The case is the one casekit ships (or the one asked for), never what most files say."""

    def test_a_majority_of_junk_does_not_decide_the_case(self, tmp_path: Path, case):
        """Four files saying case `x` against three real ones: the three are read, the four skipped."""
        members = {
            f"S{i}_1{i}_2{i}/svar.json": json_bytes(export_doc(f"e{i}", all_answers(case, i)))
            for i in range(3)
        }
        for i in range(4):
            members[f"X{i}_3{i}_4{i}/svar.json"] = json_bytes(
                export_doc(f"x{i}", all_answers(case, i), case_id="x")
            )
        path = tmp_path / "class.zip"
        path.write_bytes(zip_bytes(members))
        summary = classroom.summarize(path)
        assert summary.case.id == case.id and len(summary.learners) == 3
        other = t("class.skip.other_case", "da", found="x", expected=case.id)
        assert [s.reason for s in summary.skipped] == [other] * 4

    def test_a_case_named_by_id(self, tmp_path: Path, case):
        """`case=` may be a shipped case's id; an unknown id is a clear error naming it."""
        path = tmp_path / "one.json"
        path.write_bytes(good_export(case))
        assert classroom.summarize(path, case=case.id).case.id == case.id
        with pytest.raises(ClassFolderError, match="nope"):
            classroom.summarize(path, case="nope")


class TestRefreshReadsWhatChanged:
    """The live view summarizes the same folder again and again; a snapshot checked before is remembered
    by its bytes, so what changed is always read afresh and what did not is not checked again."""

    def test_a_learner_who_shares_again_is_seen_with_the_new_answer(self, tmp_path: Path, case):
        folder = tmp_path / "class"
        folder.mkdir()
        store = learner_store(tmp_path, case, 0)
        classroom.share(store, folder, case=case)
        first = classroom.summarize(folder, case=case)
        store.save("dilemma-1", {"position": 5})
        classroom.share(store, folder, case=case)
        again = classroom.summarize(folder, case=case)
        assert first.dilemmas.query("dilemma == 'dilemma-1'")["position"].tolist() == [1]
        assert again.dilemmas.query("dilemma == 'dilemma-1'")["position"].tolist() == [5]

    def test_a_remembered_snapshot_is_not_checked_again(self, tmp_path: Path, case, monkeypatch):
        from casekit.classroom import parse

        folder = tmp_path / "class"
        folder.mkdir()
        for i in range(3):
            classroom.share(learner_store(tmp_path, case, i), folder, case=case)
        classroom.summarize(folder, case=case)
        calls: list[str] = []
        real = parse.share_problem
        monkeypatch.setattr(
            parse, "share_problem", lambda doc, *a: calls.append(doc["share_id"]) or real(doc, *a)
        )
        store = learner_store(tmp_path, case, 7)
        classroom.share(store, folder, case=case)
        summary = classroom.summarize(folder, case=case)
        assert len(summary.learners) == 4 and calls == [classroom.share_id(store)]
