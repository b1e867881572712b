"""Benchmark the instructor's live class view: ``ClassView.refresh()`` on a class folder of 30, 300 and
2,000 snapshots.

Run: ``.venv/bin/python benchmarks/bench_live.py [--quick] [--markdown] [sizes…]``. Everything happens in a
temporary folder. The folder holds one snapshot per learner as ``casekit.classroom.share`` writes it (every
activity answered, every text ticked: the biggest snapshot a learner makes). The view is opened once,
untimed (imports, fonts, the first chart); then each timed refresh follows a change to the folder, made
untimed before it:

- *everyone shared again*: every snapshot rewritten with new positions (nothing the view read before is
  the same);
- *a tenth shared again*: one snapshot in ten rewritten, the rest as they were (the usual refresh while a
  class is sharing).

The floor, timed in turn with each refresh: read every file of the folder and parse its JSON, the least a
refresh must do. Targets (the class-robustness issue): a class of 300 refreshes in under 1 s and a class of
2,000 in under 3 s, everyone having shared again.
"""

from __future__ import annotations

import functools
import hashlib
import json
import sys
import tempfile
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:  # run from a checkout without installing
    sys.path.insert(0, str(REPO))

from benchmarks._table import Row, interleaved, measured  # noqa: E402
from benchmarks.bench_classroom import _answers  # noqa: E402
from casekit import classroom, registry  # noqa: E402
from casekit.answers import AnswerStore  # noqa: E402
from casekit.classroom.snapshot import DEFAULT_ROUND  # noqa: E402
from casekit.loader import load_case  # noqa: E402

SIZES = (30, 300, 2000)
TARGETS = {300: 1.0, 2000: 3.0}
GROUP = "live class view: ClassView.refresh() on a class folder (in-process)"


def _runs(count: int, quick: bool) -> int:
    if quick:
        return 2
    return 10 if count <= 30 else 5 if count <= 300 else 3


class _Class:
    """A class folder of ``count`` snapshots, each rewritten on demand with new answers."""

    def __init__(self, root: Path, case: Any, count: int) -> None:
        self.folder = root / f"class-{count}"
        self.folder.mkdir()
        (self.folder / DEFAULT_ROUND).mkdir()
        with AnswerStore.open(root / f"store-{count}", case=case) as store:
            for key, value in _answers(case, 0).items():
                store.save(key, value)
            self.base = classroom.snapshot(store, registry.answer_keys(case), case=case)
        self.ids = [hashlib.sha256(f"{count}-{i}".encode()).hexdigest()[:16] for i in range(count)]
        self.speakers = [a.id for a in case.actors if a.speaks]
        self.share(range(count), 0)

    def share(self, learners: range | list[int], run: int) -> None:
        """Learners ``learners`` share again: their snapshots get new positions and a new time."""
        for i in learners:
            doc = json.loads(json.dumps(self.base))
            doc["share_id"] = self.ids[i]
            doc["shared_at"] = f"2026-12-07T10:{run % 60:02d}:{i % 60:02d}.000000+00:00"
            answers = doc["answers"]
            for n, key in enumerate(registry.DILEMMAS):
                answers[key]["position"] = (i + n + run) % 5 + 1
            answers[registry.GOAL_DIVERGENCE] = {
                a: (i + j + run) % 5 + 1 for j, a in enumerate(self.speakers)
            }
            for place in answers[registry.STAKEHOLDER_MAP].values():
                place["power"] = (place["power"] + run) % 5 + 1
            path = self.folder / DEFAULT_ROUND / f"{self.ids[i]}.json"
            path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")

    def every(self, part: int, run: int) -> None:
        """Every ``part``-th learner shares again (1: everyone), for turn ``run`` of a benchmark."""
        self.share(range(0, len(self.ids), part), run + 1)

    def floor(self, _run: int = 0) -> None:
        """What any refresh must do at least: read and parse every snapshot."""
        for path in (self.folder / DEFAULT_ROUND).iterdir():
            json.loads(path.read_bytes())


def _refresh(view: Any, _run: int) -> None:
    view.refresh()


def rows(sizes: tuple[int, ...] = SIZES, quick: bool = False) -> list[Row]:
    """For each size: the refresh after everyone shared again (target where the issue sets one) and after
    a tenth did, each against the floor timed in turn with it."""
    from casekit.widgets.sharing import ClassView

    case = load_case("samskabelse", lang="da")
    out: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="casekit-bench-live-") as tmp:
        for count in sizes:
            print(f"  live view, {count} snapshots …", file=sys.stderr, flush=True)
            klass = _Class(Path(tmp), case, count)
            view = ClassView(case, klass.folder)  # untimed: imports, fonts and the first chart
            assert view.summary is not None and len(view.summary.learners) == count
            for label, part in (("everyone shared again", 1), ("a tenth shared again", 10)):
                times = interleaved(
                    {"floor": klass.floor, "figure": functools.partial(_refresh, view)},
                    _runs(count, quick),
                    before=functools.partial(klass.every, part),
                )
                assert view.summary is not None and len(view.summary.learners) == count
                out.append(
                    measured(
                        f"{count} snapshots, {label}",
                        times["figure"],
                        floor="read + parse every file",
                        floor_values=times["floor"],
                        median_max=TARGETS.get(count) if part == 1 else None,
                        group=GROUP,
                    )
                )
    return out


def main(argv: list[str] | None = None) -> None:
    from benchmarks._table import show

    argv = sys.argv[1:] if argv is None else argv
    sizes = tuple(int(a) for a in argv if a.isdigit()) or SIZES
    show(rows(sizes, "--quick" in argv), markdown="--markdown" in argv)


if __name__ == "__main__":
    main()
