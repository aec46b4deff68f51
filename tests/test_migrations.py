"""The Alembic migrations and the models describe the same schema."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from archive.db import open_database, sqlite_url
from archive.models import Base
from tests.run.helpers import clean_env


def test_migrations_match_models(tmp_path):
    db = open_database(sqlite_url(tmp_path / "a.sqlite3"))
    with db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == [], f"models and migrations differ; add a migration: {diff}"


def test_upgrade_is_idempotent(tmp_path):
    url = sqlite_url(tmp_path / "b.sqlite3")
    open_database(url).dispose()
    db = open_database(url)
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar() == "0006_capture_claims"


# ---------------------------------------------------------------------------------------------------
# A migration killed half-way (issue 17, item 4)

import os  # noqa: E402
import signal  # noqa: E402
import sqlite3  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

REPO = Path(__file__).resolve().parents[1]

# Runs the real first migration and stops (sleeps) just before the third table is created, after
# writing a marker, so the test can kill -9 it at that exact point.
_SLOW_MIGRATION = """
import sys, time
from pathlib import Path
from sqlalchemy import event
from sqlalchemy.engine import Engine
from archive.db import sqlite_url, upgrade

marker = Path(sys.argv[2])

@event.listens_for(Engine, "before_cursor_execute")
def _pause(conn, cursor, statement, params, context, executemany):
    if statement.lstrip().upper().startswith("CREATE TABLE") and "documents" in statement.split("(")[0]:
        marker.write_text("in the middle")
        time.sleep(120)

upgrade(sqlite_url(sys.argv[1]))
"""


def _cli(data_dir: Path, *args: str) -> subprocess.CompletedProcess:
    env = clean_env()
    return subprocess.run([sys.executable, "-m", "disclosure", "--data-dir", str(data_dir), *args],
                          capture_output=True, text=True, timeout=120, env=env, cwd=data_dir)


def _tables(path: Path) -> set[str]:
    with sqlite3.connect(path) as conn:
        return {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}


def test_kill_9_during_the_first_migration_leaves_no_half_schema(tmp_path):
    db_file = tmp_path / "archive.sqlite3"
    marker = tmp_path / "marker"
    proc = subprocess.Popen([sys.executable, "-c", _SLOW_MIGRATION, str(db_file), str(marker)],
                            env={**os.environ, "PYTHONPATH": str(REPO)}, cwd=REPO)
    deadline = time.monotonic() + 60
    while not marker.exists():
        assert proc.poll() is None and time.monotonic() < deadline, "the migration never reached its middle"
        time.sleep(0.05)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    # All or nothing: the tables created before the kill were rolled back with it.
    assert _tables(db_file) - {"alembic_version"} == set()

    later = _cli(tmp_path, "db", "current")
    assert later.returncode == 0 and "Traceback" not in later.stderr
    upgraded = _cli(tmp_path, "db", "upgrade")
    assert upgraded.returncode == 0, upgraded.stderr
    assert "database at revision" in upgraded.stdout
    status = _cli(tmp_path, "status")
    assert status.returncode == 0, status.stderr


def _half_schema(tmp_path: Path, name: str) -> tuple[Path, Path]:
    """A data directory whose database is what a first migration killed by the old code left (two of its
    tables, no version), and a fully migrated reference database."""
    reference = tmp_path / "ref.sqlite3"
    if not reference.exists():
        open_database(sqlite_url(reference)).dispose()
    with sqlite3.connect(reference) as ref:
        ddl = [r[0] for r in ref.execute("SELECT sql FROM sqlite_master WHERE type = 'table'"
                                        " AND name IN ('portals', 'crawl_runs')")]
    data = tmp_path / name
    data.mkdir()
    with sqlite3.connect(data / "archive.sqlite3") as conn:
        for statement in ddl:
            conn.execute(statement)
    return data, reference


def test_db_upgrade_repairs_what_a_killed_migration_left(tmp_path):
    data, reference = _half_schema(tmp_path, "data")
    upgraded = _cli(data, "db", "upgrade")
    assert upgraded.returncode == 0, upgraded.stderr
    assert _tables(data / "archive.sqlite3") == _tables(reference)
    # Every command works again, including the automatic upgrade at start.
    again, _reference = _half_schema(tmp_path, "again")
    status = _cli(again, "status")
    assert status.returncode == 0, status.stderr


def test_a_versionless_database_holding_rows_is_never_dropped(tmp_path):
    data, _reference = _half_schema(tmp_path, "data")
    with sqlite3.connect(data / "archive.sqlite3") as conn:
        conn.execute("INSERT INTO portals (profile, name, base_url, created_at) VALUES ('x', 'x', 'x', '2026-01-01')")
    for args in (("db", "upgrade"), ("status",)):
        result = _cli(data, *args)
        assert result.returncode == 1, result
        assert "Traceback" not in result.stderr and "hold rows" in result.stderr
    with sqlite3.connect(data / "archive.sqlite3") as conn:
        assert conn.execute("SELECT count(*) FROM portals").fetchone() == (1,)


def test_the_shipped_head_read_from_the_files_is_alembics():
    """`open_database` checks the schema against heads read from the migration files without Alembic: they
    must be the heads Alembic itself finds (a new migration that parses differently falls back to Alembic)."""
    from alembic.script import ScriptDirectory

    from archive.db import alembic_config, shipped_heads

    alembic_heads = set(ScriptDirectory.from_config(alembic_config("sqlite://")).get_heads())
    assert shipped_heads() == alembic_heads and len(alembic_heads) == 1
