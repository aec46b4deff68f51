"""What a parser returns: typed results, no database involved.

``parse_document`` (in ``archive.parse``) returns a :class:`ParsedDocument`; the ingest stores it, the
``disclosure parse --json`` command prints :meth:`ParsedDocument.to_json_dict`, whose top-level fields are
a stable interface (docs/parse-json.md).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any


@dataclass
class ParsedSection:
    """One of the six sections, mapped to its canonical number 1–6."""

    number: int
    heading: str  # as written
    text: str  # plain text of the section (tables flattened out), whitespace-normalised


@dataclass
class ParsedFigure:
    """A figure under a canonical key of the domain reference (``requests.new.total`` …)."""

    key: str
    value: float | None  # None when the cell gives no number ("", "/", "——", "无" …)
    raw: str  # the cell text as written
    unit: str | None = None  # "件", "万元", "元" … when known
    table: str | None = None  # "A" | "B" | "C" | "text" | "local"
    row: int | None = None
    col: int | None = None


@dataclass
class ParsedCheck:
    """One consistency rule's outcome."""

    rule: str  # e.g. "B.column_balance.natural_person", "C.review.total"
    ok: bool
    detail: str = ""


@dataclass
class ParsedLink:
    """A link found in the main content (attachments above all)."""

    url: str
    text: str
    file_kind: str | None = None  # pdf | doc | docx | wps | xls | xlsx | None for pages


@dataclass
class ParsedDocument:
    """Everything read from one document (a page or a file)."""

    kind: str | None = None  # annual_report | notice | document
    title: str | None = None
    publisher: str | None = None
    # title | text | catalog_block | title_issuer | meta_tag | visible_line (the document states it) |
    # unit_hint (the caller's) | text_guess (the name the text mentions most) | None
    publisher_source: str | None = None
    year: int | None = None  # report year (annual reports)
    published_at: dt.datetime | dt.date | None = None
    published_at_source: str | None = None  # meta_tag | catalog_block | visible_line | url | None
    index_number: str | None = None  # 索引号
    doc_number: str | None = None  # 文号
    format: str | None = None  # "2021" | "2019" | "pre2019" | None
    sections: list[ParsedSection] = field(default_factory=list)
    figures: list[ParsedFigure] = field(default_factory=list)
    checks: list[ParsedCheck] = field(default_factory=list)
    body_text: str = ""
    content_hash: str = ""  # sha256 of the normalised body text: the version identity
    links: list[ParsedLink] = field(default_factory=list)
    tables_as_images: bool = False
    source_kind: str = "html"  # html | pdf | ofd | docx | doc | xls | xlsx | txt
    meta: dict[str, str] = field(default_factory=dict)  # raw metadata fields found (meta tags, 目录 block)
    warnings: list[str] = field(default_factory=list)
    # a PDF/OFD whose pages carry no text (a scan): nothing could be read, OCR would be needed
    no_text_layer: bool = False
    # pages read by OCR (a scan): page index → the OCR result (archive.parse.ocr.OcrPage JSON), kept with the
    # version so that a reparse need not run OCR again
    ocr_pages: dict[int, dict] = field(default_factory=dict)

    @property
    def ocr(self) -> bool:
        """True when some of the text came from OCR of page images."""
        return bool(self.ocr_pages)

    def figure(self, key: str) -> ParsedFigure | None:
        """The figure stored under ``key``, if any."""
        return next((f for f in self.figures if f.key == key), None)

    def to_json_dict(self) -> dict[str, Any]:
        """The stable JSON shape of ``disclosure parse --json``."""
        published = self.published_at.isoformat() if self.published_at else None
        return {
            "kind": self.kind,
            "title": self.title,
            "publisher": self.publisher,
            "year": self.year,
            "published_at": published,
            "index_number": self.index_number,
            "doc_number": self.doc_number,
            "format": self.format,
            "sections": [{"number": s.number, "heading": s.heading, "text": s.text} for s in self.sections],
            "figures": [{"key": f.key, "value": f.value, "raw": f.raw, "unit": f.unit} for f in self.figures],
            "checks": [{"rule": c.rule, "ok": c.ok, "detail": c.detail} for c in self.checks],
            "warnings": list(self.warnings),
        }
