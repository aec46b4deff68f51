"""The parse pipeline behind :func:`archive.parse.parse_document`: sniff, read, then assemble the result."""

from __future__ import annotations

import datetime as dt
import logging
import re
from dataclasses import dataclass, field
from functools import partial

from bs4 import Tag

from archive.parse import metadata as md
from archive.parse.attachments import (
    MAX_INPUT_BYTES,
    Extracted,
    read_doc,
    read_docx,
    read_pdf,
    read_rtf,
    read_xls,
    read_xlsx,
    text_blocks,
)
from archive.parse.checks import run_checks
from archive.parse.content import (
    HEADLINE_CLASSES,
    alive,
    content_hash,
    extract_content,
    gone,
    index_page,
    normalise_body,
    page_lines,
)
from archive.parse.encoding import decode_bytes
from archive.parse.errors import ParseError
from archive.parse.figures import Row, extract_figures, local_figures, rows_from_grid
from archive.parse.flattened import text_to_rows
from archive.parse.image_tables import OCR_UNAVAILABLE, ImageSource, read_image_tables
from archive.parse.model import ParsedDocument, ParsedLink
from archive.parse.ocr import (
    OcrPage,
    extracted_from_pages,
    ocr_available,
    ocr_page,
    read_image,
    resolve_options,
)
from archive.parse.ofd import read_ofd
from archive.parse.sections import Block, find_sections
from archive.parse.soup import gc_paused, make_soup
from archive.parse.stated import stated_figures
from archive.parse.textutil import parse_date, squash

log = logging.getLogger(__name__)

MAX_HTML_BYTES = 16 * 1024 * 1024
# BeautifulSoup needs about 1 KB and 10 µs per element: a page of more elements than this (a 12 MB table of a
# million cells) would take minutes and gigabytes, so it is refused; real pages have a few thousand.
MAX_HTML_ELEMENTS = 300_000
_START_TAG = re.compile(r"<[A-Za-z]")
_HTML_HINT = re.compile(rb"<\s*(?:!doctype\s+html|html|head|body|meta|div|p|table|title)\b", re.I)
_EXT_KIND = {"htm": "html", "html": "html", "shtml": "html", "jhtml": "html", "jsp": "html", "php": "html",
             "asp": "html", "aspx": "html", "txt": "txt", "pdf": "pdf", "docx": "docx", "doc": "doc", "wps": "doc",
             "xls": "xls", "et": "xls", "xlsx": "xlsx", "rtf": "rtf", "ofd": "ofd"}


def _ext(filename: str | None, url: str | None) -> str | None:
    for name in (filename, url):
        if name:
            tail = name.split("?", 1)[0].rsplit("/", 1)[-1]
            if "." in tail:
                return tail.rsplit(".", 1)[-1].lower()
    return None


_IMAGE_MAGIC = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"II*\x00", b"MM\x00*")  # PNG, JPEG, TIFF
_CONTROL_BYTES = bytes(b for b in range(32) if b < 9 or 13 < b < 32 and b != 27)


def _is_text(head: bytes) -> bool:
    if not head:
        return True
    controls = len(head) - len(head.translate(None, _CONTROL_BYTES))
    return controls <= len(head) * 0.01


def sniff_kind(data: bytes, content_type: str | None = None, filename: str | None = None,
               url: str | None = None) -> str:
    """html | txt | pdf | docx | xlsx | ofd | doc | xls | rtf | image — or raise :class:`ParseError` for other binaries."""
    head = data[:8192]
    if head.lstrip()[:5] == b"%PDF-" or b"%PDF-" in head[:1024]:
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        import zipfile

        from archive.parse.attachments import check_zip

        zf: zipfile.ZipFile = check_zip(data)
        names = set(zf.namelist())
        if "word/document.xml" in names:
            return "docx"
        if "xl/workbook.xml" in names:
            return "xlsx"
        if "OFD.xml" in names or "/OFD.xml" in names:
            return "ofd"
        raise ParseError("unsupported zip container (not DOCX/XLSX/OFD)")
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        import olefile

        try:
            ole = olefile.OleFileIO(data)
            streams = {"/".join(s) for s in ole.listdir()}
            ole.close()
        except Exception as exc:
            raise ParseError(f"unreadable OLE file: {exc}") from exc
        if "WordDocument" in streams:
            return "doc"
        if "Workbook" in streams or "Book" in streams:
            return "xls"
        raise ParseError("unsupported OLE file (neither Word nor Excel)")
    if head.lstrip().startswith(b"{\\rtf"):
        return "rtf"
    if head.startswith(_IMAGE_MAGIC):
        return "image"
    if head.startswith((b"\xff\xfe", b"\xfe\xff")) or _is_text(head[:65536]):
        ext = _ext(filename, url)
        ctype = (content_type or "").lower()
        if "html" in ctype or "xml" in ctype or _HTML_HINT.search(head):
            return "html"
        if ext in ("htm", "html", "shtml", "jhtml") and b"<" in head:
            return "html"
        return "txt"
    raise ParseError("unsupported binary file")


@dataclass
class _Source:
    """What a reader hands to the assembly step."""

    source_kind: str
    blocks: list[Block]
    tables: list[list[Row]]
    text: str  # body text (for flattened tables and stated figures)
    page_lines: list[str]  # lines of the whole page/file (metadata outside the body)
    meta: dict[str, str] = field(default_factory=dict)
    title_candidates: list[str] = field(default_factory=list)
    links: list[ParsedLink] = field(default_factory=list)
    image_tables: bool = False
    images: int = 0
    body_text: str | None = None
    warnings: list[str] = field(default_factory=list)
    content_hash: str | None = None  # of body_text, when the reader computed it already
    no_text_layer: bool = False
    ocr_pages: dict[int, dict] = field(default_factory=dict)
    image_marks: list[tuple[int, Tag]] = field(default_factory=list)  # content pictures among the tables


HEAD_LINES = 200  # page lines searched for the 目录 block, the visible date line and a text title


def _headline(candidates: list[Tag]) -> str | None:
    """The page's visible headline: the first <h1>, else an element classed as a title, else the first <h2>.

    ``candidates`` are the page's h1, h2 and title-classed elements in document order (:class:`PageIndex`).
    """
    found = []
    for tag in alive(candidates):
        classes = set(tag.get("class") or []) | {str(tag.get("id") or "")}
        rank = 0 if tag.name == "h1" else 1 if classes & HEADLINE_CLASSES else 2 if tag.name == "h2" else None
        if rank is not None:
            text = squash(tag.get_text(" "))
            if 4 <= len(text) <= 120:
                found.append((rank, text))
                if rank == 0:
                    break
    return min(found, key=lambda c: c[0])[1] if found else None


def _html_source(data: bytes, url: str | None, content_type: str | None) -> _Source:
    if len(data) > MAX_HTML_BYTES:
        raise ParseError(f"HTML page too large ({len(data)} bytes)")
    decoded = decode_bytes(data, content_type)
    if len(decoded.text) // 3 > MAX_HTML_ELEMENTS and (  # "<a>": an element takes 3 characters at least
            elements := sum(1 for _ in _START_TAG.finditer(decoded.text))) > MAX_HTML_ELEMENTS:
        raise ParseError(f"HTML page too complex ({elements} elements; limit {MAX_HTML_ELEMENTS})")
    try:
        soup = make_soup(decoded.text)
    except Exception as exc:  # lxml copes with almost anything; this is the rare hard failure
        raise ParseError(f"unparseable HTML: {exc}") from exc
    index = index_page(soup)  # one walk over the tree finds what every step below needs
    for tag in index.doomed:
        if not gone(tag):
            tag.decompose()
    pairs = []
    for m in alive(index.metas):
        name = m.get("name") or m.get("property") or m.get("itemprop")
        if name and m.get("content") is not None:
            pairs.append((str(name), str(m.get("content"))))
    meta = md.meta_tags(pairs)
    titles: list[str] = []
    title = index.title
    if title is not None and title.string:
        titles.append(squash(title.get_text(" ")))
    headline = _headline(index.headlines)
    lines = page_lines(index.body or soup, limit=HEAD_LINES)
    content = extract_content(soup, url, index)
    warnings = [] if decoded.reason in ("declared", "bom") else [f"encoding chosen by {decoded.reason}: "
                                                                  f"{decoded.encoding}"]
    # tables pasted as text inside the body ("规章 | 0 | 0 | 0")
    text = "\n".join(b.text for b in content.blocks if not b.in_table)
    src = _Source("html", content.blocks, [rows_from_grid(g) for g in content.grids], text, lines, meta,
                  [headline] if headline else [], content.links,
                  image_tables=any(g.has_images for g in content.grids), images=content.images,
                  body_text=content.body_text, warnings=warnings, content_hash=content.content_hash or None,
                  image_marks=content.image_marks)
    src.title_candidates += titles
    return src


def _text_source(data: bytes, content_type: str | None) -> _Source:
    decoded = decode_bytes(data, content_type)
    text = decoded.text.replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    if lines and lines[0].startswith("SOURCE:"):  # the domain samples' first line names the page address
        lines = lines[1:]
        text = "\n".join(lines)
    return _Source("txt", text_blocks(text), [], text, lines)


def _file_source(ex: Extracted) -> _Source:
    lines = ex.text.splitlines()
    return _Source(ex.source_kind, ex.blocks, ex.tables, ex.text, lines, images=ex.images, warnings=ex.warnings,
                   no_text_layer=ex.no_text_layer, ocr_pages=ex.ocr_pages)


def _choose_title(src: _Source, fields: dict[str, str]) -> str | None:
    candidates = [fields.get("ArticleTitle"), fields.get("名称"), fields.get("标题"), fields.get("信息名称"),
                  *src.title_candidates]
    for cand in candidates:
        if cand and len(cand) >= 4:
            if cand in src.title_candidates and src.source_kind == "html" and cand == src.title_candidates[-1]:
                # <title>: drop the site name suffix ("…报告_青山县人民政府")
                parts = [p for p in re.split(r"\s*(?:_|——|-{1,2}|\||｜)\s*", cand) if p]
                cand = max(parts, key=lambda p: (bool(re.search(r"报告|通知|公告", p)), len(p))) if parts else cand
            return squash(cand)
    return md.text_title(src.page_lines)


def _assemble(src: _Source, url: str | None, column_kind: str | None, unit_hint: str | None) -> ParsedDocument:
    doc = ParsedDocument(source_kind=src.source_kind, links=src.links, warnings=list(src.warnings),
                         no_text_layer=src.no_text_layer, ocr_pages=src.ocr_pages)
    head_lines = src.page_lines[:HEAD_LINES]
    fields: dict[str, str] = dict(src.meta)
    catalog = md.catalog_fields(head_lines)
    fields.update({k: v for k, v in catalog.items() if k not in fields})
    visible = md.visible_line(head_lines)
    fields.update({k: v for k, v in visible.items() if k not in fields})
    doc.meta = fields
    doc.title = _choose_title(src, fields)
    doc.index_number = md.index_number(fields)
    doc.doc_number = md.doc_number(fields, [b.text for b in src.blocks[:3]])

    # publication date, in the documented order of trust
    for source, value in (("meta_tag", parse_date(fields.get("PubDate"))),
                          ("visible_line", parse_date(visible.get("发布时间"))),
                          ("catalog_block", md.catalog_date(catalog)),
                          ("url", md.url_date(url))):
        if value is not None:
            doc.published_at, doc.published_at_source = value, source
            break

    doc.sections = find_sections(src.blocks)
    table_rows = [row for rows in src.tables for row in rows]
    from_tables = extract_figures(table_rows, fuzzy_labels=bool(src.ocr_pages)) if table_rows else None
    # tables pasted as text: always tried for files (a table the extractor missed), for pages only without tables
    want_text = src.text and (src.source_kind != "html" or not (from_tables and from_tables.figures))
    from_text = extract_figures(text_to_rows(src.text), fuzzy_labels=bool(src.ocr_pages)) if want_text else None
    best = max((r for r in (from_tables, from_text) if r is not None), key=lambda r: len(r.figures), default=None)
    figures = list(best.figures) if best else []
    doc.format = best.format if best else None
    if best:
        doc.warnings += best.warnings

    body_text = src.body_text if src.body_text is not None else normalise_body(src.text)
    doc.body_text = body_text
    doc.content_hash = src.content_hash or content_hash(body_text)

    structural = len(doc.sections) >= 3 and any(s.number in (3, 4) for s in doc.sections) or any(
        f.key.startswith("requests.") for f in figures)
    doc.kind = md.detect_kind(doc.title, body_text, column_kind, url, structural)

    title_org, title_year = md.title_publisher_year(doc.title)
    source_org, source_how = md.source_publisher(fields)
    if doc.kind == "annual_report":
        lines = src.page_lines if src.source_kind != "html" else body_text.splitlines()
        text_org, text_year = md.text_publisher_year(lines)
        stated = [(title_org, "title"), (text_org, "text"), (md.stated_publisher(fields), "catalog_block")]
        doc.year = title_year or md.period_year(body_text) or text_year or md.url_year_hint(url)
    else:
        issuer = re.match(r"^(.{2,30}?(?:人民政府办公室|人民政府|局|委员会|办公室))关于", doc.title or "")
        stated = [(md.stated_publisher(fields), "catalog_block"), (title_org, "title"),
                  (issuer.group(1) if issuer else None, "title_issuer")]
        lines = []
    # What the document states first, then the list it was found in, and a guess from the text only last
    # (the ingest puts the list's own evidence before such a guess: docs/parsing.md).
    candidates = [*stated, (source_org, source_how), (unit_hint, "unit_hint")]
    doc.publisher, doc.publisher_source = next(((p, how) for p, how in candidates if p), (None, None))
    if doc.publisher is None and lines and (guess := md.frequent_org(lines)):
        doc.publisher, doc.publisher_source = guess, "text_guess"

    if doc.format is None and any(f.table in ("A", "B", "C") for f in figures):
        # no label decides (table B alone, （六） as one row): the year breaks the tie
        doc.format = "2021" if (doc.year or 0) >= 2021 else "2019"
    pre2019 = doc.year is not None and doc.year < 2019 or any(
        "收费" in s.heading and "减免" in s.heading for s in doc.sections)
    if doc.kind == "annual_report" and not figures and pre2019:
        figures = local_figures(table_rows or text_to_rows(src.text))
        doc.format = "pre2019"
    elif doc.format is None and doc.kind == "annual_report" and pre2019:
        doc.format = "pre2019"

    if doc.kind == "annual_report":
        figures += stated_figures(body_text)
        canonical = [f for f in figures if f.table in ("A", "B", "C")]
        if not canonical:
            if src.image_tables or (src.images and any(s.number in (2, 3, 4) for s in doc.sections)):
                doc.tables_as_images = True
                doc.warnings.append("statistics tables are images: no figures extracted")
            elif doc.format != "pre2019":
                doc.warnings.append("no statistics tables found (tables lost or missing): no figures")
    doc.figures = figures
    doc.checks = run_checks(figures)
    return doc


def _with_image_tables(src: _Source, doc: ParsedDocument, url: str | None, column_kind: str | None,
                       unit_hint: str | None, body_images: ImageSource, ocr) -> ParsedDocument:
    """The page read again with its pictures' tables (OCR) among its own; ``doc`` as it is when OCR is not
    installed or not allowed, or no picture is archived (a warning says which)."""
    opts = resolve_options(ocr)
    if not opts.stored and not (opts.run and ocr_available()):
        log.warning("%s: %s", url, OCR_UNAVAILABLE)
        doc.warnings.append(OCR_UNAVAILABLE)
        return doc
    found = read_image_tables(src.tables, src.image_marks, url, body_images, opts)
    if not found.read:
        doc.warnings += found.warnings
        return doc
    src.tables = found.tables
    src.ocr_pages = {**src.ocr_pages, **found.ocr_pages}  # the version shows its figures came from OCR
    again = _assemble(src, url, column_kind, unit_hint)
    again.warnings += [*found.warnings, f"statistics tables read by OCR from {found.read} body image(s)"]
    return again


def parse_document(data: bytes, url: str | None = None, content_type: str | None = None,
                   filename: str | None = None, *, column_kind: str | None = None,
                   unit_hint: str | None = None, ocr=None, body_images: ImageSource | None = None) -> ParsedDocument:
    """Parse one saved page or file; see the package docstring.

    Pages without a text layer (scanned PDFs, image files) are read by OCR when it is available; ``ocr``
    is an :class:`archive.parse.ocr.OcrOptions` (may the engine run, stored results to reuse) or
    None/True/False. ``column_kind`` (annual_report | notice | document) and ``unit_hint`` (a unit name) are what the crawler
    knew from the list the document was found in; they are used only when the document itself says nothing.
    ``body_images`` gives the archived bytes of a page's content pictures by URL: a page whose statistics
    tables are pictures gets them read by OCR (:mod:`archive.parse.image_tables`) when the engine is installed.
    Raises :class:`ParseError` for input that cannot be read at all.
    """
    if data is None:
        raise ParseError("no data")
    if len(data) > MAX_INPUT_BYTES:
        raise ParseError(f"file too large ({len(data)} bytes; limit {MAX_INPUT_BYTES})")
    kind = sniff_kind(data, content_type, filename, url)
    if kind == "html":
        with gc_paused():
            src = _html_source(data, url, content_type)
    elif kind == "txt":
        src = _text_source(data, content_type)
    else:
        reader = {"pdf": partial(read_pdf, ocr=ocr), "docx": read_docx, "xlsx": read_xlsx, "xls": read_xls,
                  "doc": read_doc, "rtf": read_rtf, "ofd": read_ofd, "image": partial(read_image, ocr=ocr)}[kind]
        try:
            src = _file_source(reader(data))
        except ParseError:
            raise
        except (MemoryError, RecursionError) as exc:
            raise ParseError(f"{kind} file too complex to read: {exc.__class__.__name__}") from exc
        except Exception as exc:  # third-party readers raise anything on damaged files
            log.warning("reading %s failed: %r", kind, exc)
            raise ParseError(f"unreadable {kind} file: {exc.__class__.__name__}: {exc}") from exc
        if kind == "rtf":
            src.source_kind = "doc" if _ext(filename, url) in ("doc", "wps") else "rtf"
    doc = _assemble(src, url, column_kind, unit_hint)
    if kind == "html" and doc.tables_as_images and body_images is not None and src.image_marks:
        doc = _with_image_tables(src, doc, url, column_kind, unit_hint, body_images, ocr)
    if isinstance(doc.published_at, dt.datetime) and doc.published_at.tzinfo is not None:
        doc.published_at = doc.published_at.replace(tzinfo=None)
    return doc


def parse_page_images(images: list, url: str | None = None, *, column_kind: str | None = None,
                      unit_hint: str | None = None) -> ParsedDocument:
    """Page images (bytes, PIL images or :class:`~archive.parse.ocr.OcrPage` results) → the ParsedDocument a
    text PDF of the same pages gives: each page is OCR'd (ParseError when OCR is unavailable)."""
    from archive.parse.ocr import ocr_available

    pages = []
    for image in images:
        if isinstance(image, OcrPage):
            pages.append(image)
        elif not ocr_available():
            raise ParseError("OCR is not available")
        else:
            pages.append(ocr_page(image))
    return _assemble(_file_source(extracted_from_pages(pages, "image")), url, column_kind, unit_hint)
