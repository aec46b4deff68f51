"""Tabular output shared by the report commands: an aligned text table, CSV or JSON on stdout.

Chinese characters take two terminal columns, so the table pads by display width, not by length.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Sequence
from typing import Any

import click

from archive.csvcell import formula_safe

FORMATS = ("table", "csv", "json")


# East Asian wide and full-width ranges (Unicode EastAsianWidth W/F, BMP): one regex pass beats a per-character
# unicodedata lookup by ~10x on 10,000-row tables.
_WIDE = re.compile("[\u1100-\u115f\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff\ua000-\ua4cf"
                   "\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]")


def display_width(text: str) -> int:
    """Terminal columns ``text`` takes (wide and full-width characters count two)."""
    if text.isascii():
        return len(text)
    return len(text) + len(_WIDE.findall(text))


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, list | tuple):
        return ",".join(_cell(v) for v in value)
    return str(value)


def render_table(columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """An aligned plain-text table with a header line."""
    cells = [list(columns), *([_cell(v) for v in row] for row in rows)]
    sizes = [[display_width(c) for c in row] for row in cells]  # each width computed once
    widths = [0] * len(columns)
    for row in sizes:
        widths = [max(a, b) for a, b in zip(widths, row, strict=True)]
    out = []
    for i, (row, size) in enumerate(zip(cells, sizes, strict=True)):
        out.append("  ".join(c + " " * (w - n) for c, n, w in zip(row, size, widths, strict=True)).rstrip())
        if i == 0:
            out.append("  ".join("-" * w for w in widths))
    return "\n".join(out)


def render_csv(columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """CSV with a header row (lists joined by commas inside one field).

    Text cells that a spreadsheet would run as a formula get one ``'`` in front, as in ``disclosure export``:
    CSV printed to stdout is as likely to be opened in Excel as an exported file.
    """
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows([_csv_cell(v) for v in row] for row in rows)
    return buf.getvalue()


def _csv_cell(value: Any) -> str:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return _cell(value)  # numbers as they are: -3 is a figure, not a formula
    return formula_safe(_cell(value))


def render_json(payload: Any) -> str:
    """Indented JSON, Chinese kept readable."""
    return json.dumps(payload, ensure_ascii=False, indent=1, default=str)


def emit(fmt: str, columns: Sequence[str], rows: Sequence[Sequence[Any]], *, payload: Any = None,
         summary: str | None = None) -> None:
    """Print rows as ``fmt``; JSON prints ``payload`` (default: a list of column → value objects)."""
    if fmt == "json":
        click.echo(render_json(payload if payload is not None else [dict(zip(columns, r, strict=True))
                                                                      for r in rows]))
    elif fmt == "csv":
        click.echo(render_csv(columns, rows), nl=False)
    else:
        click.echo(render_table(columns, rows))
        if summary:
            click.echo(summary)
