"""The handout is one standalone, printable, accessible HTML file of the whole case."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from html import escape
from html.parser import HTMLParser

import pytest
from markupsafe import escape as markup_escape

import casekit
from casekit import _html
from casekit.handout import handout_html
from casekit.i18n import t


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


@pytest.fixture(scope="module")
def html() -> str:
    return handout_html(casekit.load_case("samskabelse", lang="da"))


class TestHandout:
    """Headings, speaker labels, questions and the source; no scripts; the language is declared."""

    def test_language_and_no_scripts(self, html: str):
        assert html.startswith('<!DOCTYPE html>\n<html lang="da">')
        tags = _Collector()
        tags.feed(html)
        names = {tag for tag, _ in tags.tags}
        assert "script" not in names and "iframe" not in names
        assert not any(k.startswith("on") for _, attrs in tags.tags for k in attrs)

    def test_structure(self, html: str):
        assert html.count("<h1>") == 1
        assert "<main>" in html and "<header>" in html and "<footer>" in html
        assert "<h2>Case-spørgsmål</h2>" in html
        assert "<h3>Spørgsmål til refleksion over etiske dilemmaer</h3>" in html

    def test_every_question_and_quote(self, html: str):
        case = casekit.load_case()
        for question in case.questions:
            assert escape(question.text) in html
        assert (
            len(re.findall(r"<strong>(Kim|Sanne|Jorun|Majbritt|Musikklublederen?[^<]*):</strong>", html))
            == 16
        )

    def test_questions_numbered_one_to_ten_as_in_the_activities(self, html: str):
        numbers = re.findall(r'<p class="casekit-question"><strong>(\d+)\.</strong>', html)
        assert numbers == [str(n) for n in range(1, 11)]

    def test_attribution(self, html: str):
        assert "lederliv.dk" in html
        assert 'href="https://www.lederliv.dk"' in html

    def test_print_styles(self, html: str):
        assert "@media print" in html
        assert '<body class="casekit-handout">' in html

    def test_sections_share_the_notebook_markup(self, html: str):
        """The handout and the case display show each section exactly as ``Section._repr_html_`` does."""
        case = casekit.load_case("samskabelse", lang="da")
        display = _html.case_html(case)
        for section in case.sections:
            assert _html.section_html(section, case.lang, top_level=2) in html
            assert _html.section_html(section, case.lang, top_level=3) in display


# -- hostile case data shows as text -------------------------------------------------------------------------
HOSTILE = (
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "</textarea>",
    "{{ 7*7 }}",
    "{% raw %}",
)


class _Page(HTMLParser):
    """Start tags with their attributes, and the text, of an HTML document or fragment."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)


def hostile_case(payload: str) -> casekit.Case:
    """The shipped case with ``payload`` in a section heading, a narration block, an utterance, the speaker's
    (actor's) name, the title, the attribution and the source's address and publisher."""
    case = casekit.load_case("samskabelse")
    index, section = next((i, s) for i, s in enumerate(case.sections) if s.utterances)
    blocks = list(section.blocks)
    n = next(i for i, b in enumerate(blocks) if b.kind == "narration")
    u = next(i for i, b in enumerate(blocks) if b.kind == "utterance")
    blocks[n] = dataclasses.replace(blocks[n], text=payload)
    blocks[u] = dataclasses.replace(blocks[u], text=payload, speaker_name=payload)
    actors = tuple(
        dataclasses.replace(a, name=payload) if a.id == blocks[u].speaker else a for a in case.actors
    )
    sections = list(case.sections)
    sections[index] = dataclasses.replace(section, heading=payload, blocks=tuple(blocks))
    source = {**case.source, "url": payload, "publisher": payload}
    meta = {**case.meta, "attribution": payload, "source": source}
    return dataclasses.replace(case, title=payload, sections=tuple(sections), actors=actors, meta=meta)


def _altered_section(case: casekit.Case) -> casekit.Section:
    return next(s for s in case.sections if s.utterances)


RENDERINGS: dict[str, Callable[[casekit.Case], str]] = {
    "handout_html": handout_html,
    "case_html": _html.case_html,
    "section_html": lambda case: _html.section_html(_altered_section(case), case.lang),
    "section_html_reading_view": lambda case: _html.section_html(_altered_section(case), case.lang, 1),
}


@pytest.mark.parametrize("payload", HOSTILE)
class TestHostileData:
    """Markup and template syntax in the case data are shown as text, never run or evaluated."""

    @pytest.mark.parametrize("render", RENDERINGS.values(), ids=RENDERINGS.keys())
    def test_html_shows_it_as_text(self, payload: str, render: Callable[[casekit.Case], str]):
        html = render(hostile_case(payload))
        page = _Page(html)
        names = {tag for tag, _ in page.tags}
        assert "script" not in names and "img" not in names
        assert not any(k.startswith("on") for _, attrs in page.tags for k in attrs)
        assert "<script" not in html and "<img" not in html
        text = "".join(page.text)
        # Heading, narration, utterance and speaker's name (and more, in the whole case) read as typed.
        assert text.count(payload) >= 4
        headings = re.findall(r"<h(\d)>(.*?)</h\1>", html, flags=re.S)
        assert (str(markup_escape(payload))) in [h for _, h in headings]
        if payload.startswith("<script"):
            assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
        if payload == "{{ 7*7 }}":
            assert "49" not in [h for _, h in headings]
            assert f"<strong>{payload}:</strong> ”{payload}”" in html

    def test_handout_title_attribution_and_source(self, payload: str):
        case = hostile_case(payload)
        page = _Page(handout_html(case))
        links = [attrs.get("href") for tag, attrs in page.tags if tag == "a"]
        assert links and all(href == payload for href in links)
        text = "".join(page.text)
        assert t("handout_title", case.lang, title=payload) in text
        assert t("handout_generated", case.lang, publisher=payload) in text
        assert f"<h1>{markup_escape(payload)}</h1>" in handout_html(case)

    def test_case_html_title_and_attribution(self, payload: str):
        html = _html.case_html(hostile_case(payload))
        assert f"<h2>{markup_escape(payload)}</h2>" in html
        assert f'<small>{markup_escape(payload)} <a href="{markup_escape(payload)}">' in html

    def test_markdown_shows_it_as_text(self, payload: str):
        case = hostile_case(payload)
        for md in (case._repr_markdown_(), _altered_section(case)._repr_markdown_()):
            assert "<script" not in md and "<img" not in md and "</textarea" not in md
            assert f"# {_html.md_escape(payload)}\n" in md
            if payload.startswith("<script"):
                assert "&lt;script&gt;alert(1)&lt;/script&gt;" in md
            if payload == "{{ 7*7 }}":
                assert "{{ 7\\*7 }}" in md and "# 49\n" not in md
            if payload == "{% raw %}":
                assert "{% raw %}" in md
        escaped = _html.md_escape(payload)
        assert case._repr_markdown_().startswith(f"# {escaped}\n\n*{escaped}*\n")

    def test_markdown_renders_as_text(self, payload: str):
        """Rendered by a CommonMark renderer (raw HTML allowed), the Markdown gives no element and shows the
        text as typed."""
        markdown_it = pytest.importorskip("markdown_it")
        case = hostile_case(payload)
        html = markdown_it.MarkdownIt("commonmark").render(case._repr_markdown_())
        page = _Page(html)
        names = {tag for tag, _ in page.tags}
        assert "script" not in names and "img" not in names
        assert not any(k.startswith("on") for _, attrs in page.tags for k in attrs)
        assert "".join(page.text).count(payload) >= 4
        assert f"<h1>{markup_escape(payload)}</h1>" in html.replace("&quot;", "&#34;")
