"""A fixed-layout page as positioned glyphs and ruling lines, read the way pdfplumber reads a PDF page.

Readers of fixed-layout formats other than PDF (OFD) build a :class:`PageLayout` (points, origin top left,
y downwards, as pdfplumber) and get the page's text and tables from pdfplumber's own algorithms (word and
line grouping, lattice table finding from the ruling lines), so a report laid out the same way gives the
same lines and table rows whichever format it arrives in.
"""

from __future__ import annotations

from dataclasses import dataclass, field

MAX_EDGES = 6000  # table finding is quadratic in the ruling lines: beyond this the page's tables are skipped


def glyph(text: str, x0: float, top: float, x1: float, bottom: float, size: float, doctop: float = 0.0) -> dict:
    """One character as pdfplumber represents it (only the keys its text and table code reads)."""
    return {"object_type": "char", "text": text, "x0": x0, "x1": x1, "top": top, "bottom": bottom,
            "doctop": doctop + top, "width": x1 - x0, "height": bottom - top, "size": size, "upright": True,
            "fontname": "", "matrix": (1, 0, 0, 1, x0, bottom)}


def edge(x0: float, top: float, x1: float, bottom: float) -> dict | None:
    """A horizontal or vertical ruling line as a pdfplumber edge; None for a slanted one."""
    x0, x1 = min(x0, x1), max(x0, x1)
    top, bottom = min(top, bottom), max(top, bottom)
    if bottom - top < 0.5:
        mid = (top + bottom) / 2
        return {"object_type": "line", "orientation": "h", "x0": x0, "x1": x1, "top": mid, "bottom": mid,
                "doctop": mid, "width": x1 - x0, "height": 0.0}
    if x1 - x0 < 0.5:
        mid = (x0 + x1) / 2
        return {"object_type": "line", "orientation": "v", "x0": mid, "x1": mid, "top": top, "bottom": bottom,
                "doctop": top, "width": 0.0, "height": bottom - top}
    return None


@dataclass
class PageLayout:
    """One page: its size in points, glyphs in reading order, ruling lines, the number of images."""

    width: float
    height: float
    chars: list[dict] = field(default_factory=list)
    edges: list[dict] = field(default_factory=list)
    images: int = 0

    @property
    def bbox(self) -> tuple[float, float, float, float]:
        return (0.0, 0.0, self.width, self.height)

    def extract_text(self) -> str:
        """The page's text as pdfplumber's ``Page.extract_text()`` gives it."""
        from pdfplumber import utils

        if not self.chars:
            return ""
        return utils.chars_to_textmap(self.chars, layout_bbox=self.bbox, layout_width=self.width,
                                      layout_height=self.height).as_string

    def extract_tables(self) -> list[list[list[str | None]]]:
        """The ruled tables as pdfplumber's ``Page.extract_tables()`` gives them (None: a merged position)."""
        from pdfplumber.table import TableFinder, TableSettings

        if len(self.edges) > MAX_EDGES or not self.edges:
            return []
        settings = TableSettings.resolve(None)
        return [table.extract(**(settings.text_settings or {})) for table in TableFinder(self, settings).tables]
