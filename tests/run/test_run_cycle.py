"""``disclosure run`` three times across replica time steps, then once with the replica down.

After each run the archive (documents, versions), the search index and the stored timeliness are checked
against the replica's manifest for that moment.
"""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from archive.db import open_database
from archive.models import Document, DocumentUrl, PortalRun, TimelinessSnapshot, Unit, Version
from disclosure.config import load_config
from search.api import SearchQuery, open_index

from .helpers import read_events, run_cli, write_config

STEPS = ("2020-06-30", "2021-06-30", "2022-06-30")


def _doc_ids_by_manifest(session, manifest) -> dict[str, int]:
    """Manifest document id → archive document id, matched by any of its URLs."""
    url_to_doc = dict(session.execute(select(DocumentUrl.url, DocumentUrl.document_id)).all())
    url_to_doc.update(dict(session.execute(select(Document.canonical_url, Document.id)).all()))
    out = {}
    for d in manifest.documents:
        for url in d.urls + d.wap_urls:
            if url in url_to_doc:
                out[d.id] = url_to_doc[url]
                break
    return out


def _check_archive(cfg, manifest, previous_manifest, step: int) -> None:
    db = open_database(cfg.database_url)
    try:
        with db.session() as s:
            found = _doc_ids_by_manifest(s, manifest)
            missing = [d.id for d in manifest.documents if d.id not in found]
            assert not missing, f"step {step}: {len(missing)} manifest documents not archived, e.g. {missing[:5]}"
            n_docs = s.scalar(select(func.count(Document.id)))
            assert n_docs == len(manifest.documents), (n_docs, len(manifest.documents))
            versions = dict(s.execute(select(Version.document_id, func.count(Version.id))
                                      .group_by(Version.document_id)).all())
            assert sum(versions.values()) <= sum(len(d.versions) for d in manifest.documents)
            if previous_manifest is not None:
                # A document edited between two runs must now have both contents as versions.
                before = {d.id: len(d.versions) for d in previous_manifest.documents}
                edited = [d for d in manifest.documents if d.id in before and len(d.versions) > before[d.id]]
                for d in edited:
                    assert versions.get(found[d.id], 0) >= 2, f"step {step}: edit of {d.urls[0]} not archived"
            runs = list(s.scalars(select(PortalRun).order_by(PortalRun.id)))
            assert [r.status for r in runs] == ["ok"] * step
            assert runs[-1].documents_seen and runs[-1].documents_seen >= len(manifest.documents)
    finally:
        db.dispose()


def _check_index(cfg, manifest, previous_manifest, step: int) -> None:
    db = open_database(cfg.database_url)
    index = open_index(cfg.index_dir / cfg.search_engine, cfg.search_engine)
    try:
        with db.session() as s:
            assert index.count() == s.scalar(select(func.count(Document.id)))
            found = _doc_ids_by_manifest(s, manifest)
        old = {d.id for d in previous_manifest.documents} if previous_manifest else set()
        new_reports = [d for d in manifest.documents
                       if d.kind == "annual_report" and d.id not in old and d.versions[-1].body_phrase]
        assert new_reports, "each step adds annual reports"
        for d in new_reports[:3]:
            phrase = d.versions[-1].body_phrase
            result = index.search(SearchQuery(text=f'"{phrase}"', limit=50, facets=False))
            assert found[d.id] in {h.document_id for h in result.hits}, f"step {step}: {phrase!r} not found"
    finally:
        index.close()
        db.dispose()


def _check_timeliness(cfg, manifest, step: int) -> None:
    """Every annual report in the manifest has a stored timeliness row for its unit and year, found (not
    missing), and each unit the manifest says never published for a year is stored as missing.

    Whether on_time / late is right is tests/timeliness' business; here the cycle must have stored it.
    """
    db = open_database(cfg.database_url)
    try:
        with db.session() as s:
            stored = {(name, year): status for name, year, status in s.execute(
                select(Unit.name, TimelinessSnapshot.report_year, TimelinessSnapshot.status)
                .join(Unit, TimelinessSnapshot.unit_id == Unit.id)).all()}
    finally:
        db.dispose()
    reports = {(d.publisher, d.report_year) for d in manifest.documents if d.kind == "annual_report"}
    not_found = {k: stored.get(k) for k in reports if stored.get(k) in (None, "missing", "pending")}
    assert not not_found, f"step {step}: {len(not_found)} of {len(reports)} reports without a found status, " \
                          f"e.g. {list(not_found.items())[:5]}"
    names = {u.code: u.name for u in manifest.units}
    owed = {(names[code], year) for code, year in manifest.missing_reports if (names[code], year) not in reports}
    wrong = {k: stored.get(k) for k in owed if stored.get(k) != "missing"}
    assert not wrong, f"step {step}: reports never published but not stored as missing: {list(wrong.items())[:5]}"
    latest = max(y for _, y in reports)
    assert any(y == latest for _, y in stored), f"step {step}: no timeliness stored for {latest}"


@pytest.mark.slow
def test_three_runs_across_time_then_portal_down(tmp_path, replica, replica_site):
    data = tmp_path / "data"
    config_path = write_config(tmp_path / "disclosure.toml", data, [f"replica@{replica.base_url}"],
                               expected_interval_hours=24)
    cfg = load_config(config_path, environ={})
    previous = None
    for step, as_of in enumerate(STEPS, start=1):
        replica.set_as_of(as_of)
        manifest = replica.manifest(as_of)
        res = run_cli(["--config", str(config_path), "run", "--json"], timeout=600)
        assert res.code == 0, res.stdout[-3000:] + res.stderr[-3000:]
        portal = res.json()["portals"][0]
        assert portal["profile"] == "replica" and portal["status"] == "ok"
        assert [(s["name"], s["status"]) for s in portal["steps"]] == [
            ("crawl", "ok"), ("ingest", "ok"), ("index", "ok"), ("timeliness", "ok"), ("inspection", "ok")]
        crawl = portal["steps"][0]["counts"]
        if step > 1:
            # Incremental: pages already archived are not downloaded again as new captures.
            assert crawl.get("not_modified", 0) + crawl.get("skipped_fresh", 0) + crawl.get("unchanged", 0) > 0
            assert crawl["new_captures"] < crawl["requests"]
        _check_archive(cfg, manifest, previous, step)
        _check_index(cfg, manifest, previous, step)
        _check_timeliness(cfg, manifest, step)
        previous = manifest

    # The portal goes down: exit 3 with a clear message, nothing archived is lost, status warns.
    replica.stop()
    res = run_cli(["--config", str(config_path), "run"], timeout=300)
    assert res.code == 3, res
    assert "replica: FAILED" in res.stdout and "crawl" in res.stdout
    db = open_database(cfg.database_url)
    with db.session() as s:
        assert s.scalar(select(func.count(Document.id))) == len(previous.documents)
    db.dispose()
    status = run_cli(["--config", str(config_path), "status", "--json"]).json()
    replica_health = next(h for h in status if h["profile"] == "replica")
    assert replica_health["last_run_status"] == "failed" and replica_health["runs"] == 4
    assert replica_health["documents"] == len(previous.documents)
    assert any(w.startswith("last run failed") for w in replica_health["warnings"])
    events = read_events(data / "logs" / "disclosure.log")
    assert [e["exit_code"] for e in events if e["event"] == "run.end"] == [0, 0, 0, 3]
