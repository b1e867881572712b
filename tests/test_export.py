"""Exports: the JSON exchange format, the HTML hand-in and the Markdown hand-in."""

from __future__ import annotations

import base64
import json
import re
from html import escape
from html.parser import HTMLParser
from pathlib import Path

import pytest

from casekit import export, registry
from casekit.answers import AnswerStore
from casekit.errors import AnswerStoreError
from casekit.export import (
    ExportFigure,
    activity_title,
    export_html,
    export_markdown,
    figures_for,
)
from casekit.i18n import t

pytestmark = pytest.mark.usefixtures("every_revision_exported")


HOSTILE = "<script>alert(1)</script> og <img src=x onerror=alert(1)>"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 16


def _images(page: str) -> list[dict[str, str]]:
    """The attributes of every ``<img>`` in a page, unescaped, as a browser reads them."""

    class Images(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.found: list[dict[str, str]] = []

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            if tag == "img":
                self.found.append({k: v or "" for k, v in attrs})

    parser = Images()
    parser.feed(page)
    return parser.found


def _article(page: str, element_id: str) -> str:
    """The ``<article id=…>`` of one question or activity in the hand-in."""
    match = re.search(rf'<article id="{re.escape(element_id)}">(.*?)</article>', page, re.S)
    assert match, f"no article {element_id!r}"
    return match.group(1)


class TestJsonFile:
    """An export file is written in UTF-8, whole or not at all, and only in a format casekit has."""

    def test_letters_are_written_as_utf8(self, store: AnswerStore, tmp_path: Path):
        store.save("etik-1", "Blåbærgrød 🙂")
        data = store.export(tmp_path / "svar.json").read_bytes()
        assert "Blåbærgrød 🙂".encode() in data
        assert b"\\u" not in data

    def test_unknown_format_is_refused(self, store: AnswerStore, tmp_path: Path):
        with pytest.raises(AnswerStoreError, match="pdf"):
            store.export(tmp_path / "x.pdf", "pdf")

    def test_export_replaces_a_file_atomically(self, store: AnswerStore, tmp_path: Path):
        """No temporary file is left behind, and an existing hand-in is replaced whole."""
        target = tmp_path / "out" / "svar.json"
        store.save("etik-1", "først")
        store.export(target)
        store.save("etik-1", "så")
        store.export(target)
        assert json.loads(target.read_text(encoding="utf-8"))["answers"]["etik-1"]["value"] == "så"
        assert [p.name for p in target.parent.iterdir()] == ["svar.json"]


class TestHtml:
    """The HTML hand-in: standalone, printable, accessible, and safe whatever the learner typed."""

    def test_hostile_text_is_shown_as_text(self, store: AnswerStore, case):
        store.save("organisering-1", HOSTILE)
        store.save("stakeholder-map", {"kim": {"power": 4, "interest": HOSTILE}})
        store.save("proposal.minutes", HOSTILE)
        page = export_html(store, case)
        # The one script element is the data block of the export (never run; casekit/answers/embedded.py).
        assert page.lower().count("<script") == 1
        assert page.count('<script type="application/json" id="casekit-answers">') == 1
        assert "<img src=x" not in page
        assert "onerror=alert(1)>" not in page
        assert escape(HOSTILE) in page
        assert page.count(escape(HOSTILE)) == 3

    def test_page_structure(self, store: AnswerStore, case):
        store.save("organisering-1", "svar")
        page = export_html(store, case)
        assert page.startswith("<!DOCTYPE html>")
        assert '<html lang="da">' in page
        assert '<meta charset="utf-8">' in page
        assert page.count("<main>") == 1 and page.count("<h1>") == 1
        assert "<header>" in page and "<footer>" in page
        assert "@media print" in page
        assert "Dine svar" in page and store.learner in page
        assert "http://" not in page and "https://" not in page  # standalone: nothing is fetched

    def test_question_text_beside_the_answer(self, store: AnswerStore, case):
        store.save("maalstyring-2", "Mit svar\nover to linjer")
        article = _article(export_html(store, case), "maalstyring-2")
        assert escape(case.question("maalstyring-2").text) in article
        assert "Mit svar\nover to linjer" in article
        assert "Gemt " in article

    def test_unanswered_questions_are_listed(self, store: AnswerStore, case):
        page = export_html(store, case)
        for question in case.questions:
            assert "Ikke besvaret" in _article(page, question.id)

    def test_empty_answer_is_marked(self, store: AnswerStore, case):
        store.save("etik-1", "   ")
        assert "(tomt svar)" in _article(export_html(store, case), "etik-1")

    def test_mapping_becomes_a_table_with_actor_names(self, store: AnswerStore, case):
        store.save(
            "stakeholder-map", {"boern-unge": {"power": 1, "interest": 5}, "kim": {"power": 4, "interest": 5}}
        )
        article = _article(export_html(store, case), "stakeholder-map")
        assert "<table>" in article
        assert '<th scope="col">Magt</th><th scope="col">Interesse</th>' in article
        names = re.findall(r'<th scope="row">(.*?)</th>', article)
        assert names == [escape(case.actor("kim").name), escape(case.actor("boern-unge").name)]  # case order

    def test_activity_title_prompt_and_option_labels_from_the_case(self, store: AnswerStore, case):
        store.save("decision-point", {"choice": "interesser", "justification": "Fordi"})
        store.save("proposal.participation", {"kim": "inform"})
        page = export_html(store, case)
        decision = _article(page, "decision-point")
        assert escape(str(case.activity("decision-point")["title"])) in decision
        assert escape(str(case.activity("decision-point")["options"]["interesser"])) in decision
        proposal = _article(page, "proposal")
        assert escape(str(case.activity("proposal")["levels"]["inform"])) in proposal

    def test_the_plan_names_the_learners_own_stakeholders_as_the_map_does(self, store: AnswerStore, case):
        """A level for the learner's own stakeholder reads "Lærerne (din egen)", never its key "own-1"; the
        map's own table is unchanged (its name column is its row's name)."""
        own = {"name": "Lærerne", "at_table": False, "power": 2, "interest": 5}
        store.save("stakeholder-map", {"kim": {"power": 4, "interest": 5}, "own-1": own})
        store.save("proposal.participation", {"kim": "inform", "own-1": "involve"})
        page = export_html(store, case)
        proposal = _article(page, "proposal")
        rows = re.findall(r'<th scope="row">(.*?)</th>', proposal)
        assert rows == [escape(case.actor("kim").name), escape(t("map.own.marker", "da", name="Lærerne"))]
        assert "own-1" not in proposal
        mapped = _article(page, "stakeholder-map")
        assert "own-1" not in mapped and escape(t("map.own.marker", "da", name="Lærerne")) in mapped
        assert escape(t("map.col.at_table", "da")) in mapped

    def test_figures_embedded_with_alt_text(self, store: AnswerStore, case):
        """A raster figure is embedded as a PNG image whose alt text keeps quotes and markup as text."""
        alt = 'Kim har "høj" magt & <stor> interesse'
        page = export_html(store, case, [ExportFigure(title="Dit interessentkort", png=PNG, alt=alt)])
        (img,) = _images(page)
        assert img["src"].startswith("data:image/png;base64,iVBORw0KGgo")
        assert img["alt"] == alt
        assert "<figcaption>Dit interessentkort</figcaption>" in page

    def test_vector_figures_are_embedded_as_svg(self, store: AnswerStore, case):
        """A figure with SVG is embedded as the vector image itself (crisp in print), with its alt text."""
        svg = '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><text>Kim</text></svg>'
        figure = ExportFigure(title="Kort", alt="Et kort", svg=svg)
        (img,) = _images(export_html(store, case, [figure]))
        prefix = "data:image/svg+xml;base64,"
        assert img["src"].startswith(prefix)
        assert base64.b64decode(img["src"][len(prefix) :]).decode("utf-8") == svg
        assert img["alt"] == "Et kort"

    def test_english_page(self, store: AnswerStore, case):
        store.save("etik-1", "x")
        page = export_html(store, case, lang="en")
        assert '<html lang="en">' in page and "Your answers" in page

    def test_plain_mapping_without_a_case(self):
        page = export_html({"etik-1": "svar uden case", "stakeholder-map": {"a": 1}}, None)
        assert "svar uden case" in page and "Interessentkort" in page and "<main>" in page

    def test_store_export_finds_the_case_and_the_charts(
        self, store: AnswerStore, case, tmp_path: Path, monkeypatch
    ):
        """store.export(..., "html") loads the case and asks the hand-in for the learner's figures."""
        seen = {}

        def chosen(case, answers):
            seen["answers"] = answers
            return [ExportFigure("Kort", PNG, "Et magt–interesse-kort")]

        monkeypatch.setattr(export, "hand_in_figures", chosen)
        store.save("organisering-1", "svar")
        page = store.export(tmp_path / "aflevering.html", "html").read_text(encoding="utf-8")
        assert escape(case.question("organisering-1").text) in page  # the case was loaded by the store
        assert 'alt="Et magt–interesse-kort"' in page
        assert seen["answers"] == {"organisering-1": "svar"}


class TestFiguresFor:
    """figures_for draws the hand-in's charts and never stops a hand-in."""

    def test_nothing_answered_no_figures(self, case):
        assert figures_for(case, {}) == ()

    def test_failing_chart_is_left_out(self, case, monkeypatch, caplog):
        """A chart that raises is logged and left out: the hand-in goes out without the charts."""

        def broken(case, placements):
            raise ValueError("boom")

        monkeypatch.setattr("casekit.charts.stakeholder_map", broken)
        assert figures_for(case, {"stakeholder-map": {"kim": {"power": 2, "interest": 3}}}) == ()
        assert "hand-in's charts failed" in caplog.text

    def test_no_case_no_figures(self):
        assert figures_for(None, {"stakeholder-map": {}}) == ()


class TestMarkdown:
    """The Markdown hand-in carries the same content as plain text."""

    def test_text_questions_and_tables(self, store: AnswerStore, case):
        store.save("organisering-1", "Første linje\nAnden linje med æøå 🙂")
        store.save("stakeholder-map", {"kim": {"power": 4, "interest": 5}})
        store.save(
            "dilemma-1", {"position": 2, "paragraphs": ["del-1 ¶3", "del-2 ¶1"], "justification": "a|b"}
        )
        text = export_markdown(store, case)
        assert "Første linje\nAnden linje med æøå 🙂" in text
        assert case.question("organisering-1").text in text
        assert f"| {case.actor('kim').name} | 4 | 5 |" in text
        assert "Del 1 ¶3, Del 2 ¶1" in text and "del-1" not in text  # as the edition cites them
        assert "a\\|b" in text  # a | in a table cell would break the table
        assert text.startswith("# Dine svar")

    def test_store_export_markdown(self, store: AnswerStore, tmp_path: Path):
        """The store writes the Markdown hand-in; a learner's HTML in it reads as text, never as a tag."""
        store.save("etik-2", HOSTILE)
        text = store.export(tmp_path / "svar.md", "markdown").read_text(encoding="utf-8")
        assert HOSTILE.replace("<", "&lt;") in text
        assert "<script" not in text and "<img" not in text


class TestActivityTitle:
    """Non-question keys get a readable title: from the case, then the catalog, else the key itself."""

    def test_catalog_titles(self):
        assert activity_title("stakeholder-map") == "Interessentkort"
        assert activity_title("dilemma-2", "en") == "Ethical dilemma 2"
        assert activity_title("dilemma-1.justification") == "Etisk dilemma 1 · Begrundelse"
        assert activity_title("something-else") == "something-else"

    def test_case_titles_win(self, case):
        assert activity_title("proposal.minutes", "da", case) == (
            f"{case.activity('proposal')['title']} · {case.activity('proposal')['fields']['minutes']}"
        )

    @pytest.mark.parametrize("key", registry.activity_keys())
    def test_every_activity_has_a_title_in_both_languages(self, key):
        """Every activity of the answer registry has a title of its own in Danish and in English."""
        assert activity_title(key, "da") != key and activity_title(key, "en") != key


class TestRegistryDocumented:
    """docs/answers-format.md lists every answer of the registry with its shape, and the schema has it."""

    def test_every_answer_is_in_the_docs_table(self):
        """Each registry entry's key (or, for the questions, its placeholder row) and shape are documented."""
        doc = (Path(__file__).resolve().parents[1] / "docs" / "answers-format.md").read_text(encoding="utf-8")
        rows = [line for line in doc.splitlines() if line.startswith("| ")]
        for spec in registry.ANSWERS:
            shown = "question ids" if spec.key == registry.QUESTIONS else f"`{spec.key}`"
            assert any(shown in row and f"`{spec.shape}`" in row for row in rows), spec

    def test_every_shape_is_in_the_schema(self):
        """Every shape the registry names is a definition of the export schema."""
        definitions = registry.export_schema()["$defs"]
        assert {f"value-{spec.shape}" for spec in registry.ANSWERS} <= set(definitions)


class TestDeepValues:
    """A hand-in never breaks on what a store holds."""

    def test_hand_in_of_a_deep_value_does_not_break(self, store: AnswerStore, case):
        """A deep value already in a store (from an older casekit) still leaves a hand-in to hand in."""
        value: list = []
        inner = value
        for _ in range(300):
            inner.append([])
            inner = inner[0]
        store.save("something", value)
        assert "<main>" in export_html(store, case)
        assert "# Dine svar" in export_markdown(store, case)


def test_handin_shows_own_stakeholders_by_name(case):
    """The hand-in's map table names an own stakeholder as typed (escaped), not by its own-1 key."""

    value = {"own-1": {"name": "Lærerne <i>", "at_table": False, "power": 3, "interest": 4}}
    page = export.export_html({"stakeholder-map": value}, case=case)
    assert "Lærerne &lt;i&gt; (din egen)" in page
    assert "own-1" not in page and "<i>" not in page
    assert "Lærerne &lt;i&gt; (din egen)" in export.export_markdown({"stakeholder-map": value}, case=case)
