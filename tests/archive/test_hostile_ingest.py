"""The ingest meets hostile captures (tests/parse/hostile_files.py): each is recorded on its capture (parsed, or
failed with its reason; a scan as failed with "no text layer"), and the batch goes on to the next capture."""

from __future__ import annotations

import time

from sqlalchemy import select

from archive.ingest import process_captures
from archive.models import Attachment, Capture

from ..parse.hostile_files import cases
from .capture_helper import capture_documents, store_bytes
from .conftest import make_archive


def test_hostile_captures_are_recorded_and_the_batch_goes_on(tmp_path, archive_server, full_manifest, monkeypatch):
    monkeypatch.setenv("DISCLOSURE_OCR", "0")  # the scan fails as "no text layer … OCR is not available"
    archive_server.set_as_of(None)
    parent = next(d for d in full_manifest.documents if d.kind == "annual_report" and len(d.versions) == 1
                  and not d.attachments)
    later = next(d for d in full_manifest.documents if d.kind == "notice" and len(d.versions) == 1
                 and d is not parent)
    archive = make_archive(tmp_path, archive_server, full_manifest, [parent])
    try:
        assert not archive.report.failed
        page = parent.urls[0]
        base = page.rsplit("/", 1)[0]
        ids = {}
        for case in cases():
            if case.name.endswith(".html"):  # pages are documents of their own
                ids[case.name] = store_bytes(archive.db, archive.rawstore, f"{base}/hostile_{case.name}", case.data,
                                             content_type=case.content_type, column_kind="annual_report")
            else:  # files are attachments of the report page
                ids[case.name] = store_bytes(archive.db, archive.rawstore, f"{base}/W0{case.name}", case.data,
                                             role="attachment", content_type=case.content_type, parent_url=page)
        outcomes = {c.name: c.outcome for c in cases()}
        # a good page captured after them: the batch must reach it
        good_ids = capture_documents(archive.db, archive.rawstore, full_manifest, [later])
        start = time.monotonic()
        report = process_captures(archive.db, archive.rawstore)
        assert time.monotonic() - start < 300
        with archive.db.session() as session:
            captures = {c.id: c for c in session.scalars(select(Capture))}
            for name, capture_id in ids.items():
                c = captures[capture_id]
                expected = {"parsed": {"parsed"}, "either": {"parsed", "failed"}}.get(outcomes[name], {"failed"})
                assert c.processing_status in expected, (name, c.processing_status, c.processing_error)
                if c.processing_status == "failed":
                    assert c.processing_error and "internal error" not in c.processing_error, (name,
                                                                                            c.processing_error)
                if outcomes[name] == "no_text":
                    assert "no text layer" in c.processing_error and "OCR" in c.processing_error
            assert all(captures[i].processing_status == "parsed" for i in good_ids)
            # the scanned file is still listed with its document (archived; its text only the page numbers)
            scan = session.scalar(select(Attachment).where(Attachment.capture_id == ids["scan.pdf"]))
            assert scan is not None and scan.file_kind == "pdf" and scan.text.split() == ["1", "2", "3", "4", "5"]
        failed = {p.capture_id for p in report.failed}
        assert ids["scan.pdf"] in failed and ids["bomb.docx"] in failed and ids["deep.html"] not in failed
        assert report.parsed >= len(good_ids)
    finally:
        archive.rawstore.close()
        archive.db.dispose()
