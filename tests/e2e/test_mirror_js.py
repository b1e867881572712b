"""casekit/static/mirror.js in Chromium, on a page of its own with a stand-in for the widget's model (no
kernel): what it reports and writes when the browser's storage is full, and when another session of the same
learner wrote the copy since this page looked.

The kernel's side of each report is tested in tests/widgets/test_mirror.py; here the front end's part.
"""

from __future__ import annotations

import functools
import http.server
import json
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import BrowserContext, Page

pytestmark = [pytest.mark.browser]

MIRROR_JS = Path(__file__).resolve().parents[2] / "casekit" / "static" / "mirror.js"
KEY = "casekit:binder:samskabelse"

# The widget's model as anywidget gives it to the front end: traits, change events and custom messages.
PAGE = """<!doctype html><html lang="da"><body><div class="casekit-mirror-box"><div id="el"></div></div>
<script type="module">
import widget from "./mirror.js";
window.makeModel = (id, payload) => {
  const state = {storage_key: "__KEY__", payload: payload || "", browser: {}, max_keys: 64, max_field: 300,
                 copy_id: id};
  const handlers = {};
  const model = {
    reports: [], sent: [],
    get: (k) => state[k],
    set: (k, v) => { state[k] = v; if (k === "browser") model.reports.push(v);
                     (handlers["change:" + k] || []).forEach((h) => h()); },
    save_changes: () => {},
    on: (e, h) => { (handlers[e] ||= []).push(h); },
    off: () => {},
    send: (message) => model.sent.push(message),
    emit: (e, arg) => (handlers[e] || []).forEach((h) => h(arg)),
  };
  widget.initialize({model});
  return model;
};
window.widget = widget;
window.ready = true;
</script></body></html>
""".replace("__KEY__", KEY)


def export(answers: dict[str, list[str]]) -> str:
    """An export document's text: each answer's history as its save times."""
    return json.dumps(
        {
            "format": "casekit-answers",
            "case": {"id": "samskabelse"},
            "answers": {
                key: {"value": "x", "history": [{"value": "x", "saved_at": at} for at in times]}
                for key, times in answers.items()
            },
        }
    )


@pytest.fixture
def page(browser_context: BrowserContext, tmp_path: Path) -> Iterator[Page]:
    """A page of its own origin serving mirror.js beside the stand-in; its storage is emptied after."""
    shutil.copyfile(MIRROR_JS, tmp_path / "mirror.js")
    (tmp_path / "index.html").write_text(PAGE, encoding="utf-8")
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(tmp_path))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    opened = browser_context.new_page()
    try:
        opened.goto(f"http://127.0.0.1:{server.server_address[1]}/index.html")
        opened.wait_for_function("window.ready === true")
        yield opened
        opened.evaluate("localStorage.clear()")
    finally:
        opened.close()
        server.shutdown()
        server.server_close()


def run(page: Page, script: str, *args: Any) -> Any:
    return page.evaluate(script, list(args))


def test_a_full_storage_still_gives_the_copy_back(page: Page) -> None:
    """Other sites' data fills the origin's storage: the copy already there is reported and read back,
    not called unavailable (which hid the learner's answers from them)."""
    copy = export({"organisering-1": ["2026-01-01T10:00:00.000000+00:00"]})
    result = run(
        page,
        """([key, copy]) => {
          localStorage.setItem(key, copy);
          let chunk = "x".repeat(1 << 20), i = 0;
          while (chunk.length >= 1) {
            try { localStorage.setItem("other:" + (i++), chunk); }
            catch (e) { chunk = chunk.slice(0, chunk.length >> 1); }
          }
          const model = makeModel("full");
          widget.render({model, el: document.getElementById("el")});
          model.emit("msg:custom", {type: "read"});
          return {reports: model.reports, sent: model.sent};
        }""",
        KEY,
        copy,
    )
    (report,) = result["reports"]
    assert report["state"] == "held" and report["count"] == 1
    assert result["sent"] == [{"type": "copy", "text": copy, "reason": ""}]


def write_over(page: Page, stored: str, payload: str) -> dict[str, Any]:
    """The copy holds ``stored``; the kernel sends ``payload``: what the copy then holds, and the reports."""
    return run(
        page,
        """([key, stored, payload]) => {
          localStorage.setItem(key, stored);
          const model = makeModel("write");
          model.set("payload", payload);
          return {stored: localStorage.getItem(key), reports: model.reports};
        }""",
        KEY,
        stored,
        payload,
    )


def test_a_copy_another_session_wrote_is_not_overwritten(page: Page) -> None:
    """Two sessions of one learner: the copy now holds a revision this session's store lacks. Writing is
    held back, and the page reports what the copy holds (the kernel then offers to restore it)."""
    first = "2026-01-01T10:00:00.000000+00:00"
    theirs = export({"organisering-1": [first], "organisering-2": ["2026-01-01T11:00:00.000000+00:00"]})
    mine = export({"organisering-1": [first], "organisering-3": ["2026-01-01T12:00:00.000000+00:00"]})
    result = write_over(page, theirs, mine)
    assert result["stored"] == theirs
    (report,) = result["reports"]
    assert report["state"] == "held" and set(report["keys"]) == {"organisering-1", "organisering-2"}


def test_a_payload_that_holds_the_copy_replaces_it(page: Page) -> None:
    """This session's store holds every revision of the copy (it restored it, or wrote it): written."""
    first = "2026-01-01T10:00:00.000000+00:00"
    before = export({"organisering-1": [first]})
    after = export({"organisering-1": [first, "2026-01-02T10:00:00.000000+00:00"]})
    assert write_over(page, before, after) == {"stored": after, "reports": []}


def test_a_keystroke_the_next_export_leaves_out_is_no_reason_to_hold_back(page: Page) -> None:
    """One session typing: an export leaves out a keystroke a later one overtook, so the copy's newest
    revision is not in the next export, yet the export's answer is newer. Written, and nothing reported
    (reporting it sent a second message to the kernel with every change, and the copy was never updated)."""
    first = "2026-01-01T10:00:00.000000+00:00"
    before = export({"organisering-1": [first, "2026-01-01T10:00:01.000000+00:00"]})
    after = export({"organisering-1": [first, "2026-01-01T10:00:02.000000+00:00"]})
    assert write_over(page, before, after) == {"stored": after, "reports": []}


def test_an_answer_saved_later_in_the_copy_is_not_overwritten(page: Page) -> None:
    """The other session saved the same answer later than this session's newest: held back, reported."""
    first = "2026-01-01T10:00:00.000000+00:00"
    theirs = export({"organisering-1": [first, "2026-01-01T12:00:00.000000+00:00"]})
    mine = export({"organisering-1": [first, "2026-01-01T11:00:00.000000+00:00"]})
    result = write_over(page, theirs, mine)
    assert result["stored"] == theirs and [r["state"] for r in result["reports"]] == ["held"]
