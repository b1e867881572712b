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


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _top_level_imports(tree: ast.Module, own: str) -> set[str]:
    """The casekit modules a module imports when it is imported (not inside functions or TYPE_CHECKING)."""
    names: set[str] = set()

    def visit(body: list[ast.stmt]) -> None:
        for node in body:
            if isinstance(node, ast.If) and _is_type_checking(node):
                continue
            if isinstance(node, (ast.If, ast.Try)):
                visit(node.body)
                visit(getattr(node, "orelse", []))
                for handler in getattr(node, "handlers", []):
                    visit(handler.body)
            elif isinstance(node, ast.Import):
                names.update(a.name for a in node.names if a.name.startswith("casekit"))
            elif isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("casekit"):
                names.add(node.module)
                # `from casekit import loader` imports the module casekit.loader
                names.update(f"{node.module}.{a.name}" for a in node.names)

    visit(tree.body)
    modules = set(_modules_cache)
    return {n for n in names if n in modules and n != own and not own.startswith(n + ".")}


_modules_cache = _modules()


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


class TestLayers:
    """Modules import downward (case → loader → store → export/charts → widgets → cli), without cycles."""

    def test_no_import_cycle_at_module_level(self):
        """No chain of module-level imports among casekit's modules leads back to where it started."""
        graph = {name: _top_level_imports(tree, name) for name, tree in _modules_cache.items()}
        graph = {k: {v for v in vs if v != "casekit"} for k, vs in graph.items() if k != "casekit"}
        assert _cycle(graph) is None, " → ".join(_cycle(graph) or [])

    @pytest.mark.parametrize(
        ("lower", "upper"),
        [
            ("casekit.case", "casekit.loader"),
            ("casekit.loader", "casekit.answers"),
            ("casekit.answers", "casekit.export"),
            ("casekit.registry", "casekit.answers"),
            ("casekit.export", "casekit.widgets"),
            ("casekit.widgets", "casekit.cli"),
        ],
    )
    def test_lower_layers_do_not_import_upper_ones(self, lower: str, upper: str):
        """A lower layer never imports an upper one when it is imported."""
        assert upper not in _top_level_imports(_modules_cache[lower], lower)

    def test_no_module_imports_another_modules_private_names(self):
        """`from casekit.x import _name` nowhere: private helpers stay in their module."""
        offenders = []
        for name, tree in _modules_cache.items():
            for node in ast.walk(tree):
                if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("casekit"):
                    private = [
                        a.name
                        for a in node.names
                        if a.name.startswith("_") and f"{node.module}.{a.name}" not in _modules_cache
                    ]
                    if private and node.module != name:
                        offenders.append(f"{name}: from {node.module} import {', '.join(private)}")
                if (
                    isinstance(node, ast.Attribute)
                    and isinstance(node.value, ast.Name)
                    and node.value.id.startswith("_")
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
