"""Fixtures of the chart tests: the case in English, and the tiny fixture case."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

import casekit


@pytest.fixture(scope="module")
def case_en(case):
    """The same case with English as the learner's language (the case text exists in Danish only, so its
    Danish activity texts are dropped and the catalog's English words show)."""
    return dataclasses.replace(case, lang="en", activities={})


@pytest.fixture(scope="module")
def mini():
    """The tiny fixture case: three actors, one relation."""
    return casekit.load_case_dir(Path(__file__).resolve().parents[1] / "data" / "mini")
