"""The hand-in's downloads (casekit/widgets/download.py), driven headless the way casekit/static/download.js
drives them: a click is the custom message ``make``, the file comes back as a ``file`` message whose one
buffer holds its bytes."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from casekit.answers import AnswerStore
from casekit.errors import AnswerStoreError
from casekit.i18n import t
from casekit.naming import answer_title
from casekit.widgets import download as download_module
from casekit.widgets.download import DownloadControl, holding, read_message

pytestmark = pytest.mark.usefixtures("every_revision_exported")


class Front:
    """The front end of one control: what it was sent (messages and buffers), and its clicks."""

    def __init__(self, control: DownloadControl) -> None:
        self.control = control
        self.sent: list[tuple[dict[str, Any], list[bytes]]] = []
        self.clicks = 0
        control.send = self._record  # type: ignore[method-assign]

    def _record(self, content: dict[str, Any], buffers: Any = None) -> None:
        self.sent.append((content, [bytes(b) for b in buffers or ()]))

    def click(self) -> tuple[dict[str, Any], bytes | None]:
        """The learner clicks: ``make`` with a new request id; the kernel's answer and the file's bytes."""
        self.clicks += 1
        request = f"view1:{self.clicks}"
        before = len(self.sent)
        self.control._handle_custom_msg({"type": "make", "request": request}, [])
        (answer, buffers), *more = self.sent[before:]
        assert more == [] and answer["request"] == request
        return answer, (buffers[0] if buffers else None)


def control(store: AnswerStore, case: Any, fmt: str = "json", **kwargs: Any) -> tuple[DownloadControl, Front]:
    made = DownloadControl(store, case, fmt, **kwargs)
    return made, Front(made)


class TestMadeAtTheClick:
    """Nothing is made until the click; each click makes the file from the store as it is at that moment."""

    def test_an_answer_saved_after_the_control_was_shown_is_in_the_file(self, store: AnswerStore, case):
        """The control is built first (the cell ran), the answer comes later: the click's file has it."""
        download, front = control(store, case)
        assert front.sent == [] and download.note == ""
        store.save("etik-1", "æøå 🙂 skrevet bagefter")
        answer, data = front.click()
        assert answer == {
            "type": "file",
            "request": "view1:1",
            "name": f"samskabelse-{store.learner}.json",
            "mime": "application/json;charset=utf-8",
        }
        assert data is not None
        assert json.loads(data.decode("utf-8"))["answers"]["etik-1"]["value"] == "æøå 🙂 skrevet bagefter"

    def test_an_answer_saved_in_another_notebook_is_in_the_file(self, store: AnswerStore, case):
        """Another notebook is another kernel with its own store object on the same file: its save is in
        this control's next file, with no refresh of any kind."""
        _download, front = control(store, case, "html")
        with AnswerStore.open(store.path, case=case) as other_kernel:
            other_kernel.save("organisering-2", "Svar fra 04_spoergsmaal")
        _answer, data = front.click()
        assert data is not None and "Svar fra 04_spoergsmaal" in data.decode("utf-8")

    def test_every_click_makes_the_file_again(self, store: AnswerStore, case):
        download, front = control(store, case)
        store.save("etik-1", "første")
        first = json.loads(front.click()[1] or b"")
        store.save("etik-1", "anden")
        second = json.loads(front.click()[1] or b"")
        assert first["answers"]["etik-1"]["value"] == "første"
        assert second["answers"]["etik-1"]["value"] == "anden"
        assert download.made == 2

    @pytest.mark.parametrize(
        ("fmt", "mime", "suffix"), [("html", "text/html", ".html"), ("markdown", "text/markdown", ".md")]
    )
    def test_hand_in_files(self, store: AnswerStore, case, fmt: str, mime: str, suffix: str):
        """The HTML and Markdown hand-ins, the learner's markup shown as text in both."""
        download, front = control(store, case, fmt)
        store.save("organisering-1", "<b>mit svar</b>")
        answer, data = front.click()
        assert answer["mime"] == f"{mime};charset=utf-8" and Path(answer["name"]).suffix == suffix
        text = (data or b"").decode("utf-8")
        assert case.question("organisering-1").text in text.replace("&#x27;", "'").replace("&quot;", '"')
        assert ("&lt;b&gt;mit svar&lt;/b&gt;" if fmt == "html" else "&lt;b>mit svar&lt;/b>") in text
        assert download.label == t(f"answers.download.{fmt}", "da")

    def test_the_html_file_can_be_imported_again(self, store: AnswerStore, case, tmp_path: Path):
        """The downloaded hand-in carries its answers: another store imports them from it."""
        _download, front = control(store, case, "html")
        store.save("dilemma-1", {"position": 2, "justification": "fordi </script>"})
        _answer, data = front.click()
        with AnswerStore.open(tmp_path / "elsewhere", case=case) as elsewhere:
            elsewhere.import_bytes(data or b"", name="aflevering.html")
            assert elsewhere.as_dict() == store.as_dict()


class TestSaysWhatItHolds:
    """After a click the line says when the file was made, how many tasks it answers and what was saved
    last, at what time; before any click it says nothing."""

    def test_the_line_after_a_click(self, store: AnswerStore, case, monkeypatch: pytest.MonkeyPatch):
        monkeypatch.setattr(download_module, "now", lambda: "2025-03-01T09:30:00+00:00")
        download, front = control(store, case)
        store.save("etik-1", "svar")
        latest = store.save("organisering-3", "det seneste svar")
        front.click()
        held = holding(case, store)
        assert (held.answered, held.latest_key, held.latest_at) == (2, "organisering-3", latest.saved_at)
        assert held.total == len(download_module.registry.answer_keys(case))
        expected = t(
            "answers.download.made",
            "da",
            time=download_module.local_clock("2025-03-01T09:30:00+00:00"),
            answered=2,
            total=held.total,
            latest=answer_title(case, "organisering-3"),
            saved=download_module.local_clock(latest.saved_at),
        )
        assert download.note == expected and download.alert is False
        assert download.last_holding == held
        assert "organisering-3" not in download.note  # the answer's name, not its key

    def test_an_empty_store_says_so(self, store: AnswerStore, case):
        download, front = control(store, case)
        _answer, data = front.click()
        assert json.loads(data or b"")["answers"] == {}
        made_empty = re.escape(t("answers.download.made_empty", "da", time="TIME")).replace("TIME", ".+")
        assert re.fullmatch(made_empty, download.note)

    def test_an_english_control_speaks_english(self, tmp_path: Path):
        import casekit

        english = casekit.load_case("samskabelse", lang="en")
        with AnswerStore.open(tmp_path / "en", case=english) as store:
            store.save("etik-1", "answer")
            download, front = control(store, english, "html")
            front.click()
        assert download.label == t("answers.download.html", "en")
        assert download.note.startswith(t("answers.download.made", "en").split("{")[0])


class TestFailures:
    """A file that cannot be made is a line in words (an alert) and a ``failed`` answer, never a traceback;
    the answers stay in the store."""

    def test_a_store_error_is_shown_in_words(self, store: AnswerStore, case, monkeypatch):
        def broken(*_args: Any, **_kwargs: Any) -> str:
            raise AnswerStoreError("disken er fuld")

        monkeypatch.setattr(download_module, "render", broken)
        download, front = control(store, case, "html")
        store.save("etik-1", "svar")
        answer, data = front.click()
        assert answer == {"type": "failed", "request": "view1:1"} and data is None
        assert download.note == t("answers.download.failed", "da", reason="disken er fuld")
        assert download.alert is True and download.made == 0
        assert store.get("etik-1") == "svar"

    def test_an_unexpected_error_is_logged_not_shown(self, store: AnswerStore, case, monkeypatch, caplog):
        def broken(*_args: Any, **_kwargs: Any) -> str:
            raise RuntimeError("kaput internals")

        monkeypatch.setattr(download_module, "render", broken)
        download, front = control(store, case)
        answer, _data = front.click()
        assert answer["type"] == "failed"
        assert download.note == t("answers.download.failed", "da", reason="RuntimeError")
        assert "kaput internals" not in download.note and "kaput internals" in caplog.text

    def test_the_next_click_after_a_failure_works(self, store: AnswerStore, case, monkeypatch):
        calls = iter([RuntimeError("once"), None])
        real = download_module.render

        def flaky(*args: Any, **kwargs: Any) -> str:
            problem = next(calls)
            if problem is not None:
                raise problem
            return real(*args, **kwargs)

        monkeypatch.setattr(download_module, "render", flaky)
        download, front = control(store, case)
        assert front.click()[0]["type"] == "failed"
        assert front.click()[0]["type"] == "file" and download.alert is False


class TestMessages:
    """Only the two messages the front end sends are acted on; anything else is ignored (and logged)."""

    @pytest.mark.parametrize(
        "content",
        [
            None,
            "make",
            [],
            {"type": "make"},
            {"type": "make", "request": 7},
            {"type": "make", "request": ""},
            {"type": "make", "request": "x" * 65},
            {"type": "file", "request": "view1:1"},
            {"type": "copy", "text": "{}"},
        ],
    )
    def test_what_does_not_fit_is_ignored(self, store: AnswerStore, case, content: Any, caplog):
        assert read_message(content) is None
        download, front = control(store, case)
        download._handle_custom_msg(content, [])
        assert front.sent == [] and download.made == 0 and download.note == ""
        assert "does not fit" in caplog.text

    def test_look_asks_the_page_to_count_again(self, store: AnswerStore, case):
        looks: list[int] = []
        download, front = control(store, case, on_look=lambda: looks.append(1))
        download._handle_custom_msg({"type": "look"}, [])
        assert looks == [1] and front.sent == []
        front.click()
        assert looks == [1, 1]  # after a file too: the preview shows what the file held

    def test_a_failing_look_is_logged(self, store: AnswerStore, case, caplog):
        def broken() -> None:
            raise RuntimeError("preview broke")

        download, front = control(store, case, on_look=broken)
        download._handle_custom_msg({"type": "look"}, [])
        answer, _data = front.click()
        assert answer["type"] == "file" and "preview broke" in caplog.text


class TestFrontEnd:
    """The front end is files (ES module and stylesheet) beside the package, as the browser copy's is."""

    def test_module_and_stylesheet(self):
        esm, css = download_module.STATIC / "download.js", download_module.STATIC / "download.css"
        script = esm.read_text(encoding="utf-8")
        assert str(DownloadControl._esm) == script
        assert str(DownloadControl._css) == css.read_text(encoding="utf-8")
        for word in ('"make"', '"look"', '"file"', "msg:custom", "createObjectURL", "aria-busy"):
            assert word in script
        # Every word a learner reads comes from the kernel's traits: no sentence in the script.
        assert not re.search(r"textContent\s*=\s*[\"'`]", script)
        assert ".casekit-download-button" in css.read_text(encoding="utf-8")
