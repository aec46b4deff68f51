"""Hostile inputs, generated (never stored): what `disclosure parse` and the ingest must survive.

Each :class:`Hostile` says what must happen: ``"parsed"`` (a result, exit 0), ``"error"`` (a one-line
ParseError, exit 1, ``reason`` matching), ``"no_text"`` (a result flagged as having no text layer, exit 7),
or ``"either"`` (a damaged file that may still give what could be read).
"""

from __future__ import annotations

import io
import random
import zipfile
from dataclasses import dataclass

NS = "http://www.ofdspec.org/2016"
TITLE = "青山县教育局2021年政府信息公开工作年度报告"


@dataclass
class Hostile:
    name: str  # file name (its extension is the hint a crawler would have)
    data: bytes
    content_type: str
    outcome: str  # parsed | error | no_text | either
    reason: str = ""  # regex the error reason must match


def _zip(members: dict[str, bytes | int], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    """A zip; an int member is that many MB of zeros written in chunks (a bomb, a few KB a MB)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression) as zf:
        for name, body in members.items():
            if isinstance(body, int):
                with zf.open(name, "w") as member:
                    for _ in range(body):
                        member.write(b"\0" * (1 << 20))
            else:
                zf.writestr(name, body)
    return buf.getvalue()


def ofd(content: str, compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    """A one-page OFD whose page layer holds ``content`` (raw XML, broken or not)."""
    return _zip({"OFD.xml": f'<ofd:OFD xmlns:ofd="{NS}"><ofd:DocBody><ofd:DocRoot>Doc_0/Document.xml'
                            "</ofd:DocRoot></ofd:DocBody></ofd:OFD>".encode(),
                 "Doc_0/Document.xml": f'<ofd:Document xmlns:ofd="{NS}"><ofd:Pages><ofd:Page ID="1" '
                                       'BaseLoc="Pages/Page_0/Content.xml"/></ofd:Pages></ofd:Document>'.encode(),
                 "Doc_0/Pages/Page_0/Content.xml": f'<ofd:Page xmlns:ofd="{NS}"><ofd:Content><ofd:Layer ID="2">'
                                                   f"{content}</ofd:Layer></ofd:Content></ofd:Page>".encode()},
                compression)


def scan_pdf(pages: int = 5) -> bytes:
    """A PDF of page images only (a scan: ruled lines and a block of "text" drawn as pixels)."""
    from PIL import Image, ImageDraw
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    img = Image.new("L", (620, 877), 255)
    draw = ImageDraw.Draw(img)
    for y in range(120, 800, 28):
        draw.line((60, y, 560, y), fill=0, width=2)
        draw.rectangle((70, y + 6, 70 + (y * 7) % 400, y + 18), fill=90)
    png = io.BytesIO()
    img.save(png, "PNG")
    buf = io.BytesIO()
    c = canvas.Canvas(buf, invariant=1)
    for n in range(pages):
        c.drawImage(ImageReader(io.BytesIO(png.getvalue())), 0, 0, 595, 842)
        c.setFont("Helvetica", 8)
        c.drawString(290, 20, str(n + 1))  # a page number: a text layer of one character is no text layer
        c.showPage()
    c.save()
    return buf.getvalue()


def cases() -> list[Hostile]:
    """Every hostile input, freshly generated."""
    from .test_files import REPORT_PAGES, make_pdf

    rng = random.Random(15)
    deep = ("<html><body><div id='zoom'><p>一、总体情况</p>" + "<div>" * 100_000 + "<p>全年共收到依申请公开3件。</p>"
            + "</div>" * 100_000 + "</div></body></html>")
    cells = "<tr>" + "<td>1</td>" * 100 + "</tr>"
    huge = "<html><body><table>" + cells * 12_000 + "</table></body></html>"
    spans = ("<html><body><table><tr><td rowspan='65534' colspan='1000'>一、本年新收政府信息公开申请数量</td></tr>"
             + "<tr><td colspan='1000'>1</td></tr>" * 3000 + "</table></body></html>")
    good_pdf = make_pdf(REPORT_PAGES)
    return [
        Hostile("deep.html", deep.encode(), "text/html; charset=utf-8", "parsed"),
        Hostile("huge_table.html", huge.encode(), "text/html; charset=utf-8", "error", "too complex"),
        Hostile("spans.html", spans.encode(), "text/html; charset=utf-8", "parsed"),
        Hostile("garbage.pdf", bytes(rng.randrange(256) for _ in range(300_000)), "application/pdf", "error",
                "unsupported binary|corrupt"),
        Hostile("garbage_pdf_header.pdf", b"%PDF-1.4\n" + bytes(rng.randrange(256) for _ in range(100_000)),
                "application/pdf", "error", "corrupt|PDF"),
        Hostile("truncated.pdf", good_pdf[: len(good_pdf) // 3], "application/pdf", "either", "PDF"),
        Hostile("encrypted.pdf", make_pdf(REPORT_PAGES, encrypt="secret"), "application/pdf", "error", "encrypted"),
        Hostile("bomb.docx", _zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": 60}),
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "error", "zip bomb"),
        Hostile("bomb.xlsx", _zip({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>",
                                   "xl/worksheets/sheet1.xml": 60}),
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "error", "zip bomb"),
        Hostile("bomb.ofd", _zip({"OFD.xml": b"<ofd:OFD/>", "Doc_0/Document.xml": 60}), "application/ofd", "error",
                "zip bomb"),
        Hostile("broken.ofd", ofd(f'<ofd:TextObject ID="3" Boundary="0 0 100 10"><ofd:TextCode X="0" Y="3">{TITLE}'),
                "application/ofd", "error", "broken OFD XML"),
        Hostile("deep.ofd", ofd("<ofd:PageBlock>" * 100_000 + "</ofd:PageBlock>" * 100_000, zipfile.ZIP_STORED),
                "application/ofd", "error", "broken OFD XML"),
        Hostile("scan.pdf", scan_pdf(), "application/pdf", "no_text"),
        Hostile("scan.ofd", ofd('<ofd:ImageObject ID="3" Boundary="0 0 210 297" ResourceID="9"/>'),
                "application/ofd", "no_text"),
    ]
