"""Reports as OFD (GB/T 33190): pages of positioned text objects and ruled tables, laid out like the PDF.

The layout follows :func:`disclosure.replica.render_files.render_pdf` (A4, 50 pt margins, the same font
sizes, leadings and table column widths, tables kept on one page when they fit, table B broken across a
page inside （四）无法提供 when ``break_table_b`` is set). Text is one ``TextObject`` per line with ``DeltaX``
advances (full-width characters one em, others half); table borders are ``PathObject`` rectangles per cell.
Output is deterministic: fixed ids, dates and zip timestamps.
"""

from __future__ import annotations

import hashlib
import io
import zipfile
from dataclasses import dataclass, field
from xml.sax.saxutils import escape, quoteattr

from disclosure.replica.content import ReportContent
from disclosure.replica.content_model import Table

MM = 72 / 25.4
PAGE_W, PAGE_H = 210 * MM, 297 * MM
MARGIN = 50.0
WIDTH = PAGE_W - 2 * MARGIN
NS = "http://www.ofdspec.org/2016"
FONT_ID = 2
_PAD_X, _PAD_Y, _CELL_SIZE, _CELL_LEADING = 6.0, 3.0, 8.0, 10.0


def _advance(ch: str, size: float) -> float:
    return size if ord(ch) > 0x2E7F else size / 2


def wrap(text: str, size: float, width: float, indent: float = 0.0) -> list[str]:
    """CJK wrapping: break between any two characters when the line is full."""
    lines, line, used, limit = [], "", 0.0, width - indent
    for ch in text:
        w = _advance(ch, size)
        if line and used + w > limit + 1e-6:
            lines.append(line)
            line, used, limit = "", 0.0, width
        line += ch
        used += w
    if line or not lines:
        lines.append(line)
    return lines


def _mm(v: float) -> str:
    return f"{v / MM:.3f}".rstrip("0").rstrip(".") or "0"


@dataclass
class _Doc:
    pages: list[list[str]] = field(default_factory=lambda: [[]])
    y: float = MARGIN
    next_id: int = 10

    def new_id(self) -> int:
        self.next_id += 1
        return self.next_id

    def new_page(self) -> None:
        self.pages.append([])
        self.y = MARGIN

    def room(self) -> float:
        return PAGE_H - MARGIN - self.y

    def text(self, s: str, x: float, top: float, size: float, leading: float) -> None:
        """One line of text whose line box starts at (x, top)."""
        if not s:
            return
        deltas = " ".join(_mm(_advance(ch, size)) for ch in s[:-1])
        width = sum(_advance(ch, size) for ch in s)
        baseline = (leading - size) / 2 + 0.88 * size
        delta = f" DeltaX={quoteattr(deltas)}" if deltas else ""
        self.pages[-1].append(
            f'<ofd:TextObject ID="{self.new_id()}" Boundary="{_mm(x)} {_mm(top)} {_mm(width)} {_mm(leading)}" '
            f'Font="{FONT_ID}" Size="{_mm(size)}"><ofd:FillColor Value="0 0 0"/>'
            f'<ofd:TextCode X="0" Y="{_mm(baseline)}"{delta}>{escape(s)}</ofd:TextCode></ofd:TextObject>')

    def rect(self, x: float, top: float, w: float, h: float) -> None:
        self.pages[-1].append(
            f'<ofd:PathObject ID="{self.new_id()}" Boundary="{_mm(x)} {_mm(top)} {_mm(w)} {_mm(h)}" '
            f'LineWidth="0.176"><ofd:AbbreviatedData>M 0 0 L {_mm(w)} 0 L {_mm(w)} {_mm(h)} L 0 {_mm(h)} C'
            f'</ofd:AbbreviatedData></ofd:PathObject>')

    def paragraph(self, text: str, size: float, leading: float, indent: float = 0.0, center: bool = False,
                  before: float = 0.0, after: float = 0.0) -> None:
        self.y += before
        for i, line in enumerate(wrap(text, size, WIDTH, indent)):
            if self.room() < leading:
                self.new_page()
            used = sum(_advance(ch, size) for ch in line)
            x = MARGIN + ((WIDTH - used) / 2 if center else indent if i == 0 else 0.0)
            self.text(line, x, self.y, size, leading)
            self.y += leading
        self.y += after


def _geometry(table: Table):
    from disclosure.replica.render_files import _col_widths, place

    n_rows, n_cols, placed = place(table)
    widths = _col_widths(table, n_cols, WIDTH)
    xs = [MARGIN + sum(widths[:c]) for c in range(n_cols + 1)]
    lines = {}
    heights = [_CELL_LEADING + 2 * _PAD_Y] * n_rows
    for p in placed:
        text = p.cell.text.replace("\n", "")
        w = xs[p.col + p.cell.colspan] - xs[p.col] - 2 * _PAD_X
        lines[id(p)] = [text] if p.cell.key else wrap(text, _CELL_SIZE, w)
        if p.cell.rowspan == 1:
            heights[p.row] = max(heights[p.row], len(lines[id(p)]) * _CELL_LEADING + 2 * _PAD_Y)
    for p in placed:  # a spanning cell taller than its rows stretches its last row
        need = len(lines[id(p)]) * _CELL_LEADING + 2 * _PAD_Y
        have = sum(heights[p.row:p.row + p.cell.rowspan])
        if p.cell.rowspan > 1 and need > have:
            heights[p.row + p.cell.rowspan - 1] += need - have
    return placed, xs, heights, lines


def _table(doc: _Doc, table: Table) -> None:
    from disclosure.replica.render_files import split_table

    placed, xs, heights, lines = _geometry(table)
    total = sum(heights)
    if total > doc.room() and doc.y > MARGIN:
        doc.new_page()
    if total > doc.room():  # longer than a page: cut after the last row that fits
        used, at = 0.0, 0
        while at < len(heights) and used + heights[at] <= doc.room():
            used += heights[at]
            at += 1
        first, rest = split_table(table, max(1, at))
        _table(doc, first)
        doc.new_page()
        _table(doc, rest)
        return
    tops = [doc.y + sum(heights[:r]) for r in range(len(heights) + 1)]
    for p in placed:
        x0, x1 = xs[p.col], xs[p.col + p.cell.colspan]
        top, bottom = tops[p.row], tops[p.row + p.cell.rowspan]
        doc.rect(x0, top, x1 - x0, bottom - top)
        cell_lines = lines[id(p)]
        y = top + (bottom - top - len(cell_lines) * _CELL_LEADING) / 2
        for line in cell_lines:
            used = sum(_advance(ch, _CELL_SIZE) for ch in line)
            doc.text(line, x0 + (x1 - x0 - used) / 2, y, _CELL_SIZE, _CELL_LEADING)
            y += _CELL_LEADING
    doc.y += total


def _xml(body: str) -> bytes:
    return ('<?xml version="1.0" encoding="UTF-8"?>\n' + body).encode("utf-8")


def render_ofd(c: ReportContent) -> bytes:
    """The report as an OFD package: OFD.xml, Doc_0/Document.xml, Doc_0/PublicRes.xml, one Content.xml a page."""
    from disclosure.replica.render_files import split_table

    doc = _Doc()
    doc.paragraph(c.title, 16, 24, center=True, after=12)
    for block in c.blocks:
        if block.kind == "heading":
            doc.paragraph(block.text, 12, 20, before=6)
        elif block.kind == "para":
            doc.paragraph(block.text, 10.5, 17, indent=21)
        elif block.kind == "table" and block.table is not None:
            table = block.table
            if table.name == "B" and c.break_table_b and table.page_break_row:
                part1, part2 = split_table(table, table.page_break_row)
                _table(doc, part1)
                doc.new_page()
                _table(doc, part2)
            else:
                _table(doc, table)
    doc_id = hashlib.sha256(c.title.encode()).hexdigest()[:32]
    files = {
        "OFD.xml": _xml(f'<ofd:OFD xmlns:ofd="{NS}" Version="1.1" DocType="OFD"><ofd:DocBody><ofd:DocInfo>'
                        f"<ofd:DocID>{doc_id}</ofd:DocID><ofd:Title>{escape(c.title)}</ofd:Title>"
                        "<ofd:CreationDate>2000-01-01</ofd:CreationDate></ofd:DocInfo>"
                        "<ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>"),
        "Doc_0/PublicRes.xml": _xml(f'<ofd:Res xmlns:ofd="{NS}" BaseLoc="Res"><ofd:Fonts>'
                                    f'<ofd:Font ID="{FONT_ID}" FontName="宋体" FamilyName="宋体"/>'
                                    "</ofd:Fonts></ofd:Res>"),
    }
    page_refs = []
    for n, objects in enumerate(doc.pages):
        page_refs.append(f'<ofd:Page ID="{doc.new_id()}" BaseLoc="Pages/Page_{n}/Content.xml"/>')
        files[f"Doc_0/Pages/Page_{n}/Content.xml"] = _xml(
            f'<ofd:Page xmlns:ofd="{NS}"><ofd:Content><ofd:Layer ID="{doc.new_id()}">{"".join(objects)}'
            "</ofd:Layer></ofd:Content></ofd:Page>")
    files["Doc_0/Document.xml"] = _xml(
        f'<ofd:Document xmlns:ofd="{NS}"><ofd:CommonData><ofd:MaxUnitID>{doc.next_id}</ofd:MaxUnitID>'
        f"<ofd:PageArea><ofd:PhysicalBox>0 0 210 297</ofd:PhysicalBox></ofd:PageArea>"
        f"<ofd:PublicRes>PublicRes.xml</ofd:PublicRes></ofd:CommonData>"
        f'<ofd:Pages>{"".join(page_refs)}</ofd:Pages></ofd:Document>')
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for name in ("OFD.xml", "Doc_0/Document.xml", "Doc_0/PublicRes.xml",
                     *(f"Doc_0/Pages/Page_{n}/Content.xml" for n in range(len(doc.pages)))):
            zf.writestr(zipfile.ZipInfo(name, date_time=(2000, 1, 1, 0, 0, 0)), files[name],
                        compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()
