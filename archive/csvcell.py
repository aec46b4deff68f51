"""CSV cells a spreadsheet opens safely: text that would run as a formula is shown as text (CSV injection)."""

from __future__ import annotations

# A cell starting with one of these is a formula to a spreadsheet.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "'")
CSV_FORMULA_NOTE = ("a text cell that starts with `=`, `+`, `-`, `@`, a tab, a carriage return or `'` is written "
                    "with one `'` in front, so spreadsheets show it as text instead of running it as a formula; "
                    "the loader below removes that `'` again. Numbers are written as they are.")


def formula_safe(text: str) -> str:
    """``text`` with one ``'`` in front when a spreadsheet would run it as a formula."""
    return "'" + text if text.startswith(FORMULA_START) else text
