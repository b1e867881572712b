"""Every notebook in notebooks/ and in notebooks/en/ renders in Voilà in Chromium: the page finishes loading,
shows no error or stderr output, every widget renders, and axe-core finds no critical or serious accessibility
violation."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from .support import Axe, VoilaPage, notebook_params, notebook_params_en

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.mark.parametrize("name", notebook_params())
def test_notebook_renders_accessibly_in_voila(
    voila: Callable[[Path], VoilaPage], axe: Axe, notebooks_dir: Path, name: str
) -> None:
    page = voila(notebooks_dir / name)
    page.assert_clean()
    page.assert_accessible(axe)


@pytest.mark.parametrize("name", notebook_params_en())
def test_english_notebook_renders_accessibly_in_voila(
    voila: Callable[[Path], VoilaPage], axe: Axe, notebooks_dir: Path, name: str
) -> None:
    """An English learner notebook renders in Voilà with no error output and no serious axe violation."""
    page = voila(notebooks_dir / name)
    page.assert_clean()
    page.assert_accessible(axe)
