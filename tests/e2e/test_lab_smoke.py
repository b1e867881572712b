"""Every notebook in notebooks/ runs from top to bottom in JupyterLab in Chromium, as a learner would run it:
no error or stderr output, and every widget renders."""

from __future__ import annotations

import pytest

from .support import LabPage, notebook_params

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.mark.parametrize("name", notebook_params())
def test_notebook_runs_clean_in_jupyterlab(lab: LabPage, name: str) -> None:
    lab.open(name)
    lab.run_all(timeout=180_000)
    lab.assert_clean()
