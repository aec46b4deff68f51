"""Files: PDF, DOCX, DOC/WPS (and RTF/HTML served as .doc), XLS/XLSX — and the bad inputs that must fail cleanly."""

from __future__ import annotations

import io
import os
import time
import zipfile

import pytest

from archive.parse import ParseError, parse_document

from .builders import COLS

TITLE = "青山县教育局2021年政府信息公开工作年度报告"
A_ROWS = [["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"], ["规章", "0", "0", "1"],
          ["行政规范性文件", "3", "0", "101"]]
B_ROWS = [["", "自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"],
          ["一、本年新收政府信息公开申请数量", "2", "1", "0", "0", "0", "0", "3"],
          ["二、上年结转政府信息公开申请数量", "0", "0", "0", "0", "0", "0", "0"]]


def make_pdf(pages: list[list], encrypt: str | None = None) -> bytes:
    """A Chinese PDF (reportlab, STSong-Light CID font): each page a list of paragraphs and tables."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Table, TableStyle

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    style = ParagraphStyle("zh", fontName="STSong-Light", fontSize=10.5, leading=15)
    story = []
    for i, page in enumerate(pages):
        if i:
            story.append(PageBreak())
        for item in page:
            if isinstance(item, str):
                story.append(Paragraph(item, style))
            else:
                t = Table(item)
                t.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), "STSong-Light"), ("FONTSIZE", (0, 0), (-1, -1), 8),
                                       ("GRID", (0, 0), (-1, -1), 0.5, (0, 0, 0))]))
                story.append(t)
    buf = io.BytesIO()
    kwargs = {}
    if encrypt:
        from reportlab.lib import pdfencrypt

        kwargs["encrypt"] = pdfencrypt.StandardEncryption(encrypt, canPrint=0)
    SimpleDocTemplate(buf, pagesize=A4, **kwargs).build(story)
    return buf.getvalue()


REPORT_PAGES = [[TITLE, "一、总体情况", "2021年，我局共收到政府信息公开申请3件。", "二、主动公开政府信息情况",
                 "第二十条第（一）项", A_ROWS],
                ["三、收到和处理政府信息公开申请情况", B_ROWS, "六、其他需要报告的事项", "无。"]]


def test_pdf_report_text_and_tables():
    doc = parse_document(make_pdf(REPORT_PAGES), filename="W020220120001.pdf")
    assert doc.source_kind == "pdf"
    assert (doc.kind, doc.title, doc.publisher, doc.year, doc.format) == (
        "annual_report", TITLE, "青山县教育局", 2021, "2021")
    assert [s.number for s in doc.sections] == [1, 2, 3, 6]
    v = {f.key: f.value for f in doc.figures}
    assert [v[f"active.normative_docs.{c}"] for c in ("issued", "repealed", "in_force")] == [3, 0, 101]
    assert [v[f"requests.new.{c}"] for c in COLS] == [2, 1, 0, 0, 0, 0, 3]
    assert v["text.requests.new.total"] == 3
    assert {c.rule: c.ok for c in doc.checks}["text.requests.new.total"] is True


def test_pdf_encrypted_and_truncated():
    with pytest.raises(ParseError, match="encrypted"):
        parse_document(make_pdf(REPORT_PAGES, encrypt="secret"), filename="a.pdf")
    data = make_pdf(REPORT_PAGES)
    for cut in (len(data) // 2, 600, 20):
        start = time.monotonic()
        try:
            doc = parse_document(data[:cut], filename="a.pdf")
        except ParseError as exc:
            assert exc.reason
        else:  # a damaged file may still yield what could be read
            assert doc.source_kind == "pdf"
        assert time.monotonic() - start < 10


def test_pdf_without_text_layer():
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf)
    c.rect(100, 100, 200, 200, fill=1)  # a page with no text, as a scan has
    c.showPage()
    c.save()
    doc = parse_document(buf.getvalue(), filename="scan.pdf")
    assert doc.body_text == "" and doc.figures == [] and doc.kind == "document"
    assert any("no text layer" in w for w in doc.warnings)


def make_docx(table_rows: list[list[str]]) -> bytes:
    import docx

    d = docx.Document()
    d.add_paragraph().add_run(TITLE).bold = True
    d.add_paragraph("一、总体情况")
    d.add_paragraph("本年度共收到政府信息公开申请3件。")
    d.add_paragraph("三、收到和处理政府信息公开申请情况")
    table = d.add_table(rows=len(table_rows), cols=len(table_rows[0]))
    for r, row in enumerate(table_rows):
        for c, text in enumerate(row):
            table.cell(r, c).text = text
    table.cell(0, 2).merge(table.cell(0, 3))  # a merged header cell
    d.add_paragraph("六、其他需要报告的事项")
    d.add_paragraph("无。")
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def test_docx_paragraphs_and_tables_in_order():
    doc = parse_document(make_docx(B_ROWS), filename="报告.docx")
    assert (doc.source_kind, doc.title, doc.year) == ("docx", TITLE, 2021)
    assert [(s.number, s.heading) for s in doc.sections] == [
        (1, "一、总体情况"), (3, "三、收到和处理政府信息公开申请情况"), (6, "六、其他需要报告的事项")]
    assert doc.sections[1].text == ""  # the table is not section text
    assert [doc.figure(f"requests.new.{c}").value for c in COLS] == [2, 1, 0, 0, 0, 0, 3]
    assert all(c.ok for c in doc.checks)


def test_docx_zip_bomb_and_broken_zip():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        with zf.open("word/document.xml", "w") as member:
            chunk = b"\0" * (1 << 20)
            for _ in range(40):  # 40 MB of zeros: a few dozen KB compressed
                member.write(chunk)
    bomb = buf.getvalue()
    assert len(bomb) < 200_000
    start = time.monotonic()
    with pytest.raises(ParseError, match="zip bomb"):
        parse_document(bomb, filename="report.docx")
    assert time.monotonic() - start < 5
    with pytest.raises(ParseError):
        parse_document(make_docx(B_ROWS)[:3000], filename="report.docx")
    ofd = io.BytesIO()
    with zipfile.ZipFile(ofd, "w") as zf:
        zf.writestr("OFD.xml", "<ofd:OFD/>")
    with pytest.raises(ParseError, match="broken OFD XML"):  # OFD is read (tests/parse/test_ofd.py)
        parse_document(ofd.getvalue(), filename="a.ofd")


def test_legacy_doc_piece_table():
    from disclosure.replica.render_files_ole import render_doc_text

    paragraphs = [TITLE, "一、总体情况", "本年度共收到政府信息公开申请3件。", "三、收到和处理政府信息公开申请情况"]
    rows = B_ROWS + [["三、本年度办理结果", "（一）予以公开", "2", "1", "", "", "", "", "3"]]  # blank cells
    for row in rows:
        paragraphs.append("".join(cell + "\x07" for cell in row) + "\x07")
    paragraphs += ["六、其他需要报告的事项", "无。"]
    doc = parse_document(render_doc_text(paragraphs), filename="报告.wps")
    assert (doc.source_kind, doc.title, doc.publisher, doc.year) == ("doc", TITLE, "青山县教育局", 2021)
    assert [s.number for s in doc.sections] == [1, 3, 6]
    assert [doc.figure(f"requests.new.{c}").value for c in COLS] == [2, 1, 0, 0, 0, 0, 3]
    assert [doc.figure(f"requests.result.disclosed.{c}").value for c in COLS] == [2, 1, None, None, None, None, 3]
    assert doc.sections[1].text == "" and "\x07" not in doc.body_text


def test_rtf_and_html_served_as_doc():
    def gbk(text: str) -> str:
        return "".join(f"\\'{b:02x}" for b in text.encode("gbk"))

    rtf = ("{\\rtf1\\ansi\\ansicpg936{\\fonttbl{\\f0 SimSun;}}{\\info{\\title x}}{\\*\\generator Word;}\\f0 "
           + gbk(TITLE) + "\\par \\u19968?\\u12289?\\u24635?\\u20307?\\u24773?\\u20917?\\par "
           + gbk("本年度收到申请3件。") + "\\par}").encode("latin-1")
    doc = parse_document(rtf, filename="报告.doc")
    assert doc.source_kind == "doc" and doc.title == TITLE
    assert doc.sections[0].heading == "一、总体情况" and doc.sections[0].text == "本年度收到申请3件。"
    html = f"<html><body><div id='zoom'><p>{TITLE}</p><p>一、总体情况</p><p>概况。</p></div></body></html>"
    doc = parse_document(html.encode("gb18030"), filename="报告.doc")
    assert doc.source_kind == "html" and doc.sections[0].text == "概况。"


def test_spreadsheets():
    import openpyxl

    from disclosure.replica.render_files_ole import render_xls_rows

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append([TITLE])
    for row in B_ROWS:
        ws.append([int(x) if x.isdigit() else x for x in row])
    buf = io.BytesIO()
    wb.save(buf)
    doc = parse_document(buf.getvalue(), filename="统计表.xlsx")
    assert doc.source_kind == "xlsx"
    assert [doc.figure(f"requests.new.{c}").value for c in COLS] == [2, 1, 0, 0, 0, 0, 3]
    doc = parse_document(render_xls_rows(TITLE, B_ROWS), filename="统计表.xls")
    assert doc.source_kind == "xls"
    assert [doc.figure(f"requests.carried_in.{c}").value for c in COLS] == [0] * 7


def test_garbage_and_large_random_file():
    with pytest.raises(ParseError, match="unsupported binary"):
        parse_document(bytes(range(256)) * 8, filename="x.bin")
    big = os.urandom(20 * 1024 * 1024)
    start = time.monotonic()
    with pytest.raises(ParseError):
        parse_document(big, filename="report.pdf", content_type="application/pdf")
    assert time.monotonic() - start < 5
    with pytest.raises(ParseError, match="OLE"):
        parse_document(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + os.urandom(4000), filename="a.doc")
    empty = parse_document(b"", filename="empty.html")
    assert empty.sections == [] and empty.figures == [] and empty.kind == "document"
