"""A fresh environment made from binder/ alone, the way repo2docker makes Binder's: install
binder/requirements.txt, run binder/postBuild in a copy of the repository, then run every notebook and serve
00_start through Voilà with that environment's Python.

repo2docker itself needs Docker, which the test machines lack; these tests do by hand the steps it takes
for a requirements.txt repository (a venv with the Python of runtime.txt stands in for its image).

The copy lies where nbgitpuller puts the repository on a JupyterHub, one folder down in the home folder
(``~/casekit/``), and the notebooks run from it read-only with the answers outside it (``CASEKIT_ANSWERS``):
one run of every notebook proves both the Binder environment and the hub layout.
"""

from __future__ import annotations

import html
import json
import os
import re
import secrets
import shutil
import signal
import socket
import stat
import subprocess
import sys
import textwrap
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
HEADING = "Samskabelse – en interaktiv case"  # the title of notebooks/00_start.ipynb
# Per-user folders a run must not touch: each points into the test's temporary folder.
PER_USER = {
    "HOME": "home",
    "JUPYTER_CONFIG_DIR": "jupyter/config",
    "JUPYTER_DATA_DIR": "jupyter/data",
    "JUPYTER_RUNTIME_DIR": "jupyter/runtime",
    "IPYTHONDIR": "ipython",
    "MPLCONFIGDIR": "matplotlib",
    "XDG_CONFIG_HOME": "xdg/config",
    "XDG_CACHE_HOME": "xdg/cache",
    "XDG_DATA_HOME": "xdg/data",
    "XDG_STATE_HOME": "xdg/state",
    "XDG_RUNTIME_DIR": "xdg/runtime",
    "CASEKIT_ANSWERS": "answers",
}

# One venv for the module (a Binder build takes a minute): under pytest-xdist its tests stay on one worker.
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("binder-venv")]


@dataclass(frozen=True)
class BinderEnv:
    repo: Path  # the copy of the repository that repo2docker would see
    bin: Path  # the fresh venv's bin/
    env: dict[str, str]  # the environment of every process started in it
    seconds: dict[str, float]  # how long each step took


def _runtime_python() -> str:
    text = (REPO / "binder" / "runtime.txt").read_text(encoding="utf-8").strip()
    return text.removeprefix("python-")


def _interpreter(version: str) -> str | None:
    if f"{sys.version_info[0]}.{sys.version_info[1]}" == version:
        return sys.executable
    return shutil.which(f"python{version}")


def copy_repository(target: Path) -> Path:
    """Copy the repository's files as a clone would hold them (tracked and new files, not ignored ones)."""
    listed = None
    if shutil.which("git") and (REPO / ".git").exists():
        result = subprocess.run(
            ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
            cwd=REPO,
            capture_output=True,
            check=False,
        )
        if result.returncode == 0:
            listed = sorted({p for p in result.stdout.decode().split("\0") if p})
    if listed is None:
        ignore = shutil.ignore_patterns(".git", ".venv", "*_cache", ".hypothesis", "__pycache__", "answers")
        shutil.copytree(REPO, target, ignore=ignore, symlinks=True)
        return target
    for name in listed:
        source = REPO / name
        if source.is_file():  # a tracked file deleted in the working tree is not in a clone of it either
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    return target


def _environment(base: Path, bin_dir: Path) -> dict[str, str]:
    project_bin = str(Path(sys.prefix) / "bin")
    drop = {
        "VIRTUAL_ENV",
        "PYTHONPATH",
        "PYTHONHOME",
        "PYTHONSTARTUP",
        "JUPYTER_PATH",
        "JUPYTER_PREFER_ENV_PATH",
    }
    env = {k: v for k, v in os.environ.items() if k not in drop and not k.startswith("CASEKIT_")}
    path = [p for p in env.get("PATH", "").split(os.pathsep) if p and p != project_bin]
    env["PATH"] = os.pathsep.join([str(bin_dir), *path])
    for key, sub in PER_USER.items():
        (base / sub).mkdir(parents=True, exist_ok=True)
        env[key] = str(base / sub)
    os.chmod(env["XDG_RUNTIME_DIR"], 0o700)
    env["MPLBACKEND"] = "Agg"
    return env


def _run(command: list[str], env: dict[str, str], cwd: Path, timeout: float) -> subprocess.CompletedProcess:
    result = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    assert result.returncode == 0, f"{command} failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    return result


def _pip_sources(python: str) -> list[str]:
    """The package indexes and wheel folders pip is configured with here, as uv's options: uv reads no pip
    configuration, and must install from where pip (and so Binder's repo2docker) would."""
    listed = subprocess.run(
        [python, "-m", "pip", "config", "list"], capture_output=True, text=True, check=False, timeout=60
    ).stdout
    options = {
        "index-url": "--index-url",
        "extra-index-url": "--extra-index-url",
        "find-links": "--find-links",
    }
    sources: list[str] = []
    for line in listed.splitlines():
        name, _, value = line.partition("=")
        option = options.get(name.rsplit(".", 1)[-1])
        if option:
            for item in value.strip().strip("'\"").split():
                sources += [option, item]
    return sources


def _install(python: str, venv: Path, env: dict[str, str], repo: Path) -> str:
    """A venv with binder/requirements.txt installed; which installer did it.

    uv (a test dependency) installs the same exact pins as pip, considering every index as pip does
    (``--index-strategy unsafe-best-match``), about ten times faster: 17 s against 205 s for the 109 pins
    on a busy test machine. pip is used where uv is missing; ``pip check`` runs in both cases.

    With the packages' bytecode, as pip compiles it at install and so Binder's image has it (uv does not
    by default): without it, and with PYTHONDONTWRITEBYTECODE set as on the test machines, every kernel
    compiled pandas, matplotlib and Jupyter from source again: the 16 notebooks took 40.7 s, and 21.1 s
    with it, for 6 s more at install (measured).
    """
    uv = shutil.which("uv", path=str(Path(sys.executable).parent)) or shutil.which("uv")
    requirements = "binder/requirements.txt"
    if uv is None:
        subprocess.run([python, "-m", "venv", str(venv)], check=True, timeout=120)
        pip = [str(venv / "bin" / "python"), "-m", "pip"]
        _run([*pip, "install", "--no-cache-dir", "-r", requirements], env, repo, timeout=600)
        return "pip"
    subprocess.run([uv, "venv", "--quiet", "--seed", "--python", python, str(venv)], check=True, timeout=120)
    target = ["--python", str(venv / "bin" / "python")]
    options = ["--no-cache", "--index-strategy", "unsafe-best-match", *_pip_sources(python)]
    install = [uv, "pip", "install", "--quiet", "--compile-bytecode", *target, *options]
    _run([*install, "-r", requirements], env, repo, timeout=600)
    return "uv"


@pytest.fixture(scope="module")
def binder_env(tmp_path_factory: pytest.TempPathFactory) -> BinderEnv:
    """A venv with binder/requirements.txt installed and binder/postBuild run, as Binder builds it."""
    python = _interpreter(_runtime_python())
    if python is None:
        pytest.skip(f"no python{_runtime_python()} (binder/runtime.txt) on this machine")
    base = tmp_path_factory.mktemp("binder")
    repo = copy_repository(base / "home" / "casekit")  # where nbgitpuller puts it: ~/casekit/
    venv = base / "venv"
    seconds: dict[str, float] = {}
    start = time.monotonic()
    env = _environment(base, venv / "bin")
    how = _install(python, venv, env, repo)
    seconds[f"{how} install -r binder/requirements.txt"] = time.monotonic() - start
    start = time.monotonic()
    _run([str(repo / "binder" / "postBuild")], env, repo, timeout=300)
    seconds["binder/postBuild"] = time.monotonic() - start
    return BinderEnv(repo=repo, bin=venv / "bin", env=env, seconds=seconds)


def test_post_build_installs_casekit_into_the_environment(binder_env: BinderEnv):
    """casekit is imported from the venv's site-packages (not the repository) and pip finds nothing broken."""
    result = _run(
        [str(binder_env.bin / "python"), "-c", "import casekit; print(casekit.__file__)"],
        binder_env.env,
        binder_env.repo / "notebooks",
        timeout=60,
    )
    where = Path(result.stdout.strip())
    assert where.is_relative_to(binder_env.bin.parent), where
    assert "site-packages" in where.parts
    _run([str(binder_env.bin / "python"), "-m", "pip", "check"], binder_env.env, binder_env.repo, timeout=60)
    print(f"\nbuild times: {json.dumps({k: round(v, 1) for k, v in binder_env.seconds.items()})}")


# Runs in the fresh venv: nbclient comes with the lock (jupyterlab → jupyter_server → nbconvert → nbclient).
RUNNER = textwrap.dedent(
    """
    import json, sys, time
    import nbformat
    from nbclient import NotebookClient

    results = {}
    for name in sys.argv[1:]:
        notebook = nbformat.read(name, as_version=4)
        probe = "import sys, casekit; print(sys.executable); print(casekit.__file__)"
        notebook.cells.append(nbformat.v4.new_code_cell(probe))
        start = time.monotonic()
        try:
            folder = name.rsplit("/", 1)[0]
            NotebookClient(
                notebook, timeout=300, kernel_name="python3", resources={"metadata": {"path": folder}}
            ).execute()
        except Exception as exc:
            results[name] = {"error": f"{type(exc).__name__}: {exc}"[-3000:]}
            continue
        text = "".join(o.get("text", "") for o in notebook.cells[-1].outputs).split()
        results[name] = {"kernel": text[:2], "seconds": round(time.monotonic() - start, 1)}
    print(json.dumps(results))
    """
)


def _notebooks(repo: Path) -> list[Path]:
    notebooks = repo / "notebooks"
    return (
        sorted(notebooks.glob("*.ipynb"))
        + sorted((notebooks / "instructor").glob("*.ipynb"))
        + sorted((notebooks / "en").glob("**/*.ipynb"))
    )


def test_every_notebook_runs_in_the_binder_environment(binder_env: BinderEnv):
    """Every learner and instructor notebook, Danish and English, runs top to bottom in the venv's kernel,
    from the repository read-only as a hub's pull is, and writes nothing in it: the answers go to
    ``CASEKIT_ANSWERS`` beside it."""
    notebooks = _notebooks(binder_env.repo)
    assert any(p.name == "00_start.ipynb" for p in notebooks)
    runner = binder_env.repo.parent.parent / "run_notebooks.py"
    runner.write_text(RUNNER, encoding="utf-8")
    # As root chmod does not stop a write, so the tree is also compared before and after.
    _chmod_tree(binder_env.repo, writable=False)
    before = _tree(binder_env.repo)
    start = time.monotonic()
    try:
        result = _run(
            [str(binder_env.bin / "python"), str(runner), *map(str, notebooks)],
            binder_env.env,
            binder_env.repo,
            timeout=900,
        )
        after = _tree(binder_env.repo)
    finally:
        _chmod_tree(binder_env.repo, writable=True)
    results = json.loads(result.stdout.strip().splitlines()[-1])
    failed = {name: r["error"] for name, r in results.items() if "error" in r}
    assert not failed, "\n\n".join(f"{name}:\n{error}" for name, error in failed.items())
    for name, outcome in results.items():
        executable, module = (Path(p) for p in outcome["kernel"])
        assert executable.parent == binder_env.bin, f"{name} ran in {executable}, not the Binder venv"
        assert module.is_relative_to(binder_env.bin.parent), f"{name} imported casekit from {module}"
    assert (Path(binder_env.env["CASEKIT_ANSWERS"]) / "samskabelse.sqlite").is_file()
    added = sorted(after.keys() - before.keys())
    removed = sorted(before.keys() - after.keys())
    changed = sorted(k for k in before.keys() & after.keys() if before[k] != after[k])
    assert not (added or removed or changed), f"written in the pull: {added=} {removed=} {changed=}"
    seconds = {Path(n).relative_to(binder_env.repo).as_posix(): r["seconds"] for n, r in results.items()}
    print(f"\n{len(results)} notebooks in {time.monotonic() - start:.1f} s: {json.dumps(seconds)}")


def _tree(root: Path) -> dict[str, tuple[int, int, int]]:
    """Every file and folder under root, with its modification time, size and permission bits."""
    seen = {}
    for folder, dirs, files in os.walk(root):
        for name in [*dirs, *files]:
            path = Path(folder, name)
            info = path.lstat()
            seen[path.relative_to(root).as_posix()] = (
                info.st_mtime_ns,
                info.st_size,
                stat.S_IMODE(info.st_mode),
            )
    return seen


def _chmod_tree(root: Path, *, writable: bool) -> None:
    for folder, dirs, files in os.walk(root):
        for name in [folder, *(os.path.join(folder, n) for n in dirs + files)]:
            mode = stat.S_IMODE(os.lstat(name).st_mode)
            os.chmod(name, mode | stat.S_IWUSR if writable else mode & ~0o222, follow_symlinks=False)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _serve(binder_env: BinderEnv, command: list[str], urls: list[str], log: Path) -> tuple[list, int | None]:
    """GET each url from a server started in the venv, then SIGTERM it: the pages, and its exit code."""
    with log.open("w", encoding="utf-8") as output:
        process = subprocess.Popen(
            command,
            cwd=binder_env.repo,
            env=binder_env.env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            pages = [_get_page(url, process, seconds=120) for url in urls]
        finally:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                code = process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
                code = None
    return pages, code


def _assert_rendered(page: str | None, log: Path) -> None:
    assert page is not None, f"no 200 from the server:\n{log.read_text(encoding='utf-8')[-3000:]}"
    assert HEADING in html.unescape(page), f"00_start's heading is not on the page:\n{page[:2000]}"
    assert re.search(r'class=\\?"casekit', page), "no output of casekit's (its HTML pieces) on the page"
    assert "There was an error when executing cell" not in page, re.findall(r"There was an error[^<]*", page)


def test_voila_serves_the_start_notebook(binder_env: BinderEnv):
    """Voilà from the venv, started as the README says (`voila notebooks/`, the whole folder, so that the
    links between the notebooks work), renders 00_start with its heading and no failed cell, and stops on
    SIGTERM."""
    port = _free_port()
    log = binder_env.repo.parent / "voila.log"
    start = time.monotonic()
    command = [
        str(binder_env.bin / "voila"),
        "notebooks",
        f"--port={port}",
        "--no-browser",
        "--Voila.ip=127.0.0.1",
    ]
    url = f"http://127.0.0.1:{port}/voila/render/00_start.ipynb"
    (page,), code = _serve(binder_env, command, [url], log)
    _assert_rendered(page, log)
    assert code is not None, "Voilà did not stop on SIGTERM within 30 s"
    print(f"\nVoilà served 00_start in {time.monotonic() - start:.1f} s")


def test_the_readme_binder_links_open_in_the_jupyter_server(binder_env: BinderEnv):
    """The README's two urlpaths, lab/tree/… and voila/render/…, answer from the venv's Jupyter server."""
    port = _free_port()
    token = secrets.token_hex(16)
    log = binder_env.repo.parent / "jupyter-server.log"
    start = time.monotonic()
    command = [
        str(binder_env.bin / "jupyter"),
        "server",
        f"--port={port}",
        "--no-browser",
        "--ServerApp.ip=127.0.0.1",
        f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={binder_env.repo}",
        *(["--allow-root"] if os.geteuid() == 0 else []),
    ]
    base = f"http://127.0.0.1:{port}"
    paths = ["lab/tree/notebooks/00_start.ipynb", "voila/render/notebooks/00_start.ipynb"]
    (lab, voila), code = _serve(binder_env, command, [f"{base}/{p}?token={token}" for p in paths], log)
    assert lab is not None and "JupyterLab" in lab, log.read_text(encoding="utf-8")[-3000:]
    _assert_rendered(voila, log)
    assert code is not None, "the Jupyter server did not stop on SIGTERM within 30 s"
    print(f"\nJupyter server answered the Binder links in {time.monotonic() - start:.1f} s")


def _get_page(url: str, process: subprocess.Popen, seconds: float) -> str | None:
    """The page at url once the server answers 200, retried while it starts; None if it never does."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and process.poll() is None:
        try:
            with urllib.request.urlopen(url, timeout=60) as answer:
                if answer.status == 200:
                    return answer.read().decode("utf-8")
        except OSError:
            pass
        time.sleep(0.5)
    return None
