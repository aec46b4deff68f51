"""``disclosure bench parsing``: documents/s of ``parse_document`` on HTML, PDF and OFD reports, against bare lxml.

Reports come from the replica's content generator (mixed formats, heading variants, table looks), wrapped in
a TRS-style page for HTML and rendered with reportlab (STSong-Light CID font) for PDF. The same run also
compares the two PDF libraries on those PDFs: text extraction time and how many ground-truth figures the
flattened-text reader recovers from each library's text, and pdfplumber's table extraction (docs/parsing.md).
The same PDF reports rendered as OFD (``render_ofd``) give the OFD row: seconds per page, figures recovered.
The first ``--scans`` of them rendered as scans (``render_scanned_pdf``: grey, turned, blurred, JPEG, every other
one with a red seal over a table) give the scanned-PDF row, once per OCR engine named by ``--ocr-engines``.
"""

from __future__ import annotations

import io
import time
import zipfile
from collections.abc import Callable

import click

from archive.parse import parse_document
from archive.parse.figures import extract_figures
from archive.parse.flattened import text_to_rows


def _reports(n: int):
    from disclosure.replica.content import ReportSpec, generate_report

    formats = ("2021", "2019", "pre2019")
    out = []
    for i in range(n):
        fmt = formats[i % 3]
        spec = ReportSpec("青山县", "青山县教育局", "县教育局", {"2021": 2022, "2019": 2020, "pre2019": 2015}[fmt], fmt,
                          seed=7000 + i, heading_variant=i % 12, missing_section=5 if i % 7 == 3 else None)
        out.append(generate_report(spec))
    return out


def _page(c) -> bytes:
    return (f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>{c.title}_青山县人民政府</title>'
            f'<meta name="ArticleTitle" content="{c.title}"><meta name="PubDate" content="2022-01-20 09:30"></head>'
            "<body><div class='nav'><a href='/'>首页</a></div><div class='position'>当前位置：首页 &gt; 年报</div>"
            f"<h1>{c.title}</h1><div class='TRS_Editor'>{c.body_html}</div>"
            "<div class='footer'>主办：青山县人民政府办公室</div></body></html>").encode()


def _rate(fn: Callable[[bytes], object], items: list[bytes], repeat: int = 1) -> float:
    start = time.perf_counter()
    for _ in range(repeat):
        for item in items:
            fn(item)
    return len(items) * repeat / (time.perf_counter() - start)


def _recovered(figures: dict[str, float | None], text: str) -> tuple[int, int]:
    got = {f.key: f.value for f in extract_figures(text_to_rows(text)).figures}
    return sum(1 for k, v in figures.items() if k in got and got[k] == v), len(figures)


@click.command("parsing")
@click.option("--html", "n_html", default=300, show_default=True, help="HTML reports to parse.")
@click.option("--pdf", "n_pdf", default=30, show_default=True, help="PDF reports to parse.")
@click.option("--scans", "n_scans", default=2, show_default=True, help="Scanned PDF reports to OCR (slow).")
@click.option("--ocr-engines", default="rapidocr", show_default=True,
              help="Comma-separated OCR engines for the scanned-PDF row (rapidocr, tesseract).")
def command(n_html: int, n_pdf: int, n_scans: int, ocr_engines: str) -> None:
    """Parse generated HTML and PDF reports; print documents/s and the ratio to lxml.html.fromstring."""
    import lxml.html
    import pdfplumber
    from bs4 import BeautifulSoup
    from pypdf import PdfReader

    from disclosure.replica.render_files import render_pdf

    reports = _reports(max(n_html, n_pdf))
    pages = [_page(c) for c in reports[:n_html]]
    mb = sum(map(len, pages)) / 1e6
    lxml_rate = _rate(lxml.html.fromstring, pages)
    bs4_rate = _rate(lambda b: BeautifulSoup(b, "lxml"), pages)
    parse_rate = _rate(lambda b: parse_document(b, url="http://127.0.0.1/ndbg/202201/t20220120_1.html"), pages)
    click.echo(f"HTML  {n_html} pages ({mb:.1f} MB): parse_document {parse_rate:8.1f} docs/s; "
               f"lxml.html.fromstring {lxml_rate:8.1f} docs/s; ratio {lxml_rate / parse_rate:.1f}x slower than bare lxml "
               f"(BeautifulSoup+lxml tree alone: {bs4_rate:.1f} docs/s, {lxml_rate / bs4_rate:.1f}x)")

    pdf_reports = [c for c in reports[:n_pdf] if c.format != "pre2019"]
    pdfs = [render_pdf(c) for c in pdf_reports]
    pdf_rate = _rate(lambda b: parse_document(b, filename="report.pdf"), pdfs)
    click.echo(f"PDF   {len(pdfs)} reports ({sum(map(len, pdfs)) / 1e6:.1f} MB): parse_document {pdf_rate:6.2f} docs/s "
               f"(lxml on the HTML twin: {lxml_rate:.0f} docs/s)")

    timings = {"pdfplumber text": 0.0, "pypdf text": 0.0, "pdfplumber tables": 0.0}
    # "pdfplumber tables": the time of extract_tables; the figures are what parse_document reads (tables + text)
    found = {k: [0, 0] for k in timings}
    for c, data in zip(pdf_reports, pdfs, strict=True):
        start = time.perf_counter()
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            text = "\n".join(p.extract_text() or "" for p in pdf.pages)
        timings["pdfplumber text"] += time.perf_counter() - start
        ok, n = _recovered(c.figures, text)
        found["pdfplumber text"][0] += ok
        found["pdfplumber text"][1] += n
        start = time.perf_counter()
        text = "\n".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(data)).pages)
        timings["pypdf text"] += time.perf_counter() - start
        ok, n = _recovered(c.figures, text)
        found["pypdf text"][0] += ok
        found["pypdf text"][1] += n
        start = time.perf_counter()
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            rows = [" | ".join(cell or "" for cell in row) for p in pdf.pages for t in p.extract_tables() for row in t]
        timings["pdfplumber tables"] += time.perf_counter() - start
        doc = parse_document(data, filename="report.pdf")
        got = {f.key: f.value for f in doc.figures}
        found["pdfplumber tables"][0] += sum(1 for k, v in c.figures.items() if got.get(k, "x") == v)
        found["pdfplumber tables"][1] += len(c.figures)
        del rows
    for name, secs in timings.items():
        ok, n = found[name]
        click.echo(f"  {name:<18} {1000 * secs / max(len(pdfs), 1):7.1f} ms/doc; figures recovered {ok}/{n} "
                   f"({100 * ok / max(n, 1):.1f}%)")
    _ofd_row(pdf_reports, pdfs)
    for engine in [e.strip() for e in ocr_engines.split(",") if e.strip()]:
        _scan_row(pdf_reports[:n_scans], engine)


def _pages(data: bytes, kind: str) -> int:
    if kind == "ofd":
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            return sum(1 for n in zf.namelist() if n.endswith("Content.xml"))
    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(data)).pages)


def _ofd_row(reports: list, pdfs: list[bytes]) -> None:
    """The PDF reports as OFD: parse_document's seconds per page and figures recovered, beside the PDF's."""
    from disclosure.replica.render_files import render_ofd

    ofds = [render_ofd(c) for c in reports]
    for kind, files in (("pdf", pdfs), ("ofd", ofds)):
        pages = sum(_pages(data, kind) for data in files)
        ok = n = 0
        start = time.perf_counter()
        docs = [parse_document(data, filename=f"report.{kind}") for data in files]
        secs = time.perf_counter() - start
        for c, doc in zip(reports, docs, strict=True):
            got = {f.key: f.value for f in doc.figures}
            ok += sum(1 for k, v in c.figures.items() if got.get(k, "x") == v)
            n += len(c.figures)
        click.echo(f"{kind.upper():<5} {len(files)} reports, {pages} pages: parse_document "
                   f"{secs / max(pages, 1):.3f} s/page; figures recovered {ok}/{n} ({100 * ok / max(n, 1):.1f}%)")


def _scan_row(reports: list, engine: str) -> None:
    """The PDF reports as scans, read by OCR: seconds per page and figures recovered (of the ground truth)."""
    import os

    from archive.parse import ocr
    from disclosure.replica.render_files_scan import render_scanned_pdf

    if not reports:
        return
    if not ocr.ocr_available(engine):
        click.echo(f"SCAN  OCR engine {engine} is not available: no scanned-PDF row")
        return
    scans = [render_scanned_pdf(c, 9000 + i, seal=i % 2 == 0) for i, c in enumerate(reports)]
    previous = os.environ.get("DISCLOSURE_OCR_ENGINE")
    os.environ["DISCLOSURE_OCR_ENGINE"] = engine
    try:
        pages_before = ocr.STATS["pages"]
        start = time.perf_counter()
        docs = [parse_document(data, filename="report.pdf") for data in scans]
        secs = time.perf_counter() - start
        pages = ocr.STATS["pages"] - pages_before
    finally:
        if previous is None:
            os.environ.pop("DISCLOSURE_OCR_ENGINE", None)
        else:
            os.environ["DISCLOSURE_OCR_ENGINE"] = previous
    ok = n = checks = 0
    for c, doc in zip(reports, docs, strict=True):
        got = {f.key: f.value for f in doc.figures}
        ok += sum(1 for k, v in c.figures.items() if got.get(k, "x") == v)
        n += len(c.figures)
        failed = {ch.rule for ch in doc.checks if not ch.ok}
        checks += set(c.planted_inconsistencies) <= failed
    click.echo(f"SCAN  {len(scans)} reports, {pages} pages OCR'd ({engine}): parse_document "
               f"{secs / max(pages, 1):.1f} s/page; figures recovered {ok}/{n} ({100 * ok / max(n, 1):.1f}%); "
               f"planted failing checks still failing in {checks}/{len(scans)} reports")
