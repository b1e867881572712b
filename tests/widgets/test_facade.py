"""The package's facade (casekit/widgets/__init__.py): every name the notebooks and tests used before the
package is still at ``casekit.widgets``, and importing it stays light."""

from __future__ import annotations

import subprocess
import sys

import casekit.widgets as widgets
from casekit import registry


def test_every_name_of_the_old_all_is_exported():
    """__all__ is the old module's (and who is who as a table to read), and each name is there (functions,
    Activity, SCALE)."""
    expected = [
        "SCALE", "Activity", "browser_copy", "class_view", "decision_point", "dilemma", "goal_divergence",
        "handin", "journey", "language", "navigation", "progress", "projection", "proposal", "questions",
        "read", "share_control", "stakeholder_map", "start", "who_is_who", "who_is_who_table",
    ]  # fmt: skip
    assert sorted(widgets.__all__) == sorted(expected)
    assert all(hasattr(widgets, name) for name in expected)
    assert callable(widgets.progress) and callable(widgets.stakeholder_map)  # the functions, not the modules


def test_the_module_level_names_are_there_too():
    """The answer keys, UNSET and task_keys, as the notebooks and tests use them."""
    assert widgets.MAP_KEY == registry.STAKEHOLDER_MAP
    assert widgets.DECISION_KEY == registry.DECISION_POINT
    assert widgets.GOALS_KEY == registry.GOAL_DIVERGENCE
    assert widgets.PLAN_KEY == registry.PARTICIPATION_PLAN
    assert tuple(k.partition(".")[2] for k in registry.PROPOSAL_TEXTS) == widgets.PROPOSAL_FIELDS
    assert widgets.UNSET == 0 and callable(widgets.task_keys)


def test_importing_the_widgets_imports_neither_matplotlib_nor_anywidget():
    """Charts load when drawn and the browser copy when start() shows it: a save in a notebook without a
    copy never pays for anywidget (casekit.widgets.live.copy_saved looks the module up, never imports it)."""
    code = (
        "import sys, casekit.widgets\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'matplotlib', 'pandas', 'anywidget'}),"
        " 'casekit.widgets.mirror' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[] False"
