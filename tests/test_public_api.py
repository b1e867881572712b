"""Every public name keeps working: each name in the ``__all__`` of every public module, as of the day the
package was split into small packages (tests/data/public_api.json), still imports from the same path."""

from __future__ import annotations

import importlib
import json
from pathlib import Path

import pytest

NAMES = json.loads((Path(__file__).with_name("data") / "public_api.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("module", sorted(NAMES))
def test_every_name_still_imports(module: str):
    """`from <module> import <name>` works for each name, and the module still lists it in __all__."""
    imported = importlib.import_module(module)
    missing = [name for name in NAMES[module] if not hasattr(imported, name)]
    assert missing == []
    assert set(NAMES[module]) <= set(imported.__all__)
