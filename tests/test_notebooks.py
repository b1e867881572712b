"""The learner notebooks and the instructor's (notebooks/instructor/), in Danish and in English
(notebooks/en/): paired with their text form, committed clean, and run top to bottom; the English ones are the
Danish ones cell for cell, and show no Danish."""

from __future__ import annotations

import base64
import json
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import jupytext
import jupytext.config
import jupytext.paired_paths
import nbformat
import pytest

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
INSTRUCTOR = NOTEBOOKS / "instructor"
IPYNBS = sorted(NOTEBOOKS.glob("*.ipynb")) + sorted(INSTRUCTOR.glob("*.ipynb"))
ENGLISH = NOTEBOOKS / "en"
EN_IPYNBS = sorted(ENGLISH.glob("*.ipynb")) + sorted((ENGLISH / "instructor").glob("*.ipynb"))
ALL_IPYNBS = IPYNBS + EN_IPYNBS
SNAPSHOTS = Path(__file__).with_name("data") / "notebook_outputs"
CHECK_TAG = "casekit-check-output"


JUPYTEXT_CONFIG = NOTEBOOKS.parent / "jupytext.toml"


def _text_form(ipynb: Path) -> Path:
    """A notebook's jupytext text form: ``text/<name>.py`` in the notebook's folder (see jupytext.toml)."""
    return ipynb.parent / "text" / ipynb.with_suffix(".py").name


def _checked(path: Path) -> bool:
    return any(CHECK_TAG in c.get("metadata", {}).get("tags", []) for c in jupytext.read(path).cells)


def _name(path: Path) -> str:
    """A notebook's place under notebooks/ without the suffix: ``01_del1``, ``instructor/00_undervisning``."""
    return path.relative_to(NOTEBOOKS).with_suffix("").as_posix()


def _ids(paths: list[Path]) -> list[str]:
    return [_name(p) for p in paths]


def test_there_are_notebooks():
    assert any(p.stem == "00_start" for p in IPYNBS)


def test_there_is_an_instructor_notebook():
    assert any(_name(p) == "instructor/00_undervisning" for p in IPYNBS)


@pytest.mark.parametrize("ipynb", ALL_IPYNBS, ids=_ids(ALL_IPYNBS))
class TestNotebookFiles:
    """What a learner double-clicks and what a reviewer reads say the same, and carry no outputs."""

    def test_paired_text_form_is_in_sync(self, ipynb: Path):
        """The text form is text/<name>.py beside the notebook (jupytext.toml pairs them) with the same cells;
        neither carries a per-notebook pairing of its own."""
        text_form = _text_form(ipynb)
        assert text_form.is_file(), f"{ipynb.name} has no paired {text_form.relative_to(NOTEBOOKS)}"
        assert not ipynb.with_suffix(".py").exists(), f"{ipynb.name} has a text form beside it, not in text/"
        a = jupytext.read(ipynb)
        b = jupytext.read(text_form)
        cells_a = [(c.cell_type, c.source.strip()) for c in a.cells]
        cells_b = [(c.cell_type, c.source.strip()) for c in b.cells]
        assert cells_a == cells_b, f"{ipynb.name} and {text_form.name} differ: run `make sync-notebooks`"
        for notebook in (a, b):
            assert "formats" not in notebook.metadata.get("jupytext", {}), f"{ipynb.name}: pairs itself"
        config = jupytext.config.find_jupytext_configuration_file(ipynb.parent)
        assert config is not None and Path(config) == JUPYTEXT_CONFIG, config
        formats = jupytext.config.load_jupytext_config(str(ipynb)).default_formats(str(ipynb))
        assert formats == "ipynb,text//py:percent", formats
        paired = jupytext.paired_paths.paired_paths(str(ipynb), "ipynb", formats)
        assert [Path(path) for path, _fmt in paired] == [ipynb, text_form]

    def test_committed_without_outputs(self, ipynb: Path):
        data = json.loads(ipynb.read_text(encoding="utf-8"))
        for cell in data["cells"]:
            if cell["cell_type"] == "code":
                assert cell.get("outputs") == [] and cell.get("execution_count") is None, ipynb.name
        assert "widgets" not in data["metadata"], f"{ipynb.name} carries widget state"


@dataclass(frozen=True)
class NbvalRun:
    """One nbval run over several notebooks: each notebook's cells as nbval reported them (a cell's failure
    text, or None where it passed), and the run's exit code and output."""

    cells: dict[str, list[str | None]]
    returncode: int
    output: str

    def failures(self, notebook: str) -> str | None:
        """Why ``notebook`` (its path under the folder run) did not run top to bottom, or None if it did."""
        cells = self.cells.get(notebook)
        if not cells:
            return f"nbval ran no cell of {notebook}:\n{self.output[-4000:]}"
        failed = [text for text in cells if text is not None]
        if not failed and self.returncode != 0 and not any(t for c in self.cells.values() for t in c):
            return f"nbval exited with {self.returncode}, though no cell failed:\n{self.output[-4000:]}"
        return "\n\n".join(failed) or None


def run_nbval(folder: Path, notebooks: list[str], answers: Path) -> NbvalRun:
    """Run nbval (``--nbval-lax``: every cell must run; only cells marked to be checked are compared) on
    ``notebooks`` (paths under ``folder``) in one pytest process, as ``pytest --nbval-lax notebooks/`` does:
    each notebook in a fresh kernel, one after another, with ``answers`` as the kernels' answer folder.

    One process, not one per notebook: a pytest start per notebook cost 50.7 s for the 16 notebooks against
    21.5 s for all in one (measured). nbval alone: the other plugins installed for the tests (xdist,
    hypothesis, playwright ...) would only add to the start."""
    report = answers.parent / f"{answers.name}-nbval.xml"
    env = {
        **os.environ,
        "CASEKIT_ANSWERS": str(answers),
        "MPLBACKEND": "Agg",
        "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1",
    }
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-p",
            "nbval",
            "--nbval-lax",
            "-p",
            "no:cacheprovider",
            "-q",
            "-o",
            "addopts=",
            "-o",
            "junit_family=xunit1",  # each cell's report names its notebook's file
            f"--junitxml={report}",
            "-W",
            "error",
            *notebooks,
        ],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    cells: dict[str, list[str | None]] = {}
    if report.is_file():
        for case in ElementTree.parse(report).getroot().iter("testcase"):
            problem = case.find("failure")
            if problem is None:
                problem = case.find("error")
            text = (
                None if problem is None else f"{case.get('name')}: {problem.get('message')}\n{problem.text}"
            )
            cells.setdefault(case.get("file", ""), []).append(text)
    return NbvalRun(cells, result.returncode, result.stdout[-6000:] + result.stderr[-2000:])


@pytest.fixture(scope="module")
def nbval_run(tmp_path_factory: pytest.TempPathFactory) -> NbvalRun:
    """Every notebook, Danish and English, run by nbval from a copy (nothing is written into the
    repository), sharing one answer folder as a learner's notebooks do."""
    work = _copy_notebooks(tmp_path_factory.mktemp("nbval"))
    names = [p.relative_to(NOTEBOOKS).as_posix() for p in ALL_IPYNBS]
    return run_nbval(work, names, work.parent / "answers")


@pytest.mark.slow
@pytest.mark.xdist_group("nbval")  # one nbval run for the module: its tests on one worker
@pytest.mark.parametrize("ipynb", ALL_IPYNBS, ids=_ids(ALL_IPYNBS))
def test_notebook_runs_top_to_bottom(ipynb: Path, nbval_run: NbvalRun):
    """nbval runs every cell of the notebook in a fresh kernel, without an error or a warning."""
    failures = nbval_run.failures(ipynb.relative_to(NOTEBOOKS).as_posix())
    assert failures is None, failures


@pytest.mark.slow
def test_nbval_names_the_notebook_that_fails(tmp_path: Path):
    """nbval's report tells the notebooks apart: a notebook whose cell raises fails with its error, the one
    beside it passes, and a notebook nbval never ran is not taken for one that passed."""
    import nbformat.v4 as nbf

    for name, source in {"good.ipynb": "x = 1", "bad.ipynb": "raise ValueError('casekit-probe')"}.items():
        nbformat.write(nbf.new_notebook(cells=[nbf.new_code_cell(source)]), tmp_path / name)
    run = run_nbval(tmp_path, ["good.ipynb", "bad.ipynb"], tmp_path / "answers")
    assert run.failures("good.ipynb") is None
    assert "casekit-probe" in (run.failures("bad.ipynb") or "")
    assert "ran no cell" in (run.failures("missing.ipynb") or "")


def _copy_notebooks(tmp_path: Path) -> Path:
    work = tmp_path / "notebooks"
    shutil.copytree(NOTEBOOKS, work, ignore=shutil.ignore_patterns("answers", ".ipynb_checkpoints"))
    return work


@pytest.mark.slow
@pytest.mark.parametrize("ipynb", [p for p in IPYNBS if _checked(p)], ids=_name)
def test_checked_outputs_match_their_snapshots(ipynb: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Cells tagged casekit-check-output (a table, a count) print what tests/data/notebook_outputs holds.

    The notebooks are committed without outputs, so nbval has nothing to compare with; the expected text
    lives beside the tests instead. CASEKIT_UPDATE_SNAPSHOTS=1 rewrites the files after a deliberate change.
    """
    from nbclient import NotebookClient

    work = _copy_notebooks(tmp_path)
    monkeypatch.setenv("CASEKIT_ANSWERS", str(tmp_path / "answers"))
    where = work / ipynb.relative_to(NOTEBOOKS)
    notebook = nbformat.read(where, as_version=4)
    NotebookClient(
        notebook, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(where.parent)}}
    ).execute()
    checked = [c for c in notebook.cells if CHECK_TAG in c.metadata.get("tags", [])]
    for n, cell in enumerate(checked, start=1):
        text = "".join(o.get("data", {}).get("text/plain", "") for o in cell.outputs) + "\n"
        snapshot = SNAPSHOTS / f"{ipynb.stem}-{n}.txt"
        if os.environ.get("CASEKIT_UPDATE_SNAPSHOTS") == "1":
            snapshot.parent.mkdir(parents=True, exist_ok=True)
            snapshot.write_text(text, encoding="utf-8")
        assert snapshot.is_file(), f"no snapshot {snapshot.name}: run with CASEKIT_UPDATE_SNAPSHOTS=1 once"
        assert text == snapshot.read_text(encoding="utf-8"), f"{ipynb.name}, checked cell {n} changed"


# -- the English edition: notebooks/en/ ---------------------------------------------------------------------
# Where the English notebooks choose their edition: the Danish code cell with lang="en" added.
_CHOOSES_EDITION = re.compile(r"\b(widgets\.start|widgets\.language|teaching\.load)\(([^()]*)\)")
# The no-answer-key sentence each notebook quotes from the English edition's epilogue.
NO_ANSWER_KEY = {
    "en/00_welcome": "such a thing quite simply does not exist",
    "en/instructor/00_teaching": (
        "we have not prepared an answer key, for such a thing quite simply does not exist"
    ),
}
# Catalog strings a learner sees while working (key → the Danish word); none may show in an English notebook.
DANISH_WORDS = {
    "export.saved": "Gemt",
    "chart.col.power": "Magt",
    "chart.col.interest": "Interesse",
    "not_stated": "Ikke oplyst",
    "widgets.handin.download_heading": "Hent dine svar",
}


def _in_english(source: str) -> str:
    """A Danish code cell as its English counterpart has it: ``widgets.start(lang="en")``."""

    def add(match: re.Match[str]) -> str:
        arguments = match.group(2).strip()
        return f'{match.group(1)}({arguments + ", " if arguments else ""}lang="en")'

    return _CHOOSES_EDITION.sub(add, source)


def _cells(path: Path) -> list[tuple[str, str]]:
    return [(c.cell_type, c.source.strip()) for c in jupytext.read(path).cells]


def _english(danish: Path) -> Path:
    """The English counterpart of a Danish notebook: its English file name in en/ (``01_del1`` →
    ``en/01_part1``; casekit.widgets.journey.EDITION_FILES, what the links lead to)."""
    from casekit.widgets.journey import notebook_file

    name = danish.relative_to(NOTEBOOKS).with_suffix("").as_posix()
    return ENGLISH / f"{notebook_file(name, 'en')}.ipynb"


def test_there_are_english_notebooks():
    """The English edition has its own start notebook and instructor notebook."""
    names = _ids(EN_IPYNBS)
    assert "en/00_welcome" in names and "en/instructor/00_teaching" in names


def test_english_and_danish_notebooks_are_counterparts_with_names_of_their_own():
    """Every Danish notebook has an English counterpart and the other way round, and no English notebook
    has a Danish one's file name: a Danish and an English tab open side by side never read the same."""
    assert sorted(_english(p) for p in IPYNBS) == sorted(EN_IPYNBS)
    danish_names = {p.name for p in IPYNBS}
    assert not danish_names & {p.name for p in EN_IPYNBS}


@pytest.mark.parametrize("ipynb", IPYNBS, ids=_ids(IPYNBS))
def test_english_counterpart_has_the_same_cells(ipynb: Path):
    """The English counterpart has the same cells in the same order, and each code cell is the
    Danish one with ``lang="en"`` added to ``widgets.start(...)``, ``widgets.language(...)`` or
    ``teaching.load(...)``."""
    counterpart = _english(ipynb)
    assert counterpart.is_file(), f"{_name(ipynb)} has no English counterpart {counterpart}"
    danish, english = _cells(ipynb), _cells(counterpart)
    assert [kind for kind, _ in english] == [kind for kind, _ in danish], f"{counterpart.name}: cells differ"
    code = [(d, e) for (kind, d), (_, e) in zip(danish, english, strict=True) if kind == "code"]
    for danish_source, english_source in code:
        assert english_source == _in_english(danish_source), f"{_name(counterpart)}: {english_source!r}"
    chooses = sum(len(_CHOOSES_EDITION.findall(d)) for d, _ in code)
    assert chooses >= 1, f"{_name(ipynb)} never chooses its edition"
    assert sum(e.count('lang="en"') for _, e in code) == chooses, (
        f"{_name(counterpart)} does not choose English"
    )


@pytest.mark.parametrize("name", sorted(NO_ANSWER_KEY))
def test_english_notebooks_quote_the_english_epilogue(name: str):
    """The no-answer-key sentence is quoted in the English edition's own words, from its epilogue."""
    import casekit

    quote = NO_ANSWER_KEY[name]
    markdown = " ".join(
        " ".join(source.split()) for kind, source in _cells(NOTEBOOKS / f"{name}.ipynb") if kind == "markdown"
    )
    assert f'"{quote}"' in markdown, f"{name} does not quote {quote!r}"
    epilogue = next(s for s in casekit.load_case("samskabelse", lang="en").sections if s.id == "efterspil")
    assert quote in " ".join(epilogue.text.split())


def _shown_text(notebook: Any) -> str:
    """Everything an executed notebook shows: its HTML and plain-text outputs, every widget's ``value``,
    ``description``, ``label`` and ``note``, the words the stakeholder map's grid draws with, and the files
    behind any ``data:…;base64,`` link (decoded)."""
    texts = []
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            texts += [output.get("text", ""), data.get("text/html", ""), data.get("text/plain", "")]
    state = notebook.metadata.get("widgets", {}).get("application/vnd.jupyter.widget-state+json", {})
    for model in state.get("state", {}).values():
        shown = ("value", "description", "label", "note")
        texts += [v for k, v in model.get("state", {}).items() if k in shown]
        texts += list(model.get("state", {}).get("words", {}).values())  # what the map's grid writes
    shown = "\n".join(str(text) for text in texts)
    files = re.findall(r"data:[^\"',]*;base64,([A-Za-z0-9+/=]+)", shown)
    return "\n".join([shown, *(base64.b64decode(f).decode("utf-8", "replace") for f in files)])


@pytest.mark.slow
@pytest.mark.parametrize("name", ["en/01_part1", "en/06_handin"])
def test_english_notebook_shows_no_danish(name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Run with a saved answer, an English notebook shows the English catalog's words and none of the Danish
    ones, in its outputs, its widgets and its hand-in files."""
    from nbclient import NotebookClient

    import casekit
    from casekit.answers import AnswerStore
    from casekit.i18n import catalog, t

    work = _copy_notebooks(tmp_path)
    answers = tmp_path / "answers"
    monkeypatch.setenv("CASEKIT_ANSWERS", str(answers))
    with AnswerStore.open(answers, case=casekit.load_case("samskabelse", lang="en")) as store:
        store.save("stakeholder-map", {"majbritt": {"power": 5, "interest": 2}})
    where = work / f"{name}.ipynb"
    notebook = nbformat.read(where, as_version=4)
    NotebookClient(
        notebook, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(where.parent)}}
    ).execute()
    errors = [o for c in notebook.cells for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert not errors, errors
    shown = _shown_text(notebook)
    if name == "en/06_handin":  # the files its downloads make when clicked (casekit/widgets/download.py)
        from casekit.export import render

        english = casekit.load_case("samskabelse", lang="en")
        with AnswerStore.open(answers, case=english) as store:
            shown += "\n".join(render(store, fmt, case=english) for fmt in ("html", "json", "markdown"))
    expected = {
        "en/01_part1": ["chart.col.power", "chart.col.interest", "not_stated"],
        "en/06_handin": ["export.saved", "chart.col.power", "widgets.handin.download_heading"],
    }[name]
    for key, danish in DANISH_WORDS.items():
        assert catalog("da")[key].lstrip("✓ ").startswith(danish), f"the Danish catalog's {key} changed"
        assert not re.search(rf"\b{re.escape(danish)}\b", shown), f"{name} shows Danish {danish!r} ({key})"
    for key in expected:
        english = t(key, "en", time="").strip(" ✓")
        assert english and english != DANISH_WORDS[key]
        assert re.search(rf"\b{re.escape(english)}\b", shown), f"{name} does not show {english!r} ({key})"
