"""Reports as files: PDF (reportlab, CID font STSong-Light), DOCX (python-docx), DOC and XLS (OLE binaries).

Every rendering is deterministic (fixed creation dates, ids and zip timestamps) so the same content
gives the same bytes. Tables are real tables (ruled PDF tables pdfplumber reads, Word tables); when
``ReportContent.break_table_b`` is set, table B is split across a page break inside （四）无法提供, the
group label itself cut in two ("（四）无" / "法提供"), as real PDFs arrive.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from xml.sax.saxutils import escape

from disclosure.replica.content import ReportContent
from disclosure.replica.content_model import Block, Cell, Table
from disclosure.replica.render_files_ofd import render_ofd
from disclosure.replica.render_files_ole import render_doc_text, render_xls_rows

__all__ = ["place", "render_doc", "render_docx", "render_ofd", "render_pdf", "render_xls", "split_table"]

_FONT = "STSong-Light"


@dataclass
class Placed:
    """A cell at its grid position."""

    row: int
    col: int
    cell: Cell


def place(table: Table) -> tuple[int, int, list[Placed]]:
    """Expand HTML-style spans: (rows, columns, cells at their top-left grid positions)."""
    taken: set[tuple[int, int]] = set()
    placed: list[Placed] = []
    for r, row in enumerate(table.rows):
        c = 0
        for cell in row:
            while (r, c) in taken:
                c += 1
            placed.append(Placed(r, c, cell))
            for dr in range(cell.rowspan):
                for dc in range(cell.colspan):
                    taken.add((r + dr, c + dc))
            c += cell.colspan
    n_cols = max(c for _, c in taken) + 1
    return len(table.rows), n_cols, placed


def split_table(table: Table, at: int) -> tuple[Table, Table]:
    """Cut ``table`` before row ``at``; a label spanning the cut is split, its text too."""
    n_rows, n_cols, placed = place(table)
    first: list[list[tuple[int, Cell]]] = [[] for _ in range(at)]
    second: list[list[tuple[int, Cell]]] = [[] for _ in range(n_rows - at)]
    for p in placed:
        cell = p.cell
        if p.row < at < p.row + cell.rowspan:
            top = cell.text
            cut = max(1, (len(top) + 1) // 2)  # "（四）无" / "法提供" as real PDFs cut it
            first[p.row].append((p.col, Cell(top[:cut], at - p.row, cell.colspan, header=True)))
            second[0].append((p.col, Cell(top[cut:], p.row + cell.rowspan - at, cell.colspan, header=True)))
        elif p.row < at:
            first[p.row].append((p.col, cell))
        else:
            second[p.row - at].append((p.col, cell))
    rows1 = [[c for _, c in sorted(r, key=lambda x: x[0])] for r in first]
    rows2 = [[c for _, c in sorted(r, key=lambda x: x[0])] for r in second]
    return Table(table.name, rows1), Table(table.name, rows2)


def _col_widths(table: Table, n_cols: int, width: float) -> list[float]:
    if table.name == "B" and n_cols == 10:
        return [24, 70, 135] + [(width - 229) / 7] * 7
    if table.name == "C":
        return [width / n_cols] * n_cols
    first = width * (0.5 if table.name == "local" else 0.3)
    return [first] + [(width - first) / (n_cols - 1)] * (n_cols - 1)


def _pdf_table(table: Table, width: float):  # -> reportlab Table
    from reportlab.lib import colors
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph, TableStyle
    from reportlab.platypus import Table as RLTable

    cell_style = ParagraphStyle("cell", fontName=_FONT, fontSize=8, leading=10, wordWrap="CJK")
    n_rows, n_cols, placed = place(table)
    data: list[list[object]] = [[""] * n_cols for _ in range(n_rows)]
    style = [("GRID", (0, 0), (-1, -1), 0.5, colors.black), ("FONTNAME", (0, 0), (-1, -1), _FONT),
             ("FONTSIZE", (0, 0), (-1, -1), 8), ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
             ("ALIGN", (0, 0), (-1, -1), "CENTER")]
    for p in placed:
        text = p.cell.text.replace("\n", "")
        data[p.row][p.col] = text if p.cell.key else Paragraph(escape(text), cell_style)
        if p.cell.rowspan > 1 or p.cell.colspan > 1:
            style.append(("SPAN", (p.col, p.row), (p.col + p.cell.colspan - 1, p.row + p.cell.rowspan - 1)))
    return RLTable(data, colWidths=_col_widths(table, n_cols, width), style=TableStyle(style))


def render_pdf(c: ReportContent) -> bytes:
    """The report as a PDF with real Chinese text and ruled tables."""
    from reportlab.lib.enums import TA_CENTER
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Image, KeepTogether, PageBreak, Paragraph, SimpleDocTemplate

    if _FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(_FONT))
    title_style = ParagraphStyle("t", fontName=_FONT, fontSize=16, leading=24, alignment=TA_CENTER,
                                 wordWrap="CJK", spaceAfter=12)
    head_style = ParagraphStyle("h", fontName=_FONT, fontSize=12, leading=20, wordWrap="CJK", spaceBefore=6)
    body_style = ParagraphStyle("b", fontName=_FONT, fontSize=10.5, leading=17, firstLineIndent=21,
                                wordWrap="CJK")
    buf = io.BytesIO()
    doc = SimpleDocTemplate(buf, pagesize=A4, leftMargin=50, rightMargin=50, topMargin=50, bottomMargin=50,
                            invariant=1, title=c.title, author="", creator="", producer="", subject="")
    width = A4[0] - 100
    story: list[object] = [Paragraph(escape(c.title), title_style)]
    images = dict(c.images)
    for block in c.blocks:
        if block.kind == "heading":
            story.append(Paragraph(escape(block.text), head_style))
        elif block.kind == "para":
            story.append(Paragraph(escape(block.text), body_style))
        elif block.kind == "table" and block.table is not None:
            table = block.table
            if table.name == "B" and c.break_table_b and table.page_break_row:
                part1, part2 = split_table(table, table.page_break_row)
                story += [KeepTogether([_pdf_table(part1, width)]), PageBreak(),
                          KeepTogether([_pdf_table(part2, width)])]
            else:
                story.append(KeepTogether([_pdf_table(table, width)]))
        elif block.kind == "image" and block.image in images:
            img = Image(io.BytesIO(images[block.image]))
            scale = min(1.0, width / img.drawWidth)
            img.drawWidth, img.drawHeight = img.drawWidth * scale, img.drawHeight * scale
            story.append(img)
    doc.build(story)
    return buf.getvalue()


# --- DOCX ---------------------------------------------------------------------------------------

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _docx_table_xml(table: Table) -> str:
    """A Word table (w:tbl) with gridSpan / vMerge for the spans; built as XML because python-docx's
    cell merging is quadratic and took most of a second per report."""
    n_rows, n_cols, placed = place(table)
    starts = {(p.row, p.col): p.cell for p in placed}
    # (row, col) -> top-left cell of a vertical span covering it from above
    below = {(p.row + dr, p.col): p.cell for p in placed for dr in range(1, p.cell.rowspan)}
    out = [f'<w:tbl xmlns:w="{_W}"><w:tblPr><w:tblStyle w:val="TableGrid"/><w:tblW w:w="0" w:type="auto"/>'
           '</w:tblPr><w:tblGrid>', '<w:gridCol w:w="800"/>' * n_cols, "</w:tblGrid>"]
    for r in range(n_rows):
        out.append("<w:tr>")
        c = 0
        while c < n_cols:
            cell = starts.get((r, c))
            covered = below.get((r, c))
            span = (cell or covered).colspan if (cell or covered) else 1
            props = f'<w:gridSpan w:val="{span}"/>' if span > 1 else ""
            if cell is not None:
                props += '<w:vMerge w:val="restart"/>' if cell.rowspan > 1 else ""
                text = escape(cell.text.replace("\n", ""))
                para = f'<w:p><w:r><w:t xml:space="preserve">{text}</w:t></w:r></w:p>' if text else "<w:p/>"
            else:
                props += "<w:vMerge/>" if covered is not None else ""
                para = "<w:p/>"
            out.append(f"<w:tc><w:tcPr>{props}</w:tcPr>{para}</w:tc>")
            c += span
        out.append("</w:tr>")
    out.append("</w:tbl>")
    return "".join(out)


def _docx_table(document, table: Table) -> None:
    from docx.oxml import parse_xml

    body = document.element.body
    position = len(body) - 1 if body[-1].tag.endswith("sectPr") else len(body)
    body.insert(position, parse_xml(_docx_table_xml(table)))


def _fixed_zip(data: bytes) -> bytes:
    """Rewrite a zip with fixed timestamps so equal content gives equal bytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=(2000, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(fixed, src.read(info.filename))
    return out.getvalue()


def render_docx(c: ReportContent) -> bytes:
    """The report as a Word document: paragraphs and real Word tables."""
    import datetime as dt

    import docx
    from docx.shared import Cm

    images = dict(c.images)
    document = docx.Document()
    props = document.core_properties
    stamp = dt.datetime(2000, 1, 1)
    props.created = props.modified = props.last_printed = stamp
    props.author = props.last_modified_by = ""
    props.revision = 1
    props.title = c.title
    heading = document.add_paragraph()
    heading.add_run(c.title).bold = True
    for block in c.blocks:
        if block.kind == "heading":
            document.add_paragraph().add_run(block.text).bold = True
        elif block.kind == "para":
            document.add_paragraph(block.text)
        elif block.kind == "table" and block.table is not None:
            _docx_table(document, block.table)
        elif block.kind == "image" and block.image in images:
            document.add_picture(io.BytesIO(images[block.image]), width=Cm(15))
    buf = io.BytesIO()
    document.save(buf)
    return _fixed_zip(buf.getvalue())


# --- DOC / XLS ----------------------------------------------------------------------------------

def _doc_table_rows(table: Table) -> list[str]:
    """Word's text form of a table: each cell ends with a cell mark (0x07), each row with one more.
    A vertically merged cell repeats as an empty cell in the rows it covers, as Word stores it."""
    n_rows, n_cols, placed = place(table)
    starts = {(p.row, p.col): p.cell for p in placed}
    below = {(p.row + dr, p.col): p.cell for p in placed for dr in range(1, p.cell.rowspan)}
    rows = []
    for r in range(n_rows):
        cells, c = [], 0
        while c < n_cols:
            cell = starts.get((r, c))
            covered = below.get((r, c))
            if cell is not None:
                cells.append(cell.text.replace("\n", ""))
            elif covered is not None:
                cells.append("")
            c += (cell or covered).colspan if (cell or covered) else 1
        rows.append("".join(text + "\x07" for text in cells) + "\x07")
    return rows


def doc_lines(blocks: list[Block], title: str) -> list[str]:
    """The paragraphs a .doc carries; table rows come as cell-marked rows (see :func:`_doc_table_rows`)."""
    lines = [title]
    for block in blocks:
        if block.kind in ("heading", "para"):
            lines.append(block.text)
        elif block.kind == "table" and block.table is not None:
            lines += _doc_table_rows(block.table)
    return lines


def render_doc(c: ReportContent) -> bytes:
    """The report as a Word 97-2003 binary (.doc): an OLE file with a WordDocument stream and piece table."""
    return render_doc_text(doc_lines(c.blocks, c.title))


def render_xls(title: str, rows: list[list[str]]) -> bytes:
    """A notice attachment as a real Excel 97-2003 (BIFF8) workbook: the title row, then ``rows``."""
    return render_xls_rows(title, rows)
