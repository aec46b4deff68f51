"""Database backends for the scale-path tests: SQLite always, PostgreSQL from DISCLOSURE_TEST_POSTGRES_URL.

Outside CI a missing PostgreSQL server skips those params with the reason; in CI (``CI=true``) it fails, so
the PostgreSQL path can never pass silently. Each test gets its own fresh database.
"""

from __future__ import annotations

import os
import uuid

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url


def _in_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


def require_service(env_var: str, what: str) -> str:
    """The service URL from ``env_var``; skip outside CI, fail in CI when it is missing."""
    url = os.environ.get(env_var)
    if url:
        return url
    message = f"{what} not configured: set {env_var} (source .ci/services.sh && start_services)"
    if _in_ci():
        pytest.fail(f"CI=true but {message}")
    pytest.skip(message)


@pytest.fixture
def postgres_url():
    """A fresh, empty PostgreSQL database (dropped afterwards)."""
    server_url = make_url(require_service("DISCLOSURE_TEST_POSTGRES_URL", "PostgreSQL"))
    name = f"disclosure_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield server_url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request, tmp_path):
    """The archive database URL on each backend."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'archive.sqlite3'}"
    return request.getfixturevalue("postgres_url")
