"""Database engine, sessions and migrations.

SQLite by default (a file in the data directory, WAL mode so readers never block the writer);
PostgreSQL by URL. The schema is owned by Alembic: :func:`upgrade` applies the migrations shipped in
``archive/migrations`` and every command calls :func:`open_database`, which does it on first use.

Migrations are all-or-nothing and serialised: on SQLite each upgrade runs in one ``BEGIN IMMEDIATE``
transaction (pysqlite would otherwise commit every ``CREATE TABLE`` on its own, so a kill mid-migration
left half a schema without a version), on PostgreSQL under a transaction-scoped advisory lock. A second
process migrating at the same time waits for the first and then finds nothing to do. A database already
at head is checked read-only (no write lock; a read-only database still opens).
"""

from __future__ import annotations

import ast
import functools
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, Engine, create_engine, event, inspect
from sqlalchemy.exc import OperationalError, ProgrammingError
from sqlalchemy.orm import Session, sessionmaker

if TYPE_CHECKING:
    from alembic.config import Config

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
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


class SchemaError(Exception):
    """The database cannot be migrated safely (the message says why and what to do)."""


# Any constant: the key of PostgreSQL's advisory lock that serialises migrations.
_PG_MIGRATION_LOCK = 7_310_017


def migration_engine(url: str) -> Engine:
    """An engine for migrations: every transaction takes the write lock first and includes DDL.

    pysqlite opens a transaction only before INSERT/UPDATE/DELETE, so DDL would commit statement by
    statement; here its transaction handling is off and each transaction starts with ``BEGIN IMMEDIATE``
    (SQLite's DDL is transactional). PostgreSQL's DDL is transactional already; its migrations are
    serialised by an advisory lock taken at the start of the transaction.
    """
    engine = make_engine(url)
    if url.startswith("sqlite"):
        @event.listens_for(engine, "connect")
        def _no_driver_transactions(dbapi_conn, _record):  # pragma: no cover - exercised by every test
            dbapi_conn.isolation_level = None

        @event.listens_for(engine, "begin")
        def _begin_immediate(conn):  # pragma: no cover - exercised by every test
            conn.exec_driver_sql("BEGIN IMMEDIATE")
    elif url.startswith("postgresql"):
        @event.listens_for(engine, "begin")
        def _advisory_lock(conn):  # pragma: no cover - needs a PostgreSQL server
            conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({_PG_MIGRATION_LOCK})")
    return engine


@functools.cache
def shipped_heads() -> frozenset[str]:
    """The newest revision(s) of the shipped migrations, read from their files' ``revision`` and
    ``down_revision`` lines (Alembic's own reading costs a fifth of a second of imports, and every crawler,
    writer and command process asks); empty when a file does not parse that way."""
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in sorted((MIGRATIONS_DIR / "versions").glob("*.py")):
        found = {}
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
                found[node.targets[0].id] = node.value
        if "revision" not in found:
            continue
        try:
            revision, down = ast.literal_eval(found["revision"]), ast.literal_eval(found.get("down_revision"))
        except ValueError:
            return frozenset()
        revisions.add(revision)
        parents.update((down,) if isinstance(down, str) else (down or ()))
    return frozenset(revisions - parents)


def _at_head(url: str) -> bool:
    """True when the database is at the newest revision (read only: takes no write lock)."""
    heads = shipped_heads()
    if not heads:
        from alembic.script import ScriptDirectory

        heads = frozenset(ScriptDirectory.from_config(alembic_config(url)).get_heads())
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            try:
                current = {row[0] for row in conn.exec_driver_sql("SELECT version_num FROM alembic_version")}
            except (OperationalError, ProgrammingError):  # no version table yet: a new database
                return False
            return current == heads
    finally:
        engine.dispose()


def _clear_killed_migration(conn: Connection) -> None:
    """Drop what a first migration killed before it recorded a version left behind (SQLite only).

    Only our own tables, only when the database has no version and every table is empty: a killed first
    migration wrote no rows. Anything else is refused (nothing is ever dropped that holds data).
    """
    from archive.models import Base

    if conn.dialect.name != "sqlite":
        return  # PostgreSQL rolls a killed migration back by itself
    tables = set(inspect(conn).get_table_names())
    if not tables or ("alembic_version" in tables
                      and conn.exec_driver_sql("SELECT count(*) FROM alembic_version").scalar()):
        return
    strange = sorted(tables - set(Base.metadata.tables) - {"alembic_version"})
    if strange:
        raise SchemaError(f"the database has no schema version and tables that are not the archive's "
                          f"({', '.join(strange[:5])}); is it the right file?")
    filled = sorted(t for t in tables if conn.exec_driver_sql(f'SELECT 1 FROM "{t}" LIMIT 1').first())
    if filled:
        raise SchemaError(f"the database has no schema version but its tables hold rows "
                          f"({', '.join(filled[:5])}); not touching it: restore a backup or stamp it by hand")
    ordered = [t.name for t in reversed(Base.metadata.sorted_tables) if t.name in tables]
    for name in ordered + sorted(tables - set(ordered)):
        conn.exec_driver_sql(f'DROP TABLE "{name}"')


def upgrade(url: str, revision: str = "head") -> None:
    """Apply migrations up to ``revision`` (``disclosure db upgrade``), atomically and one process at a time.

    Also repairs what a first migration killed by an older version of this code left (half a schema
    and no version: empty tables, dropped and created again).
    """
    _ensure_sqlite_dir(url)
    if revision == "head" and _at_head(url):
        return
    from alembic import command

    engine = migration_engine(url)
    try:
        with engine.begin() as conn:
            _clear_killed_migration(conn)
            cfg = alembic_config(url)
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, revision)
    finally:
        engine.dispose()


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


class KeptConnection:
    """One connection kept open for many short transactions: for code that runs a statement or two per item,
    thousands of times (a session, or a pool checkout, per item cost more than the queries)."""

    def __init__(self, engine: Engine):
        self.engine = engine
        self._conn: Connection | None = None

    def connection(self) -> Connection:
        """The kept connection, opened again after the database dropped it."""
        if self._conn is None or self._conn.closed or self._conn.invalidated:
            self._conn = self.engine.connect()
        return self._conn

    @contextmanager
    def transaction(self) -> Iterator[Connection]:
        """One short transaction on the kept connection (committed on success)."""
        conn = self.connection()
        with conn.begin():
            yield conn

    def close(self) -> None:
        """Give the connection back."""
        if self._conn is not None:
            self._conn.close()
            self._conn = None


def open_database(url: str, migrate: bool = True) -> Database:
    """Open the archive database, applying pending migrations first unless ``migrate`` is False."""
    if migrate:
        upgrade(url)
    return Database(url)
