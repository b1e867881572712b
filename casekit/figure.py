"""The figure a document embeds: a chart drawn for the hand-in, with its heading and alt text.

The charts make them (:mod:`casekit.charts`), the hand-in embeds them (:mod:`casekit.export`); neither
needs the other to name the type.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass

__all__ = ["ExportFigure"]


@dataclass(frozen=True)
class ExportFigure:
    """A chart for the HTML hand-in: a heading, the figure and the alt text that describes it.

    ``svg`` is the vector figure (text kept as text: crisp on screen and in print) and is what the hand-in
    embeds; ``png`` is a raster alternative, used only when there is no ``svg``.
    """

    title: str
    png: bytes = b""
    alt: str = ""
    svg: str = ""

    @property
    def src(self) -> str:
        """The figure as a ``data:`` address for an ``<img>``: the hand-in stands alone."""
        if self.svg:
            return "data:image/svg+xml;base64," + base64.b64encode(self.svg.encode("utf-8")).decode("ascii")
        return "data:image/png;base64," + base64.b64encode(bytes(self.png)).decode("ascii")
