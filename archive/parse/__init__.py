"""Document parsers: raw bytes of a saved page or file → :class:`~archive.parse.model.ParsedDocument`.

Pure functions, no database. :func:`parse_document` sniffs the file kind (HTML, text, PDF, DOCX, DOC/WPS, RTF,
XLS, XLSX) from the bytes first, then the Content-Type and the file name; it never raises on bad input except
:class:`ParseError` for input it cannot read at all. See docs/parsing.md for the pipeline and its limits.
"""

from __future__ import annotations

from archive.parse.errors import ParseError
from archive.parse.model import ParsedCheck, ParsedDocument, ParsedFigure, ParsedLink, ParsedSection
from archive.parse.pipeline import parse_document, parse_page_images, sniff_kind

__all__ = ["ParseError", "ParsedCheck", "ParsedDocument", "ParsedFigure", "ParsedLink", "ParsedSection",
           "parse_document", "parse_page_images", "sniff_kind"]
