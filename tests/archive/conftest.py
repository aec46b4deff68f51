"""Fixtures of the archive ingest tests: a replica portal of their own (they move it in time), archives
built from it by the capture helper, and the whole replica crawled and ingested (shared, read-only)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import select

from archive.db import Database, open_database, sqlite_url
from archive.ingest import IngestReport, process_captures
from archive.models import Capture
from archive.rawstore import RawStore
from disclosure.replica.manifest import Manifest
from disclosure.replica.server import ReplicaServer
from disclosure.replica.site import build_site

from .capture_helper import capture_documents, ensure_portal, start_run

SEED = 1


@dataclass
class Archive:
    """A database and raw store filled from the replica."""

    db: Database
    rawstore: RawStore
    manifest: Manifest
    capture_ids: list[int]
    report: IngestReport
    data_dir: Path


@pytest.fixture(scope="session")
def archive_server() -> Iterator[ReplicaServer]:
    """A replica portal only these tests use (they move it in time)."""
    server = ReplicaServer(build_site(SEED, 1)).start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def full_manifest(archive_server: ReplicaServer) -> Manifest:
    """Ground truth of everything the replica will ever publish."""
    return archive_server.manifest(None)


def make_archive(data_dir: Path, server: ReplicaServer, manifest: Manifest, docs=None) -> Archive:
    """Capture ``docs`` (default: every manifest document) from ``server`` and ingest them."""
    db = open_database(sqlite_url(data_dir / "archive.sqlite3"))
    rawstore = RawStore(data_dir / "warc")
    portal_id = ensure_portal(db, manifest)
    run_id = start_run(db, portal_id)
    ids = capture_documents(db, rawstore, manifest, list(manifest.documents if docs is None else docs),
                            crawl_run_id=run_id)
    report = process_captures(db, rawstore, crawl_run_id=run_id)
    return Archive(db, rawstore, manifest, ids, report, data_dir)


@pytest.fixture(scope="session")
def full_archive(tmp_path_factory, archive_server: ReplicaServer, full_manifest: Manifest) -> Iterator[Archive]:
    """The whole replica crawled by the real crawler (crawler.run) and ingested once."""
    from crawler.run import run_crawl
    from disclosure.config import PolitenessConfig

    archive_server.set_as_of(None)
    data_dir = tmp_path_factory.mktemp("full-archive")
    fast = PolitenessConfig(download_delay=0.0, autothrottle=False, concurrent_requests_per_host=16,
                            concurrent_requests_per_ip=16)
    url = sqlite_url(data_dir / "archive.sqlite3")
    summary = run_crawl("replica", database_url=url, warc_dir=data_dir / "warc", jobs_dir=data_dir / "jobs",
                        politeness=fast, base_url=archive_server.base_url, progress=False)
    assert summary.status == "ok", summary
    db = open_database(url)
    rawstore = RawStore(data_dir / "warc")
    with db.session() as session:
        ids = list(session.scalars(select(Capture.id).where(Capture.role.in_(("document", "attachment")))))
    report = process_captures(db, rawstore, crawl_run_id=summary.run_id)
    archive = Archive(db, rawstore, full_manifest, ids, report, data_dir)
    yield archive
    rawstore.close()
    db.dispose()
