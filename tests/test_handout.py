"""The handout is one standalone, printable, accessible HTML file of the whole case."""

from __future__ import annotations

import re
from html import escape
from html.parser import HTMLParser

import pytest

import casekit
from casekit.handout import handout_html


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
