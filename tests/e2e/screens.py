"""What the screen tests (test_screens.py, test_voila_app.py) share: the two screen sizes, a learner's answers
that exercise every name a screen must show (an own stakeholder, a chosen option, a plan, cited paragraphs),
Voilà serving the whole notebooks folder, and what is measured on a page: labels cut with "…", controls past
the right edge, ``title="null"``, internal codes in the text a person reads.

Measured in Chromium on JupyterLab 4.6 and Voilà 0.5 (ipywidgets 8.1): a cut label is an element whose
``scrollWidth`` exceeds its ``clientWidth`` while its computed ``text-overflow`` is ``ellipsis`` (ipywidgets'
``.widget-label``, ``.widget-label-basic``, ``.jupyter-button``). Past the right edge is a control, a
paragraph, a heading, a quote or a table that ends to the right of its output (whose overflow is hidden);
an element that hides its own overflow and is wider inside than out hides text too. JupyterLab skips the
layout of cells outside the window (``content-visibility: auto``), so the measurement makes every cell
visible for its duration.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import psutil

from casekit import registry
from casekit.answers import AnswerStore

from .support import (
    ServerProcess,
    VoilaServer,
    free_port,
    port_open,
    server_env,
    start_process,
    wait_until,
)

if TYPE_CHECKING:
    from playwright.sync_api import Page

    import casekit

SIZES = {"1366x768": {"width": 1366, "height": 768}, "1920x1080": {"width": 1920, "height": 1080}}
"""A common laptop and a projector."""

OWN_NAME = "Lærerne"
ROUND_NAME = "før"  # its folder is "foer": the name must be what a learner reads

# Internal values that must never be on a screen (the registry's keys and ids, a round's folder name, an
# environment variable outside the instructor's folded note).
INTERNAL = re.compile(
    r"\bown-\d+\b|\bat_table\b|\bdel-\d\b|\bfoer\b|\bmaal-foerst\b"
    r"|Dit valg: interesser|Your choice: interesser|\bCASEKIT_[A-Z_]+\b"
)
LEVEL_IDS = re.compile(r"\b(inform|consult|involve|collaborate|empower)\b")  # IAP2 ids (Danish pages)

_MEASURE_JS = """
(scope) => {
  const style = document.createElement('style');
  style.textContent = '.jp-Cell { content-visibility: visible !important; }';
  document.head.appendChild(style);
  const outputs = [...document.querySelectorAll(scope + ' .jp-OutputArea-output')];
  const describe = (el) => (el.labels && el.labels[0] ? el.labels[0].innerText : el.innerText || el.value
    || el.getAttribute('aria-label') || '').trim().slice(0, 80);
  const cut = [], past = [], nullTitles = [], clipped = [];
  let controls = 0;
  for (const output of outputs) {
    const edge = output.getBoundingClientRect().right;
    for (const el of output.querySelectorAll('*')) {
      const css = getComputedStyle(el);
      if (css.display === 'none' || css.visibility === 'hidden' || !el.getClientRects().length) continue;
      // Text for screen readers only (1×1 px and clipped, as .casekit-grid-sr): read whole, never shown.
      const box = el.getBoundingClientRect();
      if (box.width <= 1 && box.height <= 1 && css.position === 'absolute') continue;
      if (css.textOverflow === 'ellipsis' && el.scrollWidth > el.clientWidth + 1) {
        cut.push(`${el.tagName.toLowerCase()}.${el.className}: "${describe(el)}"`);
      } else if (!/^(INPUT|TEXTAREA|SELECT|OPTION)$/.test(el.tagName) && /hidden|clip/.test(css.overflowX)
                 && el.scrollWidth > el.clientWidth + 1) {
        clipped.push(`${el.tagName.toLowerCase()}.${el.className}: "${describe(el).slice(0, 60)}"`);
      }
      const control = /^(INPUT|TEXTAREA|SELECT|BUTTON)$/.test(el.tagName);
      if (control) controls += 1;
      if (control || /^(P|H[1-6]|BLOCKQUOTE|TABLE|LABEL)$/.test(el.tagName)) {
        const right = el.getBoundingClientRect().right;
        if (right > edge + 0.5) past.push(`${el.tagName.toLowerCase()} "${describe(el)}" ${right} > ${edge}`);
      }
      if (el.getAttribute('title') === 'null') {
        nullTitles.push(`${el.tagName.toLowerCase()} "${describe(el)}"`);
      }
    }
  }
  const text = outputs.map((o) => o.innerText).join('\\n');
  style.remove();
  return {outputs: outputs.length, controls, cut, past, nullTitles, clipped, text};
}
"""


@dataclass
class Layout:
    """What one page shows at one size (see the module docstring)."""

    outputs: int
    controls: int
    cut: list[str] = field(default_factory=list)
    past: list[str] = field(default_factory=list)
    null_titles: list[str] = field(default_factory=list)
    clipped: list[str] = field(default_factory=list)
    text: str = ""

    def internal(self, lang: str) -> list[str]:
        """The internal values in the text a person reads (level ids only where they are not English)."""
        found = INTERNAL.findall(self.text)
        return found + (LEVEL_IDS.findall(self.text) if lang == "da" else [])

    def problems(self, lang: str) -> list[str]:
        return [
            *(f"cut with …: {c}" for c in self.cut),
            *(f"past the right edge: {p}" for p in self.past),
            *(f'title="null": {n}' for n in self.null_titles),
            *(f"wider than its box, the rest hidden: {c}" for c in self.clipped),
            *(f"internal value on screen: {v!r}" for v in self.internal(lang)),
        ]


def measure(page: Page, scope: str = "body") -> Layout:
    """Measure every output under ``scope`` on the page as it is laid out now."""
    found = page.evaluate(_MEASURE_JS, scope)
    return Layout(
        found["outputs"],
        found["controls"],
        found["cut"],
        found["past"],
        found["nullTitles"],
        found["clipped"],
        found["text"],
    )


def scroll_through(page: Page, scroller: str, step: float = 0.85) -> Iterator[int]:
    """Scroll ``scroller`` from its top to its bottom, a window (``step`` of its height) at a time, yielding
    each position once the page has painted it; back at the top afterwards."""
    box = page.locator(scroller).first
    height, view = box.evaluate("(el) => [el.scrollHeight, el.clientHeight]")
    top = 0
    while True:
        box.evaluate("(el, top) => { el.scrollTop = top; }", top)
        page.wait_for_timeout(250)
        yield top
        if top + view >= height:
            break
        top += int(view * step)
    box.evaluate("(el) => { el.scrollTop = 0; }")


def seed_answers(answers_dir: Path, case: casekit.Case) -> None:
    """A learner's answers that every screen must show in words: an own stakeholder (placed, not at the
    table), the decision's option, a plan with the case's and the own stakeholder's levels, a dilemma
    citing paragraphs."""
    with AnswerStore.open(answers_dir, case=case) as store:
        own = {"name": OWN_NAME, "at_table": False, "power": 2, "interest": 5}
        store.save(registry.STAKEHOLDER_MAP, {"kim": {"power": 4, "interest": 5}, "own-1": own})
        store.save(registry.DECISION_POINT, {"choice": "interesser", "justification": ""})
        store.save(registry.GOAL_DIVERGENCE, {"kim": 2, "majbritt": 4})
        store.save(
            registry.PARTICIPATION_PLAN, {"kim": "inform", "boern-unge": "involve", "own-1": "empower"}
        )
        store.save("dilemma-1", {"position": 1, "paragraphs": ["del-1 ¶3", "del-2 ¶1"]})


# -- Voilà serving the notebooks folder (the README's `voila notebooks/`, and Binder's voila/render/) --------
CULL_SECONDS = 3
"""How long the test app lets a page's kernel idle without a connection before culling it (`make app`: 120 s;
Voilà 0.5's own shutdown when a page is left fails, voila-dashboards/voila#1458)."""


def start_voila_app(folder: Path, work_dir: Path, timeout: float = 30.0) -> VoilaServer:
    """``voila FOLDER`` as ``make app`` starts it: every notebook under ``/voila/render/``, the kernels of
    pages left behind culled (here after :data:`CULL_SECONDS`); its kernels get their own answer folder."""
    work_dir.mkdir(parents=True, exist_ok=True)
    answers = work_dir / "answers"
    port = free_port()
    cmd = [
        sys.executable,
        "-m",
        "voila",
        str(folder),
        f"--port={port}",
        "--no-browser",
        "--Voila.ip=127.0.0.1",
        "--VoilaConfiguration.extension_denylist=['jupyterlab-jupytext']",
        "--show_tracebacks=True",
        f"--MappingKernelManager.cull_idle_timeout={CULL_SECONDS}",
        "--MappingKernelManager.cull_interval=1",
        "--MappingKernelManager.cull_connected=False",
    ]
    process: ServerProcess = start_process(
        "voila", cmd, server_env(work_dir, answers), folder, work_dir / "voila.log"
    )
    wait_until(process, lambda: port_open(port), timeout, f"port {port}")
    return VoilaServer(folder, answers, port, process)


def render_url(server: VoilaServer, notebook: str) -> str:
    """The app's page of ``notebook`` (a path under the served folder)."""
    return f"{server.url}voila/render/{notebook}"


def wait_rendered(page: Page, timeout: int = 90_000) -> None:
    """Wait until Voilà has run the page's notebook (``#loading`` hidden)."""
    page.locator("#loading").wait_for(state="hidden", timeout=timeout)


def kernels(server: Any) -> int:
    """How many kernel processes the server runs now."""
    try:
        children = psutil.Process(server.process.pid).children(recursive=True)
    except psutil.NoSuchProcess:
        return 0
    count = 0
    for child in children:
        try:
            if any("ipykernel" in part for part in child.cmdline()):
                count += 1
        except psutil.Error:  # a kernel that ended meanwhile
            continue
    return count
