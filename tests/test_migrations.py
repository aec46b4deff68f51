"""The Alembic migrations and the models describe the same schema."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from archive.db import open_database, sqlite_url
from archive.models import Base


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
        assert conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar() == "0002_listed_publisher"
