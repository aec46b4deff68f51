"""Structured form of a generated report body: blocks of headings, paragraphs, tables and images.

The HTML body, the plain text and every file rendering (PDF, DOCX, DOC) are produced from the same
blocks, so the ground truth (sections, figures, raw cell texts) holds for every delivery.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Cell:
    """One table cell as served: ``text`` is the raw cell text (what the manifest calls ``raw``)."""

    text: str
    rowspan: int = 1
    colspan: int = 1
    key: str | None = None  # canonical figure key when the cell holds a figure
    header: bool = False
    # HTML for the cell content when it differs from the escaped text (``<br>`` splits, ``&nbsp;``, wrappers)
    html: str | None = None


@dataclass
class Table:
    """A statistics table: rows of cells with HTML-style spans (cells covered by spans are absent)."""

    name: str  # "A" | "B" | "C" | "local"
    rows: list[list[Cell]]
    # row index where a file rendering breaks the table across pages (None: no forced break)
    page_break_row: int | None = None
    # HTML style knobs chosen by the generator (border attribute, cell wrapper …)
    wrapper: str = "plain"  # plain | p | p_span | span
    editor: str = "plain"  # plain | ueditor | word (pasted from Word: MsoNormal paragraphs, <o:p>)

    def keyed_cells(self) -> list[Cell]:
        """Cells carrying a canonical figure key, in reading order."""
        return [c for row in self.rows for c in row if c.key]


@dataclass
class Block:
    """A piece of the report body in reading order."""

    kind: str  # heading | para | table | image
    text: str = ""  # heading or paragraph text (plain)
    section: int | None = None  # canonical section number 1..6 it belongs to (None: preamble)
    table: Table | None = None
    image: str | None = None  # image file name (tables published as images)
    markup: str = "p_strong"  # headings: p_strong | h3 | table_cell
