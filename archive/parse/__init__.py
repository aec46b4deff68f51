"""Document parsers: raw bytes of a saved page or file → :class:`~archive.parse.model.ParsedDocument`.

Pure functions, no database. :func:`parse_document` sniffs the file kind (HTML, text, PDF, DOCX, DOC/WPS, RTF,
XLS, XLSX) from the bytes first, then the Content-Type and the file name; it never raises on bad input except
:class:`ParseError` for input it cannot read at all. See docs/parsing.md for the pipeline and its limits.

The names below are loaded on first use: the crawler imports small modules of this package (body images)
and should not pay for every parser's import at start-up.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from archive.parse.errors import ParseError
    from archive.parse.model import ParsedCheck, ParsedDocument, ParsedFigure, ParsedLink, ParsedSection
    from archive.parse.pipeline import parse_document, parse_page_images, sniff_kind

_HOMES = {"ParseError": "errors", "ParsedCheck": "model", "ParsedDocument": "model", "ParsedFigure": "model",
          "ParsedLink": "model", "ParsedSection": "model", "parse_document": "pipeline",
          "parse_page_images": "pipeline", "sniff_kind": "pipeline"}
__all__ = ["ParseError", "ParsedCheck", "ParsedDocument", "ParsedFigure", "ParsedLink",  # noqa: F822 - lazy
           "ParsedSection", "parse_document", "parse_page_images", "sniff_kind"]


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{home}"), name)
    globals()[name] = value
    return value
