"""`make lab`, the first command of the README, starts JupyterLab on the notebooks and prints its address."""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(url: str, seconds: float = 60) -> int:
    """The status of a GET, retried while the server is still binding its port (it logs its URL first)."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(url, timeout=10) as answer:
                return answer.status
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)


# What an outer `make` hands down to the `make` a test runs: its command-line variables travel in MAKEFLAGS,
# so that under `make test WORKERS=0` a plain `make -n test` would print the one-process command.
_OUTER_MAKE = ("MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKEOVERRIDES", "WORKERS", "TEST_TMPDIR")


def _dry_run(*args: str) -> str:
    """The commands ``make -n ARGS`` would run, as on a fresh shell (nothing inherited from an outer make)."""
    env = {key: value for key, value in os.environ.items() if key not in _OUTER_MAKE}
    return subprocess.run(
        ["make", "-n", *args], cwd=REPO, env=env, capture_output=True, text=True, check=True
    ).stdout


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_make_lab_serves_the_start_notebook(tmp_path: Path):
    port = _free_port()
    env = {**os.environ, "HOME": str(tmp_path)}  # JupyterLab asks npm at start-up, which writes under HOME
    process = subprocess.Popen(
        ["make", "--no-print-directory", "lab", f"PORT={port}", "LAB_ARGS=--no-browser --ip=127.0.0.1"],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    output: list[str] = []
    try:
        deadline = time.monotonic() + 120
        url = None
        while url is None and time.monotonic() < deadline and process.poll() is None:
            line = process.stdout.readline()  # type: ignore[union-attr]
            output.append(line)
            found = re.search(rf"(http://127\.0\.0\.1:{port}/lab\S*token=\w+)", line)
            url = found.group(1) if found else None
        assert url, "no URL printed:\n" + "".join(output[-40:])
        token = url.rsplit("token=", 1)[1]
        assert _get(f"http://127.0.0.1:{port}/api/contents/00_start.ipynb?token={token}") == 200
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        process.stdout.close()  # type: ignore[union-attr]


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_make_test_keeps_pytest_s_temporary_folders_in_ram_where_there_is_ram():
    """`make test` runs pytest with TMPDIR on /dev/shm where it is writable (the answer store's fsyncs cost
    nothing there), and with the system's temporary folder when told `TEST_TMPDIR=`; with one worker more
    than there are cores (at most four), and in one process when told `WORKERS=0`."""
    dry = _dry_run("test")
    in_ram = os.path.isdir("/dev/shm") and os.access("/dev/shm", os.W_OK)
    assert ("TMPDIR=/dev/shm " in dry) is in_ram
    plain = _dry_run("test", "TEST_TMPDIR=")
    assert "TMPDIR=" not in plain and "-m pytest" in plain
    serial = _dry_run("test", "WORKERS=0")
    assert f" -n {min((os.cpu_count() or 1) + 1, 4)} " in dry and " -n " not in serial


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_make_app_serves_the_whole_notebooks_folder():
    """`make app`, the README's laptop route to the Voilà app, runs `voila notebooks` (the folder: started on
    one notebook, Voilà serves no other, and "Næste" ends in 403 Forbidden), installs the `app` extra, names
    the start page it serves, and culls the kernels of pages left behind (voila-dashboards/voila#1458)."""
    dry = _dry_run("app")
    command = next(line for line in dry.splitlines() if "/voila " in line)
    assert re.search(r"/voila notebooks --port=8866\b", command), command
    assert ".ipynb" not in command.split("--port")[0]
    assert '-e ".[app]"' in dry and "/voila/render/00_start.ipynb" in dry
    assert "--MappingKernelManager.cull_connected=False" in dry and "cull_idle_timeout=120" in dry
    project = (REPO / "pyproject.toml").read_text(encoding="utf-8")
    assert re.search(r'^app = \["voila>=0\.5"\]', project, re.MULTILINE)
