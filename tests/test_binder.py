"""Binder's set-up: binder/requirements.txt locks the runtime environment of pyproject.toml, runtime.txt
names a Python casekit supports, and postBuild installs casekit itself."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

tomllib = pytest.importorskip("tomllib", reason="tomllib is in the standard library from Python 3.11")

REPO = Path(__file__).resolve().parents[1]
BINDER = REPO / "binder"
# Tools for testing and development: never in Binder's runtime environment (the test extras add these).
DEV_TOOLS = {"pytest", "nbval", "playwright", "ruff", "mypy", "hypothesis", "hatchling", "coverage", "tox"}
# The test extras that are also runtime dependencies (of jupyterlab, nbconvert, ipykernel, or the Voilà app
# link).
RUNTIME_IN_TEST_EXTRAS = {"nbformat", "nbclient", "voila", "psutil"}


def _project() -> dict:
    return tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]


def _lock_lines() -> list[str]:
    lines = (BINDER / "requirements.txt").read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.strip().startswith("#")]


def _header() -> str:
    lines = (BINDER / "requirements.txt").read_text(encoding="utf-8").splitlines()
    return "\n".join(line for line in lines[: lines.index(_lock_lines()[0])] if line.startswith("#"))


def _lock() -> dict[str, Version]:
    pins: dict[str, Version] = {}
    for line in _lock_lines():
        requirement = Requirement(line)
        (spec,) = requirement.specifier
        pins[canonicalize_name(requirement.name)] = Version(spec.version)
    return pins


def test_every_line_of_the_lock_is_an_exact_pin():
    """Each requirement in binder/requirements.txt is `name==version`, with no range, URL or option."""
    lines = _lock_lines()
    assert len(lines) > 20, "binder/requirements.txt is not a lock: run `make binder-lock`"
    for line in lines:
        assert re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]*==[0-9][A-Za-z0-9.+!-]*", line), line
    names = [canonicalize_name(Requirement(line).name) for line in lines]
    assert len(names) == len(set(names)), "a package is pinned twice"


def test_the_lock_says_how_it_was_made():
    """The header names `make binder-lock` and the date it ran."""
    header = _header()
    assert "make binder-lock" in header
    assert re.search(r"\d{4}-\d{2}-\d{2}", header)


@pytest.mark.parametrize("dependency", _project()["dependencies"])
def test_every_runtime_dependency_is_pinned_within_its_range(dependency: str):
    """A runtime dependency of pyproject.toml is pinned with `==`, to a version its range allows."""
    requirement = Requirement(dependency)
    pins = _lock()
    name = canonicalize_name(requirement.name)
    assert name in pins, f"{requirement.name} is not in binder/requirements.txt: run `make binder-lock`"
    assert requirement.specifier.contains(pins[name], prereleases=True), (
        f"binder/requirements.txt pins {requirement.name}=={pins[name]}, outside {requirement.specifier}"
    )


def test_the_lock_has_voila_for_the_app_link():
    """The README's Voilà link needs voila in Binder's environment."""
    assert "voila" in _lock()


def test_the_lock_has_no_test_or_development_tool():
    """Nothing of the test extras that the runtime does not itself need, nor any other tool, is locked."""
    extras = {canonicalize_name(Requirement(r).name) for r in _project()["optional-dependencies"]["test"]}
    forbidden = (extras - RUNTIME_IN_TEST_EXTRAS) | DEV_TOOLS
    locked = set(_lock())
    assert not locked & forbidden
    assert not {n for n in locked if n.startswith(("pytest-", "types-", "mypy-"))}
    assert "casekit" not in locked, "postBuild installs casekit; the lock must not pin it"


def _runtime_python() -> str:
    text = (BINDER / "runtime.txt").read_text(encoding="utf-8").strip()
    found = re.fullmatch(r"python-(\d+\.\d+)", text)
    assert found, f"binder/runtime.txt should read python-X.Y, not {text!r}"
    return found.group(1)


def test_runtime_names_a_python_casekit_supports():
    """binder/runtime.txt names a Python version that pyproject's requires-python allows."""
    from packaging.specifiers import SpecifierSet

    assert SpecifierSet(_project()["requires-python"]).contains(_runtime_python())


def test_the_lock_was_made_with_the_runtime_python():
    """The lock was resolved with the Python that Binder will run (its header says which)."""
    header = _header()
    assert f"Python {_runtime_python()}," in header


def test_post_build_installs_casekit_not_editable():
    """postBuild is executable and installs this repository with pip, without -e and without dependencies."""
    post_build = BINDER / "postBuild"
    assert post_build.stat().st_mode & 0o111, "postBuild must be executable for repo2docker"
    text = post_build.read_text(encoding="utf-8")
    assert text.startswith("#!")
    lines = [line for line in text.splitlines() if not line.lstrip().startswith("#")]
    commands = [line for line in lines if "pip install" in line]
    assert commands, "postBuild does not pip install casekit"
    for command in commands:
        words = command.split()
        assert "-e" not in words and "--editable" not in words, command
        assert "--no-deps" in words and words[-1] == ".", command


def test_binder_culls_the_kernels_of_pages_left_behind():
    """binder/start puts binder/jupyter/ on Jupyter's config path before the server starts; its server
    settings cull a kernel no page is connected to once idle (the Voilà app's pages left behind, voila#1458),
    and never a connected one (an open JupyterLab tab or the page in view): as `make app` does on a laptop."""
    import json
    import os

    start = BINDER / "start"
    assert start.stat().st_mode & 0o111, "binder/start must be executable for repo2docker"
    script = start.read_text(encoding="utf-8")
    assert 'JUPYTER_CONFIG_PATH="${REPO_DIR:-$HOME}/binder/jupyter' in script
    assert script.rstrip().endswith('exec "$@"')
    settings = json.loads((BINDER / "jupyter" / "jupyter_server_config.json").read_text(encoding="utf-8"))
    culling = settings["MappingKernelManager"]
    assert culling["cull_connected"] is False and 0 < culling["cull_idle_timeout"] <= 600
    make = (REPO / "Makefile").read_text(encoding="utf-8")
    assert "--MappingKernelManager.cull_connected=False" in make and "cull_idle_timeout" in make
    assert os.access(start, os.X_OK)
