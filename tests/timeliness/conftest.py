"""Fixtures: a real SQLite archive database (migrated) and a builder to fill it through the models."""

from __future__ import annotations

import shutil

import pytest

from archive.db import open_database, sqlite_url

from .builder import ArchiveBuilder


@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory):
    """One migrated empty database; tests get copies (running Alembic per test costs about a second)."""
    path = tmp_path_factory.mktemp("template") / "archive.sqlite3"
    open_database(sqlite_url(path)).dispose()
    return path


@pytest.fixture
def db_path(tmp_path, migrated_template):
    path = tmp_path / "archive.sqlite3"
    shutil.copy(migrated_template, path)
    return path


@pytest.fixture
def db(db_path):
    database = open_database(sqlite_url(db_path), migrate=False)
    yield database
    database.dispose()


@pytest.fixture
def session(db):
    with db.session() as s:
        yield s


@pytest.fixture
def build(session):
    return ArchiveBuilder(session)
