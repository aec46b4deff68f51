"""The replica moved in time: edits become second versions (the first stays), re-ingest and reparse change
nothing, a vanished page is marked removed, broken captures fail with a reason and are retried alone."""

from __future__ import annotations

import datetime as dt
import os

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from archive.identity import found_url
from archive.ingest import process_captures
from archive.models import Capture, CrawlRun, Document, DocumentUrl, Figure, Version
from disclosure.cli import main as cli
from tests.run.helpers import SUITE_SWITCHES

from .capture_helper import capture_documents, start_run, store_bytes
from .conftest import make_archive


def _figures(session, version_id: int, keys) -> dict[str, float | None]:
    """The stored figures under the manifest's keys (the parser may add text.* figures of its own)."""
    stored = {f.key: f.value for f in session.scalars(select(Figure).where(Figure.version_id == version_id))}
    return {k: stored.get(k, "missing") for k in keys}


def _doc(session, url: str) -> Document:
    doc_id = session.scalar(select(DocumentUrl.document_id).where(DocumentUrl.url == found_url(url)))
    assert doc_id is not None, url
    return session.get(Document, doc_id)


def _cli(data_dir, *args: str):
    env = {k: None for k in os.environ if k.startswith("DISCLOSURE_") and k not in SUITE_SWITCHES}
    return CliRunner().invoke(cli, ["--data-dir", str(data_dir), *args], env=env, catch_exceptions=False)


@pytest.fixture(scope="module")
def timeline(tmp_path_factory, archive_server, full_manifest):
    """Round 1: every edited document as it first appeared (plus unedited ones); round 2: all as of now."""
    edited = [d for d in full_manifest.documents if len(d.versions) > 1]
    central = [d for d in full_manifest.documents if len(d.urls) > 1 and len(d.versions) == 1][:12]
    files = [d for d in full_manifest.documents if d.attachments and len(d.versions) == 1][:10]
    steady = central + files
    data_dir = tmp_path_factory.mktemp("timeline")
    # Round 1: one document at a time, the portal set to the moment its first version went online.
    archive = None
    for doc in edited:
        archive_server.set_as_of(doc.versions[0].appears_at)
        if archive is None:
            archive = make_archive(data_dir, archive_server, full_manifest, [doc])
        else:
            capture_documents(archive.db, archive.rawstore, full_manifest, [doc])
    archive_server.set_as_of(None)
    assert archive is not None
    capture_documents(archive.db, archive.rawstore, full_manifest, steady)
    first = process_captures(archive.db, archive.rawstore)
    # Round 2: the portal today, everything captured again in a new crawl run.
    with archive.db.session() as session:
        run_id = start_run(archive.db, session.scalar(select(CrawlRun.portal_id)))
    capture_documents(archive.db, archive.rawstore, full_manifest, edited + steady, crawl_run_id=run_id)
    second = process_captures(archive.db, archive.rawstore, crawl_run_id=run_id)
    yield archive, edited, steady, first, second, run_id
    archive.rawstore.close()
    archive.db.dispose()


def test_edits_become_second_versions(timeline):
    archive, edited, steady, first, second, run_id = timeline
    assert not first.failed and not second.failed, (first.summary(), second.summary())
    assert second.documents.inserted == 0
    assert second.versions.inserted == len(edited), second.summary()
    with archive.db.session() as session:
        for mdoc in edited:
            doc = _doc(session, mdoc.urls[0])
            versions = session.scalars(select(Version).where(Version.document_id == doc.id)
                                       .order_by(Version.first_seen_at)).all()
            assert len(versions) == 2, mdoc.id
            old, new = versions
            assert doc.current_version_id == new.id
            # The first version stays exactly as first archived: never overwritten.
            assert _figures(session, old.id, mdoc.versions[0].figures) == mdoc.versions[0].figures, mdoc.id
            assert _figures(session, new.id, mdoc.versions[1].figures) == mdoc.versions[1].figures, mdoc.id
            assert old.claimed_published_at.isoformat()[:16] == mdoc.versions[0].claimed_published_at
            assert new.claimed_published_at.isoformat()[:16] == mdoc.versions[1].claimed_published_at
            assert mdoc.versions[1].body_phrase.replace(" ", "") in new.body_text.replace(" ", "").replace("\n", "")
        for mdoc in steady:
            doc = _doc(session, mdoc.urls[0])
            assert session.scalar(select(func.count()).select_from(Version)
                                  .where(Version.document_id == doc.id)) == 1, mdoc.id
            assert doc.last_seen_at > doc.first_seen_at  # seen again in round 2, nothing else changed
        run = session.get(CrawlRun, run_id)
        assert (run.new_documents, run.new_versions) == (0, len(edited))


def test_reingest_and_reparse_twice_change_nothing(timeline):
    archive = timeline[0]
    again = process_captures(archive.db, archive.rawstore)
    assert again.parsed == 0 and again.changes == 0, again.summary()
    with archive.db.session() as session:
        processed = session.scalar(select(func.count()).select_from(Capture)
                                   .where(Capture.processing_status == "parsed"))
    once = process_captures(archive.db, archive.rawstore, only_pending=False)
    assert once.parsed == processed and not once.failed
    assert once.changes == 0, once.summary()  # the stored rows already are what a fresh parse gives
    result = _cli(archive.data_dir, "reparse")
    assert result.exit_code == 0, result.output
    assert f"{processed:,} parsed, 0 failed" in result.output
    assert "documents 0 inserted, 0 updated" in result.output and "versions 0 inserted, 0 updated" in result.output
    assert "sections 0 inserted, 0 updated" in result.output and "figures 0 inserted, 0 updated" in result.output


def test_removed_page_is_marked_not_deleted(timeline):
    archive, edited, *_ = timeline
    mdoc = edited[0]
    url = mdoc.urls[0]
    with archive.db.session() as session:
        doc = _doc(session, url)
        versions_before = session.scalar(select(func.count()).select_from(Version)
                                         .where(Version.document_id == doc.id))
    for gone in [url, *mdoc.wap_urls]:
        store_bytes(archive.db, archive.rawstore, gone, b"<html><body>404</body></html>", status=404)
    report = process_captures(archive.db, archive.rawstore)
    assert report.documents_removed == 1, report.summary()
    with archive.db.session() as session:
        doc = _doc(session, url)
        assert doc.removed_at is not None and doc.removed_at >= doc.last_seen_at
        assert session.scalar(select(func.count()).select_from(Version)
                              .where(Version.document_id == doc.id)) == versions_before
        assert doc.current_version_id is not None


def test_broken_captures_fail_with_reason_and_retry_alone(timeline):
    archive, edited, steady, *_ = timeline
    parent = next(d for d in steady if d.attachments)
    pdf = next(a for d in steady for a in d.attachments if a.file_kind == "pdf")
    with archive.db.session() as session:
        pdf_capture = session.scalar(select(Capture).where(Capture.url == pdf.url))
    good = archive.rawstore.read(pdf_capture.warc_file, pdf_capture.warc_offset).body
    garbage_id = store_bytes(archive.db, archive.rawstore, parent.urls[0].replace(".html", "_x.html"),
                             os.urandom(4096) + b"\0" * 64, content_type="text/html")
    truncated_id = store_bytes(archive.db, archive.rawstore, parent.urls[0].rsplit("/", 1)[0] + "/W0broken.pdf",
                               good[: len(good) // 3], role="attachment", content_type="application/pdf",
                               parent_url=parent.urls[0])
    report = process_captures(archive.db, archive.rawstore)
    assert {p.capture_id for p in report.failed} == {garbage_id, truncated_id}, report.summary()
    assert report.parsed == 0 and report.changes == 0
    assert "2 failed:" in report.summary()
    with archive.db.session() as session:
        reasons = {c.id: c.processing_error for c in session.scalars(
            select(Capture).where(Capture.processing_status == "failed"))}
        before = {c.id: c.processed_at for c in session.scalars(
            select(Capture).where(Capture.processing_status != "failed"))}
    assert set(reasons) == {garbage_id, truncated_id}
    assert "PDF" in reasons[truncated_id] or "pdf" in reasons[truncated_id], reasons
    assert reasons[garbage_id]
    result = _cli(archive.data_dir, "reparse", "--failed")
    assert result.exit_code == 0
    assert "0 parsed, 2 failed" in result.output, result.output
    assert _cli(archive.data_dir, "reparse", "--failed", "--strict").exit_code == 1
    with archive.db.session() as session:
        after = {c.id: c.processed_at for c in session.scalars(
            select(Capture).where(Capture.processing_status != "failed"))}
        retried = session.scalars(select(Capture.processed_at).where(Capture.id.in_([garbage_id, truncated_id])))
        assert all(t is not None and t > max(before.values()) for t in retried)
    assert after == before  # reparse --failed touched only the failed captures


def test_reparse_since_limits_to_recent_captures(timeline):
    archive = timeline[0]
    future = (dt.datetime.now() + dt.timedelta(days=1)).strftime("%Y-%m-%d")
    result = _cli(archive.data_dir, "reparse", "--since", future)
    assert result.exit_code == 0 and result.output.startswith("0 parsed, 0 failed"), result.output
