"""HTML ``<table>`` → a rectangular grid with rowspan/colspan expanded.

Every grid cell remembers the (row, col) of the source cell it came from, so callers can tell a spanned
copy from a new cell (a number cell with colspan=2 is one number, not two).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from bs4 import NavigableString, Tag

from archive.parse.textutil import squash

MAX_ROWS = 2000
MAX_COLS = 200
MAX_SPAN = 100


@dataclass
class GridCell:
    """One position of the expanded grid."""

    text: str
    origin: tuple[int, int]  # (row, col) of the source cell; equal for all copies of a spanned cell


@dataclass
class Grid:
    """A table as rows of cells, spans expanded."""

    rows: list[list[GridCell]] = field(default_factory=list)
    has_images: bool = False  # the table holds images and (almost) no text

    def texts(self) -> list[list[str]]:
        """The grid as plain strings (spanned copies repeated)."""
        return [[c.text for c in row] for row in self.rows]


def iter_tags(root: Tag, names: set[str] | frozenset[str] | None = None):
    """Descendant elements of ``root`` (optionally only these names): a plain walk, much faster than find_all."""
    for node in root.descendants:
        if isinstance(node, Tag) and (names is None or node.name in names):
            yield node


_BLOCK_TAGS = {"p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr"}


def cell_text(cell: Tag) -> str:
    """Text of a cell: nested ``<p>``/``<span>`` joined, ``<br>`` and paragraphs as spaces, &nbsp; folded.

    Chinese words split by a line break inside a cell ("商业<br>企业") are joined without a space.
    """
    parts: list[str] = []
    for node in cell.descendants:
        if isinstance(node, NavigableString):
            if node.parent is not None and node.parent.name in ("script", "style"):
                continue
            parts.append(str(node))
        elif isinstance(node, Tag) and node.name in _BLOCK_TAGS:
            parts.append("\n")
    lines = [squash(p) for p in "".join(parts).split("\n")]
    out = ""
    for line in lines:
        if not line:
            continue
        # join CJK fragments directly, keep a space between Latin/digit fragments
        if out and (out[-1].isascii() and line[0].isascii()):
            out += " "
        out += line
    return out


def _own_rows(table: Tag) -> list[Tag]:
    """The table's ``<tr>`` elements in document order, not those of tables nested inside it."""
    rows: list[Tag] = []
    # an explicit stack, not recursion: markup nested thousands deep must not exhaust Python's stack
    stack = [iter(table.children)]
    while stack and len(rows) < MAX_ROWS:
        child = next(stack[-1], None)
        if child is None:
            stack.pop()
        elif isinstance(child, Tag) and child.name != "table":
            if child.name == "tr":
                rows.append(child)
            stack.append(iter(child.children))  # a <tr> inside a <tr> (broken markup) still belongs here
    return rows


def _span(cell: Tag, attr: str) -> int:
    try:
        value = int(str(cell.get(attr, "1")).strip() or "1")
    except ValueError:
        return 1
    return max(1, min(value, MAX_SPAN))


def table_to_grid(table: Tag) -> Grid:
    """Expand ``table`` (its own rows, not nested tables') into a :class:`Grid`."""
    pending: dict[tuple[int, int], GridCell] = {}  # positions filled by rowspans from above
    rows: list[list[GridCell]] = []
    images = 0
    for r, tr in enumerate(_own_rows(table)):
        row: list[GridCell] = []
        col = 0
        cells = [c for c in tr.children if isinstance(c, Tag) and c.name in ("td", "th")]
        for cell in cells:
            while (r, col) in pending:
                row.append(pending.pop((r, col)))
                col += 1
            text = cell_text(cell)
            if not text and next(iter_tags(cell, {"img"}), None) is not None:
                images += 1
            colspan, rowspan = _span(cell, "colspan"), _span(cell, "rowspan")
            origin = (r, col)
            for _dc in range(colspan):
                if col >= MAX_COLS:
                    break
                gc = GridCell(text, origin)
                row.append(gc)
                for dr in range(1, rowspan):
                    pending[(r + dr, col)] = gc
                col += 1
        while (r, col) in pending:
            row.append(pending.pop((r, col)))
            col += 1
        rows.append(row)
    # rowspans reaching past the last <tr> are dropped: the table simply ends there
    width = max((len(r) for r in rows), default=0)
    for r, row in enumerate(rows):
        while len(row) < width:
            row.append(GridCell("", (r, len(row))))
    texty = sum(1 for row in rows for c in row if c.text)
    return Grid(rows=rows, has_images=images > 0 and texty <= images)
