"""Which browser the browser tests drive: ``CASEKIT_CHROMIUM`` if set, else Debian's headless build, else
the whole Chromium; none at all skips the tests on a laptop and fails them under ``CI=true``. (No browser is
started here.)"""

from __future__ import annotations

from pathlib import Path

import pytest

from . import support


def _executable(path: Path) -> Path:
    path.write_text("#!/bin/sh\n", encoding="utf-8")
    path.chmod(0o755)
    return path


@pytest.fixture
def installed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    """Where the two Debian packages put their browsers, in a temporary folder; nothing installed yet."""
    shell, whole = tmp_path / "chromium-headless-shell", tmp_path / "chromium"
    monkeypatch.setattr(support, "DEFAULT_CHROMIUMS", (shell, whole))
    monkeypatch.delenv("CASEKIT_CHROMIUM", raising=False)
    return shell, whole


def test_the_headless_build_is_preferred_and_the_whole_browser_serves(installed: tuple[Path, Path]) -> None:
    shell, whole = installed
    _executable(whole)
    assert support.find_chromium() == whole
    _executable(shell)
    assert support.find_chromium() == shell


def test_casekit_chromium_names_the_browser(
    installed: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _executable(installed[0])
    mine = _executable(tmp_path / "my-chromium")
    monkeypatch.setenv("CASEKIT_CHROMIUM", str(mine))
    assert support.find_chromium() == mine
    monkeypatch.setenv("CASEKIT_CHROMIUM", str(tmp_path / "missing"))
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CASEKIT_CHROMIUM"):
        support.find_chromium()


def test_no_browser_skips_on_a_laptop_and_fails_in_ci(
    installed: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    installed[1].write_text("not executable", encoding="utf-8")
    monkeypatch.setenv("CI", "")
    with pytest.raises(pytest.skip.Exception, match="apt-get install chromium-headless-shell"):
        support.find_chromium()
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI=true"):
        support.find_chromium()
