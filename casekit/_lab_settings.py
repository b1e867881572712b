"""JupyterLab settings casekit ships: dropdowns and radio buttons work with the arrow keys in a notebook.

In JupyterLab 4 a focused ``<select>`` or radio button leaves the notebook in command mode, so its
single-key shortcuts win: ArrowDown moves to the next cell instead of the next option, and A, B, M, X, D D
change cells (jupyter-widgets/ipywidgets#3912). casekit's activities are built from such controls for
keyboard users, so casekit ships a settings override that disables each of those shortcuts and adds it
back for every focused element except form controls. It also turns off the "news" notification, which
needs the internet and distracts in class, and makes closing a notebook's tab shut its kernel down
(``kernelShutdown``): seven notebooks open would otherwise keep seven kernels.

The file is ``casekit/_jupyter/overrides.json``; the wheel installs it as
``<prefix>/share/jupyter/lab/settings/overrides.json``. Regenerate it after a JupyterLab upgrade with
``python -m casekit._lab_settings`` (a test fails while it is out of date).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

OVERRIDES = Path(__file__).with_name("_jupyter") / "overrides.json"
COMMAND_MODE_FOCUS = ".jp-Notebook.jp-mod-commandMode:not(.jp-mod-readWrite) :focus"
FORM_CONTROLS = ":not(select):not(input):not(textarea)"


def _notebook_shortcuts() -> list[dict[str, Any]]:
    """The notebook shortcuts of the installed JupyterLab that fire on any focused element."""
    schema = Path(sys.prefix) / "share/jupyter/lab/schemas/@jupyterlab/notebook-extension/tracker.json"
    shortcuts = json.loads(schema.read_text(encoding="utf-8"))["jupyter.lab.shortcuts"]
    return [s for s in shortcuts if s["selector"] == COMMAND_MODE_FOCUS and s.get("keys")]


def build_overrides() -> dict[str, Any]:
    shortcuts = []
    for shortcut in _notebook_shortcuts():
        base = {"command": shortcut["command"], "keys": shortcut["keys"]}
        shortcuts.append({**base, "selector": COMMAND_MODE_FOCUS, "disabled": True})
        shortcuts.append({**base, "selector": COMMAND_MODE_FOCUS + FORM_CONTROLS})
    return {
        "@jupyterlab/shortcuts-extension:shortcuts": {"shortcuts": shortcuts},
        "@jupyterlab/apputils-extension:notification": {"fetchNews": "false", "checkForUpdates": False},
        # Closing a notebook's tab shuts its kernel down: each open notebook keeps a kernel of 60–150 MB, and
        # the journey has seven (Binder gives 1–2 GB). The answers are saved already; the notebooks say so.
        "@jupyterlab/notebook-extension:tracker": {"kernelShutdown": True},
    }


def render() -> str:
    return json.dumps(build_overrides(), indent=1, ensure_ascii=False) + "\n"


if __name__ == "__main__":  # pragma: no cover
    OVERRIDES.write_text(render(), encoding="utf-8")
    print(f"wrote {OVERRIDES}")
