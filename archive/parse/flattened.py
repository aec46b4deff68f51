"""Statistics tables that arrive as text (PDF/DOC/DOCX text, or a page's extracted text).

Handles the shapes real extractions produce: a label followed by its numbers on one line, cells separated
by ``|`` ("行政规范性文件 | 3 | 0 | 101 |") or by spaces/tabs; one cell per line (a label line followed by
number lines); a number line that follows its wrapped label line. Wrapped and split labels (table B over
two pages, vertical one-character labels) are resolved in :mod:`archive.parse.figures` by trying the label
lines that precede a number row when the row's own label names nothing.
"""

from __future__ import annotations

import re

from archive.parse.figures import UNIT_ONLY, Row, is_value
from archive.parse.textutil import squash

MAX_LINE = 400  # longer lines are prose, never table rows
CELL_MARK = "\x07"  # Word's end-of-cell mark, kept at the end of each DOC table cell line
_SPACES = re.compile(r"\t+|\s{2,}|(?<=\S)\s(?=\S)")


def split_line(line: str) -> list[str]:
    """Cells of one text line: a Word cell (ends with the cell mark), ``|``-separated, else tab/space-separated."""
    if line.endswith(CELL_MARK):
        return [squash(line[:-1])]
    if "|" in line:
        parts = [squash(p) for p in line.split("|")]
        if line.lstrip().startswith("|") and parts and parts[0] == "":
            parts = parts[1:]
        if line.rstrip().endswith("|") and parts and parts[-1] == "":
            parts = parts[:-1]
        return parts
    line = squash(line)
    if not line:
        return []
    tokens = line.split(" ")
    cells: list[str] = []
    for tok in tokens:
        # consecutive text tokens belong to one label ("第二十条 第(一)项"); numbers stay separate
        if cells and not is_value(tok) and not is_value(cells[-1]):
            cells[-1] += tok
        else:
            cells.append(tok)
    return cells


def text_to_rows(text: str) -> list[Row]:
    """Text lines → :class:`Row` s; number-only lines directly after a label-only line join that row."""
    rows: list[Row] = []
    open_row: Row | None = None  # a row still accepting number lines (one-cell-per-line tables)
    for n, raw in enumerate(text.splitlines()):
        if len(raw) > MAX_LINE:
            open_row = None
            continue
        cells = split_line(raw)
        blank_cell = raw.endswith(CELL_MARK) and cells == [""]
        if not cells or (all(c == "" for c in cells) and not (blank_cell and open_row is not None)):
            continue
        values_only = all(is_value(c) for c in cells)
        unit_cell = len(cells) == 1 and UNIT_ONLY.match(cells[0]) is not None  # 统计指标 | 单位 | 数量
        if (values_only or unit_cell) and open_row is not None:
            open_row.cells.extend(c for c in cells)
            open_row.cols.extend(range(len(open_row.cols), len(open_row.cols) + len(cells)))
            continue
        row = Row(cells=cells, row=n, cols=list(range(len(cells))))
        rows.append(row)
        label_only = not any(is_value(c) and c != "" for c in cells)
        open_row = row if label_only and len(cells) <= 2 else None
    return rows
