"""Logging for unattended runs: one JSON line per event in the log file, a short human view on the terminal.

Cron mails whatever a job prints, so the terminal gets only the summary (and warnings); progress lines are
drawn only when stderr is a terminal. Everything else goes to the log file as JSON lines
(``{"ts": …, "level": …, "event": …, "run_id": …, …}``) that ``jq`` or a log shipper can read.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import sys
import uuid
from pathlib import Path
from typing import Any, TextIO

_LEVELS = {"debug": logging.DEBUG, "info": logging.INFO, "warning": logging.WARNING, "error": logging.ERROR}


def _jsonable(value: Any) -> Any:
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [_jsonable(v) for v in value]
    return str(value)


class EventLog:
    """Writes structured events (JSON lines) to a file; safe to use when the file cannot be opened.

    Several runs may append to the same file (a run that finds the lock held still logs that), so each line
    is written with one ``write`` call on a file opened in append mode.
    """

    def __init__(self, path: Path | None, run_id: str | None = None):
        self.path = path
        self.run_id = run_id or uuid.uuid4().hex[:12]
        self._fh: TextIO | None = None
        self.open_error: str | None = None
        if path is not None:
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                self._fh = open(path, "a", encoding="utf-8")  # noqa: SIM115 - closed in close()
            except OSError as exc:
                # A run must not die because its log cannot be written; the terminal summary still tells.
                self.open_error = f"cannot open log file {path}: {exc}"

    def event(self, event: str, level: str = "info", **fields: Any) -> None:
        """Record one event: ``event`` is a dotted name (``portal.step``), ``fields`` its data."""
        record = {"ts": dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds"), "level": level,
                  "event": event, "run_id": self.run_id, "pid": os.getpid()}
        record.update({k: _jsonable(v) for k, v in fields.items()})
        if self._fh is not None:
            self._fh.write(json.dumps(record, ensure_ascii=False) + "\n")
            self._fh.flush()

    def close(self) -> None:
        """Close the file (idempotent)."""
        if self._fh is not None:
            self._fh.close()
            self._fh = None

    def __enter__(self) -> EventLog:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class EventLogHandler(logging.Handler):
    """Forwards Python logging records (library warnings and errors) into the event log."""

    def __init__(self, log: EventLog, level: int = logging.WARNING):
        super().__init__(level)
        self.log = log

    def emit(self, record: logging.LogRecord) -> None:
        try:
            level = record.levelname.lower()
            self.log.event("log", level=level if level in _LEVELS else "info", logger=record.name,
                           message=record.getMessage())
        except Exception:  # noqa: BLE001 - logging must never raise
            self.handleError(record)


class Progress:
    """A one-line progress display, drawn only when the stream is a terminal (never in cron mail)."""

    def __init__(self, stream: TextIO | None = None, enabled: bool | None = None):
        self.stream = stream or sys.stderr
        self.enabled = self.stream.isatty() if enabled is None else enabled
        self._width = 0

    def update(self, text: str) -> None:
        """Replace the progress line with ``text``."""
        if not self.enabled:
            return
        pad = max(0, self._width - len(text))
        self.stream.write("\r" + text + " " * pad)
        self.stream.flush()
        self._width = len(text)

    def done(self) -> None:
        """Clear the progress line."""
        if self.enabled and self._width:
            self.stream.write("\r" + " " * self._width + "\r")
            self.stream.flush()
            self._width = 0
