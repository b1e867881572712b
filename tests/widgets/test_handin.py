"""The hand-in's download and upload controls (casekit/widgets/handin.py), driven headless the way the browser
drives them."""

from __future__ import annotations

import base64
import html
import json
import re
import threading
from datetime import datetime, timezone
from pathlib import Path

import ipywidgets as widgets
import pytest

from casekit.answers import AnswerStore
from casekit.i18n import t
from casekit.importer import MAX_IMPORT_BYTES
from casekit.widgets.handin import DownloadControl, UploadControl

pytestmark = pytest.mark.usefixtures("every_revision_exported")


def _link(html: str) -> tuple[str, str, bytes]:
    """(download file name, MIME type, decoded content) of the link in a control."""
    match = re.fullmatch(
        r'<a download="([^"]+)" style="[^"]*underline[^"]*" '
        r'href="data:([^;]+);charset=utf-8;base64,([^"]+)">[^<]+</a>',
        html,
    )
    assert match, html
    return match.group(1), match.group(2), base64.b64decode(match.group(3))


def _uploaded(content: bytes, name: str = "svar.json") -> tuple[dict, ...]:
    """A FileUpload value as ipywidgets 8 sets it from the browser (the file picker's is the same)."""
    return (
        {
            "name": name,
            "type": "application/json",
            "size": len(content),
            "content": memoryview(content),
            "last_modified": datetime(2025, 3, 1, 10, 0, tzinfo=timezone.utc),
        },
    )


class TestDownload:
    """The link carries the export as a data URL, and refreshing it picks up new answers."""

    def test_json_link(self, store: AnswerStore):
        store.save("organisering-1", "æøå 🙂")
        widget = DownloadControl(store, None).widget
        assert isinstance(widget, widgets.HTML)
        name, mime, content = _link(widget.value)
        assert name == f"samskabelse-{store.learner}.json"
        assert mime == "application/json"
        assert json.loads(content.decode("utf-8"))["answers"]["organisering-1"]["value"] == "æøå 🙂"
        assert "Hent dine svar" in widget.value

    def test_refresh_picks_up_new_answers(self, store: AnswerStore, case):
        control = DownloadControl(store, case, "json")
        assert json.loads(_link(control.widget.value)[2])["answers"] == {}
        store.save("etik-1", "nyt svar")
        control.refresh()
        assert json.loads(_link(control.widget.value)[2])["answers"]["etik-1"]["value"] == "nyt svar"
        store.save("etik-1", "endnu nyere")
        control.button.click()  # the learner's "Opdatér link" button
        assert json.loads(_link(control.widget.value)[2])["answers"]["etik-1"]["value"] == "endnu nyere"
        assert control.box.children == (control.widget, control.button)

    @pytest.mark.parametrize(
        ("format", "mime", "suffix"), [("html", "text/html", ".html"), ("markdown", "text/markdown", ".md")]
    )
    def test_hand_in_links(self, store: AnswerStore, case, format: str, mime: str, suffix: str):
        store.save("organisering-1", "<b>mit svar</b>")
        name, got_mime, content = _link(DownloadControl(store, case, format).widget.value)
        assert (got_mime, Path(name).suffix) == (mime, suffix)
        text = content.decode("utf-8")
        assert case.question("organisering-1").text in text.replace("&#x27;", "'").replace("&quot;", '"')
        # The learner's markup reads as text in both: escaped in HTML, its "<" neutralised in Markdown.
        assert ("&lt;b&gt;mit svar&lt;/b&gt;" if format == "html" else "&lt;b>mit svar&lt;/b>") in text


class TestUpload:
    """Uploading an export imports it and says so in Danish; a bad file gets a message, never a traceback."""

    @staticmethod
    def _export_of_another_session(tmp_path: Path, case) -> bytes:
        with AnswerStore.open(tmp_path / "binder", case=case) as other:
            other.save("organisering-1", "skrevet på Binder")
            other.save("organisering-1", "rettet på Binder")
            other.save("etik-1", "æøå")
            return other.export(tmp_path / "binder.json").read_bytes()

    def test_control_shape(self, store: AnswerStore, case):
        """One JSON file at a time, a button in the catalog's words that reads "upload", not "download",
        and shows no counter (ipywidgets' FileUpload adds "(0)"); a file too big arrives without its bytes."""
        control = UploadControl(store, case)
        assert isinstance(control, UploadControl)
        assert control.upload.accept == ".json" and control.upload.multiple is False
        assert control.upload.description == t("answers.upload.description", "da")
        assert "hent" not in control.upload.description.lower()  # "Hent dine svar" is the download
        assert not isinstance(control.upload, widgets.FileUpload)
        assert control.upload.max_bytes == MAX_IMPORT_BYTES
        assert control.widget.children == (control.upload, control.status)

    def test_upload_imports_and_reports(self, store: AnswerStore, case, tmp_path: Path):
        store.save("etik-2", "lokalt svar")
        calls = []
        control = UploadControl(store, case, on_import=calls.append)
        control.upload.value = _uploaded(self._export_of_another_session(tmp_path, case))
        assert store.get("organisering-1") == "rettet på Binder"
        assert store.get("etik-2") == "lokalt svar"
        assert t("import.success", "da", added=3, name="svar.json") in control.status.value
        assert 'role="status"' in control.status.value
        assert [c.added for c in calls] == [3]
        assert control.upload.value == ()  # cleared, so the same file can be chosen again

    def test_same_file_twice_adds_nothing(self, store: AnswerStore, case, tmp_path: Path):
        content = self._export_of_another_session(tmp_path, case)
        control = UploadControl(store, case)
        control.upload.value = _uploaded(content)
        control.upload.value = _uploaded(content)
        assert "ingen nye svar" in control.status.value
        assert store.count() == 3

    @pytest.mark.parametrize(
        ("content", "expected"),
        [
            (b"\x89PNG\r\n", "UTF-8"),
            (b"{ikke json", "ikke gyldig JSON"),
            (json.dumps({"format": "noget andet"}).encode(), '"format"'),
        ],
    )
    def test_bad_file_gets_a_friendly_message(self, store: AnswerStore, case, content: bytes, expected: str):
        store.save("etik-1", "mit svar")
        control = UploadControl(store, case)
        control.upload.value = _uploaded(content, name="forkert.json")
        assert expected in html.unescape(control.status.value)
        assert "forkert.json" in control.status.value
        assert 'role="alert"' in control.status.value
        assert "Traceback" not in control.status.value
        assert store.as_dict() == {"etik-1": "mit svar"} and store.count() == 1

    def test_unexpected_error_is_not_a_traceback(self, store: AnswerStore, case, monkeypatch, caplog):
        def explode(content: bytes, name: str = "") -> None:
            raise RuntimeError("disk on fire")

        monkeypatch.setattr(store, "import_bytes", explode)
        control = UploadControl(store, case)
        control.upload.value = _uploaded(b"{}")
        assert "uventet fejl" in control.status.value and "Traceback" not in control.status.value
        assert "disk on fire" in caplog.text  # the details go to the log

    def test_upload_handled_on_another_thread(self, store: AnswerStore, case, tmp_path: Path):
        """In a live kernel the callback runs on a subshell thread, not the one that opened the store."""
        content = self._export_of_another_session(tmp_path, case)
        control = UploadControl(store, case)
        thread = threading.Thread(target=lambda: setattr(control.upload, "value", _uploaded(content)))
        thread.start()
        thread.join()
        assert store.get("etik-1") == "æøå"

    def test_oversized_upload_is_refused_before_parsing(self, store: AnswerStore, case):
        control = UploadControl(store, case)
        item = dict(_uploaded(b"{}")[0], size=21 * 1024 * 1024)
        control.upload.value = (item,)
        assert "for stor" in control.status.value
        assert store.count() == 0
