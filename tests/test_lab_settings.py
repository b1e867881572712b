"""The JupyterLab settings casekit installs keep form controls usable from the keyboard."""

from __future__ import annotations

import json

from casekit import _lab_settings


def test_committed_overrides_match_the_installed_jupyterlab():
    """After a JupyterLab upgrade changes its shortcuts, this fails until the file is regenerated."""
    assert _lab_settings.OVERRIDES.read_text(encoding="utf-8") == _lab_settings.render(), (
        "run: python -m casekit._lab_settings"
    )


def test_every_command_mode_shortcut_spares_form_controls():
    shortcuts = json.loads(_lab_settings.render())["@jupyterlab/shortcuts-extension:shortcuts"]["shortcuts"]
    disabled = [s for s in shortcuts if s.get("disabled")]
    rebound = [s for s in shortcuts if not s.get("disabled")]
    assert {s["command"] for s in disabled} >= {"notebook:move-cursor-down", "notebook:insert-cell-above"}
    assert [(s["command"], s["keys"]) for s in disabled] == [(s["command"], s["keys"]) for s in rebound]
    assert all(s["selector"].endswith(":not(select):not(input):not(textarea)") for s in rebound)


def test_closing_a_notebook_shuts_its_kernel_down():
    """Seven open notebooks are seven kernels: casekit's settings make closing a notebook's tab shut its
    kernel down, a setting the installed JupyterLab's notebook tracker still has (a boolean)."""
    import sys
    from pathlib import Path

    settings = json.loads(_lab_settings.render())["@jupyterlab/notebook-extension:tracker"]
    assert settings == {"kernelShutdown": True}
    schema = Path(sys.prefix) / "share/jupyter/lab/schemas/@jupyterlab/notebook-extension/tracker.json"
    prop = json.loads(schema.read_text(encoding="utf-8"))["properties"]["kernelShutdown"]
    assert prop["type"] == "boolean" and prop["default"] is False
