"""Files → text blocks and table rows: PDF, DOCX, legacy DOC/WPS (and the RTF/HTML files served as ".doc"),
XLS and XLSX.

Every reader is bounded: input size, page count, decompressed size (zip bombs), rows and text length are
capped; unreadable input raises :class:`~archive.parse.errors.ParseError`. PDF text and tables come from
pdfplumber (pypdf is the fallback for text when pdfplumber fails); docs/parsing.md records why.
"""

from __future__ import annotations

import io
import logging
import re
import struct
import zipfile
from dataclasses import dataclass, field

from archive.parse.errors import ParseError
from archive.parse.figures import Row, is_value
from archive.parse.flattened import CELL_MARK
from archive.parse.sections import Block
from archive.parse.textutil import squash

log = logging.getLogger(__name__)

MAX_INPUT_BYTES = 64 * 1024 * 1024
MAX_PAGES = 200
MAX_TABLE_PAGES = 60  # table extraction is the slow part of pdfplumber
MAX_TEXT_CHARS = 2_000_000
MAX_UNZIPPED = 200 * 1024 * 1024
MAX_ZIP_RATIO = 200
MAX_ZIP_MEMBERS = 5000
MAX_SHEET_ROWS = 5000
MAX_SHEET_COLS = 100
MIN_PAGE_TEXT = 10  # a page with fewer characters of text (a page number, a stamp) has no real text layer


@dataclass
class Extracted:
    """Text and tables read from a file."""

    source_kind: str
    blocks: list[Block] = field(default_factory=list)
    tables: list[list[Row]] = field(default_factory=list)  # each table as rows of cells
    text: str = ""
    warnings: list[str] = field(default_factory=list)
    images: int = 0
    no_text_layer: bool = False  # a fixed-layout file whose pages carry no text (scans): OCR would be needed
    ocr_pages: dict[int, dict] = field(default_factory=dict)  # page index → OcrPage JSON of pages read by OCR


def _looks_like_table_line(line: str) -> bool:
    tokens = squash(line).replace("|", " ").split()
    return sum(1 for t in tokens if is_value(t) and t) >= 2


def text_blocks(text: str) -> list[Block]:
    """Lines of extracted text as blocks; lines that read as table rows are marked as table cells."""
    blocks = []
    for line in text.splitlines():
        s = squash(line.replace(CELL_MARK, ""))
        if s:
            blocks.append(Block(s, in_table=CELL_MARK in line or "|" in line or _looks_like_table_line(s)))
    return blocks


# What OCR makes of a small "0" alone in a cell: a full stop, a circle, the Chinese zero.
OCR_ZERO = {"。", "〇", "○", "o", "O", "°"}


def table_rows(table: list[list[str | None]], ocr: bool = False) -> list[Row]:
    """pdfplumber rows → rows; ``None`` marks a position covered by a merged cell (a span copy), not a blank.
    ``ocr``: the cells were read by OCR, so a cell holding only a zero lookalike (:data:`OCR_ZERO`) is 0."""
    rows = []
    for r, cells in enumerate(table):
        kept = [(c, squash(re.sub(r"\s*\n\s*", "", text))) for c, text in enumerate(cells) if text is not None]
        if ocr:
            kept = [(c, "0" if t in OCR_ZERO else t) for c, t in kept]
        rows.append(Row(cells=[t for _, t in kept], row=r, cols=[c for c, _ in kept]))
    return rows


# ---------------------------------------------------------------- PDF
def read_pdf(data: bytes, ocr=None) -> Extracted:
    """PDF text (pdfplumber, pypdf as fallback) and tables (pdfplumber); pages without a text layer are read
    by OCR (:mod:`archive.parse.ocr`; ``ocr``: an OcrOptions, or None/True/False) when it is available."""
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            try:
                if not reader.decrypt(""):
                    raise ParseError("encrypted PDF (a password is needed)")
            except ParseError:
                raise
            except Exception as exc:
                raise ParseError(f"encrypted PDF: {exc}") from exc
        n_pages = len(reader.pages)
    except ParseError:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, OSError, AssertionError, IndexError, RecursionError) as exc:
        raise ParseError(f"corrupt PDF: {exc.__class__.__name__}: {exc}") from exc
    if n_pages == 0:
        raise ParseError("PDF has no pages")
    out = Extracted("pdf")
    texts: list[str] = []
    page_images: list[int] = []
    page_tables: list[list[list[Row]]] = []
    try:
        import pdfplumber

        with pdfplumber.open(io.BytesIO(data)) as pdf:
            for i, page in enumerate(pdf.pages[:MAX_PAGES]):
                texts.append(page.extract_text() or "")
                page_tables.append([table_rows(t) for t in page.extract_tables()] if i < MAX_TABLE_PAGES else [])
                page_images.append(len(page.images))
                out.images += page_images[-1]
                if sum(map(len, texts)) > MAX_TEXT_CHARS:
                    out.warnings.append("text truncated")
                    break
    except Exception as exc:  # pdfminer raises many types on damaged files: fall back to pypdf
        log.warning("pdfplumber failed (%s); falling back to pypdf", exc)
        out.warnings.append(f"pdfplumber failed: {exc.__class__.__name__}; text from pypdf, no tables")
        texts, page_tables, page_images = [], [], []
        try:
            for page in reader.pages[:MAX_PAGES]:
                texts.append(page.extract_text() or "")
        except Exception as exc2:
            raise ParseError(f"corrupt PDF: {exc2.__class__.__name__}: {exc2}") from exc2
    if n_pages > MAX_PAGES:
        out.warnings.append(f"only the first {MAX_PAGES} of {n_pages} pages read")
    reason = _ocr_bare_pages(data, out, texts, page_tables, page_images, ocr)
    if out.ocr_pages:
        out.warnings.append(f"text of {len(out.ocr_pages)} page(s) read by OCR from page images")
    out.tables = [t for tables in page_tables for t in tables]
    out.text = "\n".join(texts)[:MAX_TEXT_CHARS]
    note_text_layer(out, "PDF", texts, page_images, reason)
    out.blocks = text_blocks(out.text)
    return out


def note_text_layer(out: Extracted, what: str, texts: list[str], page_images: list[int],
                    reason: str = "OCR is not available") -> None:
    """Warn about pages without a text layer; flag the file when no page has one (a scan: OCR needed).
    ``reason`` says why such pages were not read (OCR off or unavailable, or OCR found no text on them)."""
    chars = [len("".join(t.split())) for t in texts]
    if all(n < MIN_PAGE_TEXT for n in chars):
        out.no_text_layer = True
        out.warnings.append(f"{what} has no text layer ({len(texts)} page(s){' of images' if any(page_images) else ''}"
                            f", a scan?): nothing read; {reason}")
        return
    bare = [i + 1 for i, (n, imgs) in enumerate(zip(chars, page_images, strict=False)) if n < MIN_PAGE_TEXT and imgs]
    if bare:
        pages = ", ".join(map(str, bare[:20])) + (" …" if len(bare) > 20 else "")
        out.warnings.append(f"page(s) {pages} have no text layer (images only): not read; {reason}")


def _ocr_bare_pages(data: bytes, out: Extracted, texts: list[str], page_tables: list[list[list[Row]]],
                    page_images: list[int], ocr) -> str:
    """Read the PDF's image-only pages by OCR (rendered with pypdfium2), in place; the reason left for the
    no-text-layer warning of pages still unread."""
    from archive.parse import ocr as ocr_mod

    opts = ocr_mod.resolve_options(ocr)
    bare = [i for i, (t, imgs) in enumerate(zip(texts, page_images, strict=False))
            if len("".join(t.split())) < MIN_PAGE_TEXT and imgs]
    if not bare:
        return ocr_mod.unavailable_reason(opts)
    pdf = None
    try:
        for i in bare:
            def render(i=i):
                nonlocal pdf
                import pypdfium2

                if pdf is None:
                    pdf = pypdfium2.PdfDocument(data)
                bitmap = pdf[i].render(scale=ocr_mod.RASTER_DPI / 72, grayscale=False)
                img = bitmap.to_pil()
                img.info["dpi"] = (ocr_mod.RASTER_DPI, ocr_mod.RASTER_DPI)
                return img
            page = ocr_mod.page_for(i, render, opts)
            if page is None:
                return ocr_mod.unavailable_reason(opts)
            layout = page.layout()
            texts[i] = layout.extract_text()
            page_tables[i] = [table_rows(t, ocr=True) for t in layout.extract_tables()] if i < MAX_TABLE_PAGES else []
            out.ocr_pages[i] = page.to_json()
    except ParseError:
        raise
    except Exception as exc:  # pdfium refuses a damaged page: the page stays unread
        log.warning("OCR of a PDF page failed: %r", exc)
        out.warnings.append(f"OCR failed: {exc.__class__.__name__}")
    finally:
        if pdf is not None:
            pdf.close()
    return "OCR found no text"


# ---------------------------------------------------------------- ZIP-based (DOCX, XLSX)
def check_zip(data: bytes) -> zipfile.ZipFile:
    """Open a zip container after checking it cannot expand beyond the caps (zip bombs)."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise ParseError(f"corrupt zip container: {exc}") from exc
    if len(infos) > MAX_ZIP_MEMBERS:
        raise ParseError(f"zip bomb suspected: {len(infos)} members")
    total = sum(i.file_size for i in infos)
    if total > MAX_UNZIPPED:
        raise ParseError(f"zip bomb suspected: {total} bytes uncompressed")
    for i in infos:
        if i.file_size > 1024 * 1024 and i.file_size > MAX_ZIP_RATIO * max(i.compress_size, 1):
            raise ParseError(f"zip bomb suspected: {i.filename} expands {i.file_size // max(i.compress_size, 1)}x")
    return zf


def read_docx(data: bytes) -> Extracted:
    """DOCX paragraphs and tables in document order (python-docx)."""
    check_zip(data)
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:
        raise ParseError(f"unreadable DOCX: {exc.__class__.__name__}: {exc}") from exc
    out = Extracted("docx")
    lines: list[str] = []
    body = document.element.body
    for child in body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            para = Paragraph(child, document)
            text = squash(para.text)
            if text:
                style = (para.style.name if para.style is not None else "") or ""
                runs = [r for r in para.runs if r.text.strip()]
                bold = bool(runs) and all(r.bold for r in runs)
                out.blocks.append(Block(text, heading_hint=style.lower().startswith(("heading", "标题")) or bold))
                lines.append(text)
        elif tag == "tbl":
            table = Table(child, document)
            rows: list[Row] = []
            for r, row in enumerate(table.rows):
                cells, cols, seen = [], [], set()
                for c, cell in enumerate(row.cells):
                    if id(cell._tc) in seen:
                        continue
                    seen.add(id(cell._tc))
                    cells.append(squash(cell.text.replace("\n", "")))
                    cols.append(c)
                rows.append(Row(cells, r, cols))
                for t in cells:
                    if t:
                        out.blocks.append(Block(t, in_table=True))
                lines.append(" | ".join(cells))
                if len(rows) > MAX_SHEET_ROWS:
                    break
            out.tables.append(rows)
        if sum(map(len, lines)) > MAX_TEXT_CHARS:
            out.warnings.append("text truncated")
            break
    out.text = "\n".join(lines)
    return out


def read_xlsx(data: bytes) -> Extracted:
    """XLSX sheets as tables (openpyxl, read-only)."""
    check_zip(data)
    import openpyxl

    try:
        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:
        raise ParseError(f"unreadable XLSX: {exc.__class__.__name__}: {exc}") from exc
    out = Extracted("xlsx")
    try:
        for ws in wb.worksheets:
            rows = []
            for r, values in enumerate(ws.iter_rows(max_row=MAX_SHEET_ROWS, max_col=MAX_SHEET_COLS, values_only=True)):
                cells = [_cell_str(v) for v in values]
                rows.append(Row(cells, r, list(range(len(cells)))))
            out.tables.append(rows)
    finally:
        wb.close()
    _sheet_text(out)
    return out


def read_xls(data: bytes) -> Extracted:
    """Legacy XLS sheets as tables (xlrd), merged cells filled from their top-left cell."""
    import xlrd

    try:
        book = xlrd.open_workbook(file_contents=data, formatting_info=False, on_demand=True)
    except Exception as exc:
        raise ParseError(f"unreadable XLS: {exc.__class__.__name__}: {exc}") from exc
    out = Extracted("xls")
    for idx in range(min(book.nsheets, 20)):
        sheet = book.sheet_by_index(idx)
        rows = []
        for r in range(min(sheet.nrows, MAX_SHEET_ROWS)):
            cells = [_cell_str(v) for v in sheet.row_values(r)[:MAX_SHEET_COLS]]
            rows.append(Row(cells, r, list(range(len(cells)))))
        out.tables.append(rows)
    _sheet_text(out)
    return out


def _cell_str(v: object) -> str:
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return squash(str(v))


def _sheet_text(out: Extracted) -> None:
    lines = []
    for rows in out.tables:
        for row in rows:
            if any(row.cells):
                lines.append(" | ".join(row.cells))
                out.blocks.append(Block(" ".join(c for c in row.cells if c), in_table=True))
    out.text = "\n".join(lines)


# ---------------------------------------------------------------- legacy Word (OLE) and RTF
def read_doc(data: bytes) -> Extracted:
    """Legacy Word 97–2003 / WPS text from the OLE WordDocument stream via the piece table (CLX).

    Table cells end with the cell mark (0x07); each cell becomes a line still ending with the mark, which the
    flattened-table reader joins back into rows (label line + number lines, blank cells kept as blanks; the
    row-end mark adds one trailing blank, which the column fitting drops).
    """
    import olefile

    try:
        ole = olefile.OleFileIO(io.BytesIO(data))
    except Exception as exc:
        raise ParseError(f"unreadable OLE file: {exc}") from exc
    try:
        if not ole.exists("WordDocument"):
            raise ParseError("OLE file without a WordDocument stream (not a Word/WPS document)")
        wd = ole.openstream("WordDocument").read()
        if len(wd) < 0x1AA or struct.unpack_from("<H", wd, 0)[0] not in (0xA5EC, 0xA5DC):
            raise ParseError("not a Word 97+ document (unknown FIB)")
        flags = struct.unpack_from("<H", wd, 0x0A)[0]
        if flags & 0x0100:
            raise ParseError("encrypted Word document")
        table_name = "1Table" if flags & 0x0200 else "0Table"
        if not ole.exists(table_name):
            raise ParseError(f"Word document without its {table_name} stream")
        table = ole.openstream(table_name).read()
        ccp_text = struct.unpack_from("<i", wd, 0x4C)[0]
        fc_clx, lcb_clx = struct.unpack_from("<II", wd, 0x1A2)
    finally:
        ole.close()
    text = _piece_table_text(wd, table[fc_clx:fc_clx + lcb_clx], max(0, min(ccp_text, MAX_TEXT_CHARS)))
    text = _clean_word_text(text)
    out = Extracted("doc", text=text)
    out.blocks = text_blocks(text)
    return out


def _piece_table_text(wd: bytes, clx: bytes, limit: int) -> str:
    pos = 0
    while pos < len(clx) and clx[pos] == 0x01:  # Prc: property modifiers, skipped
        pos += 3 + struct.unpack_from("<H", clx, pos + 1)[0]
    if pos >= len(clx) or clx[pos] != 0x02:
        raise ParseError("Word document with a damaged piece table")
    lcb = struct.unpack_from("<I", clx, pos + 1)[0]
    plc = clx[pos + 5:pos + 5 + lcb]
    n = (len(plc) - 4) // 12
    if n <= 0:
        return ""
    cps = struct.unpack_from(f"<{n + 1}I", plc, 0)
    parts: list[str] = []
    total = 0
    for i in range(n):
        start, end = cps[i], cps[i + 1]
        if start >= limit:
            break
        end = min(end, limit)
        length = max(0, end - start)
        fc = struct.unpack_from("<I", plc, 4 * (n + 1) + 8 * i + 2)[0]
        if fc & 0x40000000:
            off = (fc & 0x3FFFFFFF) // 2
            parts.append(wd[off:off + length].decode("cp1252", "replace"))
        else:
            parts.append(wd[fc:fc + 2 * length].decode("utf-16-le", "replace"))
        total += length
        if total > MAX_TEXT_CHARS:
            break
    return "".join(parts)


def _clean_word_text(text: str) -> str:
    text = re.sub(r"\x13[^\x13\x14\x15]*\x14([^\x15]*)\x15", r"\1", text)  # field: keep the result
    text = re.sub(r"\x13[^\x15]*\x15", "", text)
    # each table cell on a line of its own, still ending with its cell mark so blank cells are not lost
    text = text.replace("\x07", "\x07\n").replace("\r", "\n").replace("\x0b", "\n").replace("\x0c", "\n")
    return re.sub(r"[\x00-\x06\x08\x0e-\x1f]", "", text)


_RTF_TOKEN = re.compile(r"\\([a-zA-Z]+)(-?\d+)? ?|\\'([0-9a-fA-F]{2})|\\([^a-zA-Z])|([{}])|([^\\{}\r\n]+)|[\r\n]+")
_RTF_SKIP = {"fonttbl", "colortbl", "stylesheet", "info", "pict", "object", "header", "footer", "themedata",
             "colorschememapping", "datastore", "latentstyles", "listtable", "listoverridetable", "rsidtbl",
             "generator", "xmlnstbl", "mmathPr", "fldinst", "bkmkstart", "bkmkend", "field_inst"}


def rtf_to_text(data: bytes) -> str:
    """Plain text of an RTF document (a compact converter: groups, \\par/\\cell, \\'hh in the code page, \\uN)."""
    src = data[:MAX_INPUT_BYTES].decode("latin-1")
    m = re.search(r"\\ansicpg(\d+)", src[:4000])
    codepage = {"936": "gb18030", "54936": "gb18030"}.get(m.group(1), f"cp{m.group(1)}") if m else "gb18030"
    out: list[str] = []
    pending = bytearray()
    stack: list[tuple[bool, int]] = []
    skip, uc, skip_chars = False, 1, 0

    def flush() -> None:
        if pending:
            try:
                out.append(pending.decode(codepage, "replace"))
            except LookupError:
                out.append(pending.decode("gb18030", "replace"))
            pending.clear()

    for tok in _RTF_TOKEN.finditer(src):
        word, arg, hexbyte, sym, brace, plain = tok.groups()
        if brace == "{":
            stack.append((skip, uc))
        elif brace == "}":
            flush()
            skip, uc = stack.pop() if stack else (False, 1)
        elif skip:
            continue
        elif hexbyte:
            if skip_chars:
                skip_chars -= 1
                continue
            pending.append(int(hexbyte, 16))
        elif word:
            flush()
            if word in _RTF_SKIP:
                skip = True
            elif word == "uc":
                uc = int(arg or 1)
            elif word == "u":
                out.append(chr(int(arg) % 65536))
                skip_chars = uc
            elif word in ("par", "line", "row", "sect", "page", "cell"):
                out.append("\n")
            elif word == "tab":
                out.append("\t")
        elif sym:
            flush()
            if sym == "*":
                skip = True
            elif sym in "\\{}":
                out.append(sym)
        elif plain:
            flush()
            if skip_chars:
                drop = min(skip_chars, len(plain))
                plain, skip_chars = plain[drop:], skip_chars - drop
            out.append(plain)
        if len(out) > MAX_TEXT_CHARS:
            break
    flush()
    return "".join(out)


def read_rtf(data: bytes) -> Extracted:
    """RTF (often served as ".doc") → text blocks."""
    text = rtf_to_text(data)
    out = Extracted("rtf", text=text)
    out.blocks = text_blocks(text)
    return out
