"""The printable HTML handout (``casekit handout``) of the real case, opened from disk in Chromium: axe-core
finds no critical or serious violation, it is Danish, it has no scripts or external resources, and every
utterance shows its speaker's name."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

import casekit
from casekit.i18n import t

from .support import Axe

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def casekit_command() -> list[str]:
    """The ``casekit`` console script next to this interpreter, or ``python -m casekit.cli``."""
    script = Path(sys.executable).with_name("casekit")
    return [str(script)] if script.is_file() else [sys.executable, "-m", "casekit.cli"]


@pytest.fixture(scope="module")
def handout_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The handout of the shipped case, written by the command line as a user would."""
    out = tmp_path_factory.mktemp("handout") / "handout.html"
    result = subprocess.run(
        [*casekit_command(), "handout", "-o", str(out)], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, f"casekit handout failed:\n{result.stdout}\n{result.stderr}"
    assert out.is_file()
    return out


@pytest.fixture
def handout(browser_page: Page, handout_file: Path) -> Iterator[tuple[Page, list[str]]]:
    """The handout loaded from file://, and every URL the page requested."""
    requested: list[str] = []
    browser_page.on("request", lambda request: requested.append(request.url))
    browser_page.goto(handout_file.as_uri())
    yield browser_page, requested


def normalise(text: str) -> str:
    """Collapse whitespace (innerText keeps line breaks where the HTML had them)."""
    return re.sub(r"\s+", " ", text).strip()


def test_handout_has_no_serious_accessibility_violations(handout: tuple[Page, list[str]], axe: Axe) -> None:
    page, _ = handout
    axe.assert_no_serious(page)


def test_handout_is_danish_without_scripts_or_external_resources(
    handout: tuple[Page, list[str]], handout_file: Path
) -> None:
    page, requested = handout
    assert page.evaluate("() => document.documentElement.lang") == "da"
    assert page.locator("script").count() == 0
    assert "<script" not in handout_file.read_text(encoding="utf-8").lower()
    assert page.title(), "the handout needs a <title>"
    outside = [url for url in requested if not url.startswith("file://")]
    assert not outside, f"the handout loads external resources: {outside}"


def test_every_utterance_shows_its_speaker(handout: tuple[Page, list[str]]) -> None:
    """Each utterance of the case, in order, is rendered visibly and starts with its speaker's label."""
    page, _ = handout
    case = casekit.load_case()
    expected = [u for section in case.sections for u in section.utterances]
    assert expected, "the case has no utterances: nothing to check"
    rendered = page.locator(".casekit-utterance")
    assert rendered.count() == len(expected)
    for index, block in enumerate(expected):
        element = rendered.nth(index)
        label = t("speaker_said", case.lang, name=block.speaker_name or block.speaker or "")
        assert block.speaker_name, f"utterance {block.ref} has no speaker name"
        assert element.is_visible(), f"utterance {block.ref} is not visible"
        text = normalise(element.inner_text())
        assert text.startswith(label), f"utterance {block.ref} does not start with {label!r}: {text[:80]!r}"
        assert normalise(block.quoted) in text, f"utterance {block.ref} lacks its words: {text[:80]!r}"
