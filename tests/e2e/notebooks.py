"""Small notebooks the infrastructure self-tests write into the served folder (the real notebooks are not
needed to prove that the fixtures, selectors and checks work)."""

from __future__ import annotations

from pathlib import Path

import nbformat

SELFTEST_ANSWER_FILE = "e2e-selftest.txt"
DANISH = "æøå ÆØÅ"

_LOAD_CASE = """\
import casekit

case = casekit.load_case()
print(case.title)
"""

# The callback runs on a kernel subshell thread after the first change: write with a plain file open.
_TEXTAREA = f"""\
import os
from pathlib import Path

import ipywidgets as widgets

answer_file = Path(os.environ["CASEKIT_ANSWERS"]) / {SELFTEST_ANSWER_FILE!r}
box = widgets.Textarea(description="Dit svar", placeholder="Skriv her")


def save(change):
    answer_file.write_text(change["new"], encoding="utf-8")


box.observe(save, names="value")
box
"""

_STDERR = """\
import sys

print("e2e: a line on stderr", file=sys.stderr)
"""

# A widget whose front-end view module does not exist: ipywidgets shows its error widget instead.
_BROKEN_WIDGET = """\
import ipywidgets as widgets
from traitlets import Unicode


class Missing(widgets.DOMWidget):
    _view_module = Unicode("e2e-no-such-module").tag(sync=True)
    _view_module_version = Unicode("1.0.0").tag(sync=True)
    _view_name = Unicode("NoSuchView").tag(sync=True)


Missing()
"""

_RAISE = 'raise ValueError("e2e: deliberate error")\n'


def _write(path: Path, markdown: str, cells: list[str]) -> Path:
    """Write a notebook with one Markdown cell and the given code cells, no outputs, python3 kernel."""
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3 (ipykernel)",
        "language": "python",
    }
    nb.metadata["language_info"] = {"name": "python"}
    nb.cells = [nbformat.v4.new_markdown_cell(markdown)] + [nbformat.v4.new_code_cell(c) for c in cells]
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)
    return path


def write_selftest(folder: Path) -> Path:
    """A healthy notebook: load the case, then a labelled Textarea that saves to CASEKIT_ANSWERS."""
    return _write(folder / "e2e_selftest.ipynb", "# Selvtest\n\nSkriv et svar.", [_LOAD_CASE, _TEXTAREA])


def write_broken(folder: Path) -> Path:
    """A notebook that writes to stderr, shows a widget that cannot render, then raises."""
    return _write(folder / "e2e_broken.ipynb", "# Fejl med vilje", [_STDERR, _BROKEN_WIDGET, _RAISE])
