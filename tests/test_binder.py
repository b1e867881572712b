"""Binder installs the same runtime dependencies as pyproject.toml, and casekit itself."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

tomllib = pytest.importorskip("tomllib", reason="tomllib is in the standard library from Python 3.11")

REPO = Path(__file__).resolve().parents[1]


def _names(lines: list[str]) -> set[str]:
    return {
        re.split(r"[<>=!~ \[]", line.strip(), maxsplit=1)[0].lower()
        for line in lines
        if line.strip() and not line.strip().startswith("#")
    }


def test_binder_requirements_cover_the_runtime_dependencies():
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    binder = (REPO / "binder" / "requirements.txt").read_text(encoding="utf-8").splitlines()
    assert _names(project["dependencies"]) <= _names(binder)


def test_post_build_installs_casekit_not_editable():
    post_build = REPO / "binder" / "postBuild"
    assert post_build.stat().st_mode & 0o111, "postBuild must be executable for repo2docker"
    text = post_build.read_text(encoding="utf-8")
    assert "pip install" in text and " -e " not in text
