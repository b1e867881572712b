"""The hand-in (casekit/widgets/handin.py): its upload control driven headless the way the browser drives it,
and the activity around the downloads (casekit/widgets/download.py, tested in test_download.py)."""

from __future__ import annotations

import html
import importlib
import json
import threading
from datetime import datetime, timezone
from pathlib import Path

import ipywidgets
import pytest

from casekit import widgets
from casekit.answers import AnswerStore
from casekit.errors import AnswerImportError
from casekit.export import render
from casekit.i18n import t
from casekit.importer import MAX_IMPORT_BYTES
from casekit.widgets.download import DownloadControl
from casekit.widgets.handin import UploadControl

pytestmark = pytest.mark.usefixtures("every_revision_exported")

handin_module = importlib.import_module("casekit.widgets.handin")  # the package's `handin` is the function


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
        """One JSON or HTML file at a time, a button in the catalog's words that reads "upload", not
        "download", and shows no counter (ipywidgets' FileUpload adds "(0)"); a file too big arrives without
        its bytes."""
        control = UploadControl(store, case)
        assert isinstance(control, UploadControl)
        assert control.upload.accept == ".json,.html,.htm" and control.upload.multiple is False
        assert control.upload.description == t("answers.upload.description", "da")
        assert "hent" not in control.upload.description.lower()  # "Hent dine svar" is the download
        assert not isinstance(control.upload, ipywidgets.FileUpload)
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


class TestUploadHtml:
    """An HTML hand-in uploads like its JSON export: the same answers, the same checks, the same words."""

    @staticmethod
    def _hand_in(tmp_path: Path, case) -> tuple[bytes, bytes]:
        with AnswerStore.open(tmp_path / "laptop", case=case) as other:
            other.save("organisering-1", "skrevet på den bærbare </script><!--")
            other.save("dilemma-2", {"position": 4, "justification": "fordi & derfor"})
            return render(other, "html", case=case).encode("utf-8"), render(other, "json").encode("utf-8")

    def test_html_imports_what_json_imports(self, case, tmp_path: Path):
        page, export = self._hand_in(tmp_path, case)
        imported = []
        for name, content in (("aflevering.html", page), ("svar.json", export)):
            with AnswerStore.open(tmp_path / name, case=case) as target:
                control = UploadControl(target, case)
                control.upload.value = _uploaded(content, name=name)
                assert 'role="status"' in control.status.value and name in control.status.value
                imported.append(target.as_dict())
        assert imported[0] == imported[1]
        assert imported[0]["organisering-1"] == "skrevet på den bærbare </script><!--"

    def test_a_tampered_block_gets_the_imports_message(self, store: AnswerStore, case, tmp_path: Path):
        page, _export = self._hand_in(tmp_path, case)
        tampered = page.replace(b'"position": 4', b'"position": 9')
        assert tampered != page
        control = UploadControl(store, case)
        control.upload.value = _uploaded(tampered, name="aflevering.html")
        assert 'role="alert"' in control.status.value and store.count() == 0
        with pytest.raises(AnswerImportError) as refused:
            store.import_bytes(tampered, name="aflevering.html")
        assert html.unescape(control.status.value).count(str(refused.value)) == 1

    def test_an_html_page_without_answers_is_refused_with_a_reason(self, store: AnswerStore, case):
        control = UploadControl(store, case)
        control.upload.value = _uploaded(b"<!DOCTYPE html><html><p>hej</p></html>", name="andet.html")
        reason = t("import.error.html_without_answers", "da", name="andet.html")
        assert html.unescape(control.status.value).count(reason) == 1
        assert 'role="alert"' in control.status.value and store.count() == 0


def _widgets_in(box: ipywidgets.Widget) -> list[ipywidgets.Widget]:
    """Every widget in ``box``, in the order shown."""
    found = [box]
    for child in getattr(box, "children", ()):
        found.extend(_widgets_in(child))
    return found


def _text(box: ipywidgets.Widget) -> str:
    """The HTML of every piece in ``box``."""
    return " ".join(str(getattr(w, "value", "")) for w in _widgets_in(box) if isinstance(w, ipywidgets.HTML))


class TestHandinActivity:
    """06_aflevering's activity: a download per format made at the click, no refresh button, and a preview
    that follows the page."""

    def test_downloads_and_no_refresh_buttons(self, case, store: AnswerStore):
        activity = widgets.handin(case, store)
        shown = _widgets_in(activity)
        downloads = [w for w in shown if isinstance(w, DownloadControl)]
        assert [d.format for d in downloads] == ["html", "json", "markdown"]
        assert [activity.inputs[f"download.{d.format}"] for d in downloads] == downloads
        assert not [w for w in shown if isinstance(w, ipywidgets.Button)]  # no "Opdatér link", no "Opdatér"
        assert html.escape(t("widgets.handin.download_intro", "da"), quote=False) in _text(activity)

    def test_the_preview_follows_saves_on_the_page(self, case, store: AnswerStore, monkeypatch):
        monkeypatch.setattr(handin_module, "PREVIEW_DELAY", 0)
        activity = widgets.handin(case, store)
        total = len(widgets.task_keys(case))
        assert t("widgets.handin.count", "da", answered=0, total=total) in _text(activity)
        widgets.questions(case, store).inputs["etik-1"].value = "svar på siden"  # saved as a learner saves
        assert t("widgets.handin.count", "da", answered=1, total=total) in _text(activity)

    def test_the_preview_catches_up_when_the_downloads_are_looked_at(self, case, store, monkeypatch):
        """A save in another notebook (its own kernel) is counted when the learner comes back: the
        downloads' front end says ``look``."""
        monkeypatch.setattr(handin_module, "PREVIEW_DELAY", 0)
        activity = widgets.handin(case, store)
        progress = widgets.progress(case, store, "06_aflevering")
        total = len(widgets.task_keys(case))
        with AnswerStore.open(store.path, case=case) as other_kernel:
            other_kernel.save("organisering-2", "svar fra 04")
        assert t("widgets.handin.count", "da", answered=0, total=total) in _text(activity)
        activity.inputs["download.json"]._handle_custom_msg({"type": "look"}, [])
        assert t("widgets.handin.count", "da", answered=1, total=total) in _text(activity)
        assert t("progress.case", "da", answered=1, total=total) in progress.view.value
