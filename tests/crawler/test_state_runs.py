"""Crawl-run rows: a lone crawl closes runs that died; workers sharing one frontier leave each other alone."""

from sqlalchemy import select

from archive.db import open_database, sqlite_url
from archive.models import CrawlRun, Portal
from crawler.profiles import resolve_profile
from crawler.state import CrawlState


def _state(db):
    return CrawlState(db, resolve_profile("replica"))


def test_shared_frontier_workers_do_not_interrupt_each_other(tmp_path):
    db = open_database(sqlite_url(tmp_path / "a.sqlite3"))
    first = _state(db).begin_run(shared_frontier=True)
    second = _state(db).begin_run(shared_frontier=True)
    with db.session() as s:
        statuses = dict(s.execute(select(CrawlRun.id, CrawlRun.status)).all())
        portals = s.scalars(select(Portal)).all()
    assert statuses == {first: "running", second: "running"}
    assert len(portals) == 1


def test_a_lone_crawl_marks_a_dead_run_interrupted(tmp_path):
    db = open_database(sqlite_url(tmp_path / "b.sqlite3"))
    dead = _state(db).begin_run()
    alive = _state(db).begin_run()
    with db.session() as s:
        rows = {r.id: (r.status, r.finish_reason) for r in s.scalars(select(CrawlRun))}
    assert rows[dead] == ("interrupted", "killed") and rows[alive][0] == "running"
