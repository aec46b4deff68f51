"""Database engine, sessions and migrations.

SQLite by default (a file in the data directory, WAL mode so readers never block the writer);
PostgreSQL by URL. The schema is owned by Alembic: :func:`upgrade` applies the migrations shipped in
``archive/migrations`` and every command calls :func:`open_database`, which does it on first use.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event, inspect
from sqlalchemy.orm import Session, sessionmaker

from archive.resources import resource_dir

MIGRATIONS_DIR = resource_dir("archive", "migrations")  # a real folder, also inside a Scrapyd egg


def sqlite_url(path: str | Path) -> str:
    """The SQLAlchemy URL of a SQLite file."""
    return f"sqlite:///{Path(path).resolve()}"


def absolute_database_url(url: str) -> str:
    """``url`` with a relative SQLite file made absolute (from the working directory); other URLs unchanged.

    A relative ``sqlite:///archive.sqlite3`` names a different file in every process that starts
    elsewhere (the crawl worker does): fixed once, when the configuration is read.
    """
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        parsed = make_url(url)
    except (ArgumentError, ValueError):
        return url  # not a URL at all: opening it reports the problem
    name = parsed.database
    if (not parsed.drivername.startswith("sqlite") or not name or name == ":memory:"
            or name.startswith("file:") or Path(name).is_absolute()):
        return url
    return parsed.set(database=str(Path(name).expanduser().resolve())).render_as_string(hide_password=False)


def _ensure_sqlite_dir(url: str) -> None:
    """Create the folder of a SQLite file (a fresh data directory has none)."""
    if url.startswith("sqlite:///") and not url.startswith("sqlite:///:memory:"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)


def make_engine(url: str) -> Engine:
    """Create an engine; SQLite files get WAL, a busy timeout and enforced foreign keys."""
    if url.startswith("sqlite"):
        _ensure_sqlite_dir(url)
        engine = create_engine(url, connect_args={"timeout": 60})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record):  # pragma: no cover - exercised by every test
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.close()

        return engine
    return create_engine(url, pool_pre_ping=True)


def alembic_config(url: str) -> Config:
    """An Alembic config pointing at the migrations shipped inside the package."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def upgrade(url: str, revision: str = "head") -> None:
    """Apply migrations up to ``revision`` (``disclosure db upgrade``)."""
    _ensure_sqlite_dir(url)
    command.upgrade(alembic_config(url), revision)


def current_revision(engine: Engine) -> str | None:
    """The schema revision recorded in the database, or None for an empty one."""
    if not inspect(engine).has_table("alembic_version"):
        return None
    with engine.connect() as conn:
        return conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()


class Database:
    """An engine plus a session factory: the one handle the other packages take."""

    def __init__(self, url: str):
        self.url = url
        self.engine = make_engine(url)
        self.sessionmaker = sessionmaker(self.engine, expire_on_commit=False)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session that commits on success and rolls back on error."""
        session = self.sessionmaker()
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    def dispose(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()


def open_database(url: str, migrate: bool = True) -> Database:
    """Open the archive database, applying pending migrations first unless ``migrate`` is False."""
    if migrate:
        upgrade(url)
    return Database(url)
