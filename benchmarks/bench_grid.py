"""What a learner waits for on the stakeholder map, measured in the browser: JupyterLab in Chromium at
1366×768 (the file browser open), a notebook with the map and, below it, the floor.

Issue 19, "the chart is the control": a drag or a key move → the learner sees the new position and the
save is confirmed. Targets: the position moves within a frame (it is local), the save confirmation p95
under 100 ms on this machine, under 1 KB sent per change. The floor, measured in the same page and taking
turns with the map: a bare ``ipywidgets.IntSlider`` whose change echoes into an ``ipywidgets.HTML`` (a key
on the slider → the echoed value on screen), the least a round trip through the kernel costs here.

Timed in the page with ``performance.now()``, from the input event's own time stamp (``event.timeStamp``:
when the browser received the key or the mouse button), so that the test driver's own latency is left out:

- *position visible*: the stakeholder's button is in its new cell, and the next frame has begun
  (``requestAnimationFrame``). For a key move it is timed on the arrow key (the stakeholder moves while
  held), for a drag on the release of the mouse button.
- *save confirmed*: the kernel's answer has come back and the button is no longer marked as saving (the
  line beside the grid says "✓ Gemt"). Timed on the Enter that sets a held stakeholder down, and on the
  release of a drag.
- *bytes per change*: the WebSocket frames on the kernel's channel from the input to the confirmation,
  browser → kernel (the target) and kernel → browser; the browser copy of the answers follows 0.4 s later
  (``casekit.widgets.mirror.DELAY``), outside the window, and is not counted.

Every change is a real one: a stakeholder alternates between two cells, the slider between two values.

Run: ``.venv/bin/python benchmarks/bench_grid.py [--quick] [--markdown]``. Needs Chromium
(the one the browser tests find: ``CASEKIT_CHROMIUM``, else Debian's chromium-headless-shell or chromium) and
Playwright; without them the row says so.
"""

from __future__ import annotations

import os
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:  # run from a checkout without installing
    sys.path.insert(0, str(REPO))

from benchmarks._table import Row, measured  # noqa: E402

GROUP = "stakeholder map in the browser: JupyterLab + Chromium at 1366×768 (issue 19)"
LAPTOP = {"width": 1366, "height": 768}
FLOOR = "IntSlider → HTML echo"
KEYED = ("kim", (4, 4), (5, 4))  # moved with the keys between these two cells (ArrowUp, ArrowDown)
DRAGGED = ("sanne", (2, 2), (2, 3))  # dragged between these two cells
SETTLE_MS = 120  # after a confirmation: the frames it caused have all arrived
TIMEOUT_MS = 15_000  # a change not seen by then is a failure
GAP_MS = 500  # between changes: the browser copy's send (0.4 s after a save) falls outside every window

CELLS = [
    "from casekit import widgets\n\ncase, store = widgets.start()",
    "widgets.stakeholder_map(case, store)",
    # The floor: the least a change that goes to the kernel and back costs in this page.
    "import ipywidgets as W\n\n"
    "slider = W.IntSlider(value=50, min=0, max=100, description='floor')\n"
    "echo = W.HTML('50')\n"
    "slider.observe(lambda change: setattr(echo, 'value', str(change['new'])), names='value')\n"
    "slider.add_class('casekit-bench-slider')\n"
    "echo.add_class('casekit-bench-echo')\n"
    "W.VBox([slider, echo])",
]

# In the page: one measured change at a time. ``arm`` starts watching for the input event named
# (capture phase, before any handler) and resolves ``pending`` once what it waits for is on screen.
HARNESS_JS = """
() => {
  let frame = 0;
  const tick = () => { frame += 1; requestAnimationFrame(tick); };
  requestAnimationFrame(tick);
  const grid = document.querySelector('.casekit-grid');
  const echo = () => document.querySelector('.casekit-bench-echo');
  window.__gridBench = {
    arm({event, key, id, power, interest, visible, saved, echoed}) {
      const out = {};
      const token = id ? grid.querySelector(`.casekit-grid-token[data-id="${id}"]`) : null;
      const cell = id ? grid.querySelector(
        `.casekit-grid-cell[data-power="${power}"][data-interest="${interest}"]`) : null;
      let sawSaving = false;
      const start = (e) => {
        if (key && e.key !== key) return;
        out.t0 = e.timeStamp;
        out.frame0 = frame;
        document.removeEventListener(event, start, true);
      };
      document.addEventListener(event, start, true);
      window.__gridBench.pending = new Promise((resolve) => {
        const done = () => {
          if ((visible && out.visible === undefined) || (saved && out.saved === undefined)) return;
          if (echoed !== undefined && out.echoed === undefined) return;
          observer.disconnect();
          resolve(out);
        };
        const check = () => {
          if (out.t0 === undefined) return;
          const now = performance.now();
          if (visible && out.dom === undefined && token.parentElement === cell) {
            out.dom = now - out.t0;
            out.frames = frame - out.frame0;
            requestAnimationFrame(() => { out.visible = performance.now() - out.t0; done(); });
          }
          if (saved && token.hasAttribute('data-saving')) sawSaving = true;
          if (saved && sawSaving && out.saved === undefined && !token.hasAttribute('data-saving')) {
            out.saved = now - out.t0;
          }
          if (echoed !== undefined && out.echoed === undefined && echo().textContent.trim() === echoed) {
            out.echoed = now - out.t0;
          }
          done();
        };
        const observer = new MutationObserver(check);
        observer.observe(document.body, {subtree: true, childList: true, characterData: true,
                                         attributes: true, attributeFilter: ['data-saving']});
      });
      return true;
    },
  };
}
"""


WAIT_JS = """
(timeout) => Promise.race([
  window.__gridBench.pending,
  new Promise((resolve) => setTimeout(() => resolve({timeout: true}), timeout)),
])
"""


class Frames:
    """The WebSocket frames on the kernel's channel, with a running count of their bytes each way."""

    def __init__(self) -> None:
        self.sent = self.received = 0
        self.sent_frames = self.received_frames = 0

    def attach(self, websocket: Any) -> None:
        if "/api/kernels/" not in websocket.url:
            return
        websocket.on("framesent", lambda payload: self._count(payload, sent=True))
        websocket.on("framereceived", lambda payload: self._count(payload, sent=False))

    def _count(self, payload: str | bytes, *, sent: bool) -> None:
        size = len(payload.encode("utf-8") if isinstance(payload, str) else payload)
        if sent:
            self.sent, self.sent_frames = self.sent + size, self.sent_frames + 1
        else:
            self.received, self.received_frames = self.received + size, self.received_frames + 1

    def mark(self) -> tuple[int, int, int, int]:
        return self.sent, self.received, self.sent_frames, self.received_frames


def _unavailable() -> str | None:
    """Why the benchmark cannot run here, or ``None``."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Playwright is not installed (pip install -e '.[test]')"
    from tests.e2e.support import chromium, no_chromium

    return no_chromium() if chromium() is None else None


def _notebook(folder: Path) -> str:
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3 (ipykernel)",
        "language": "python",
    }
    nb.cells = [nbformat.v4.new_code_cell(source) for source in CELLS]
    nbformat.write(nb, folder / "bench_grid.ipynb")
    return "bench_grid.ipynb"


class Page:
    """The benchmark's page: the map and the floor, measured change by change."""

    def __init__(self, page: Any, frames: Frames) -> None:
        self.page, self.frames = page, frames
        self.grid = page.locator(".casekit-grid")
        self.value = 50  # the floor slider's

    def token(self, key: str) -> Any:
        return self.grid.locator(f'.casekit-grid-token[data-id="{key}"]')

    def cell(self, power: int, interest: int) -> Any:
        return self.grid.locator(f'.casekit-grid-cell[data-power="{power}"][data-interest="{interest}"]')

    def measure(self, arm: dict[str, Any], act: Callable[[], None]) -> dict[str, Any]:
        """Arm the page, act, wait for what was armed; with the bytes the kernel's channel carried."""
        self.page.evaluate("(arm) => window.__gridBench.arm(arm)", arm)
        before = self.frames.mark()
        act()
        result: dict[str, Any] = self.page.evaluate(WAIT_JS, TIMEOUT_MS)
        if result.get("timeout"):
            raise TimeoutError(f"nothing came of {arm} within {TIMEOUT_MS} ms")
        self.page.wait_for_timeout(SETTLE_MS)
        after = self.frames.mark()
        result.update(
            zip(
                ("sent", "received", "sent_frames", "received_frames"),
                (b - a for a, b in zip(before, after, strict=True)),
                strict=True,
            )
        )
        self.page.wait_for_timeout(GAP_MS)
        return result

    def drag(self, key: str, to: tuple[int, int]) -> dict[str, Any]:
        arm = {
            "event": "pointerup",
            "id": key,
            "power": to[0],
            "interest": to[1],
            "visible": True,
            "saved": True,
        }
        return self.measure(arm, lambda: self.token(key).drag_to(self.cell(*to)))

    def key_move(
        self, key: str, frm: tuple[int, int], to: tuple[int, int]
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        """Focus, Enter (picked up), the arrow key (timed: visible), Enter (timed: saved)."""
        arrow = "ArrowUp" if to[0] > frm[0] else "ArrowDown"
        self.token(key).focus()
        self.page.keyboard.press("Enter")
        place = {"id": key, "power": to[0], "interest": to[1]}
        moved = self.measure(
            {"event": "keydown", "key": arrow, **place, "visible": True},
            lambda: self.page.keyboard.press(arrow),
        )
        saved = self.measure(
            {"event": "keydown", "key": "Enter", **place, "saved": True},
            lambda: self.page.keyboard.press("Enter"),
        )
        return moved, saved

    def slider(self) -> dict[str, Any]:
        """A key on the floor's slider: one step up from 50, or back down from 51."""
        handle = self.page.locator(".casekit-bench-slider [role=slider]").first
        handle.focus()
        key, expected = ("ArrowRight", 51) if self.value == 50 else ("ArrowLeft", 50)
        arm = {"event": "keydown", "key": key, "echoed": str(expected)}
        result = self.measure(arm, lambda: self.page.keyboard.press(key))
        self.value = expected
        return result


def measure(runs: int) -> dict[str, list[float]]:
    """Start JupyterLab and Chromium, run the notebook, take ``runs`` turns (key move, slider, drag,
    slider), and return each series (ms, or bytes)."""
    from playwright.sync_api import sync_playwright

    from tests.e2e.support import CHROMIUM_ARGS, LabPage, chromium, start_lab

    series: dict[str, list[float]] = {}

    def add(name: str, value: float | None) -> None:
        if value is not None:
            series.setdefault(name, []).append(value)

    with tempfile.TemporaryDirectory(prefix="casekit-bench-grid-") as tmp:
        base = Path(tmp)
        root = base / "notebooks"
        root.mkdir()
        notebook = _notebook(root)
        env = {}
        for key, sub in {"HOME": "home", "XDG_CONFIG_HOME": "config", "XDG_CACHE_HOME": "cache"}.items():
            (base / sub).mkdir()
            env[key] = str(base / sub)
        server = start_lab(root, base / "lab")
        try:
            with sync_playwright() as playwright:
                context = playwright.chromium.launch_persistent_context(
                    str(base / "profile"),
                    executable_path=str(chromium()),
                    headless=True,
                    args=CHROMIUM_ARGS,
                    env={**os.environ, **env},
                    viewport=LAPTOP,
                    locale="da-DK",
                )
                context.set_default_timeout(30_000)
                page = context.new_page()
                frames = Frames()
                page.on("websocket", frames.attach)
                print("  grid benchmark: JupyterLab up, running the notebook …", file=sys.stderr, flush=True)
                lab = LabPage(page, server).open(notebook)
                lab.run_all(timeout=180_000)
                lab.assert_clean(min_widgets=2)
                page.evaluate(HARNESS_JS)
                bench = Page(page, frames)
                keyed, k_from, k_to = KEYED
                dragged, d_from, d_to = DRAGGED
                bench.drag(keyed, k_from)  # untimed: both stakeholders on their first cell, every path warm
                bench.drag(dragged, d_from)
                bench.slider()
                bench.slider()
                print(f"  grid benchmark: {runs} turns …", file=sys.stderr, flush=True)
                for i in range(runs):
                    frm, to = (k_from, k_to) if i % 2 == 0 else (k_to, k_from)
                    moved, saved = bench.key_move(keyed, frm, to)
                    add("key visible", moved.get("visible"))
                    add("key frames", moved.get("frames"))
                    add("key saved", saved.get("saved"))
                    add("key sent", saved["sent"])
                    add("key received", saved["received"])
                    add("key sent frames", saved["sent_frames"])
                    floor = bench.slider()
                    add("floor", floor.get("echoed"))
                    add("floor sent", floor["sent"])
                    add("floor received", floor["received"])
                    dragged_result = bench.drag(dragged, d_to if i % 2 == 0 else d_from)
                    add("drag visible", dragged_result.get("visible"))
                    add("drag frames", dragged_result.get("frames"))
                    add("drag saved", dragged_result.get("saved"))
                    add("drag sent", dragged_result["sent"])
                    add("drag received", dragged_result["received"])
                    floor = bench.slider()
                    add("floor", floor.get("echoed"))
                context.close()
        finally:
            server.stop()
            shutil.rmtree(base / "profile", ignore_errors=True)
    return series


def rows(runs: int = 40) -> list[Row]:
    """The table's rows: position visible and save confirmed for a key move and a drag (p50, p95) against
    the floor, and the bytes each way per change."""
    why = _unavailable()
    if why is not None:
        return [
            Row(
                name="stakeholder map in the browser",
                median=None,
                text="skipped",
                verdict="skipped",
                group=GROUP,
                notes=(why,),
            )
        ]
    started = time.perf_counter()
    series = measure(runs)
    ms = {
        name: [v / 1000 for v in values]
        for name, values in series.items()
        if "sent" not in name and "received" not in name and "frames" not in name
    }
    floor = ms.get("floor", [])
    out: list[Row] = []
    for label, key in (("key move", "key"), ("drag", "drag")):
        for stat in ("median", "p95"):
            out.append(
                measured(
                    f"{label} → position visible (next frame), {stat}",
                    ms[f"{key} visible"],
                    unit="ms",
                    floor="one frame at 60 Hz",
                    floor_values=[1 / 60],
                    median_max=2 / 60,
                    target=f"{stat} < 2 frames (33 ms)",
                    group=GROUP,
                    stat=stat,
                )
            )
        for stat, limit in (("median", None), ("p95", 0.100)):
            out.append(
                measured(
                    f"{label} → save confirmed, {stat}",
                    ms[f"{key} saved"],
                    unit="ms",
                    floor=FLOOR,
                    floor_values=floor,
                    median_max=limit,
                    group=GROUP,
                    stat=stat,
                )
            )
    out.append(
        measured(
            "floor: IntSlider key → HTML echo",
            floor,
            unit="ms",
            floor="(itself)",
            floor_values=floor,
            group=GROUP,
        )
    )
    for label, key in (("key move", "key"), ("drag", "drag")):
        out.append(
            measured(
                f"{label}: bytes sent per change (browser → kernel)",
                series[f"{key} sent"],
                unit="B",
                floor="IntSlider change",
                floor_values=series["floor sent"],
                median_max=1000,
                group=GROUP,
            )
        )
        out.append(
            measured(
                f"{label}: bytes received until confirmed (kernel → browser)",
                series[f"{key} received"],
                unit="B",
                floor="IntSlider change",
                floor_values=series["floor received"],
                group=GROUP,
            )
        )
    counted = series.get("key frames", []) + series.get("drag frames", [])
    early = sum(1 for f in counted if f == 0)
    notes = [
        f"{time.perf_counter() - started:.0f} s with the server and browser start",
        f"moved in the page within the input's own task (before the next frame) in {early} of {len(counted)}",
    ]
    frames = series.get("key sent frames", [])
    if frames:
        notes.append(f"frames sent per key move: median {statistics.median(frames):g}")
    out[0] = Row(**{**out[0].__dict__, "notes": tuple(notes)})
    return out


def main(argv: list[str] | None = None) -> int:
    import argparse

    from benchmarks._table import show

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="10 runs instead of 40")
    parser.add_argument("--markdown", action="store_true")
    args = parser.parse_args(argv)
    show(rows(10 if args.quick else 40), markdown=args.markdown)
    return 0


if __name__ == "__main__":
    sys.exit(main())
