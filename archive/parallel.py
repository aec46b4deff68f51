"""Parse captures ahead of the ingest in worker processes (``disclosure ingest --workers N``).

The ingest's writes stay in one process, in fetch order (SQLite has one writer; document identity
depends on what came before). Only the CPU-bound part moves out: reading a capture's WARC record and
running the parser. :class:`ParsePool` keeps a window of captures parsing in ``workers`` processes
ahead of the writer; the writer asks for a capture's result when it reaches it and parses in place
whatever was not prefetched (a custom parser, an attachment whose file name the page's link gives).
"""

from __future__ import annotations

import multiprocessing
import os
from collections import deque
from collections.abc import Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

from archive.attachments_meta import filename_from_headers, filename_from_url
from archive.db import Database
from archive.identity import is_mobile_twin
from archive.models import Capture
from archive.parse.model import ParsedDocument
from archive.parse.pipeline import _ext
from archive.parse_inputs import archived_body_image, stored_ocr_by_sha

# Captures parsing ahead of the writer, per worker: enough to keep every worker busy, few enough that
# parsed documents waiting for the writer stay a few megabytes.
WINDOW_PER_WORKER = 8
_META_CHUNK = 400


def default_workers() -> int:
    """The machine's cores (at least 1)."""
    return max(1, os.cpu_count() or 1)


@dataclass(frozen=True)
class ParseTask:
    """What a worker needs to read and parse one capture without the database."""

    capture_id: int
    warc_file: str
    warc_offset: int
    sha256: str
    size: int
    url: str
    content_type: str | None
    column_kind: str | None
    attachment: bool
    ocr_run: bool = True  # may OCR run (False: ``reparse`` without ``--ocr`` reads archived results only)
    stored_ocr: dict[int, dict] | None = None  # the OCR result archived for this file, reused page by page


@dataclass
class ParseOutcome:
    """A worker's answer: the parsed document or the exception the parser raised (re-raised by the writer)."""

    filename: str | None
    parsed: ParsedDocument | None = None
    error: BaseException | None = None
    ocr_stats: dict[str, float] | None = None  # what this parse added to the worker's OCR counters


# ------------------------------------------------------------------ in the worker process
_STORE = None
_DB: Database | None = None


def _init_worker(warc_dir: str, database_url: str) -> None:
    global _STORE, _DB
    from archive.rawstore import RawStore

    _STORE = RawStore(Path(warc_dir))
    # The worker's own connection (a forked one must not share the writer's): it only reads, to find the
    # archived pictures of a page whose tables are images.
    _DB = Database(database_url)


def _parse_task(task: ParseTask) -> ParseOutcome:
    from archive.parse import ocr, parse_document
    from archive.parse.image_tables import body_image_ocr_enabled
    from archive.parse.ocr import OcrOptions

    assert _STORE is not None and _DB is not None
    try:
        raw = _STORE.read(task.warc_file, task.warc_offset, sha256=task.sha256, size=task.size)
    except Exception:  # noqa: BLE001 - the writer reads it again and records the failure itself
        return ParseOutcome(filename=None)
    filename = (filename_from_headers(raw.header("Content-Disposition")) or filename_from_url(task.url)) \
        if task.attachment else None
    kwargs: dict[str, object] = {"url": task.url, "content_type": task.content_type or raw.content_type,
                                 "filename": filename, "column_kind": task.column_kind,
                                 "ocr": OcrOptions(run=task.ocr_run, stored=task.stored_ocr)}
    before = dict(ocr.STATS)
    try:
        with _DB.session() as session:
            if body_image_ocr_enabled() and not task.attachment:
                kwargs["body_images"] = lambda url: archived_body_image(session, _STORE, url)
            parsed = parse_document(raw.body, **kwargs)
        return ParseOutcome(filename, parsed=parsed, ocr_stats={k: ocr.STATS[k] - before[k] for k in before})
    except BaseException as exc:  # noqa: BLE001 - handed to the writer, which classifies it
        try:
            import pickle

            pickle.dumps(exc)
        except Exception:  # noqa: BLE001
            exc = RuntimeError(f"{type(exc).__name__}: {exc}")
        return ParseOutcome(filename, error=exc)


# ------------------------------------------------------------------ in the writer
class ParsePool:
    """``workers`` parser processes fed in fetch order, a bounded window ahead of the writer."""

    def __init__(self, db: Database, warc_dir: Path, workers: int, ocr: bool = True):
        self.db = db
        self.workers = workers
        self.ocr = ocr
        # fork keeps start-up cheap (the parser's imports are inherited); spawn where fork is unsafe.
        method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
        self._executor = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context(method),
                                             initializer=_init_worker, initargs=(str(warc_dir), db.url))
        self._queue: deque[int] = deque()
        self._futures: dict[int, Future[ParseOutcome]] = {}
        self._window = workers * WINDOW_PER_WORKER
        self.hits = 0

    def plan(self, capture_ids: Sequence[int]) -> None:
        """Parse these captures in this order (the order the writer will ask for them)."""
        self._queue.extend(capture_ids)
        self._top_up()

    def _top_up(self) -> None:
        # Only unfinished work counts: results the writer will take later (deferred attachments) wait aside.
        room = self._window - sum(1 for f in self._futures.values() if not f.done())
        while self._queue and room > 0:
            chunk = []
            while self._queue and len(chunk) < min(_META_CHUNK, room):
                chunk.append(self._queue.popleft())
            room -= len(chunk)
            for task in self._tasks(chunk):
                self._futures[task.capture_id] = self._executor.submit(_parse_task, task)

    def _tasks(self, ids: list[int]) -> list[ParseTask]:
        with self.db.session() as session:
            rows = {c.id: c for c in session.scalars(select(Capture).where(Capture.id.in_(ids)))}
            ocr_results = stored_ocr_by_sha(session, (c.sha256 for c in rows.values()))
            tasks = []
            for i in ids:
                c = rows.get(i)
                if c is None or not 200 <= c.status < 300 or c.warc_file is None:
                    continue
                if c.role == "document" and is_mobile_twin(c.url):
                    continue  # usually not parsed at all (see _Ingestor._process)
                tasks.append(ParseTask(c.id, c.warc_file, c.warc_offset, c.sha256, c.size, c.url,
                                       c.content_type, c.column_kind, attachment=c.role == "attachment",
                                       ocr_run=self.ocr, stored_ocr=ocr_results.get(c.sha256)))
        return tasks

    def take(self, capture_id: int, url: str, filename: str | None) -> ParseOutcome | None:
        """The prefetched result for this capture (parsed as this file name's type), or None."""
        future = self._futures.pop(capture_id, None)
        self._top_up()
        if future is None:
            return None
        outcome = future.result()
        if outcome.ocr_stats:
            from archive.parse.ocr import add_stats

            add_stats(outcome.ocr_stats)  # the command's OCR summary counts the workers' pages too
        if outcome.parsed is None and outcome.error is None:
            return None  # the worker could not read it: the writer reads it and says why
        if outcome.filename != filename and _ext(outcome.filename, url) != _ext(filename, url):
            return None  # the name only picks the file type: another extension, another parse
        self.hits += 1
        return outcome

    def close(self) -> None:
        """Stop the workers (results not taken are dropped)."""
        for future in self._futures.values():
            future.cancel()
        self._futures.clear()
        self._queue.clear()
        self._executor.shutdown(wait=True, cancel_futures=True)
