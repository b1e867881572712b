"""Self-tests of the browser-test infrastructure, on small notebooks written for the purpose: a healthy
one must pass every check (and Danish typing must reach the kernel), a broken one must be caught."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from .notebooks import DANISH, SELFTEST_ANSWER_FILE, write_broken, write_selftest
from .support import SEL_TEXTAREA, Axe, LabPage, VoilaPage

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SELFTEST_FOLDER = "_e2e_selftest"


def wait_for_file_text(path: Path, expected: str, timeout: float = 10.0) -> str:
    """Poll ``path`` until it holds ``expected``; returns what it last held."""
    deadline = time.monotonic() + timeout
    text = ""
    while time.monotonic() < deadline:
        if path.is_file():
            text = path.read_text(encoding="utf-8")
            if text == expected:
                break
        time.sleep(0.05)
    return text


def test_infrastructure_smoke(lab: LabPage) -> None:
    """Open, run all, check outputs and widgets, type Danish text into a Textarea, restart and run all."""
    write_selftest(lab.server.root_dir / SELFTEST_FOLDER)
    lab.open(f"{SELFTEST_FOLDER}/e2e_selftest.ipynb")
    lab.run_all()
    report = lab.assert_clean(min_widgets=1)
    assert report.outputs == 1
    assert "Samskabelse" in lab.page.locator(".jp-OutputArea-output").first.inner_text()

    box = lab.page.locator(SEL_TEXTAREA)
    box.click()
    box.press_sequentially(DANISH, delay=20)
    saved = wait_for_file_text(lab.server.answers_dir / SELFTEST_ANSWER_FILE, DANISH)
    assert saved == DANISH

    lab.restart_and_run_all()
    lab.assert_clean(min_widgets=1)
    prompts = [p["prompt"] for p in lab.execution_state()["prompts"]]
    assert prompts == ["[1]:", "[2]:"], prompts
    assert lab.page.locator(SEL_TEXTAREA).input_value() == ""


def test_infrastructure_detects_failures(lab: LabPage) -> None:
    """The checks see a traceback, a stderr line and a widget that could not render."""
    write_broken(lab.server.root_dir / SELFTEST_FOLDER)
    lab.open(f"{SELFTEST_FOLDER}/e2e_broken.ipynb")
    lab.run_all()
    errors = lab.error_outputs()
    assert any(e.startswith("error") and "deliberate error" in e for e in errors), errors
    assert any(e.startswith("stderr") and "a line on stderr" in e for e in errors), errors
    report = lab.widget_report()
    assert report.outputs == 1 and len(report.broken) == 1, report
    with pytest.raises(AssertionError, match="deliberate error"):
        lab.assert_clean()


def test_infrastructure_smoke_voila(voila: Callable[[Path], VoilaPage], axe: Axe, tmp_path: Path) -> None:
    """Voilà renders the healthy notebook, Danish typing reaches the kernel, axe finds nothing serious."""
    page = voila(write_selftest(tmp_path / "nb"))
    page.assert_clean(min_widgets=1)
    box = page.page.locator(".widget-textarea textarea")
    box.click()
    box.press_sequentially(DANISH, delay=20)
    assert wait_for_file_text(page.server.answers_dir / SELFTEST_ANSWER_FILE, DANISH) == DANISH
    page.assert_accessible(axe)


def test_infrastructure_detects_failures_voila(voila: Callable[[Path], VoilaPage], tmp_path: Path) -> None:
    """In Voilà too, the checks see the error output (Voilà stops at the first error)."""
    page = voila(write_broken(tmp_path / "nb"))
    with pytest.raises(AssertionError, match=r"deliberate error|a line on stderr"):
        page.assert_clean()


def test_infrastructure_axe_detects_violations(browser_page: Page, axe: Axe) -> None:
    """The audit really runs: an image without alt text and an unlabelled input are reported."""
    browser_page.set_content('<html lang="da"><body><main><img src="x.png"><input></main></body></html>')
    ids = {v["id"] for v in axe.run(browser_page)}
    assert {"image-alt", "label"} <= ids, ids
    with pytest.raises(AssertionError, match=r"image-alt \(critical\)"):
        axe.assert_no_serious(browser_page)
