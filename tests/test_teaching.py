"""The instructor's material: role cards, the theory the case cites, the frameworks (`casekit rolecards`:
tests/cli/test_documents.py)."""

from __future__ import annotations

import base64
import dataclasses
import re
from html import unescape
from html.parser import HTMLParser
from pathlib import Path
from types import MappingProxyType
from typing import Any

import pytest
import yaml

import casekit
from casekit import _templates, teaching
from casekit.case import Case
from casekit.i18n import t

LOCALES = Path(teaching.__file__).with_name("locales")
VOID = {"br", "meta", "link", "img", "hr", "input", "wbr", "source", "col", "area", "base"}


# -- a small DOM from the standard library's parser ----------------------------------------------------------
@dataclasses.dataclass
class Node:
    tag: str
    attrs: dict[str, str | None]
    children: list[Node | str] = dataclasses.field(default_factory=list)

    @property
    def classes(self) -> set[str]:
        return set((self.attrs.get("class") or "").split())

    def text(self) -> str:
        """The text inside, as a reader sees it (white space collapsed)."""
        parts = [c if isinstance(c, str) else c.text() for c in self.children]
        return " ".join("".join(parts).split())

    def find_all(self, cls: str | None = None, tag: str | None = None) -> list[Node]:
        found = []
        for child in self.children:
            if isinstance(child, Node):
                if (cls is None or cls in child.classes) and (tag is None or child.tag == tag):
                    found.append(child)
                found.extend(child.find_all(cls, tag))
        return found

    def find(self, cls: str | None = None, tag: str | None = None) -> Node:
        (node, *_rest) = self.find_all(cls, tag) or [None]
        assert node is not None, f"no element .{cls} <{tag}>"
        return node


class _Tree(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#document", {})
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = Node(tag, dict(attrs))
        self.stack[-1].children.append(node)
        if tag not in VOID:
            self.stack.append(node)

    def handle_endtag(self, tag: str) -> None:
        for i in range(len(self.stack) - 1, 0, -1):
            if self.stack[i].tag == tag:
                del self.stack[i:]
                return

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(data)


def parse(html: str) -> Node:
    tree = _Tree()
    tree.feed(html)
    return tree.root


# -- fixtures ------------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def case() -> Case:
    return casekit.load_case("samskabelse", lang="da")


@pytest.fixture(scope="module")
def html(case: Case) -> str:
    return teaching.rolecards_html(case)


@pytest.fixture(scope="module")
def cards(html: str) -> list[Node]:
    return parse(html).find_all("casekit-rolecard", "article")


def chairs_of(case: Case) -> list[dict[str, Any]]:
    return list(case.activity("rolecards")["chairs"])


def card(cards: list[Node], chair_id: str) -> Node:
    (found,) = [c for c in cards if c.attrs.get("data-chair") == chair_id]
    return found


def _squash(text: str) -> str:
    return " ".join(text.split())


# -- the cards -----------------------------------------------------------------------------------------------
class TestCards:
    """One card per chair; the case's words word for word; nothing invented; open facts said as open."""

    def test_one_card_per_chair_including_the_empty_chair(self, case: Case, cards: list[Node]):
        """Every chair of the data has exactly one card, in order, and the empty chair is marked empty."""
        chairs = chairs_of(case)
        assert [c.attrs["data-chair"] for c in cards] == [c["id"] for c in chairs]
        empty = [c for c in chairs if c.get("empty")]
        assert [c["id"] for c in empty] == ["tom-stol"]
        marked = [c.attrs["data-chair"] for c in cards if "casekit-rc-empty" in c.classes]
        assert marked == ["tom-stol"]
        badge = card(cards, "tom-stol").find("casekit-rc-badge").text()
        assert badge == t("teaching.rolecards.empty_badge", "da")
        assert all(not c.find_all("casekit-rc-badge") for c in cards if c.attrs["data-chair"] != "tom-stol")

    def test_the_chairs_the_brief_asks_for(self, case: Case):
        """Schools, day-care, clubs, the three invited offers, two directors, Kim, Sanne, employees, empty."""
        seated = {c["id"]: set(c["actors"]) for c in chairs_of(case)}
        assert {"jorun", "lars", "mette"} <= seated["skoleledere"]
        assert seated["dagtilbud"] == {"dagtilbud"} and seated["klubber"] == {"klubber"}
        assert "museum-repraesentant" in seated["museum"]
        assert "musikskole-repraesentant" in seated["musikskole"]
        assert "idraetsforening-repraesentant" in seated["idraetsforening"]
        assert seated["flemming"] == {"flemming"} and seated["majbritt"] == {"majbritt"}
        assert seated["kim"] == {"kim"} and seated["sanne"] == {"sanne"}
        assert seated["medarbejdere"] == {"medarbejderrepraesentanter"}
        assert {"boern-unge", "boernefamilier"} <= seated["tom-stol"]

    def test_the_cards_do_not_guess(self, case: Case):
        """No chair says who of Anne, Martin, Birgit, Karen leads clubs or day-care, nor a director's post."""
        everyone = {a for c in chairs_of(case) for a in c["actors"]}
        assert not everyone & {"anne", "martin", "birgit", "karen"}
        assert not everyone & {"boerne-ungedirektoer", "skole-fritidsdirektoer"}
        assert not any("musikklubleder" in c["actors"] for c in chairs_of(case) if c["id"] != "musikklub")

    def test_each_card_shows_title_actors_note_and_questions(self, case: Case, cards: list[Node]):
        """Title, every actor's name and role from the case, the note and 2–4 questions stand on the card."""
        for chair in chairs_of(case):
            node = card(cards, chair["id"])
            assert node.find(tag="h2").text() == chair["title"]
            actors = node.find_all("casekit-rc-actor")
            assert [a.attrs["data-actor"] for a in actors] == chair["actors"]
            for item, actor_id in zip(actors, chair["actors"], strict=True):
                actor = case.actor(actor_id)
                assert item.find("casekit-rc-name").text() == _squash(actor.name)
                assert item.find("casekit-rc-role").text() == _squash(actor.role)
            assert 2 <= len(chair["questions"]) <= 4
            shown = [q.text() for q in node.find_all("casekit-rc-question")]
            assert shown == [_squash(q) for q in chair["questions"]]
            if chair.get("note"):
                assert node.find("casekit-rc-note").find(tag="p").text() == _squash(chair["note"])

    def test_every_quote_is_a_block_word_for_word_with_its_ref(self, case: Case, cards: list[Node]):
        """Each quote is the text of its block (case.block(id).text), with the block's ¶ place and speaker."""
        total = 0
        for chair in chairs_of(case):
            quotes = card(cards, chair["id"]).find_all("casekit-rc-quote")
            assert [q.attrs["data-block"] for q in quotes] == chair["evidence"]
            for quote in quotes:
                block = case.block(str(quote.attrs["data-block"]))
                text = quote.find("casekit-rc-text").text()
                assert text == _squash(block.quoted)
                words = text.removeprefix("”").removesuffix("”") if block.kind == "utterance" else text
                assert words == _squash(case.block(block.id).text)
                assert quote.find("casekit-rc-ref").text() == case.cite(block.ref)
                if block.kind == "utterance":
                    assert quote.find("casekit-rc-speaker").text() == f"{block.speaker_name}:"
                total += 1
        assert total >= len(chairs_of(case))

    def test_no_quote_is_invented(self, case: Case, cards: list[Node]):
        """Every string in quote marks on a card (quote, role, note, question) stands in the case."""
        blocks = {_squash(b.text) for b in case.blocks}
        source = _squash(case.full_text()).casefold()
        for node in cards:
            for quote in node.find_all("casekit-rc-text"):
                text = quote.text()
                assert text.removeprefix("”").removesuffix("”") in blocks, text[:60]
            for part in ("casekit-rc-role", "casekit-rc-note", "casekit-rc-question"):
                for element in node.find_all(part):
                    text = element.text()
                    pieces = text.split("”")
                    assert len(pieces) % 2 == 1, f"unbalanced quote marks: {text!r}"
                    for quoted in pieces[1::2]:
                        assert quoted.casefold() in source, f"{quoted!r} is not in the case"

    def test_questions_are_prompts_not_quotes(self, case: Case):
        """The questions are casekit's: none of them stands in the case text."""
        source = _squash(case.full_text())
        for chair in chairs_of(case):
            for question in chair["questions"]:
                assert question not in source

    def test_open_facts_say_ikke_oplyst(self, case: Case, cards: list[Node]):
        """Where the case data leaves a fact open (project group, workshop), the card says "Ikke oplyst"."""
        not_stated = case.label("participation", "not_stated")
        assert not_stated == "Ikke oplyst"
        jorun = next(
            a
            for a in card(cards, "skoleledere").find_all("casekit-rc-actor")
            if a.attrs["data-actor"] == "jorun"
        )
        facts = jorun.find("casekit-rc-facts").text()
        assert f"{case.label('participation', 'project_group')}: {not_stated}" in facts
        assert f"{case.label('participation', 'workshop')}: Ja" in facts
        museum = card(cards, "museum").find_all("casekit-rc-actor")[0].find("casekit-rc-facts").text()
        assert museum.count(not_stated) == 2
        opened = sum(
            (a.project_group is None) + (a.workshop is None)
            for c in chairs_of(case)
            for a in map(case.actor, c["actors"])
        )
        shown = sum(f.text() == not_stated for n in cards for f in n.find_all("casekit-rc-fact"))
        assert shown == opened > 0

    def test_the_data_names_real_blocks_and_actors(self, case: Case):
        """Every evidence id is a block and every actor id an actor (the loader checks it; so does this)."""
        for chair in chairs_of(case):
            for block_id in chair["evidence"]:
                case.block(block_id)
            for actor_id in chair["actors"]:
                case.actor(actor_id)


# -- the document --------------------------------------------------------------------------------------------
class TestDocument:
    """A standalone printable document: A4 pages, cards that never break, language set, no scripts."""

    def test_printable_on_a4_with_cards_that_do_not_break(self, html: str):
        """The stylesheet sets an A4 page without margins, 148 mm cards, and no break inside a card."""
        assert re.search(r"@page[^{]*\{[^}]*size:\s*A4", html)
        assert re.search(r"@page casekit-rolecards\s*\{[^}]*margin:\s*0", html)
        rule = " ".join(re.findall(r"(?m)^\.casekit-rolecard\s*\{([^}]*)\}", html))
        assert "min-height: 148mm" in rule and "box-sizing: border-box" in rule
        assert "break-inside: avoid" in rule and "page-break-inside: avoid" in rule
        assert '<body class="casekit-rolecards">' in html

    def test_language_title_and_no_scripts(self, html: str, case: Case):
        """``lang`` is set, the title comes from the data, and nothing runs or loads from outside."""
        assert html.startswith('<!DOCTYPE html>\n<html lang="da">')
        root = parse(html)
        tags = [n for n in root.find_all()]
        assert not [n for n in tags if n.tag in ("script", "iframe", "object", "embed", "link", "img")]
        assert not [k for n in tags for k in n.attrs if k.startswith("on")]
        title = case.activity("rolecards")["title"]
        assert root.find(tag="title").text() == t("teaching.rolecards.doc_title", "da", title=title)
        assert root.find(tag="h1").text() == title

    def test_the_cover_lists_the_chairs(self, html: str, case: Case):
        """The cover has the intro, one link per card and the attribution of the case."""
        cover = parse(html).find("casekit-rc-cover")
        assert _squash(case.activity("rolecards")["intro"]) in cover.text()
        links = [a.attrs["href"] for a in cover.find("casekit-rc-toc").find_all(tag="a")]
        assert links == [f"#chair-{c['id']}" for c in chairs_of(case)]
        assert _squash(str(case.meta["attribution"])) in cover.text()

    def test_hostile_data_shows_as_text(self, case: Case):
        """Markup or template syntax in an actor's name or a question is shown as text, never run."""
        evil_name, evil_question = "<script>alert(1)</script>", '<img src=x onerror="alert(2)"> {{ 7*7 }}'
        actors = tuple(dataclasses.replace(a, name=evil_name) if a.id == "kim" else a for a in case.actors)
        rolecards = dict(case.activity("rolecards"))
        chairs = [dict(c) for c in rolecards["chairs"]]
        chairs[0]["questions"] = [evil_question, *chairs[0]["questions"][1:]]
        rolecards["chairs"] = chairs
        activities = MappingProxyType({**case.activities, "rolecards": rolecards})
        hostile = dataclasses.replace(case, actors=actors, activities=activities)
        html = teaching.rolecards_html(hostile)
        assert "<script>" not in html and "<img" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
        assert "&lt;img src=x onerror=&#34;alert(2)&#34;&gt; {{ 7*7 }}" in html
        kim = card(parse(html).find_all("casekit-rolecard", "article"), "kim")
        assert kim.find("casekit-rc-name").text() == evil_name

    def test_a_case_without_role_cards_is_a_clear_error(self, case: Case):
        """Without ``rolecards`` the error says so from the catalog."""
        bare = dataclasses.replace(case, activities=MappingProxyType({}))
        with pytest.raises(casekit.CasekitError, match="ingen rollekort"):
            teaching.rolecards_html(bare)

    def test_download_link(self, case: Case, html: str):
        """The notebook's link carries the whole document as a data: URL, with a visible label."""
        widget = teaching.rolecards_link(case)
        match = re.search(
            r'<a download="([^"]+)"[^>]* href="data:text/html;charset=utf-8;base64,([^"]+)">([^<]+)</a>',
            widget.value,
        )
        assert match, widget.value[:200]
        assert match.group(1) == "rollekort-samskabelse.html"
        assert base64.b64decode(match.group(2)).decode("utf-8") == html
        assert match.group(3) == t("teaching.rolecards.download", "da")


# -- theory and frameworks -----------------------------------------------------------------------------------
class TestFrames:
    """The theory the case cites and the frameworks the activities use, as frames with Danish columns."""

    def test_references(self, case: Case):
        """One row per reference, columns from the catalog, authors and year as printed."""
        frame = teaching.references(case)
        keys = ("authors", "year", "cited_as", "sections")
        assert list(frame.columns) == [t(f"teaching.references.{k}", "da") for k in keys]
        assert list(frame.columns) == ["Forfattere", "År", "Som citeret", "Hvor citeret"]
        assert len(frame) == len(case.references)
        first = frame.iloc[0]
        assert first["Forfattere"] == "Bryson, Crosby, Stone" and first["År"] == "2015"
        assert first["Som citeret"] == "Bryson, Crosby, & Stone, 2015"
        assert first["Hvor citeret"] == case.section("introduktion").heading

    def test_frameworks(self, case: Case):
        """The six frameworks, the activities that use them by title, whether the case cites them, a lens."""
        frame = teaching.frameworks(case)
        keys = ("name", "authors", "year", "cited", "activities", "lens")
        assert list(frame.columns) == [t(f"teaching.frameworks.{k}", "da") for k in keys]
        assert list(frame["Forfattere"]) == [
            "Bryson",
            "Mendelow",
            "Bryson, Crosby & Stone",
            "Ansell & Gash",
            "Arnstein",
            "IAP2",
        ]
        cited = dict(zip(frame["Forfattere"], frame["Citeret i casen"], strict=True))
        assert cited["Bryson, Crosby & Stone"] == "Ja" and cited["Arnstein"] == "Nej"
        uses = dict(zip(frame["Forfattere"], frame["Bruges i"], strict=True))
        assert "Interessentkort" in uses["Mendelow"]
        assert "Kim og Sannes opgave" in uses["IAP2"]
        assert all(isinstance(lens, str) and lens.endswith(".") for lens in frame["Linse"])


def test_danish_and_english_catalog_keys_are_equal():
    """casekit/locales/{da,en}/teaching.yaml hold the same keys, all prefixed ``teaching.``."""
    da = yaml.safe_load((LOCALES / "da" / "teaching.yaml").read_text(encoding="utf-8"))
    en = yaml.safe_load((LOCALES / "en" / "teaching.yaml").read_text(encoding="utf-8"))
    assert set(da) == set(en)
    assert all(key.startswith("teaching.") for key in da)


def test_no_user_facing_text_in_the_template():
    """The template's words come from the data and the catalog: its text nodes are only markup and fields."""
    source = (_templates.TEMPLATES / "rolecards.html.j2").read_text(encoding="utf-8")
    body = re.sub(r"\{#.*?#\}|\{%.*?%\}|\{\{.*?\}\}|<[^>]+>", " ", source, flags=re.S)
    assert re.sub(r"[\s()–·:]", "", body) == ""


class TestTablesToRead:
    """The theory and the frameworks shown to read: styled tables from a template, every cell in full, each
    row led by its name, no 0…n index (pandas cut the lens with "…" and numbered the rows)."""

    @pytest.mark.parametrize(
        ("table", "frame"), [("references_table", "references"), ("frameworks_table", "frameworks")]
    )
    def test_the_table_holds_the_frame_in_full(self, case: Case, table: str, frame: str):
        shown = getattr(teaching, table)(case)
        data = getattr(teaching, frame)(case)
        assert list(shown.columns) == list(data.columns)
        assert [list(row) for row in shown.rows] == data.astype(str).to_numpy().tolist()
        page = shown._repr_html_()
        assert "<caption" in page and shown.caption in page
        # Each row led by its name (with what names it too, in small type, under it); a header per column.
        assert page.count('<th scope="row"') == len(data)
        assert page.count('<th scope="col"') == len(data.columns) - shown.lead + 1
        assert all(column in unescape(page) for column in data.columns)
        assert "…" not in page and "text-overflow" not in page and "nowrap" not in page
        assert not re.search(r"<th[^>]*>\s*0\s*</th>", page)  # no index column

    def test_every_lens_is_there_word_for_word(self, case: Case):
        page = unescape(teaching.frameworks_table(case)._repr_html_())
        for framework in case.activities["frameworks"]:
            assert str(framework["lens"]) in page

    def test_its_plain_text_lists_each_row_in_full(self, case: Case):
        text = repr(teaching.frameworks_table(case))
        first = case.activities["frameworks"][0]
        assert text.startswith(t("teaching.frameworks.caption", "da"))
        assert f"  {t('teaching.frameworks.lens', 'da')}: {first['lens']}" in text
