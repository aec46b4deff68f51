"""The archive's storage works the same on SQLite and PostgreSQL: migrations, run records, health."""

from __future__ import annotations

import datetime as dt

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from archive.db import alembic_config, current_revision, open_database, upgrade
from archive.models import Base, PortalRun
from disclosure.health import portal_health


def test_migrations_match_models(database_url):
    db = open_database(database_url)
    try:
        with db.engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
        assert diff == [], f"models and migrations differ on {db.engine.dialect.name}: {diff}"
        assert current_revision(db.engine) == "0006_capture_claims"
    finally:
        db.dispose()
    # A second open finds the schema current; a full downgrade and upgrade work on this backend too.
    again = open_database(database_url)
    assert current_revision(again.engine) == "0006_capture_claims"
    command.downgrade(alembic_config(database_url), "base")
    assert current_revision(again.engine) is None
    upgrade(database_url)
    assert current_revision(again.engine) == "0006_capture_claims"
    again.dispose()


def test_run_records_and_health(database_url):
    db = open_database(database_url)
    now = dt.datetime(2025, 1, 2, 3, 4, 5)
    with db.session() as s:
        s.add(PortalRun(profile="p", started_at=now - dt.timedelta(hours=30), status="ok", documents_seen=80,
                        finished_at=now - dt.timedelta(hours=29), steps={"crawl": {"status": "ok"}}, errors={}))
        s.add(PortalRun(profile="p", started_at=now - dt.timedelta(hours=2), status="ok", documents_seen=12,
                        finished_at=now - dt.timedelta(hours=1), steps={}, errors={"http_404": 3},
                        message="青山县 ok"))
    with db.session() as s:
        h = portal_health(s, "p", expected_interval_hours=24, now=now)
    db.dispose()
    assert h.last_success_at == "2025-01-02T02:04:05"
    assert h.recent_errors == {"http_404": 3}
    assert h.warnings == ["the last run found 12 documents, far fewer than the 80 of the run before "
                          "(a site redesign is the usual cause)"]
