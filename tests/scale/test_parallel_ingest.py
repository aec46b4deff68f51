"""Ingest processes sharing one PostgreSQL archive: two workers, claims with leases, one document per report.

Two real `disclosure ingest` processes run at once over the pending captures of two portals (two replica
servers), each portal crawled twice, the reports it publishes under two URLs met once in each crawl. Each
capture must be taken by one worker, both must do work, and no document or version may be created twice.
A claim left by a killed worker is taken again once its lease ran out; a live claim is left alone.
"""

from __future__ import annotations

import datetime as dt
import subprocess

from sqlalchemy import func, select, update

from archive.db import open_database
from archive.ingest import claim_captures
from archive.models import Capture, Document, DocumentUrl, Version
from archive.rawstore import RawStore
from disclosure.replica.server import ReplicaServer
from tests.archive.capture_helper import ensure_portal, fetch, fetches_for, start_run, store
from tests.run.helpers import REPO, clean_env, disclosure_argv


def _ingest(data_dir, database_url: str, workers: int = 1) -> subprocess.Popen:
    env = clean_env()
    env.update(PYTHONPATH=str(REPO), DISCLOSURE_DATA_DIR=str(data_dir), DISCLOSURE_DATABASE_URL=database_url)
    return subprocess.Popen([*disclosure_argv(), "ingest", "--workers", str(workers)], env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL)


def _processed(summary: str) -> int:
    """parsed + failed + skipped from the ingest's summary line ("N parsed, N failed, N skipped; …")."""
    head = summary.strip().splitlines()[-1].split(";")[0]
    return sum(int(part.split()[0]) for part in head.split(","))


def _capture_portal(db, rawstore, server, profile: str) -> tuple[list[int], list[int], int, int]:
    """Two crawl runs of a portal, each with one URL of every repeated report (and a third run of 3 reports).

    Returns (capture ids, the third run's capture ids, the first run's id, reports in the first two runs)."""
    manifest = server.manifest()
    reports = [d for d in manifest.documents if d.kind == "annual_report" and d.delivery == "html"]
    twice = [d for d in reports if len(d.urls) > 1][:6]
    once = [d for d in reports if len(d.urls) == 1][:23]
    assert len(twice) >= 4, "the replica should publish some reports under two URLs"
    half = (len(once) - 3) // 2
    # (no mobile twins of the repeated reports: met before the repeat, a twin is filed by its own column)
    pages = [i for i in fetches_for(manifest, twice) if not any(i.url in d.wap_urls for d in twice)]
    first = [i for i in pages if not any(i.url in d.urls[1:] for d in twice)]
    runs = [first + fetches_for(manifest, once[:half]),
            [i for i in pages if i not in first] + fetches_for(manifest, once[half:-3]),
            fetches_for(manifest, once[-3:])]
    portal_id = ensure_portal(db, manifest, profile)
    run_ids = [start_run(db, portal_id) for _ in runs]
    ids = [[store(db, rawstore, fetch(item.url), item, run_id) for item in group]
           for run_id, group in zip(run_ids, runs, strict=True)]
    return [i for group in ids for i in group], ids[2], run_ids[0], len(twice) + len(once) - 3


def test_two_ingest_processes_share_postgres_captures(tmp_path, replica, replica_site, postgres_url):
    db = open_database(postgres_url)
    with ReplicaServer(replica_site) as other, ReplicaServer(replica_site) as third, \
            RawStore(tmp_path / "warc") as rawstore:
        ids_a, third_a, first_run_a, reports_a = _capture_portal(db, rawstore, replica, "replica")
        ids_b, third_b, _, reports_b = _capture_portal(db, rawstore, other, "replica-b")
        manifest_c = third.manifest()
        run_c = start_run(db, ensure_portal(db, manifest_c, "replica-c"))
        alive = [store(db, rawstore, fetch(item.url), item, run_c)
                 for item in fetches_for(manifest_c, manifest_c.documents[:3])]
    ids = ids_a + ids_b + alive
    reports_a, reports_b = reports_a + 3, reports_b + 3  # the third runs are ingested too
    # A killed worker's claim (lease over) in portal A; a live worker holds portal C throughout.
    with db.session() as session:
        dead = claim_captures(session, "dead-worker", 3, crawl_run_id=first_run_a)
        session.execute(update(Capture).where(Capture.id.in_(dead))
                        .values(claim_expires_at=dt.datetime(2000, 1, 1)))
        session.execute(update(Capture).where(Capture.id.in_(alive)).values(
            claimed_by="live-worker", claim_expires_at=dt.datetime.now(dt.UTC).replace(tzinfo=None)
            + dt.timedelta(hours=1)))
    assert len(dead) == 3

    procs = [_ingest(tmp_path, postgres_url), _ingest(tmp_path, postgres_url, workers=2)]
    outputs = [p.communicate(timeout=600) for p in procs]
    for proc, (_out, err) in zip(procs, outputs, strict=True):
        assert proc.returncode == 0, err
    taken = [_processed(out) for out, _ in outputs]
    assert all(n > 0 for n in taken), f"both workers should have taken captures: {outputs}"

    with db.session() as session:
        statuses = {i: status for i, status in session.execute(
            select(Capture.id, Capture.processing_status).where(Capture.id.in_(ids)))}
        # Every capture processed once, except the live claim's: its worker is still at it.
        assert {i for i, s in statuses.items() if s == "pending"} == set(alive)
        assert sum(taken) == len(ids) - len(alive), "a capture was processed twice, or not at all"
        assert set(session.scalars(select(Capture.id).where(Capture.claimed_by.is_not(None)))) == set(alive)
        # One document per report, one version per content, whichever worker met which URL.
        assert session.scalar(select(func.count()).select_from(Document)) == reports_a + reports_b
        dup_versions = session.execute(select(Version.document_id, Version.content_hash, func.count())
                                       .group_by(Version.document_id, Version.content_hash)
                                       .having(func.count() > 1)).all()
        assert dup_versions == []
        repeated = session.execute(select(DocumentUrl.document_id, func.count()).group_by(DocumentUrl.document_id)
                                   .having(func.count() > 1)).all()
        assert len(repeated) >= 8  # the reports met under two URLs (and their mobile twins) are one document each
    db.dispose()
