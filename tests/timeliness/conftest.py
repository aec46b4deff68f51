"""Fixtures: a real SQLite archive database (migrated) and a builder to fill it through the models."""

from __future__ import annotations

import pytest

from archive.db import open_database, sqlite_url

from .builder import ArchiveBuilder


@pytest.fixture
def db(tmp_path):
    database = open_database(sqlite_url(tmp_path / "archive.sqlite3"))
    yield database
    database.dispose()


@pytest.fixture
def session(db):
    with db.session() as s:
        yield s


@pytest.fixture
def build(session):
    return ArchiveBuilder(session)
