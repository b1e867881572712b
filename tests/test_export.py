"""Exports: the JSON exchange format, the HTML hand-in and the Markdown hand-in."""

from __future__ import annotations

import base64
import json
import re
import sys
import types
from html import escape
from html.parser import HTMLParser
from pathlib import Path

import pytest

import casekit
from casekit import export, registry
from casekit.answers import AnswerStore, Revision
from casekit.errors import AnswerImportError, AnswerStoreError
from casekit.export import (
    AnswerExport,
    ExportFigure,
    activity_title,
    export_html,
    export_json,
    export_markdown,
    figures_for,
    parse_import,
)

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


class TestJson:
    """The JSON export follows the documented schema (docs/answers-format.md), version 1."""

    def test_document_shape(self, store: AnswerStore):
        store.save("organisering-1", "første")
        store.save("organisering-1", "anden æøå")
        doc = json.loads(export_json(store))
        assert doc["format"] == "casekit-answers"
        assert doc["schema_version"] == 1
        assert doc["case"] == {"id": "samskabelse", "version": store.case_version, "lang": "da"}
        assert doc["learner"] == store.learner
        assert doc["exported_at"].endswith("+00:00")
        entry = doc["answers"]["organisering-1"]
        assert entry["value"] == "anden æøå"
        assert [h["value"] for h in entry["history"]] == ["første", "anden æøå"]
        assert set(entry["history"][0]) == {"value", "saved_at", "case_version", "lang"}

    def test_letters_are_written_as_utf8(self, store: AnswerStore, tmp_path: Path):
        store.save("etik-1", "Blåbærgrød 🙂")
        data = store.export(tmp_path / "svar.json").read_bytes()
        assert "Blåbærgrød 🙂".encode() in data
        assert b"\\u" not in data

    def test_parse_import_of_an_export(self, store: AnswerStore):
        store.save("etik-1", "a")
        store.save("etik-1", "b")
        parsed = parse_import(export_json(store).encode("utf-8"), case_id="samskabelse")
        assert isinstance(parsed, AnswerExport)
        assert parsed.as_dict() == {"etik-1": "b"}
        assert [r.source for r in parsed.revisions] == ["import", "import"]

    def test_parse_import_refuses_another_case_in_english(self, store: AnswerStore):
        with pytest.raises(AnswerImportError, match='holds answers to the case "samskabelse", not to "mini"'):
            parse_import(export_json(store), case_id="mini", lang="en", name="x.json")

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
        assert "<script" not in page.lower()
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
        """store.export(..., "html") loads the case and asks casekit.charts for the learner's figures."""
        seen = {}

        def export_figures(case, answers):
            seen["answers"] = answers
            return [ExportFigure("Kort", PNG, "Et magt–interesse-kort")]

        fake = types.ModuleType("casekit.charts")
        fake.export_figures = export_figures  # type: ignore[attr-defined]
        monkeypatch.setitem(sys.modules, "casekit.charts", fake)
        monkeypatch.setattr(casekit, "charts", fake, raising=False)
        store.save("organisering-1", "svar")
        page = store.export(tmp_path / "aflevering.html", "html").read_text(encoding="utf-8")
        assert escape(case.question("organisering-1").text) in page  # the case was loaded by the store
        assert 'alt="Et magt–interesse-kort"' in page
        assert seen["answers"] == {"organisering-1": "svar"}


class TestFiguresFor:
    """figures_for asks casekit.charts lazily and never stops a hand-in."""

    def test_no_export_figures_yet(self, case, monkeypatch):
        fake = types.ModuleType("casekit.charts")
        monkeypatch.setitem(sys.modules, "casekit.charts", fake)
        monkeypatch.setattr(casekit, "charts", fake, raising=False)
        assert figures_for(case, {}) == ()

    def test_failing_chart_is_left_out(self, case, monkeypatch, caplog):
        def broken(case, answers):
            raise ValueError("boom")

        fake = types.ModuleType("casekit.charts")
        fake.export_figures = broken  # type: ignore[attr-defined]
        monkeypatch.setitem(sys.modules, "casekit.charts", fake)
        monkeypatch.setattr(casekit, "charts", fake, raising=False)
        assert figures_for(case, {}) == ()
        assert "export_figures failed" in caplog.text

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
        assert "del-1 ¶3, del-2 ¶1" in text
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


class TestBursts:
    """An export keeps how each answer stood at every pause, not every keystroke; the store keeps all."""

    def _revisions(self, times: list[str]) -> list[Revision]:
        return [Revision("etik-1", f"v{i}", at, i + 1, "1", "da") for i, at in enumerate(times)]

    def test_typing_burst_exports_as_its_last_revision(self, store: AnswerStore, monkeypatch):
        monkeypatch.setattr(export, "BURST_SECONDS", 60)
        for text in ("T", "Ty", "Typ", "Type"):
            store.save("etik-1", text)
        doc = json.loads(export_json(store))
        assert [h["value"] for h in doc["answers"]["etik-1"]["history"]] == ["Type"]
        assert len(store.history("etik-1")) == 4

    def test_pauses_separate_bursts(self):
        times = [
            "2026-01-01T10:00:00+00:00",
            "2026-01-01T10:00:05+00:00",
            "2026-01-01T10:03:00+00:00",
            "2026-01-02T09:00:00+00:00",
        ]
        kept = export.settled(self._revisions(times), burst_seconds=60)
        assert [r.value for r in kept] == ["v1", "v2", "v3"]

    def test_each_key_keeps_its_latest(self):
        revs = [
            Revision("a", 1, "2026-01-01T10:00:00+00:00", 1, "1", "da"),
            Revision("b", 2, "2026-01-01T10:00:01+00:00", 2, "1", "da"),
        ]
        assert export.settled(revs, burst_seconds=60) == revs
        assert export.settled([]) == []


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


class TestEdges:
    """Imports refuse what an export cannot honestly carry; exports always import again."""

    @staticmethod
    def _doc(saved_at: str = "2025-03-01T10:00:00Z", value: object = "svar", key: str = "etik-1") -> bytes:
        history = [{"value": value, "saved_at": saved_at}]
        doc = {
            "format": "casekit-answers",
            "schema_version": 1,
            "case": {"id": "samskabelse", "version": "1", "lang": "da"},
            "answers": {key: {"value": value, "history": history}},
        }
        return json.dumps(doc).encode("utf-8")

    @pytest.mark.parametrize(
        "saved_at", ["9999-12-31T23:59:59.999999Z", "0001-01-01T00:00:00+01:00", "2400-01-01T00:00:00Z"]
    )
    def test_times_beyond_the_calendar_or_far_ahead_are_refused(self, store: AnswerStore, saved_at: str):
        """A time at the calendar's edge or years ahead is refused with the field named; nothing is stored."""
        with pytest.raises(AnswerImportError, match=r"history\[0\]\.saved_at"):
            store.import_bytes(self._doc(saved_at), name="f.json")
        assert store.count() == 0

    def test_a_clock_a_day_ahead_is_accepted(self, store: AnswerStore):
        """Another machine's clock a day ahead is honest: its revision is taken."""
        from datetime import datetime, timedelta, timezone

        ahead = (datetime.now(timezone.utc) + timedelta(days=1)).isoformat()
        assert store.import_bytes(self._doc(ahead)).added == 1

    def test_a_value_nested_300_deep_is_refused(self, store: AnswerStore):
        """An answer nested far deeper than any activity saves is refused, naming its key."""
        value: list = []
        inner = value
        for _ in range(300):
            inner.append([])
            inner = inner[0]
        with pytest.raises(AnswerImportError, match="something"):
            store.import_bytes(self._doc(value=value, key="something"), name="f.json")
        assert store.count() == 0

    def test_duplicate_keys_are_refused(self, store: AnswerStore):
        """Two values under one key in a JSON object: unclear which counts, so the file is refused."""
        content = self._doc().replace(b'"answers": {', b'"answers": {"etik-1": {"history": []}, ', 1)
        with pytest.raises(AnswerImportError, match="to gange"):
            store.import_bytes(content, name="f.json")

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

    def test_a_large_store_exports_to_a_file_that_imports_again(self, store: AnswerStore, tmp_path: Path):
        """However much history a store holds, its export fits the import limit and brings every answer."""
        text = "x" * 40_000
        revisions = [
            Revision(
                f"q-{k}",
                f"{k}-{n} {text}",
                f"2025-03-{1 + n // 24:02d}T{n % 24:02d}:00:00.000000+00:00",
                0,
                "1",
                "da",
            )
            for k in range(20)
            for n in range(40)
        ]
        store.import_revisions(revisions)
        exported = export_json(store)
        assert len(exported.encode("utf-8")) <= export.MAX_IMPORT_BYTES
        with AnswerStore.open(tmp_path / "other", case_id="samskabelse") as other:
            other.import_bytes(exported.encode("utf-8"))
            assert other.as_dict() == store.as_dict()


def test_handin_shows_own_stakeholders_by_name(case):
    """The hand-in's map table names an own stakeholder as typed (escaped), not by its own-1 key."""
    from casekit import export

    value = {"own-1": {"name": "Lærerne <i>", "at_table": False, "power": 3, "interest": 4}}
    page = export.export_html({"stakeholder-map": value}, case=case)
    assert "Lærerne &lt;i&gt; (din egen)" in page
    assert "own-1" not in page and "<i>" not in page
    assert "Lærerne &lt;i&gt; (din egen)" in export.export_markdown({"stakeholder-map": value}, case=case)
