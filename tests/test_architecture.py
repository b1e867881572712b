"""The package's shape: layers import downward, no module reaches into another's private names, the
repository stands alone, and the type checker runs clean."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
PACKAGE = REPO / "casekit"


def _modules() -> dict[str, ast.Module]:
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(REPO).with_suffix("")
        name = ".".join(relative.parts).removesuffix(".__init__")
        found[name] = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    return found


_modules_cache = _modules()


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _is_package(name: str) -> bool:
    return (PACKAGE.parent / name.replace(".", "/") / "__init__.py").exists()


def _absolute(node: ast.ImportFrom, own: str) -> str:
    """The module a ``from … import`` names, relative imports (``from .store import x``) resolved."""
    if not node.level:
        return node.module or ""
    base = own.split(".") if _is_package(own) else own.split(".")[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join([*base, *([node.module] if node.module else [])])


class _Import:
    """One import of a casekit module: who imports what, where, and whether inside a function."""

    def __init__(self, source: str, target: str, line: int, lazy: bool) -> None:
        self.source, self.target, self.line, self.lazy = source, target, line, lazy

    def __repr__(self) -> str:
        where = "inside a function" if self.lazy else "at module level"
        return f"{self.source}:{self.line} imports {self.target} ({where})"


def _imports(tree: ast.Module, own: str) -> list[_Import]:
    """Every import of another casekit module in ``own``, at module level and inside functions alike;
    only what a ``TYPE_CHECKING`` block imports (for the type checker, never run) is left out."""
    found: list[_Import] = []

    def add(target: str, node: ast.stmt, lazy: bool) -> None:
        if target in _modules_cache and target != own and not own.startswith(target + "."):
            found.append(_Import(own, target, node.lineno, lazy))

    def visit(body: list[ast.stmt], lazy: bool) -> None:
        for node in body:
            if isinstance(node, ast.If) and _is_type_checking(node):
                continue
            if isinstance(node, ast.Import):
                for alias in node.names:
                    add(alias.name, node, lazy)
            elif isinstance(node, ast.ImportFrom):
                module = _absolute(node, own)
                if module.startswith("casekit"):
                    add(module, node, lazy)
                    for alias in node.names:  # `from casekit import loader` imports casekit.loader
                        add(f"{module}.{alias.name}", node, lazy)
            for field in ("body", "orelse", "finalbody", "handlers"):
                inner = getattr(node, field, None)
                if isinstance(inner, list) and inner and isinstance(inner[0], (ast.stmt, ast.excepthandler)):
                    inside = lazy or isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda))
                    visit([n for n in inner if isinstance(n, ast.stmt)] or [], inside)
                    for handler in inner:
                        if isinstance(handler, ast.excepthandler):
                            visit(handler.body, inside)

    visit(tree.body, False)
    return found


# The few imports that call *upward*, each a convenience for a person at a notebook or a prompt, made inside
# the function that needs it (never when the lower module is imported). Every other import points down.
UPWARD = {
    ("casekit.case", "casekit._html"): "a Case or Section shows itself in a notebook (_repr_html_, Markdown)",
    ("casekit.answers.store", "casekit.export"): "AnswerStore.export(): writes the hand-in of this store",
    ("casekit.teaching", "casekit.cli.documents"): (
        "teaching.add_parsers/run_rolecards, public before the command line became one package, build and "
        "run the `casekit rolecards` command"
    ),
    ("casekit.charts", "casekit.export"): (
        "charts.export_figures, public before the hand-in chose its own figures (export.hand_in_figures)"
    ),
}


def _allowed(found: _Import) -> bool:
    """Whether an import is one of the UPWARD conveniences (with the packages it passes through on its
    way: ``from casekit.cli import documents`` runs ``casekit.cli`` first)."""
    return any(
        found.source == source and (found.target == target or target.startswith(found.target + "."))
        for source, target in UPWARD
    )


def _graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {name: set() for name in _modules_cache}
    for name, tree in _modules_cache.items():
        for found in _imports(tree, name):
            if not _allowed(found):
                graph[name].add(found.target)
    # A package's facade re-exports its modules: importing one of its modules runs the facade first, so
    # `casekit.answers.store` → `casekit.export` is also a path from `casekit.answers` itself.
    return {k: {v for v in vs if v != "casekit"} for k, vs in graph.items() if k != "casekit"}


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}
    path: list[str] = []

    def walk(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for target in sorted(graph.get(node, ())):
            if state.get(target) == 1:
                return [*path[path.index(target) :], target]
            if target not in state and (found := walk(target)):
                return found
        state[node] = 2
        path.pop()
        return None

    for node in sorted(graph):
        if node not in state and (found := walk(node)):
            return found
    return None


def _in(module: str, layer: str) -> bool:
    return module == layer or module.startswith(layer + ".")


class TestLayers:
    """Modules import downward (case → loader → store → export/charts → classroom → widgets → cli), without
    cycles, also where an import sits inside a function."""

    def test_no_import_cycle(self):
        """No chain of imports among casekit's modules, module-level and function-level alike, leads back
        to where it started (the commented UPWARD conveniences aside)."""
        cycle = _cycle(_graph())
        assert cycle is None, " → ".join(cycle or [])

    def test_every_upward_import_is_listed_and_still_needed(self):
        """An entry of UPWARD names an import that exists, inside a function (a lazy convenience)."""
        for (source, target), reason in UPWARD.items():
            found = [i for i in _imports(_modules_cache[source], source) if i.target == target]
            assert found, f"UPWARD lists {source} → {target} ({reason}), which no longer imports it"
            assert all(i.lazy for i in found), f"{found} must stay inside the function that needs it"

    @pytest.mark.parametrize(
        ("lower", "upper"),
        [
            ("casekit.case", "casekit.loader"),
            ("casekit.loader", "casekit.answers"),
            ("casekit.registry", "casekit.answers"),
            ("casekit.answers", "casekit.charts"),
            ("casekit.answers", "casekit.classroom"),
            ("casekit.answers", "casekit.widgets"),
            ("casekit.charts", "casekit.export"),
            ("casekit.charts", "casekit.classroom"),
            ("casekit.export", "casekit.classroom"),
            ("casekit.export", "casekit.widgets"),
            ("casekit.classroom", "casekit.widgets"),
            ("casekit.widgets", "casekit.cli"),
            ("casekit.classroom", "casekit.cli"),
        ],
    )
    def test_lower_layers_do_not_import_upper_ones(self, lower: str, upper: str):
        """No module of a lower layer imports an upper one, at module level or inside a function (the
        UPWARD conveniences aside)."""
        offenders = [
            found
            for name, tree in _modules_cache.items()
            if _in(name, lower)
            for found in _imports(tree, name)
            if _in(found.target, upper) and not _allowed(found)
        ]
        assert offenders == []

    def test_no_module_is_too_big(self):
        """No module of casekit is over 700 lines: a concept that outgrows one file becomes a package."""
        sizes = {
            p.relative_to(REPO): len(p.read_text(encoding="utf-8").splitlines())
            for p in PACKAGE.rglob("*.py")
        }
        assert {str(p): n for p, n in sizes.items() if n > 700} == {}

    def test_no_module_imports_another_modules_private_names(self):
        """`from casekit.x import _name` nowhere, nor `x._name` on a casekit module imported as x: private
        helpers stay in their module (names a package shares live in its modules as public names)."""
        offenders = []
        for name, tree in _modules_cache.items():
            aliases: dict[str, str] = {}  # local name → casekit module
            for node in ast.walk(tree):
                if isinstance(node, ast.ImportFrom):
                    module = _absolute(node, name)
                    if not module.startswith("casekit"):
                        continue
                    for alias in node.names:
                        full = f"{module}.{alias.name}"
                        if full in _modules_cache:
                            aliases[alias.asname or alias.name] = full
                        elif alias.name.startswith("_") and module != name:
                            offenders.append(f"{name}: from {module} import {alias.name}")
                elif isinstance(node, ast.Import):
                    for alias in node.names:
                        if alias.name.startswith("casekit") and alias.asname:
                            aliases[alias.asname] = alias.name
            for node in ast.walk(tree):
                if (
                    isinstance(node, ast.Attribute)
                    and isinstance(node.value, ast.Name)
                    and node.value.id in aliases
                    and aliases[node.value.id] != name
                    and node.attr.startswith("_")
                    and not node.attr.startswith("__")
                ):
                    offenders.append(f"{name}: {node.value.id}.{node.attr}")
        assert offenders == []


class TestStandsAlone:
    """The repository needs nothing outside it: its docs point at its own files, its licence is declared."""

    def test_no_path_outside_the_repository(self):
        """No docstring, doc or notebook points at files outside the repository (../shared, notes/…)."""
        texts = [
            *PACKAGE.rglob("*.py"),
            *REPO.glob("docs/*.md"),
            REPO / "README.md",
            *REPO.glob("notebooks/**/*.py"),
        ]
        offenders = [
            str(path.relative_to(REPO))
            for path in texts
            if any(
                marker in path.read_text(encoding="utf-8")
                for marker in ("../shared", "notes/browser-testing")
            )
        ]
        assert offenders == []

    def test_licence_file_matches_pyproject(self):
        """pyproject.toml declares the LICENSE file, which says MIT and keeps the case text's attribution."""
        tomllib = pytest.importorskip("tomllib", reason="tomllib is in the standard library from Python 3.11")
        project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
        assert project["license"] == {"file": "LICENSE"}
        licence = (REPO / "LICENSE").read_text(encoding="utf-8")
        assert licence.startswith("MIT License") and "lederliv.dk" in licence

    def test_version_is_defined_once(self):
        """The version lives in casekit/__init__.py; pyproject reads it from there."""
        import casekit

        tomllib = pytest.importorskip("tomllib", reason="tomllib is in the standard library from Python 3.11")

        pyproject = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
        assert "version" not in pyproject["project"] and "version" in pyproject["project"]["dynamic"]
        assert pyproject["tool"]["hatch"]["version"]["path"] == "casekit/__init__.py"
        assert casekit.__version__.count(".") == 2

    def test_tests_find_their_files_from_any_folder(self):
        """No test names a repository file by a path relative to the working directory."""
        relative = re.compile(
            r"""(Path|load_case_dir|validate|open)\(\s*["'](tests|data|notebooks|casekit)/"""
        )
        offenders = [
            f"{path.relative_to(REPO)}:{n}"
            for path in sorted((REPO / "tests").rglob("*.py"))
            for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
            if relative.search(line)
        ]
        assert offenders == []

    def test_tests_pass_from_another_folder(self, tmp_path: Path):
        """Test modules that read the case data and the fixture run from an unrelated working directory."""
        modules = [str(REPO / "tests" / name) for name in ("test_case.py", "test_case_data.py")]
        out = subprocess.run(
            [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *modules],
            cwd=tmp_path,
            capture_output=True,
            text=True,
        )
        assert out.returncode == 0, out.stdout[-2000:] + out.stderr[-2000:]


@pytest.mark.slow
def test_type_checker_runs_clean():
    """mypy finds no error in casekit/ (it ships py.typed, so its users' type checkers read its hints)."""
    mypy = Path(sys.executable).with_name("mypy")
    if not mypy.exists():
        pytest.skip("mypy is not installed (it comes with the test extra)")
    out = subprocess.run([str(mypy)], cwd=REPO, capture_output=True, text=True)
    assert out.returncode == 0, out.stdout[-4000:]
