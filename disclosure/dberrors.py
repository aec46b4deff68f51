"""A database that cannot be opened, said in one line: a bad URL or a missing driver is a configuration
error (exit 6), a server that does not answer is a failure (exit 1)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class DatabaseProblem:
    """What to tell the user, and whether it is the configuration's fault (else the server's)."""

    message: str
    configuration: bool


def redact_url(url: str) -> str:
    """A database URL without its password (it goes into logs and messages)."""
    if "://" not in url or "@" not in url:
        return url
    scheme, rest = url.split("://", 1)
    creds, host = rest.rsplit("@", 1)
    user = creds.split(":", 1)[0]
    return f"{scheme}://{user}:***@{host}" if ":" in creds else url


def database_problem(exc: BaseException, url: str) -> DatabaseProblem:
    """Classify an exception raised while opening (connecting to, migrating) the database at ``url``."""
    from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError

    shown = redact_url(url)
    if isinstance(exc, ArgumentError | NoSuchModuleError):
        return DatabaseProblem(f"database_url {shown!r} is not a usable SQLAlchemy URL: {_first_line(exc)}", True)
    if isinstance(exc, ImportError):
        return DatabaseProblem(f"the database driver for {shown} is not installed ({_first_line(exc)}); for "
                               "PostgreSQL: pip install 'psycopg[binary]' (or the project's [scale] extra)", True)
    detail = exc.orig if isinstance(exc, DBAPIError) and exc.orig is not None else exc
    return DatabaseProblem(f"cannot open the database {shown}: {type(detail).__name__}: {_first_line(detail)}",
                           False)


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
