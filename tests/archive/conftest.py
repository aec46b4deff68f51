"""Fixtures of the archive ingest tests: a replica portal of their own (they move it in time) and a
fully captured and ingested archive shared by the read-only tests."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from archive.db import Database, open_database, sqlite_url
from archive.ingest import IngestReport, process_captures
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
    """Every document of the replica captured (all URLs, wap twins, attachments) and ingested once."""
    archive_server.set_as_of(None)
    archive = make_archive(tmp_path_factory.mktemp("full-archive"), archive_server, full_manifest)
    yield archive
    archive.rawstore.close()
    archive.db.dispose()
