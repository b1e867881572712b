"""Keyboard use of casekit's choice controls in JupyterLab: arrow keys change dropdowns and radio buttons.

In JupyterLab 4.6 a ``<select>`` or a radio button inside a cell output does not put the notebook in its
"read-write" mode (only ``:read-write`` elements such as text boxes do), so the notebook's command-mode
shortcuts win: ArrowUp/ArrowDown select another cell and take the focus away (the value stays unchanged),
and keys like A, B, M, Y, X, D D insert, convert or delete cells. Upstream: jupyter-widgets/ipywidgets#3912.
Voilà has no such shortcuts; there the arrow keys work (``test_journey_voila.py``). casekit installs a
JupyterLab settings override that re-binds these shortcuts with ``:focus:not(select):not(input)…``
(``casekit/_lab_settings.py``); this test proves it works in the browser.
"""

from __future__ import annotations

import nbformat
import pytest
from playwright.sync_api import expect

from casekit.i18n import t

from .support import LabPage

pytestmark = [pytest.mark.browser, pytest.mark.slow]

FOLDER = "_e2e_keyboard"
CELLS = [
    "from casekit import widgets\n\ncase, store = widgets.start()",
    "widgets.goal_divergence(case, store)",
    "widgets.decision_point(case, store)",
]


def test_arrow_keys_change_dropdowns_and_radio_buttons_in_jupyterlab(lab: LabPage) -> None:
    """A keyboard user in JupyterLab changes a dropdown and a radio choice with the arrow keys, as in any
    web form, and the focus stays on the control."""
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3 (ipykernel)",
        "language": "python",
    }
    nb.cells = [nbformat.v4.new_code_cell(source) for source in CELLS]
    (lab.server.root_dir / FOLDER).mkdir(exist_ok=True)
    nbformat.write(nb, lab.server.root_dir / FOLDER / "keyboard.ipynb")
    lab.open(f"{FOLDER}/keyboard.ipynb")
    lab.run_all()
    lab.assert_clean(min_widgets=2)
    page = lab.page

    dropdown = page.locator(".jp-OutputArea select").first
    dropdown.focus()
    page.keyboard.press("ArrowDown")
    expect(dropdown).to_be_focused(timeout=2_000)
    expect(dropdown).not_to_have_value(t("widgets.unset", "da"), timeout=2_000)

    first, second = page.locator(".jp-OutputArea input[type=radio]").all()[:2]
    first.focus()
    page.keyboard.press("Space")
    expect(first).to_be_checked(timeout=2_000)
    page.keyboard.press("ArrowDown")
    expect(second).to_be_focused(timeout=2_000)
    expect(second).to_be_checked(timeout=2_000)
