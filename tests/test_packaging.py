"""An installed wheel carries the case data: casekit loads the case without the repository."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

# One wheel for the module: under pytest-xdist its tests stay on one worker.
pytestmark = pytest.mark.xdist_group("wheel")

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(out),
            str(REPO),
        ],
        check=True,
        capture_output=True,
    )
    (found,) = out.glob("casekit-*.whl")
    return found


@pytest.mark.slow
def test_wheel_contains_data_and_catalog(wheel: Path):
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "casekit/_data/cases/samskabelse/da/text.yaml" in names
    assert "casekit/_data/cases/samskabelse/source/000_3c5abedd891ee6d5.txt" in names
    assert "casekit/locales/da/core.yaml" in names
    assert "casekit/py.typed" in names
    assert "casekit/static/mirror.js" in names  # the browser copy's front end (an anywidget ES module)
    assert {"casekit/static/download.js", "casekit/static/download.css"} <= names  # the hand-in's downloads
    assert {"casekit/static/grid.js", "casekit/static/grid.css"} <= names  # the stakeholder map's
    assert "casekit/templates/widgets.html.j2" in names
    assert "casekit/schemas/answers.schema.json" in names
    assert "casekit/classroom/lms.json" in names  # the LMS file-name prefixes, read as data
    assert "casekit/schemas/lms.schema.json" in names
    assert "casekit-0.1.0.data/data/share/jupyter/lab/settings/overrides.json" in names
    assert not any(n.startswith("tests/") for n in names)


@pytest.mark.slow
def test_installed_wheel_loads_the_case_from_elsewhere(wheel: Path, tmp_path: Path):
    """`pip install` (not editable) into a fresh target, run from another folder: the case loads."""
    target = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(target), str(wheel)],
        check=True,
        capture_output=True,
    )
    code = (
        "import sys; sys.path.insert(0, sys.argv[1]); import casekit; "
        "assert casekit.__file__.startswith(sys.argv[1]), casekit.__file__; "
        "case = casekit.load_case('samskabelse', lang='da'); "
        "print(casekit.list_cases(), len(case.questions), len(case.utterances), casekit.loader.cases_root())"
    )
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    out = subprocess.run(
        [sys.executable, "-c", code, str(target)], cwd=elsewhere, capture_output=True, text=True, check=True
    )
    listed, questions, utterances, root = out.stdout.split(maxsplit=3)
    assert (listed, questions, utterances) == ("['samskabelse']", "10", "16")
    assert root.strip().startswith(str(target))
