"""Scanned reports (PDFs of page images, （图片版）) read by OCR: fetched from a replica that serves two of its
PDF reports as scans (grey, turned, blurred, JPEG; one with a red seal over a table), ingested, held to the
figures of their text versions, and reparsed without running OCR again.

OCR is slow (seconds a page on 2 cores): the two reports are recognised once, by the ingest, and shared.
"""

from __future__ import annotations

import dataclasses
import io
import json
import subprocess
import sys
from collections.abc import Iterator

import pytest
from sqlalchemy import select

from archive.db import open_database, sqlite_url
from archive.ingest import process_captures
from archive.models import CheckResult, Document, Figure, Version
from archive.parse import ocr, parse_document
from archive.rawstore import RawStore
from disclosure.replica.render_files import render_pdf
from disclosure.replica.server import ReplicaServer
from disclosure.replica.site import SCAN_MARK, build_site

from .capture_helper import capture_documents, ensure_portal, start_run

SCANS = 2
MIN_RECOVERED = 0.98
# ~7 pages of OCR: about a minute on a quiet 2-core machine, many more when other jobs share the cores
pytestmark = [pytest.mark.slow, pytest.mark.timeout(2400)]


@dataclasses.dataclass
class ScanArchive:
    db: object
    rawstore: RawStore
    site: object
    docs: list  # manifest documents of the scanned reports
    ocr_pages: int  # pages the ingest recognised
    data_dir: object


@pytest.fixture(scope="module")
def scan_archive(tmp_path_factory) -> Iterator[ScanArchive]:
    assert ocr.ocr_available(), "OCR engine not installed (pyproject: rapidocr-onnxruntime)"
    site = build_site(seed=1, scale=1, scans=SCANS)
    server = ReplicaServer(site).start()
    try:
        manifest = server.manifest()
        docs = [d for d in manifest.documents if d.delivery == "scan"]
        assert len(docs) == SCANS
        data_dir = tmp_path_factory.mktemp("scans")
        db = open_database(sqlite_url(data_dir / "archive.sqlite3"))
        rawstore = RawStore(data_dir / "warc")
        run_id = start_run(db, ensure_portal(db, manifest))
        capture_documents(db, rawstore, manifest, docs, crawl_run_id=run_id)
        before = ocr.STATS["pages"]
        # Two parser processes, as `disclosure ingest` runs on 2 cores: they OCR, the writer stores.
        report = process_captures(db, rawstore, crawl_run_id=run_id, workers=2)
        assert not report.failed, report.failed
        yield ScanArchive(db, rawstore, site, docs, ocr.STATS["pages"] - before, data_dir)
    finally:
        server.stop()


def _text_version(site, doc_id: str):
    """The report as its text PDF parses (the scan's ground truth), and its content."""
    spec = site.doc_by_id[doc_id]
    c = site.content(spec, spec.versions[-1].edit_no)
    c = dataclasses.replace(c, title=c.title.removesuffix(SCAN_MARK))
    return parse_document(render_pdf(c)), c


def _stored(session, url: str):
    doc = session.scalar(select(Document).where(Document.canonical_url == url))
    assert doc is not None, url
    version = session.get(Version, doc.current_version_id)
    figures = {f.key: f.value for f in session.scalars(select(Figure).where(Figure.version_id == version.id))}
    failed = sorted(c.rule for c in session.scalars(select(CheckResult).where(CheckResult.version_id == version.id))
                    if not c.ok)
    return doc, version, figures, failed


def test_scans_read_by_ocr_match_their_text_versions(scan_archive):
    """≥ 98 % of the text version's figures (same key, same value), every failing check still failing, the
    version marked as OCR, the page's title with （图片版）."""
    got = total = 0
    misses = []
    with scan_archive.db.session() as session:
        for d in scan_archive.docs:
            ref, content = _text_version(scan_archive.site, d.id)
            doc, version, figures, failed = _stored(session, d.urls[0])
            assert version.ocr and version.source_kind == "pdf" and version.ocr_sha256, d.id
            assert doc.title.endswith(SCAN_MARK)
            assert {s.number for s in version.sections} == {s.number for s in ref.sections}, d.id
            for f in ref.figures:
                ok = f.key in figures and figures[f.key] == f.value
                got += ok
                total += 1
                if not ok:
                    misses.append(f"{d.id} {f.key}: {f.value} read {figures.get(f.key, 'missing')}")
            planted = sorted(c.rule for c in ref.checks if not c.ok)
            assert set(planted) <= set(failed), (d.id, planted, failed)
    assert any(sorted(c.rule for c in _text_version(scan_archive.site, d.id)[0].checks if not c.ok)
               for d in scan_archive.docs), "no scanned report with a planted failing check"
    print(f"OCR recovered {got}/{total} figures ({100 * got / total:.1f} %), {scan_archive.ocr_pages} pages")
    # every scanned page recognised once (in a parser process, counted by the writer), never twice
    import urllib.request

    from pypdf import PdfReader

    pages = sum(len(PdfReader(io.BytesIO(urllib.request.urlopen(d.attachments[0].url, timeout=60).read())).pages)
                for d in scan_archive.docs)
    assert scan_archive.ocr_pages == pages, (scan_archive.ocr_pages, pages)
    assert got / total >= MIN_RECOVERED, misses[:20]


def test_reparse_without_ocr_reuses_the_archived_ocr(scan_archive, tmp_path):
    """`disclosure reparse` runs no OCR (its counter says 0 pages recognised, every OCR'd page read from the
    archive) and gives the same figures; the document page and the export say the text came from OCR."""
    from fastapi.testclient import TestClient

    from disclosure.config import load_config
    from disclosure.web.app import create_app

    from ..run.helpers import write_config

    with scan_archive.db.session() as session:
        before = {d.id: _stored(session, d.urls[0])[2] for d in scan_archive.docs}
    cfg = write_config(tmp_path / "disclosure.toml", scan_archive.data_dir, [])
    proc = subprocess.run([sys.executable, "-m", "disclosure", "--config", str(cfg), "reparse"],
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert f"ocr: 0 page(s) recognised in 0.0 s, {scan_archive.ocr_pages} read from the archive" in proc.stdout, \
        proc.stdout
    assert scan_archive.ocr_pages >= 2 * SCANS
    with scan_archive.db.session() as session:
        ids = []
        for d in scan_archive.docs:
            doc, version, figures, _ = _stored(session, d.urls[0])
            assert version.ocr and figures == before[d.id], d.id
            assert json.loads(version.ocr_pages)
            ids.append(doc.id)
    from archive.export import LOADER_SNIPPET, export_all

    with scan_archive.db.session() as session:
        export_all(session, tmp_path / "export", tables=["documents"])
    namespace: dict = {}
    exec(LOADER_SNIPPET, namespace)  # the loader the export's README prints
    exported = namespace["load"](tmp_path / "export", "documents").set_index("document_id")
    assert all(bool(exported.loc[i, "ocr"]) for i in ids), exported["ocr"]
    client = TestClient(create_app(load_config(cfg, environ={})))
    page = client.get(f"/doc/{ids[0]}").text
    assert "本版本文字由扫描件识别（OCR）得到" in page


def test_image_file_parsed_by_ocr_from_the_command_line(scan_archive, tmp_path):
    """A PNG of a statistics table page: `disclosure parse` reads its table by OCR (exit 0)."""
    import pypdfium2

    d = next(d for d in scan_archive.docs)
    ref, content = _text_version(scan_archive.site, d.id)
    pdf = pypdfium2.PdfDocument(render_pdf(content))
    page = next(i for i in range(len(pdf)) if "本年新收" in pdf[i].get_textpage().get_text_range())
    buf = io.BytesIO()
    pdf[page].render(scale=200 / 72, grayscale=True).to_pil().save(buf, "PNG", dpi=(200, 200))
    pdf.close()
    path = tmp_path / "table.png"
    path.write_bytes(buf.getvalue())
    proc = subprocess.run([sys.executable, "-m", "disclosure", "parse", "--json", str(path)],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    got = {f["key"]: f["value"] for f in json.loads(proc.stdout)["figures"]}
    want = {f.key: f.value for f in ref.figures if f.key.startswith("requests.new.")}
    assert want and all(got.get(k) == v for k, v in want.items()), (want, got)
