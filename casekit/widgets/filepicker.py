"""A file picker for the learner's answer files: a button that says what it does, and no counter.

ipywidgets' ``FileUpload`` always writes how many files it holds after its label ("Hent svar ind (0)"), a raw
counter a learner cannot make sense of. :class:`FilePicker` is an anywidget (``casekit/static/filepicker.js``
and ``.css``) with the same ``value`` (a tuple of ``{name, type, size, last_modified, content}``, the bytes as
a ``memoryview``), so code written for ``FileUpload.value`` reads it unchanged. The file's bytes travel to the
kernel once and are not echoed back; a file over ``max_bytes`` arrives without them.
"""

from __future__ import annotations

import anywidget
import traitlets

from casekit.widgets.base import STATIC

__all__ = ["FilePicker"]


class FilePicker(anywidget.AnyWidget):
    """A button that opens the browser's file dialog and sends the chosen files to the kernel.

    Attributes
    ----------
    description : str
        The button's text ("Indlæs en svarfil …").
    tooltip : str
        The button's title: what happens to the file.
    accept : str
        The file types the dialog offers (``".json"``).
    multiple : bool
        Whether several files can be chosen at once.
    max_bytes : int
        Files larger than this arrive without their bytes (``size`` tells why); 0 for no limit.
    disabled : bool
        The button cannot be pressed.
    value : tuple of dict
        The chosen files, as ``ipywidgets.FileUpload`` gives them; set it to ``()`` once read.
    """

    _esm = STATIC / "filepicker.js"
    _css = STATIC / "filepicker.css"
    description = traitlets.Unicode("").tag(sync=True)
    tooltip = traitlets.Unicode("").tag(sync=True)
    accept = traitlets.Unicode("").tag(sync=True)
    multiple = traitlets.Bool(False).tag(sync=True)
    max_bytes = traitlets.Int(0).tag(sync=True)
    disabled = traitlets.Bool(False).tag(sync=True)
    # The file's bytes are not echoed back to the browser (ipywidgets 8 echoes every update by default).
    value = traitlets.Tuple().tag(sync=True, echo_update=False)
