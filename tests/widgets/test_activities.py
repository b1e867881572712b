"""Every activity saves what the learner does, restores it when built again, and never shows a traceback."""

from __future__ import annotations

import dataclasses
import html
import threading
from pathlib import Path

import ipywidgets
import pytest

import casekit
from casekit import widgets
from casekit.answers import AnswerStore, save_queue
from casekit.i18n import t


def rebuilt(store: AnswerStore, case: casekit.Case) -> AnswerStore:
    """The same store file opened afresh, as after a kernel restart."""
    return AnswerStore.open(store.path, case=case)


class TestRead:
    """Reading a part shows its dialogue with speaker labels."""

    def test_part_two_lists_its_speakers(self, case):
        html = widgets.read(case, part=2).data
        assert "Personer der taler: Sanne, Jorun, Kim, Majbritt" in html
        assert html.count('class="casekit-utterance"') == 7

    def test_unknown_part_is_a_friendly_message(self, case):
        assert "del 3 findes ikke" in widgets.read(case, part=3).data


class TestStakeholderMap:
    """The map is its grid (tests/widgets/test_grid.py drives it) with the status line and the relations."""

    def test_the_grid_the_status_line_and_the_relations(self, case, store):
        activity = widgets.stakeholder_map(case, store)
        assert set(activity.inputs) == {"grid"}
        assert activity.status in set(_walk(activity))
        assert "Relationer" in html_text(activity) and 'alt="' in html_text(activity)
        assert activity.chart is None  # the chart of the map is the hand-in's (casekit.export)

    def test_the_relations_are_drawn_once_per_case(self, case, store, monkeypatch):
        """Running the map's cell again shows the same diagram without drawing it again; another case (here
        the same one titled anew, as a changed data file loads) gets a diagram of its own."""
        from casekit import charts

        drawn = []

        def counted(of):
            drawn.append(of)
            return relations_diagram(of)

        relations_diagram = charts.relations_diagram
        monkeypatch.setattr(charts, "relations_diagram", counted)
        changed = dataclasses.replace(case, title="Et andet hold")
        first = html_text(widgets.stakeholder_map(changed, store))
        again = html_text(widgets.stakeholder_map(changed, store))
        assert drawn == [changed] and first == again
        english = casekit.load_case("samskabelse", lang="en")
        assert "Relations" in html_text(widgets.stakeholder_map(dataclasses.replace(english), store))
        assert len(drawn) == 2


class TestDecisionPoint:
    def test_choice_and_justification_saved_and_restored(self, case, store):
        activity = widgets.decision_point(case, store)
        activity.inputs["choice"].value = "maal-foerst"
        activity.inputs["justification"].value = "Fordi direktørerne skal købe det."
        assert store.get("decision-point") == {
            "choice": "maal-foerst",
            "justification": "Fordi direktørerne skal købe det.",
        }
        again = widgets.decision_point(case, rebuilt(store, case))
        assert again.inputs["choice"].value == "maal-foerst"
        assert again.inputs["justification"].value.startswith("Fordi")

    def test_shows_kims_question_as_evidence(self, case, store):
        html = html_text(widgets.decision_point(case, store))
        assert "Okay – hvordan gør vi det her?" in html and case.cite("del-1 ¶3") in html


class TestGoalDivergence:
    def test_each_speaker_placed_with_quotes_beside(self, case, store):
        activity = widgets.goal_divergence(case, store)
        assert set(activity.inputs) == {"kim", "sanne", "jorun", "majbritt", "musikklubleder"}
        activity.inputs["jorun"].value = 5
        activity.inputs["majbritt"].value = 1
        assert store.get("goal-divergence") == {"jorun": 5, "majbritt": 1}
        assert 'alt="' in activity.chart.value
        text = html_text(activity)
        assert "om vi overhovedet skal gennemtvinge et fælles mål?" in text

    def test_restored(self, case, store):
        widgets.goal_divergence(case, store).inputs["sanne"].value = 3
        assert widgets.goal_divergence(case, rebuilt(store, case)).inputs["sanne"].value == 3


class TestDilemma:
    def test_all_fields_saved_and_restored(self, case, store):
        activity = widgets.dilemma(case, store, 2)
        activity.inputs["position"].value = 4
        activity.inputs["left"].value = "Hierarki"
        activity.inputs["justification"].value = "Æble, øl og å – se del-2 ¶2."
        activity.inputs["paragraphs"].value = ("del-2 ¶2",)
        activity.inputs["missing_voices"].value = "Børnene"
        saved = store.get("dilemma-2")
        assert saved["position"] == 4 and saved["left"] == "Hierarki"
        assert saved["paragraphs"] == ["del-2 ¶2"] and saved["missing_voices"] == "Børnene"
        again = widgets.dilemma(case, rebuilt(store, case), 2)
        assert again.inputs["justification"].value == "Æble, øl og å – se del-2 ¶2."
        assert again.inputs["position"].value == 4 and again.inputs["paragraphs"].value == ("del-2 ¶2",)

    def test_renaming_a_pole_relabels_the_scale_and_keeps_the_position(self, case, store):
        activity = widgets.dilemma(case, store, 1)
        activity.inputs["position"].value = 5
        activity.inputs["right"].value = "Borgernes egen proces"
        labels = [label for label, _ in activity.inputs["position"].options]
        assert "5 – tættest på: Borgernes egen proces" in labels
        assert activity.inputs["position"].value == 5
        assert store.get("dilemma-1")["right"] == "Borgernes egen proces"

    def test_shows_the_question_as_written(self, case, store):
        activity = widgets.dilemma(case, store, 2)
        assert case.question("etik-2").text in activity.children[1].value

    def test_unknown_dilemma_is_a_friendly_message(self, case, store):
        assert "findes ikke" in widgets.dilemma(case, store, 4).data


class TestQuestions:
    def test_ten_boxes_under_three_headings(self, case, store):
        activity = widgets.questions(case, store)
        assert list(activity.inputs) == [q.id for q in case.questions]
        headings = [w.value for w in _walk(activity) if isinstance(w, ipywidgets.HTML) and "<h2>" in w.value]
        assert len(headings) == 3

    def test_typing_saves_every_change_and_restores(self, case, store):
        box = widgets.questions(case, store).inputs["maalstyring-2"]
        box.value = "Første udkast"
        box.value = "Andet udkast 🙂"
        assert [r.value for r in store.history("maalstyring-2")] == ["Første udkast", "Andet udkast 🙂"]
        again = widgets.questions(case, rebuilt(store, case))
        assert again.inputs["maalstyring-2"].value == "Andet udkast 🙂"

    def test_clearing_an_answer_is_saved_and_said(self, case, store):
        activity = widgets.questions(case, store, group="etik")
        box = activity.inputs["etik-1"]
        box.value = "noget"
        box.value = "   "
        assert store.get("etik-1") == "   "
        assert "Feltet er tomt" in html_text(activity)

    def test_one_group_only(self, case, store):
        assert list(widgets.questions(case, store, group="etik").inputs) == ["etik-1", "etik-2", "etik-3"]

    def test_unknown_group_is_a_friendly_message(self, case, store):
        assert "organisering, maalstyring, etik" in widgets.questions(case, store, group="x").data


class TestProposal:
    def test_texts_and_participation_plan(self, case, store):
        activity = widgets.proposal(case, store)
        activity.inputs["proposal.minutes"].value = "Referat: vi mødtes."
        activity.inputs["proposal.participation.frivillige"].value = "involve"
        activity.inputs["proposal.participation.politikere"].value = "inform"
        assert store.get("proposal.minutes") == "Referat: vi mødtes."
        assert store.get("proposal.participation") == {"frivillige": "involve", "politikere": "inform"}
        again = widgets.proposal(case, rebuilt(store, case))
        assert again.inputs["proposal.participation.frivillige"].value == "involve"
        assert again.inputs["proposal.minutes"].value == "Referat: vi mødtes."

    def test_five_levels_plus_unset(self, case, store):
        control = widgets.proposal(case, store).inputs["proposal.participation.kim"]
        assert [v for _, v in control.options] == [
            "",
            "inform",
            "consult",
            "involve",
            "collaborate",
            "empower",
        ]


class TestHandin:
    def test_preview_counts_and_downloads(self, case, store):
        store.save("organisering-1", "Svar")
        activity = widgets.handin(case, store)
        assert f"1 af {len(widgets.task_keys(case))} opgaver har et svar." in html_text(activity)
        download = activity.inputs["download.json"]
        assert download.file_name.startswith("samskabelse-") and download.format == "json"


class TestNeverATraceback:
    """A store that cannot be used shows a message; saves from other threads work."""

    def test_activities_without_a_store_say_so(self, case):
        activity = widgets.questions(case, None)
        activity.inputs["etik-1"].value = "tekst"
        assert "kan ikke gemmes" in activity.status.value
        assert "kan ikke gemmes" in widgets.handin(case, None).data

    def test_a_failing_save_is_reported_not_raised(self, case, store, monkeypatch):
        activity = widgets.decision_point(case, store)

        def broken(*_args, **_kwargs):
            raise OSError("disk full")

        monkeypatch.setattr(store, "save", broken)
        activity.inputs["justification"].value = "x"
        assert "Noget gik galt" in activity.status.value

    def test_saving_from_another_thread(self, case, store):
        box = widgets.questions(case, store).inputs["organisering-2"]
        worker = threading.Thread(target=lambda: setattr(box, "value", "fra en anden tråd"))
        worker.start()
        worker.join()
        assert store.get("organisering-2") == "fra en anden tråd"

    def test_start_opens_the_store_in_casekit_answers(self, answers_dir: Path):
        case, store = widgets.start()
        assert store is not None and store.path.parent == answers_dir
        assert case.id == "samskabelse"

    def test_start_without_a_usable_folder(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
        blocker = tmp_path / "file"
        blocker.write_text("not a folder", encoding="utf-8")
        monkeypatch.setenv("CASEKIT_ANSWERS", str(blocker / "answers"))
        case, store = widgets.start()
        assert store is None and case.id == "samskabelse"


def html_text(activity) -> str:
    """All the HTML an activity shows, in order."""
    return "".join(w.value for w in _walk(activity) if isinstance(w, ipywidgets.HTML))


def _walk(widget):
    yield widget
    for child in getattr(widget, "children", ()):
        yield from _walk(child)


class TestWhoIsWho:
    """The table of everyone in the case says "Ikke oplyst" where the text is silent, and guesses nothing."""

    def test_everyone_with_unstated_facts(self, case):
        table = widgets.who_is_who(case)
        assert len(table) == len(case.actors)
        assert table.loc["Anne", "Område"] == "Ikke oplyst"
        assert table.loc["Jorun", "Projektgruppen"] == "Ikke oplyst"
        assert table.loc["Politikerne", "Ved bordet"] == "Nej"
        assert table.loc["Kim", "Taler"] == "Ja"

    def test_english_headers_from_the_catalog(self, case):
        import dataclasses

        table = widgets.who_is_who(dataclasses.replace(case, lang="en"))
        assert table.index.name == "Name"
        assert list(table.columns)[:2] == ["What", "Area"]

    def test_shown_as_a_table_to_read_with_every_role_in_full(self, case):
        """The notebook shows a styled table from a template: each person's name leads their row (no 0…n
        index), every role in full (pandas cut it with "…"), the same cells as the frame."""
        shown = widgets.who_is_who_table(case)
        frame = widgets.who_is_who(case)
        assert shown.columns == (frame.index.name, *frame.columns)
        assert [row[0] for row in shown.rows] == list(frame.index)
        page = html.unescape(shown._repr_html_())
        for actor in case.actors:
            assert actor.role in page
        assert page.count('<th scope="row"') == len(case.actors) and "…" not in page.replace('…"', "")
        assert t("widgets.who.caption", "da") in page
        kim = page[page.index('<th scope="row"') : page.index("</th>", page.index('<th scope="row"'))]
        assert "Kim" in kim and f"{case.label('kind', 'person')} · " in kim  # what and where under the name

    def test_showing_it_does_not_need_pandas(self, case):
        """01_del1's kernel stays small: the table is built without importing pandas."""
        import subprocess
        import sys

        code = (
            "import sys, casekit\nfrom casekit import widgets\n"
            "widgets.who_is_who_table(casekit.load_case())._repr_html_()\nprint('pandas' in sys.modules)"
        )
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
        assert out.stdout.strip() == "False"


class TestStaleValues:
    """A saved value of another shape (an older casekit, an import) never breaks an activity, is not
    shown where it does not fit, is named in a note, and stays in the store."""

    @pytest.mark.parametrize(
        ("key", "value", "build"),
        [
            ("decision-point", ["interesser"], lambda c, s: widgets.decision_point(c, s)),
            ("dilemma-1", {"paragraphs": 5, "left": "Styring"}, lambda c, s: widgets.dilemma(c, s, 1)),
            ("goal-divergence", {"kim": "5", "sanne": 2}, lambda c, s: widgets.goal_divergence(c, s)),
            ("stakeholder-map", {"kim": 3}, lambda c, s: widgets.stakeholder_map(c, s)),
            ("proposal.participation", ["inform"], lambda c, s: widgets.proposal(c, s)),
            ("organisering-1", {"text": "x"}, lambda c, s: widgets.questions(c, s)),
        ],
    )
    def test_built_with_a_note_and_kept(self, case, store, key, value, build):
        """The activity builds, says part of the saved answer is not shown, and the store still has it."""
        store.save(key, value)
        activity = build(case, store)
        statuses = [
            w.value for w in _all_widgets(activity) if isinstance(w, ipywidgets.HTML) and "role=" in w.value
        ]
        assert any(t("widgets.stale_value", "da") in html.unescape(s) for s in statuses)
        assert store.get(key) == value

    def test_the_part_that_fits_is_shown(self, case, store):
        """A dilemma keeps its renamed pole when another field has the wrong type."""
        store.save("dilemma-1", {"paragraphs": 5, "left": "Styring"})
        assert widgets.dilemma(case, store, 1).inputs["left"].value == "Styring"


def _all_widgets(widget):
    yield widget
    for child in getattr(widget, "children", ()):
        yield from _all_widgets(child)


class TestSavingAtTheEdges:
    """A save never blocks the kernel long, never drops the learner's words, and says what happened."""

    def test_a_busy_store_queues_the_save_and_says_so(self, case, store):
        """While another program holds the store, a keystroke returns within about a second, the status
        says it is waiting, and the answer is saved once the store is free."""
        import sqlite3
        import time

        activity = widgets.questions(case, store)
        box = activity.inputs["organisering-1"]
        blocker = sqlite3.connect(store.path, timeout=0, isolation_level=None)
        blocker.execute("BEGIN IMMEDIATE")
        try:
            started = time.monotonic()
            box.value = "skrevet mens filen var optaget"
            assert time.monotonic() - started < 2.0
            status = next(w for w in activity.statuses if "Venter" in w.value)
            assert "Venter på at gemme" in status.value
        finally:
            blocker.execute("ROLLBACK")
            blocker.close()
        assert save_queue(store).flush(timeout=10)
        assert store.get("organisering-1") == "skrevet mens filen var optaget"
        assert "Gemt" in status.value

    def test_half_an_emoji_is_kept_and_named(self, case, store):
        """Text with a lone surrogate is saved with � in its place, and the status says so."""
        activity = widgets.questions(case, store)
        activity.inputs["organisering-1"].value = "godt \ud83d svar"
        assert store.get("organisering-1") == "godt \ufffd svar"
        statuses = [w.value for w in activity.statuses if "Gemt" in w.value]
        assert any("1 tegn" in html.unescape(s) for s in statuses)

    def test_a_deleted_store_is_put_back_and_the_learner_told(self, case, store):
        """The learner deletes the answer files mid-session: the next save puts every answer back, says so."""
        activity = widgets.questions(case, store)
        activity.inputs["organisering-1"].value = "første"
        for extra in ("", "-wal", "-shm"):
            Path(f"{store.path}{extra}").unlink(missing_ok=True)
        activity.inputs["organisering-2"].value = "andet"
        assert rebuilt(store, case).as_dict() == {"organisering-1": "første", "organisering-2": "andet"}
        assert any("lagt tilbage" in html.unescape(w.value) for w in activity.statuses)


def test_the_record_activities_save_the_fields_their_schema_lists(case, store):
    """The decision point and a dilemma save exactly the fields the export schema lists for their shape
    (registry.fields), so the store, the import, the cleaner and the class snapshot agree."""
    from casekit import registry

    decision = widgets.decision_point(case, store)
    decision.inputs["justification"].value = "Fordi"
    dilemma = widgets.dilemma(case, store, 1)
    dilemma.inputs["justification"].value = "Fordi"
    save_queue(store).flush()
    assert tuple(store.get(registry.DECISION_POINT)) == registry.fields("decision")
    assert tuple(store.get(registry.DILEMMAS[0])) == registry.fields("dilemma")
