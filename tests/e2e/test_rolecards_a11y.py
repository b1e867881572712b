"""The printable role cards (``casekit rolecards``) of the real case, opened from disk in Chromium: axe-core
finds no critical or serious violation, the document is Danish with no scripts or external resources, and
printed on A4 every card is 148 mm tall, fits its content and never breaks across pages."""

from __future__ import annotations

import math
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

import casekit

from .support import Axe

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = [pytest.mark.browser, pytest.mark.slow]

MM = 96 / 25.4  # CSS pixels per millimetre
A4_WIDTH_PX = round(210 * MM)


def _rolecards_command(out: Path) -> list[str]:
    """``casekit rolecards`` through the parser :func:`casekit.teaching.add_parsers` builds, as a process."""
    code = (
        "import argparse, sys; from casekit import teaching; "
        "p = argparse.ArgumentParser(prog='casekit'); "
        "teaching.add_parsers(p.add_subparsers(dest='command', required=True)); "
        "a = p.parse_args(sys.argv[1:]); sys.exit(a.handler(a))"
    )
    return [sys.executable, "-c", code, "rolecards", "-o", str(out)]


@pytest.fixture(scope="module")
def rolecards_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The role cards of the shipped case, written by the command as a user would."""
    out = tmp_path_factory.mktemp("rolecards") / "rollekort.html"
    result = subprocess.run(_rolecards_command(out), capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, f"casekit rolecards failed:\n{result.stdout}\n{result.stderr}"
    assert out.is_file()
    return out


@pytest.fixture
def rolecards(browser_page: Page, rolecards_file: Path) -> Iterator[tuple[Page, list[str]]]:
    """The role cards loaded from file:// at the width of an A4 page, and every URL the page requested."""
    requested: list[str] = []
    browser_page.on("request", lambda request: requested.append(request.url))
    browser_page.set_viewport_size({"width": A4_WIDTH_PX, "height": 1123})
    browser_page.goto(rolecards_file.as_uri())
    yield browser_page, requested


def test_rolecards_have_no_serious_accessibility_violations(
    rolecards: tuple[Page, list[str]], axe: Axe
) -> None:
    page, _ = rolecards
    axe.assert_no_serious(page)


def test_rolecards_are_danish_without_scripts_or_external_resources(
    rolecards: tuple[Page, list[str]], rolecards_file: Path
) -> None:
    page, requested = rolecards
    assert page.evaluate("() => document.documentElement.lang") == "da"
    assert page.locator("script").count() == 0
    assert "<script" not in rolecards_file.read_text(encoding="utf-8").lower()
    assert page.title(), "the role cards need a <title>"
    outside = [url for url in requested if not url.startswith("file://")]
    assert not outside, f"the role cards load external resources: {outside}"


def test_every_card_is_half_an_a4_page_and_fits_its_content(rolecards: tuple[Page, list[str]]) -> None:
    """In print, each card (and the cover) is 148 mm tall and its last line ends inside it."""
    page, _ = rolecards
    page.emulate_media(media="print")
    measured = page.evaluate(
        """() => [...document.querySelectorAll('.casekit-rolecard')].map(card => {
            const box = card.getBoundingClientRect();
            const bottoms = [...card.querySelectorAll('h2, h3, p, li, blockquote')]
                .map(e => e.getBoundingClientRect().bottom);
            return {id: card.id || 'cover', height: box.height, content: Math.max(...bottoms) - box.top};
        })"""
    )
    chairs = casekit.load_case().activity("rolecards")["chairs"]
    assert len(measured) == len(chairs) + 1
    for card in measured:
        assert abs(card["height"] / MM - 148) < 0.5, f"{card['id']} is {card['height'] / MM:.1f} mm tall"
        assert card["content"] <= card["height"], f"{card['id']}: its content runs over the card"


def test_printed_on_a4_two_cards_to_a_page(rolecards: tuple[Page, list[str]]) -> None:
    """Printed with the document's own page size, the cover and the cards take one A4 page per two."""
    page, _ = rolecards
    pdf = page.pdf(prefer_css_page_size=True)
    pages = pdf.count(b"/Type /Page") - pdf.count(b"/Type /Pages")
    chairs = casekit.load_case().activity("rolecards")["chairs"]
    assert pages == math.ceil((len(chairs) + 1) / 2)
    assert b"/MediaBox [0 0 594.95996 841.91998]" in pdf or b"/MediaBox [0 0 595" in pdf
