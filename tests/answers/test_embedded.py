"""The JSON export inside the HTML hand-in (casekit/answers/embedded.py): the page imports exactly as its
JSON export does, no learner text can break out of the block, and a tampered block is refused with the
import's own message."""

from __future__ import annotations

import dataclasses
import json
import tempfile
from datetime import datetime, timedelta, timezone
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from casekit import export
from casekit.answers import AnswerStore, Revision, document
from casekit.answers.document import export_for_page, export_json, parse_import, too_big
from casekit.answers.embedded import BLOCK_ID, find_block, looks_like_html, script_text
from casekit.errors import AnswerImportError
from casekit.i18n import t

# What could end a <script> element early, or change how an HTML parser reads it, in any case and spacing;
# and what JSON and JavaScript read specially.
BREAKERS = [
    "</script>",
    "</SCRIPT >",
    "</script/",
    "<!--",
    "-->",
    "<script>",
    "<![CDATA[",
    "]]>",
    "&amp;",
    "&lt;/script&gt;",
    "\\u003c/script>",
    '"',
    "\\",
    "\u2028",
    "\u2029",
    "\ud800",
    "\udfff",
    "\x00",
]
HOSTILE_TEXT = st.lists(
    st.one_of(
        st.sampled_from(BREAKERS),
        st.text(alphabet=st.characters(exclude_categories=()), max_size=8),
    ),
    max_size=12,
).map("".join)


class _Scripts(HTMLParser):
    """Every ``<script>`` element as an HTML parser (a browser's rules) reads it: attributes and text."""

    def __init__(self) -> None:
        super().__init__()
        self.scripts: list[tuple[dict[str, str | None], str]] = []
        self._open: dict[str, str | None] | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "script":
            self._open, self._text = dict(attrs), []

    def handle_data(self, data: str) -> None:
        if self._open is not None:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._open is not None:
            self.scripts.append((self._open, "".join(self._text)))
            self._open = None


def scripts(page: str) -> list[tuple[dict[str, str | None], str]]:
    parser = _Scripts()
    parser.feed(page)
    parser.close()
    return parser.scripts


def page_of(store: AnswerStore) -> str:
    """The HTML hand-in of ``store`` (answers listed by key: no case needed)."""
    return export.render(store, "html", find_case=False)


def without_time(exported: Any) -> Any:
    """An export read back, without the moment it was made (two files are made at two moments)."""
    return dataclasses.replace(exported, exported_at="")


def _revisions(key: str, n: int) -> list[Revision]:
    start = datetime(2025, 3, 1, 8, 0, tzinfo=timezone.utc)
    return [
        Revision(
            key, f"version {i} " + "x" * 200, (start + timedelta(seconds=61 * i)).isoformat(), 0, "1", "da"
        )
        for i in range(n)
    ]


class TestRoundTrip:
    """The page imports exactly what its JSON export imports."""

    def test_html_import_equals_json_import(self, store: AnswerStore):
        store.save("organisering-1", "æøå 🙂 </script><!-- <script>alert(1)</script>")
        store.save("dilemma-1", {"position": 2, "justification": "fordi & derfor > alt"})
        store.save("stakeholder-map", {"kim": {"power": 4, "interest": 5}})
        page, text = page_of(store), export_json(store)
        from_page = parse_import(page.encode("utf-8"), case_id="samskabelse", name="a.html")
        from_json = parse_import(text.encode("utf-8"), case_id="samskabelse", name="a.json")
        assert without_time(from_page) == without_time(from_json)
        assert from_page.as_dict() == store.as_dict()

    def test_the_block_is_the_export_written_safe(self, store: AnswerStore):
        store.save("etik-1", "<>&")
        block = find_block(page_of(store))
        assert block is not None and not set("<>&") & set(block)
        document_in_page, exported = json.loads(block), json.loads(export_json(store))
        assert {**document_in_page, "exported_at": ""} == {**exported, "exported_at": ""}
        assert document_in_page["answers"]["etik-1"]["value"] == "<>&"

    def test_a_store_imports_the_page_into_another_store(self, store: AnswerStore, tmp_path: Path):
        store.save("etik-2", "mit svar")
        with AnswerStore.open(tmp_path / "other", case_id="samskabelse") as other:
            result = other.import_bytes(page_of(store).encode("utf-8"), name="aflevering.html")
            assert result.added == 1 and other.as_dict() == store.as_dict()
            assert other.identity() == store.identity()  # the learner keeps their entry in the class views

    def test_a_page_from_plain_answers_has_no_block(self):
        page = export.export_html({"etik-1": "svar"}, None)
        assert find_block(page) is None and BLOCK_ID not in page


# database=None: the test writes nothing to the repository (no .hypothesis folder).
@settings(max_examples=60, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(HOSTILE_TEXT)
def test_no_text_breaks_out_of_the_block(text: str):
    """Whatever a learner typed (script ends, comment starts, lone surrogates, line separators): the page has
    one script element, an HTML parser ends it where casekit does, and it imports as the JSON export does."""
    with (
        tempfile.TemporaryDirectory() as folder,
        AnswerStore.open(Path(folder) / "answers", case_id="samskabelse") as store,
    ):
        stored = store.save("organisering-1", text).value  # as the store keeps it (surrogates replaced)
        page, exported = page_of(store), export_json(store)
    (found,) = scripts(page)
    assert found[0] == {"type": "application/json", "id": BLOCK_ID}
    assert found[1] == find_block(page)
    from_page = parse_import(page.encode("utf-8"), case_id="samskabelse", name="a.html")
    from_json = parse_import(exported.encode("utf-8"), case_id="samskabelse", name="a.html")
    assert without_time(from_page) == without_time(from_json)
    assert from_page.as_dict() == {"organisering-1": stored}


class TestTampered:
    """A block changed by hand gets the very message the same change in a JSON file gets: the page is read
    exactly like any import."""

    @staticmethod
    def _pair(store: AnswerStore, change: Any) -> tuple[bytes, bytes]:
        """The page and the JSON export of ``store`` with the same change made to the export's text."""
        store.save("dilemma-1", {"position": 2, "justification": "fordi"})
        store.save("etik-1", "svar")
        page = page_of(store)
        block = find_block(page)
        assert block is not None
        text = change(json.loads(block))
        return page.replace(block, script_text(text)).encode("utf-8"), text.encode("utf-8")

    @pytest.mark.parametrize(
        "change",
        [
            lambda doc: json.dumps({**doc, "format": "noget andet"}),
            lambda doc: json.dumps({**doc, "case": {**doc["case"], "id": "en-anden-case"}}),
            lambda doc: json.dumps(doc).replace('"position": 2', '"position": 9'),
            lambda doc: json.dumps(doc).replace('"saved_at": "', '"saved_at": "3025', 1),
            lambda doc: json.dumps(doc)[:-40],
            lambda doc: json.dumps(doc).replace('"learner"', '"format": "x", "learner"'),
            lambda doc: json.dumps({**doc, "answers": {"Ikke et id": doc["answers"]["etik-1"]}}),
        ],
        ids=["format", "other_case", "value_shape", "far_future", "cut_short", "duplicate_key", "bad_key"],
    )
    def test_the_same_message_as_the_json(self, store: AnswerStore, change: Any):
        page, text = self._pair(store, change)
        messages = []
        for content in (page, text):
            with pytest.raises(AnswerImportError) as refused:
                store.import_bytes(content, name="aflevering.html")
            messages.append(str(refused.value))
        assert messages[0] == messages[1] and "aflevering.html" in messages[0]

    def test_too_many_revisions_in_the_block(self, store: AnswerStore, monkeypatch: pytest.MonkeyPatch):
        """The revision limit counts the block's history, with the JSON file's message."""
        page, text = self._pair(store, json.dumps)
        monkeypatch.setattr(document, "MAX_IMPORT_REVISIONS", 1)
        for content in (page, text):
            with pytest.raises(AnswerImportError) as refused:
                parse_import(content, case_id="samskabelse", name="x.html")
            assert str(refused.value) == t(
                "import.error.too_many_revisions", "da", name="x.html", count=2, limit=1
            )

    def test_a_page_over_the_size_limit(self, store: AnswerStore):
        """The size limit is the file's: a page over it is refused before it is read."""
        page, _text = self._pair(store, json.dumps)
        padded = page.replace(b"</body>", b"<p>" + b"x" * document.MAX_IMPORT_BYTES + b"</p></body>")
        with pytest.raises(AnswerImportError) as refused:
            parse_import(padded, case_id="samskabelse", name="stor.html")
        assert str(refused.value) == str(too_big("stor.html", len(padded), "da"))

    def test_nothing_is_written_when_refused(self, store: AnswerStore):
        page, _text = self._pair(store, lambda doc: json.dumps(doc).replace('"position": 2', '"position": 9'))
        before = (store.as_dict(), store.count())
        with pytest.raises(AnswerImportError):
            store.import_bytes(page, name="aflevering.html")
        assert (store.as_dict(), store.count()) == before


class TestWithoutBlock:
    """An HTML file without the block is refused with a reason that says so."""

    @pytest.mark.parametrize(
        "page",
        [
            "<!DOCTYPE html><html><body><p>Min aflevering</p></body></html>",
            "  \n<html><script>var x = 1;</script></html>",
            f'<html><script type="text/javascript" id="{BLOCK_ID}">{{}}</script></html>',
            '<html><script type="application/json" id="andet">{}</script></html>',
        ],
        ids=["plain", "a_script", "wrong_type", "wrong_id"],
    )
    def test_refused_with_a_reason(self, page: str):
        assert looks_like_html(page) and find_block(page) is None
        with pytest.raises(AnswerImportError) as refused:
            parse_import(page.encode("utf-8"), case_id="samskabelse", name="side.html")
        assert str(refused.value) == t("import.error.html_without_answers", "da", name="side.html")

    def test_json_is_not_html(self):
        assert not looks_like_html('\ufeff  {"format": "casekit-answers"}')


class TestFinding:
    """The block is found however a tool that rewrote the page spelled its tag; the first one counts."""

    @pytest.mark.parametrize(
        "tag",
        [
            f'<script type="application/json" id="{BLOCK_ID}">',
            f"<SCRIPT ID='{BLOCK_ID}' TYPE='application/json'>",
            f'<script id={BLOCK_ID} type="application/json; charset=utf-8" data-x="1">',
        ],
    )
    def test_spellings(self, tag: str):
        page = f'<html><head>{tag}{{"a": 1}}</script></head><body><script id="{BLOCK_ID}"></script></body>'
        assert find_block(page) == '{"a": 1}'

    def test_the_first_block_counts(self):
        first = f'<script type="application/json" id="{BLOCK_ID}">1</script>'
        second = f'<script type="application/json" id="{BLOCK_ID}">2</script>'
        assert find_block(f"<html>{first}{second}</html>") == "1"

    def test_script_text_keeps_the_document(self):
        text = json.dumps({"a": "</script><!--&\u2028"}, ensure_ascii=False)
        written = script_text(text)
        assert json.loads(written) == json.loads(text)
        assert not set("<>&\u2028") & set(written)


class TestFitsTheLimit:
    """The page carries an export thinned to what the rest of the page leaves of the import limit, so the
    whole page imports again."""

    def test_export_for_page_takes_at_most_its_limit(self, store: AnswerStore):
        store.import_revisions(_revisions("etik-1", 60))
        text = export_for_page(store, limit=5_000)
        assert len(text.encode("utf-8")) <= 5_000
        assert json.loads(text)["answers"]["etik-1"]["value"] == store.get("etik-1")
        assert len(export_for_page(store).encode("utf-8")) > 5_000  # the full history, when it fits

    def test_the_whole_page_stays_within_the_import_limit(
        self, store: AnswerStore, monkeypatch: pytest.MonkeyPatch
    ):
        store.import_revisions(_revisions("etik-1", 60))
        bare = len(page_of(store).encode("utf-8")) - len(export_for_page(store).encode("utf-8"))
        monkeypatch.setattr(export, "MAX_IMPORT_BYTES", bare + 3_000)
        page = page_of(store).encode("utf-8")
        assert len(page) <= bare + 3_000
        again = parse_import(page, case_id="samskabelse", name="a.html")
        assert again.as_dict() == store.as_dict()
