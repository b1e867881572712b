"""The installed size of the Binder environment against the least a notebook case of this kind needs.

Two fresh venvs in a temporary folder, made by this interpreter's ``venv`` and filled by their own pip
(from the package index and wheels this machine's pip is set up with):

* **Binder**: ``pip install -r binder/requirements.txt``, then casekit itself with
  ``pip install --no-deps .`` (as ``binder/postBuild`` does);
* **floor**: ``pip install jupyterlab ipywidgets pandas matplotlib``, the bare set any interactive
  pandas + matplotlib case in JupyterLab installs.

The figure is the bytes of the files under each venv's ``site-packages`` (apparent sizes, each hard-linked
file once), and also under the whole venv (which adds ``share/jupyter``: JupyterLab's and the extensions'
static files). Target: Binder's site-packages at most 1.1× the floor's. The installs take a minute or two;
``python -m benchmarks --quick`` skips this row.

Run: ``.venv/bin/python benchmarks/bench_env.py [--markdown]``.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from benchmarks._table import Row  # noqa: E402

GROUP = "installed size (fresh venvs, one each)"
FLOOR_PACKAGES = ("jupyterlab", "ipywidgets", "pandas", "matplotlib")


def _tree_bytes(root: Path) -> int:
    total, seen = 0, set()
    for folder, _dirs, files in os.walk(root):
        for name in files:
            info = os.lstat(os.path.join(folder, name))
            if (info.st_dev, info.st_ino) in seen:
                continue
            seen.add((info.st_dev, info.st_ino))
            total += info.st_size
    return total


def _venv(path: Path, *installs: list[str]) -> tuple[int, int, float]:
    """Make a venv, run each pip install in it; (site-packages bytes, venv bytes, seconds it took)."""
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "venv", str(path)], check=True)
    python = path / "bin" / "python"
    for args in installs:
        done = subprocess.run(
            [str(python), "-m", "pip", "install", "--quiet", *args], cwd=REPO, capture_output=True, text=True
        )
        if done.returncode != 0:
            raise SystemExit(f"pip install {' '.join(args)} failed:\n{done.stderr[-3000:]}")
    seconds = time.perf_counter() - start
    (site,) = (path / "lib").glob("python*/site-packages")
    return _tree_bytes(site), _tree_bytes(path), seconds


def rows() -> list[Row]:
    """Binder's venv against the bare set: site-packages (with the target) and the whole venv."""
    with tempfile.TemporaryDirectory(prefix="casekit-bench-env-") as tmp:
        folder = Path(tmp)
        binder = _venv(
            folder / "binder", ["-r", str(REPO / "binder" / "requirements.txt")], ["--no-deps", str(REPO)]
        )
        floor = _venv(folder / "floor", list(FLOOR_PACKAGES))
    ratio = binder[0] / floor[0]
    floor_name = "+".join(FLOOR_PACKAGES)
    note = f"pip took {binder[2]:.0f} s (Binder) and {floor[2]:.0f} s (floor)"
    return [
        Row(
            name="Binder env: site-packages",
            median=binder[0],
            unit="bytes",
            floor=floor_name,
            floor_median=floor[0],
            target="≤ 1.1× floor",
            verdict="ok" if ratio <= 1.1 else "OVER",
            group=GROUP,
            notes=(note,),
        ),
        Row(
            name="Binder env: whole venv",
            median=binder[1],
            unit="bytes",
            floor=floor_name,
            floor_median=floor[1],
            group=GROUP,
        ),
    ]


def main(argv: list[str] | None = None) -> None:
    from benchmarks._table import show

    argv = sys.argv[1:] if argv is None else argv
    show(rows(), markdown="--markdown" in argv)


if __name__ == "__main__":
    main()
