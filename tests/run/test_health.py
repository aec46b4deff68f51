"""``disclosure status`` warnings computed from real PortalRun rows in a real SQLite archive."""

from __future__ import annotations

import datetime as dt

from archive.db import open_database, sqlite_url
from archive.models import Capture, Document, Portal, PortalRun, Version
from disclosure.health import archive_health, portal_health

NOW = dt.datetime(2025, 3, 10, 12, 0)


def _run(session, profile, hours_ago, status="ok", seen=None, errors=None, message=""):
    started = NOW - dt.timedelta(hours=hours_ago)
    session.add(PortalRun(profile=profile, started_at=started, finished_at=started + dt.timedelta(minutes=5),
                          status=status, documents_seen=seen, errors=errors or {}, steps={}, message=message))


def _db(tmp_path):
    return open_database(sqlite_url(tmp_path / "h.sqlite3"))


def test_healthy_portal_counts_documents_and_versions(tmp_path):
    db = _db(tmp_path)
    with db.session() as s:
        portal = Portal(profile="a", name="甲县", base_url="http://a", created_at=NOW)
        capture = Capture(url="http://a/0", fetched_at=NOW, status=200, sha256="0" * 64, size=1,
                          warc_file="x.warc.gz", warc_offset=0, warc_length=1)
        s.add_all([portal, capture])
        s.flush()
        for i in range(3):
            doc = Document(portal_id=portal.id, kind="annual_report", canonical_url=f"http://a/{i}",
                           first_seen_at=NOW, last_seen_at=NOW)
            s.add(doc)
            s.flush()
            for j in range(i + 1):  # 1 + 2 + 3 versions
                s.add(Version(document_id=doc.id, capture_id=capture.id, content_hash=f"{i}-{j}", first_seen_at=NOW,
                              last_seen_at=NOW, body_text=""))
        _run(s, "a", 30, seen=100)
        _run(s, "a", 2, seen=96)
    with db.session() as s:
        h = portal_health(s, "a", expected_interval_hours=24, now=NOW)
    assert (h.documents, h.versions, h.runs) == (3, 6, 2)
    assert h.last_success_at == "2025-03-10T10:05:00"
    assert h.warnings == []


def test_stale_portal_warns(tmp_path):
    db = _db(tmp_path)
    with db.session() as s:
        _run(s, "a", 50, seen=10)
    with db.session() as s:
        h = portal_health(s, "a", expected_interval_hours=24, now=NOW)
    assert len(h.warnings) == 1 and "not crawled successfully for 50 h (expected every 24 h)" in h.warnings[0]


def test_sharp_drop_in_documents_warns_of_redesign(tmp_path):
    db = _db(tmp_path)
    with db.session() as s:
        _run(s, "a", 26, seen=240)
        _run(s, "a", 1, seen=31)
    with db.session() as s:
        h = portal_health(s, "a", expected_interval_hours=48, now=NOW)
    assert h.warnings == ["the last run found 31 documents, far fewer than the 240 of the run before "
                          "(a site redesign is the usual cause)"]


def test_failed_runs_report_errors_and_last_success(tmp_path):
    db = _db(tmp_path)
    with db.session() as s:
        _run(s, "a", 72, seen=50)
        _run(s, "a", 48, status="failed", errors={"crawl_failed": 1, "ConnectionRefusedError": 4},
             message="crawl failed: connection refused")
        _run(s, "a", 24, status="blocked", errors={"waf": 2}, message="crawl blocked: WAF page")
        _run(s, "b", 1, seen=5)
    with db.session() as s:
        healths = {h.profile: h for h in archive_health(s, ["b", "c"], expected_interval_hours=36, now=NOW)}
    assert list(healths) == ["b", "c", "a"]
    a = healths["a"]
    assert a.last_run_status == "blocked" and a.last_success_at == "2025-03-07T12:05:00"
    assert a.recent_errors == {"crawl_failed": 1, "ConnectionRefusedError": 4, "waf": 2}
    assert any(w.startswith("not crawled successfully for 72 h") for w in a.warnings)
    assert "last run blocked: crawl blocked: WAF page" in a.warnings
    assert healths["b"].warnings == []
    assert healths["c"].warnings == ["never run"]
