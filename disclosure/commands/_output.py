"""Tabular output shared by the report commands: an aligned text table, CSV or JSON on stdout.

Chinese characters take two terminal columns, so the table pads by display width, not by length.
"""

from __future__ import annotations

import csv
import io
import json
import unicodedata
from collections.abc import Sequence
from typing import Any

import click

FORMATS = ("table", "csv", "json")


def display_width(text: str) -> int:
    """Terminal columns ``text`` takes (wide and full-width characters count two)."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


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
    cells = [[_cell(v) for v in row] for row in rows]
    widths = [max([display_width(c), *(display_width(r[i]) for r in cells)]) for i, c in enumerate(columns)]

    def line(values: Sequence[str]) -> str:
        return "  ".join(v + " " * (w - display_width(v)) for v, w in zip(values, widths, strict=True)).rstrip()

    out = [line(list(columns)), line(["-" * w for w in widths])]
    out.extend(line(r) for r in cells)
    return "\n".join(out)


def render_csv(columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """CSV with a header row (lists joined by commas inside one field)."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows([_cell(v) for v in row] for row in rows)
    return buf.getvalue()


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
